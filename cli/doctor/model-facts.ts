import { installCommand, missingTools } from "../_tools.js";
import type { DoctorFacts } from "./checks.js";

/**
 * The model the sidecar would get here, probed with Pi itself (loaded only now: doctor's other
 * checks need nothing of Pi). Without the Pi SDK where Spark runs there is no sidecar at all.
 */
export async function modelFacts(root: string, wanted: string | undefined): Promise<DoctorFacts["model"]> {
  if (missingTools(["pi"]).length > 0) return { state: "no-sdk", install: installCommand(["pi"]) };
  try {
    const { probeSidecarModel } = await import("../../sidecar/model-probe.js");
    return await probeSidecarModel(root, wanted);
  } catch (error) {
    return { state: "error", message: (error as Error).message.split("\n")[0] ?? String(error) };
  }
}
