/**
 * Names on the hub, pure. One stream per project holds its pending events; the presence and
 * pause buckets are shared by every project on the hub, keyed by project.
 *
 *   subject   spark.<project>.events.<type>
 *   stream    spark-events-<project>        (work queue: an acked event is gone)
 *   consumer  sidecars                      (durable pull consumer shared by every sidecar machine)
 *   presence  bucket spark-presence, key <project>.<machine>   (TTL: a silent machine vanishes)
 *   pause     bucket spark-pause, key <project>
 */
import { HUB_NAME_PATTERN } from "../bus/config-schema.js";

export const STREAM_PREFIX = "spark-events-";
export const CONSUMER_NAME = "sidecars";
export const PRESENCE_BUCKET = "spark-presence";
export const PAUSE_BUCKET = "spark-pause";

/** The subject an event of `type` is published on. */
export function eventSubject(project: string, type: string): string {
  return `spark.${project}.events.${type}`;
}

/** Every event subject of a project (the stream's and the consumer's filter). */
export function projectSubjects(project: string): string {
  return `spark.${project}.events.>`;
}

/** The stream of a project's events. */
export function streamName(project: string): string {
  return `${STREAM_PREFIX}${project}`;
}

/** The project a stream belongs to, or undefined for a stream that is not Spark's. */
export function projectOfStream(stream: string): string | undefined {
  const project = stream.startsWith(STREAM_PREFIX) ? stream.slice(STREAM_PREFIX.length) : "";
  return HUB_NAME_PATTERN.test(project) ? project : undefined;
}

/** The presence key of one machine in one project. */
export function presenceKey(project: string, machine: string): string {
  return `${project}.${machine}`;
}

/** The keys of every machine of a project (a KV watch or list filter). */
export function projectPresenceKeys(project: string): string {
  return `${project}.*`;
}

/** `<project>.<machine>` → both parts; undefined for a key Spark did not write. */
export function parsePresenceKey(key: string): { project: string; machine: string } | undefined {
  const [project, machine, ...rest] = key.split(".");
  if (rest.length > 0 || project === undefined || machine === undefined) return undefined;
  return HUB_NAME_PATTERN.test(project) && HUB_NAME_PATTERN.test(machine) ? { project, machine } : undefined;
}

/**
 * Turns any name into a hub name: letters, digits, `_` and `-` (others become `-`), at most 64.
 * Undefined when nothing usable is left. `@scope/app` → `scope-app`.
 */
export function toHubName(raw: string): string | undefined {
  const cleaned = raw
    .replace(/^@/, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return HUB_NAME_PATTERN.test(cleaned) ? cleaned : undefined;
}
