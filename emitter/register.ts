/**
 * `import "manifest-spark/register"` as the first line of an app's entry file: records
 * uncaught exceptions and unhandled rejections as Spark events.
 */
import { spark } from "./index.js";

spark.installProcessHooks();
