// The loader's limit on namespaces is the backends' address plan: every namespace it lets through gets an address.
import test from "ava";
import { MAX_NAMESPACES } from "../../lab/case/read-actors";
import { NetnsLab } from "../../lab/backend/netns/netns-lab";
import type { NetnsHost } from "../../lab/backend/netns/netns-host";

/** The IPv4 addresses the netns backend gives `n` namespaces, read from the setup script it would run. */
async function addresses(n: number): Promise<string[]> {
  let script = "";
  const host = {
    release: "test",
    script: (line: string) => {
      script = line;
      return Promise.reject(new Error("stop here: nothing is made"));
    },
    spawnProbe: () => Promise.reject(new Error("not reached")),
  } as unknown as NetnsHost;
  const namespaces = Array.from({ length: n }, (_, i) => ({ name: `a${i}`, sysctls: {} }));
  const lab = new NetnsLab(host, { runId: "plan", actors: [], namespaces }, "rl-test");
  await lab.start().catch(() => undefined);
  return [...script.matchAll(/addr add (\d+\.\d+\.\d+\.\d+)\/24/g)].map((m) => m[1]!);
}

test("every namespace the loader allows gets a host address on the /24, and one more would not", async (t) => {
  const ok = await addresses(MAX_NAMESPACES);
  t.is(ok.length, MAX_NAMESPACES);
  t.is(new Set(ok).size, MAX_NAMESPACES);
  for (const a of ok) {
    const last = Number(a.split(".")[3]);
    t.true(last >= 2 && last <= 254, `${a} is the network, the gateway or the broadcast address, or not an address`);
  }
  const over = await addresses(MAX_NAMESPACES + 1);
  t.false(over.every((a) => Number(a.split(".")[3]) <= 254), "the address plan holds more namespaces than the loader allows");
});
