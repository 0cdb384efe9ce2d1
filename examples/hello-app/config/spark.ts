import { defineSparkConfig } from "manifest-spark";

export default defineSparkConfig({
  // Short windows so the example reacts at once.
  debounce: { windowMs: 300 },
});
