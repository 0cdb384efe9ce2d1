import { FRAMEWORKS, wiringAdvice } from "../init/framework.js";
import type { FrameworkFact } from "../init/framework-files.js";
import type { Check } from "./checks.js";

/** What doctor knows of one framework the app uses. */
export interface FrameworkStatus {
  name: string;
  /** The file that wires Spark's integration, if any. */
  wiredIn: string | undefined;
  /** The import and the line to add, and where. */
  advice: string;
}

/** Doctor's view of the frameworks init found. */
export function frameworkStatuses(facts: FrameworkFact[]): FrameworkStatus[] {
  return facts.map((f) => ({ name: f.framework.name, wiredIn: f.wiredIn, advice: wiringAdvice(f.framework) }));
}

/** Whether each web framework the app uses has Spark's integration wired. */
export function frameworkCheck(frameworks: FrameworkStatus[]): Check {
  const base = { id: "framework", title: "Framework" };
  if (frameworks.length === 0) {
    const known = FRAMEWORKS.map((f) => f.name).join(", ");
    return { ...base, status: "ok", detail: `none of ${known} in package.json: the handler wrappers serve` };
  }
  const missing = frameworks.filter((f) => f.wiredIn === undefined);
  const wired = frameworks.filter((f) => f.wiredIn !== undefined).map((f) => `${f.name} (${f.wiredIn})`);
  if (missing.length === 0) return { ...base, status: "ok", detail: `integration wired: ${wired.join(", ")}` };
  const names = missing.map((f) => f.name).join(" and ");
  return {
    ...base,
    status: "warn",
    detail: `${names} installed, but Spark's integration is not wired: its errors reach Spark without their stack and route pattern, or not at all`,
    next: `Run \`manifest spark init --yes\`, or add ${missing.map((f) => f.advice).join("; and ")}.`,
    ...(wired.length > 0 ? { lines: [`wired: ${wired.join(", ")}`] } : {}),
  };
}
