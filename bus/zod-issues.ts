import type * as z from "zod/mini";

/** `a.b[2].c` for an issue path; `(root)` for the whole value. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One plain-English sentence for a zod issue, naming the field. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issuePath(issue.path);
  switch (issue.code) {
    case "invalid_type":
      return `\`${at}\` must be ${article(issue.expected)}`;
    case "invalid_value":
      return `\`${at}\` must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `\`${at}\` must be ${issue.inclusive ? "at least" : "more than"} ${String(issue.minimum)}`;
    case "too_big":
      return `\`${at}\` must be ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}`;
    case "invalid_format":
      return `\`${at}\` must be a valid ${issue.format === "regex" ? `match for ${issue.pattern ?? "the pattern"}` : issue.format}`;
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "option" : "options"} ${issue.keys.map((k) => `\`${at === "(root)" ? k : `${at}.${k}`}\``).join(", ")}`;
    case "invalid_union":
      return `\`${at}\` has none of the accepted shapes`;
    default:
      return issue.message && issue.message !== "Invalid input"
        ? `\`${at}\`: ${issue.message}`
        : `\`${at}\` is invalid`;
  }
}

/** All issues of a failed parse, one per line. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map(describeIssue).join("; ");
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
