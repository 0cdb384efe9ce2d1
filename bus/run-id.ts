/**
 * `manifest run` gives each run of its command an id in this variable. The app's process hooks
 * put it on the crash events they write (`runId`), and the run's own `process-error` carries
 * it too, so a reader folds the two into one problem (see groupEvents).
 */
export const RUN_ID_ENV = "SPARK_RUN_ID";

/** The run id this process was started under, if any (an id-like value only). */
export function currentRunId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[RUN_ID_ENV];
  return value && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : undefined;
}
