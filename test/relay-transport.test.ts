import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nkeys } from "@nats-io/transport-node";
import { beforeAll, describe, expect, it } from "vitest";
import { statusSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { hasNatsServer, startLeaf, startNats } from "./helpers/nats.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { consumeAsSidecar, duplicates, emitErrors, type Machine, machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const hasOpenssl = () => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** A CA and a server certificate for 127.0.0.1, made with openssl in a temp folder. */
function loopbackCertificates(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "spark-tls-"));
  const at = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=spark test CA",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    at("server.key"),
    "-out",
    at("server.csr"),
  );
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  ssl(
    "x509",
    "-req",
    "-in",
    at("server.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    at("ext.cnf"),
    "-out",
    at("server.pem"),
  );
  return { ca: at("ca.pem"), cert: at("server.pem"), key: at("server.key") };
}

function credsFile(m: Machine, content: string, mode = 0o600): string {
  const file = join(m.root, "hub.creds");
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe.runIf(hasNatsServer())("relay transports and credentials", () => {
  it("a leaf node dialling the hub over WebSocket carries the same traffic; a relay may also speak WebSocket itself", async () => {
    const hub = await startNats({ websocket: true, domain: "hub" });
    const leaf = await startLeaf(hub, "hub");
    const a = machine("a", leaf.url); // behind the leaf (a Sprite whose only way out is HTTPS)
    const b = machine("b", hub.wsUrl as string); // a WebSocket client of the hub
    const c = machine("c", hub.url);
    const sidecar = consumeAsSidecar(c);
    const [relayA, relayB, relayC] = [a, b, c].map((m) => startRelayProcess(m)) as Array<
      ReturnType<typeof startRelayProcess>
    > as [
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
    ];
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    await Promise.all([relayA, relayB].map((r) => r.waitFor((x) => x.type === "connected", "connected")));

    const sent = [...emitErrors(a, 20), ...emitErrors(b, 20)];
    await waitFor(() => sidecar.delivered.length >= sent.length, "every event on C", 60_000);
    expect(new Set(sidecar.delivered)).toEqual(new Set(sent));
    expect(duplicates(sidecar.delivered)).toEqual([]);
    // Presence and the pause ride the same leaf: A sees C's sidecar, C sees A's pause.
    await relayA.waitFor((x) => x.type === "machine" && x.machine === "c", "C through the leaf");
    expect((await manifest(["spark", "pause", "from-a", "--json"], a.root)).code).toBe(0);
    await relayC.waitFor((x) => x.type === "pause" && x.action === "applied" && x.paused, "A's pause on C");
  });

  it.runIf(hasOpenssl())(
    "speaks TLS to a hub with a private CA (hub.caFile), and says what to do without the CA",
    async () => {
      const tls = loopbackCertificates();
      const hub = await startNats({ extra: `tls { cert_file: "${tls.cert}", key_file: "${tls.key}" }` });
      const tlsUrl = hub.url.replace("nats://", "tls://");
      const without = machine("a", tlsUrl);
      const refused = startRelayProcess(without);
      const problem = await refused.waitFor((x) => x.type === "hub-unreachable", "the TLS problem");
      expect(problem).toMatchObject({
        message: expect.stringContaining("TLS connection"),
        next: expect.stringContaining("hub.caFile"),
      });
      expect((await refused.run.exit).code).toBe(1);

      const a = machine("a", tlsUrl, { caFile: tls.ca });
      const relay = startRelayProcess(a);
      await relay.waitFor((x) => x.type === "connected", "connected over TLS");
      const [name] = emitErrors(a, 1) as [string];
      await relay.waitFor((x) => x.type === "published" && x.name === name, "the publish over TLS");
    },
  );

  it("takes credentials only from a private file, and says which ones the hub refused", async () => {
    const user = nkeys.createUser();
    const hub = await startNats({ extra: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }` });
    const a = machine("a", hub.url, { credsFile: "hub.creds" });
    const seed = `${new TextDecoder().decode(user.getSeed())}\n`;

    credsFile(a, seed, 0o644);
    const loose = await manifest(["relay", "--json"], a.root);
    expect(loose.code).toBe(1);
    expect(loose.json<{ error: { message: string; next: string } }>().error).toMatchObject({
      message: expect.stringContaining("can be read or changed by others (mode 0644)"),
      next: `Make it private: chmod 600 ${join(a.root, "hub.creds")}`,
    });

    credsFile(a, `${new TextDecoder().decode(nkeys.createUser().getSeed())}\n`);
    const wrong = startRelayProcess(a);
    expect(await wrong.waitFor((x) => x.type === "hub-unreachable", "the refusal")).toMatchObject({
      message: expect.stringContaining("refused this relay's credentials"),
    });
    expect((await wrong.run.exit).code).toBe(1);

    credsFile(a, seed);
    const right = startRelayProcess(a);
    await right.waitFor((x) => x.type === "connected", "connected with the nkey");
  });

  it("an unreachable hub: the relay says so once and keeps trying, the local bus works, and it catches up when the hub comes", async () => {
    const port = await freePort();
    const a = machine("a", `nats://127.0.0.1:${port}`);
    const relay = startRelayProcess(a);
    const unreachable = await relay.waitFor((x) => x.type === "hub-unreachable", "the unreachable hub");
    expect(unreachable).toMatchObject({
      message: expect.stringMatching(/^Cannot reach the hub at nats:\/\/127\.0\.0\.1:\d+ .*Events stay pending here/),
      next: expect.stringContaining("keeps trying"),
    });
    const emitted = await manifest(["spark", "emit", "server-error", "--json"], a.root);
    expect(emitted.code).toBe(0);
    const status = statusSchema.parse((await manifest(["spark", "status", "--json"], a.root)).json());
    expect(status.events.pending).toBe(1);
    expect(status.relay).toMatchObject({
      alive: true,
      connected: false,
      problem: expect.stringContaining("Cannot reach"),
    });

    await startNats({ port });
    const name = `${emitted.json<{ id: string }>().id}.json`;
    await relay.waitFor((x) => x.type === "published" && x.name === name, "the catch-up", 30_000);
    expect(relay.records().filter((x) => x.type === "hub-unreachable")).toHaveLength(1);
    expect(readdirSync(a.paths.delivered)).toContain(name);
  });
});
