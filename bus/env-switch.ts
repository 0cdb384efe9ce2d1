/**
 * `SPARK_ENABLED=0|false|no|off` turns Spark off; `1|true|yes|on` on; anything else defers to
 * the config. Dependency-free: the app-side emitter checks it before loading anything else.
 */
export function enabledFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  const raw = env.SPARK_ENABLED?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  return undefined;
}
