import type { Tmux } from "./tmux.js";

/**
 * Sends each tmux client showing `sessionId` back to the session it was on before (its last
 * session), so closing Spark's layout returns a person who switched there from their own
 * session instead of detaching them. A client with nowhere to go back to (it attached to the
 * layout directly) is left alone: killing the session detaches it, as it should. Returns how
 * many went back.
 */
export async function returnClients(tmux: Tmux, sessionId: string): Promise<number> {
  let names: string[];
  try {
    names = (await tmux.run("list-clients", "-t", sessionId, "-F", "#{client_name}")).split("\n").filter(Boolean);
  } catch {
    return 0;
  }
  let returned = 0;
  for (const client of names) {
    try {
      await tmux.run("switch-client", "-c", client, "-l");
      returned++;
    } catch {
      // No last session (or it is gone): this client detaches with the session.
    }
  }
  return returned;
}
