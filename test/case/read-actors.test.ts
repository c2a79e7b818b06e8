// The actors of a case (lab/case/read-actors.ts): a name that is an unknown parameter, capabilities and
// sysctls of the wrong shape, and what a valid declaration becomes (capabilities upper-cased, a shared
// namespace holding the sysctls of its actors).
import test from "ava";
import { loadCase } from "../../lab/case/load-case";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
const load = (yaml: string) => loadCase("x.yaml", "x", head + yaml);
const problems = (yaml: string) => load(yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);

test("an actor named by a parameter the variant does not have is left out, said once", (t) => {
  t.deepEqual(problems("actors:\n  '{x}': { uid: 1 }\n  b: { uid: 1 }\nsteps:\n  - b: sleep 1\n"), [
    "6: '{x}' is not a parameter of this variant | define it under every variant in 'variants'",
  ]);
});

test("capabilities and sysctls of the wrong shape, each at its line", (t) => {
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, caps: [[x], NET_RAW] }\n  b: { uid: 1, sysctls: [x] }\n" +
        "  c: { uid: 1, sysctls: { net.ipv4.tcp_ecn: [1], net.ipv4.tcp_sack: 'a;b', net.ipv4.tcp_rmem: 4096 87380 6291456 } }\n" +
        "steps:\n  - a: sleep 1\n",
    ),
    [
      "6: capability '' cannot be given to an actor | known capabilities: setuid, setgid, net_bind_service, net_admin, net_raw",
      "7: 'sysctls' maps a sysctl to its value | write e.g. sysctls: { net.ipv4.tcp_migrate_req: 1 }",
      "8: '' is not a sysctl value | write numbers or words separated by spaces",
      "8: 'a;b' is not a sysctl value | write numbers or words separated by spaces",
    ],
  );
});

test("a valid declaration: capabilities upper-cased, a shared namespace with its actors' sysctls", (t) => {
  const { case: c, problems: p } = load(
    "actors:\n  a: { uid: 1, caps: [NET_RAW, Setuid], sysctls: { net.ipv4.tcp_rmem: 4096 87380 6291456, net.ipv4.tcp_ecn: 1 } }\n" +
      "  b: { uid: 2, netns: a, sysctls: { net.ipv4.tcp_ecn: 1 } }\n  c: { uid: 0 }\nsteps:\n  - a: sleep 1\n",
  );
  t.deepEqual(p, []);
  const v = c!.variants[0]!;
  t.deepEqual(v.actors, [
    { name: "a", uid: 1, netns: "a", caps: ["NET_RAW", "SETUID"], source: { file: "x.yaml", line: 6 } },
    { name: "b", uid: 2, netns: "a", caps: [], source: { file: "x.yaml", line: 7 } },
    { name: "c", uid: 0, netns: "c", caps: [], source: { file: "x.yaml", line: 8 } },
  ]);
  t.deepEqual(v.namespaces, [
    { name: "a", sysctls: { "net.ipv4.tcp_rmem": "4096 87380 6291456", "net.ipv4.tcp_ecn": "1" } },
    { name: "c", sysctls: {} },
  ]);
});
