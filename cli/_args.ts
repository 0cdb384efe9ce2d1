/** The `--json` flag every command takes. */
export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON document (NDJSON for streams) and nothing else on stdout" },
} as const;
