import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type MockModel, mockModelsJson } from "../fakes/mock-openai.js";
import { finished } from "./processes.js";
import { REPO } from "./repo.js";

/** The real `pi` CLI installed with the project. */
export const PI = join(REPO, "node_modules/.bin/pi");

/** A Pi agent folder for tests: models.json pointing at the mock model, nothing else. */
export function piAgentDir(root: string, model?: Pick<MockModel, "modelsJson">): string {
  const dir = join(root, ".test-pi-agent");
  mkdirSync(dir, { recursive: true });
  if (model) writeFileSync(join(dir, "models.json"), mockModelsJson(model));
  writeFileSync(
    join(dir, "settings.json"),
    JSON.stringify({ retry: { enabled: false }, compaction: { enabled: false } }),
  );
  return dir;
}

/**
 * Arguments for a hermetic `pi`: no session file, nothing discovered, only `extensions`, and
 * the mock model. The Spark extension is loaded from dist/ unless `extensions` says otherwise.
 */
export function hermeticPiArgs(extensions: string[] = [join(REPO, "dist", "pi-extension.js")]): string[] {
  return [
    "--no-session",
    "--no-extensions",
    "--no-skills",
    "-nc",
    ...extensions.flatMap((e) => ["-e", e]),
    "--model",
    "mock/mock-model",
  ];
}

/** Environment for a hermetic, offline `pi` run. */
export function piEnv(agentDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PI_CODING_AGENT_DIR: agentDir,
    PI_OFFLINE: "1",
    NO_PROXY: "127.0.0.1,localhost",
    SPARK_ROLE: "",
    SPARK_FAULT: "",
    ...extra,
  };
}

/** A `pi --mode rpc` process with a strict LF-delimited JSONL reader. */
export interface RpcPi {
  child: ChildProcess;
  /** Every JSON record Pi printed so far. */
  records: Array<Record<string, unknown>>;
  send(command: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export function startRpcPi(cwd: string, args: string[], env: NodeJS.ProcessEnv): RpcPi {
  const child = spawn(PI, ["--mode", "rpc", ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const records: Array<Record<string, unknown>> = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf("\n");
    while (nl !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== "") records.push(JSON.parse(line) as Record<string, unknown>);
      nl = buffer.indexOf("\n");
    }
  });
  const done = finished(child);
  return {
    child,
    records,
    send: (command) => child.stdin?.write(`${JSON.stringify(command)}\n`),
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGTERM"), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}
