import { type ScriptedModel, type ScriptedTurn, startScriptedModel } from "./scripted-model.js";

/** The replay model as the sidecar's --model. */
export const REPLAY_MODEL = "replay/scripted-fix";

/** The edit that fixes examples/hello-app's bug (a one-word name has no last name). */
export const HELLO_APP_FIX_EDIT = {
  path: "features/create-user.js",
  edits: [{ oldText: "last.toUpperCase()", newText: '(last ?? "").toUpperCase()' }],
};

/** The fix of examples/hello-app's bug, as a model would make it. Used only under --replay. */
export const HELLO_APP_FIX: ScriptedTurn[] = [
  {
    text: "[REPLAY] The stack points at features/create-user.js: a one-word name has no last name.",
    tool: { name: "edit", args: HELLO_APP_FIX_EDIT },
  },
  {
    text:
      "[REPLAY] Fixed create-user: `last.toUpperCase()` threw when the name had no last name; it now uses an " +
      "empty one. (This fix was replayed from a script, not written by a live model.)",
  },
];

/**
 * Serves the scripted fix so `manifest demo --replay` can show the whole story without a real
 * model: each request takes the next turn (the last one repeats).
 */
export async function startReplayModel(turns: ScriptedTurn[] = HELLO_APP_FIX): Promise<ScriptedModel> {
  let n = 0;
  return startScriptedModel(() => turns[Math.min(n++, turns.length - 1)] as ScriptedTurn);
}

/** models.json for a Pi agent folder that knows the replay model as `replay/scripted-fix`. */
export function replayModelsJson(model: ScriptedModel): string {
  return model.modelsJson("replay", "scripted-fix", "REPLAY (scripted fix, not a live model)");
}
