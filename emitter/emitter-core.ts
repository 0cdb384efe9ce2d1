/** Build entry of the lazily loaded emitter core (`dist/emitter-core.js`). */
export { createEmitterCore } from "./core.js";
