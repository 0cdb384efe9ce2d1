/**
 * `manifest-spark/bus`: the file bus in `.spark/` (see bus-protocol.md). Everything that
 * coordinates through Spark calls this module; it depends on nothing else of the project.
 */

export { type AgentsDiff, diffAgents } from "./agents-diff.js";
export {
  type ApprovalAnswer,
  type ApprovalCause,
  type ApprovalRequest,
  type ApprovalState,
  type ApprovalView,
  describeApproval,
  pickApproval,
} from "./approval-rules.js";
export {
  type AnswerResult,
  answerApproval,
  decideApproval,
  listApprovals,
  readApproval,
  requestApproval,
  waitForDecision,
} from "./approvals.js";
export {
  type BusEntry,
  EVENT_STATES,
  type EventState,
  entryWrittenAt,
  listEntries,
  matchEntries,
  readRejectReason,
  shortId,
  stateDir,
  typeFromName,
} from "./browse.js";
export { type BuiltEvent, buildEvent, type EventInput, normalizeError, type WriterContext } from "./build-event.js";
export { type BusChange, type BusDiff, createBusDiff } from "./bus-diff.js";
export {
  CONFIG_CANDIDATES,
  findConfigFile,
  findProjectRoot,
  type LoadedConfig,
  type LocatedProject,
  loadConfig,
  locateProject,
  SparkConfigError,
} from "./config-load.js";
export {
  BEHAVIORS,
  DEFAULT_ENVIRONMENTS,
  defineSparkConfig,
  type EnvironmentProfile,
  enabledFromEnv,
  parseSparkConfig,
  profileFor,
  resolveEnvironment,
  type SparkConfig,
  type SparkUserConfig,
  sparkConfigSchema,
  TOOL_LEVELS,
} from "./config-schema.js";
export {
  type Batch,
  type Consumer,
  type ConsumerOptions,
  type DeliveryOutcome,
  startConsumer,
} from "./consumer.js";
export { describeHold, evaluateHold, type HoldState } from "./effective-pause.js";
export { emitEvent, writerContext } from "./emit.js";
export { type EventKind, eventKind } from "./event-kind.js";
export { EVENT_TYPE_PATTERN, type EventNameParts, idFromFileName, newEventId, parseEventId } from "./event-name.js";
export { ERROR_EVENT_TYPES, type EventError, eventSchema, type SparkEvent } from "./event-schema.js";
export { type FingerprintInput, fingerprint, normalizeMessage, topFrame } from "./fingerprint.js";
export { describeEvent, errorHeadline, eventLocation } from "./format/describe.js";
export { formatEventJson, type GroupJson, groupsToJson } from "./format/json.js";
export { formatBatchPrompt, type PromptOptions } from "./format/prompt.js";
export { formatEventLine, formatGroupLine } from "./format/status-line.js";
export { terminalSafe } from "./format/terminal.js";
export { type EventGroup, fingerprintOf, groupEvents } from "./group.js";
export { type HoldNote, readHoldNote } from "./hold-note.js";
export { cleanDeadEntries, type DeadEntriesReport, type HousekeepingReport, housekeeping } from "./housekeeping.js";
export { LIMITS } from "./limits.js";
export {
  HEARTBEAT_INTERVAL_MS,
  isPresenceAlive,
  type LivenessFacts,
  type PidProbe,
  PRESENCE_TTL_MS,
  pidExists,
} from "./liveness.js";
export {
  applyRetention,
  type BusCounts,
  countEvents,
  expirePending,
  type RetentionOptions,
  sweepTmp,
  TMP_SWEEP_AGE_MS,
} from "./maintenance.js";
export { type BusObserver, type BusScan, type ObserveOptions, observeBus } from "./observe.js";
export { type BusPathOptions, type BusPaths, busPaths, claimDir, RESERVED_EVENT_DIRS } from "./paths.js";
export {
  clearPause,
  evaluatePause,
  type PauseInfo,
  type PauseState,
  pauseHolds,
  readPause,
  writePause,
} from "./pause.js";
export {
  type AgentPresence,
  type AgentRole,
  type AgentStatus,
  consumerAliveCheck,
  liveAgents,
  localLivenessFacts,
  newAgentId,
  newPresence,
  type PresenceEntry,
  readAgents,
  readPresence,
  removeDeadAgents,
  removePresence,
  writePresence,
} from "./presence.js";
export { deleteEntry, PURGEABLE_BY_DEFAULT, type PurgeSelection, selectForPurge } from "./purge.js";
export {
  ackClaimed,
  type ClaimBatchOptions,
  type ClaimBatchResult,
  type ClaimedEvent,
  claimBatch,
  claimFile,
  claimOwners,
  entryTime,
  listClaimed,
  listPending,
  type RejectedFile,
  releaseClaimed,
  releaseDeadClaims,
} from "./queue.js";
export { parseEventBytes, type ReadEventResult, readEventFile } from "./read-event.js";
export { REDACTED, type RedactOptions, redactText, redactValue, secretKeyMatcher } from "./redact.js";
export { redactToolOutput } from "./redact-tool-output.js";
export { REASON_SUFFIX, type RejectReason, rejectFile } from "./reject.js";
export { originalName, type RequeueOptions, type RequeueResult, requeueEntry } from "./requeue.js";
export { type LogFile, RUN_WINDOW_MS, type RunEvent, type RunFact, readRuns, recentRuns } from "./runs.js";
export { DIR_MODE, ensureBusDirs, ensurePrivateDir, FILE_MODE, writeFileAtomic } from "./secure-fs.js";
export {
  type AcquireResult,
  acquireSidecarLock,
  type HeldSidecarLock,
  lockRefusal,
  readSidecarLock,
  type SidecarLockInfo,
  sidecarLockPath,
} from "./sidecar-lock.js";
export { type AgentView, type BusSnapshot, busSnapshot, type HoldSnapshot, holdSnapshot } from "./snapshot.js";
export { type FolderWatcher, type HintSource, type WatchOptions, watchFolders } from "./watcher.js";
export { writeEvent } from "./write-event.js";
export { describeIssue, describeIssues, issuePath } from "./zod-issues.js";
