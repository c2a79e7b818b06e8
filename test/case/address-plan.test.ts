// The loader's limit on namespaces is the backends' address plan: every namespace it lets through gets an address.
import test from "ava";
import { MAX_NAMESPACES } from "../../lab/case/read-actors";
import { NamespaceSet } from "../../lab/backend/netns/netns-wiring";

/** The IPv4 addresses the netns backend gives `n` namespaces, read from the setup script it would run. */
function addresses(n: number): string[] {
  const namespaces = Array.from({ length: n }, (_, i) => ({ name: `a${i}`, sysctls: {} }));
  const script = new NamespaceSet(namespaces, "rl-test").setupScript();
  return [...script.matchAll(/addr add (\d+\.\d+\.\d+\.\d+)\/24/g)].map((m) => m[1]!);
}

test("every namespace the loader allows gets a host address on the /24, and one more would not", (t) => {
  const ok = addresses(MAX_NAMESPACES);
  t.is(ok.length, MAX_NAMESPACES);
  t.is(new Set(ok).size, MAX_NAMESPACES);
  for (const a of ok) {
    const last = Number(a.split(".")[3]);
    t.true(last >= 2 && last <= 254, `${a} is the network, the gateway or the broadcast address, or not an address`);
  }
  const over = addresses(MAX_NAMESPACES + 1);
  t.false(
    over.every((a) => Number(a.split(".")[3]) <= 254),
    "the address plan holds more namespaces than the loader allows",
  );
});
