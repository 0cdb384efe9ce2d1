import { createHash } from "node:crypto";
import type { ServiceSpec } from "../sprites-api.js";
import type { StampedStep } from "./stamp.js";

/** Everything the Sprite's state is made from. */
export interface DesiredInputs {
  /** The tree id of the files sent, and each file's blob id. */
  code: { tree: string; blobs: ReadonlyMap<string, string> };
  /** This build of manifest-spark. */
  pkg: { version: string; hash: string };
  /** The tools installed beside it (exact `name@version` specs). */
  tools: readonly string[];
  /** The inspect database's schema version the layout step creates. */
  inspectSchema: number;
  /** What the model step writes: names and digests, never a secret's value. */
  model: { model?: string; modelUrl?: string; keyName?: string; keyDigest?: string; tokenDigest: string };
  services: { bridge: ServiceSpec; app: ServiceSpec };
}

/** The files whose content the layout depends on, besides those `spark init` touched. */
const LAYOUT_FILES = /^(package\.json|AGENTS\.md|CLAUDE\.md|config\/.*|\.pi\/.*)$/;

/**
 * The hash each step's result should have. A step's inputs include what it builds on: a new
 * package redoes the layout and restarts both services; a new key restarts the bridge; a
 * changed source file changes only the code (the app's restart follows the code step). Pure.
 */
export function desiredState(inputs: DesiredInputs): Record<StampedStep, string> {
  const { code } = inputs;
  const blob = (path: string) => code.blobs.get(path) ?? "-";
  const code_ = code.tree;
  const pkg = digest(
    "package/1",
    inputs.pkg.version,
    inputs.pkg.hash,
    ...inputs.tools,
    blob("package.json"),
    blob("package-lock.json"),
    blob("npm-shrinkwrap.json"),
  );
  const layoutBlobs = [...code.blobs.entries()]
    .filter(([path]) => LAYOUT_FILES.test(path))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, id]) => `${path}=${id}`);
  const layout = digest("layout/1", pkg, `inspect-schema=${inputs.inspectSchema}`, ...layoutBlobs);
  const m = inputs.model;
  const model = digest(
    "model/1",
    m.model ?? "-",
    m.modelUrl ?? "-",
    m.keyName ?? "-",
    m.keyDigest ?? "-",
    m.tokenDigest,
  );
  const bridge = digest("bridge/1", specText(inputs.services.bridge), pkg, model);
  const app = digest("app/1", specText(inputs.services.app), pkg);
  return { code: code_, package: pkg, layout, model, bridge, app };
}

/** A one-way digest of a secret, to notice it changed without keeping it. Pure. */
export function secretDigest(value: string): string {
  return createHash("sha256").update(`manifest-sprite-up\0${value}`).digest("hex").slice(0, 24);
}

function specText(spec: ServiceSpec): string {
  return JSON.stringify([
    spec.name,
    spec.cmd,
    spec.args ?? [],
    spec.dir ?? "",
    spec.httpPort ?? 0,
    spec.env ?? {},
    spec.envFiles ?? [],
  ]);
}

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);
}
