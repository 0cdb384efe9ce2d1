/**
 * The `config/spark.ts` that `manifest spark init` writes: every seed option with its default
 * and one line on what it does. A test loads it with the real config loader.
 */
export const CONFIG_TEMPLATE = `import { defineSparkConfig } from "manifest-spark";

// Spark's settings for this project. Every value below is the default (except production's
// tools): change what you need, delete what you do not. \`manifest doctor\` checks this file.
export default defineSparkConfig({
  // Master switch. SPARK_ENABLED=0 turns Spark off without editing this file.
  enabled: true,
  // Which profile of \`environments\` applies. SPARK_ENV wins over it; without either,
  // NODE_ENV is used, then "development".
  // environment: "development",

  // Where pending events and agent presence files live, relative to the project root.
  eventsDir: ".spark/events",
  agentsDir: ".spark/agents",

  watch: {
    // Uncaught exceptions and unhandled rejections (needs \`import "manifest-spark/register"\`).
    unhandledErrors: true,
    // Server errors: framework integrations (manifest-spark/express, …), spark.wrapNodeHandler, captureServerError.
    serverErrors: true,
    // Commands that fail under \`manifest run\`.
    processErrors: true,
  },

  // What the agent may do per environment. tools: "full", "approve" (write, edit and bash
  // wait for a person's yes: \`manifest spark approve <id>\`, the dashboard, /spark approve) or
  // "read-only" (no write, edit, bash); behavior: "fix" (change the code) or "investigate"
  // (report and propose only).
  environments: {
    development: { tools: "full", behavior: "fix" },
    // In production the agent reads text from the internet (requests, headers): a person says yes to each change.
    production: { tools: "approve", behavior: "fix" },
  },

  approvals: {
    // tools: "approve": a call nobody answers within this time is denied.
    timeoutMinutes: 10,
  },

  pause: {
    // A manual pause older than this no longer holds events (the sidecar clears it).
    staleThresholdMinutes: 30,
  },

  debounce: {
    // After the first new event, wait this long so a burst arrives as one message.
    windowMs: 1000,
  },

  // Checks the git hooks run through \`manifest run\` (\`manifest hooks install\`); a failing
  // check stops git and becomes a process-error event.
  // hooks: {
  //   "pre-push": ["npm test"],
  // },

  up: {
    // tmux session name for \`manifest up\` (default: the project folder's name).
    // session: "my-app",
    // The pane where you talk to Pi.
    human: "pi",
    // The pane that runs the app; through \`manifest run\` its crashes become events.
    app: "manifest run dev",
  },

  sidecar: {
    // The background agent's model as "provider/model" (default: Pi's own default).
    // model: "anthropic/claude-sonnet-4-5",
    // What a tool prints (a \`cat .env\`) reaches the model, the session log and the screens
    // with its secrets replaced by [REDACTED].
    redactToolOutput: true,
  },
});
`;
