// The actors of a case (lab/case/read-actors.ts): a name that is an unknown parameter, capabilities and
// sysctls of the wrong shape, and what a valid declaration becomes (capabilities upper-cased, a shared
// namespace holding the sysctls of its actors).
import test from "ava";
import { loadCase } from "../../lab/case/load-case";
import { actorNames } from "../../lab/case/read-actors";
import { isMap, YamlFile } from "../../lab/case/yaml-file";

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

test("uids from 0 to 2147483646, names of lower-case letters, digits and -, starting with a letter", (t) => {
  const uidFix = "write e.g. uid: 1000 (0 is root)";
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 2147483646 }\n  b: { uid: 2147483647 }\n  c: { uid: '12a' }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      `7: uid '2147483647' of actor 'b' is not a whole number from 0 to 2147483646 | ${uidFix}`,
      `8: uid '12a' of actor 'c' is not a whole number from 0 to 2147483646 | ${uidFix}`,
    ],
  );
  const nameFix = "it names a container and a namespace: write e.g. victim, worker-2";
  t.deepEqual(
    problems(
      "actors:\n  v1-x: { uid: 1 }\n  1v: { uid: 1 }\n  v_1: { uid: 1 }\n  vX: { uid: 1 }\n  x!: { uid: 1 }\nsteps:\n  - v1-x: sleep 1\n",
    ),
    [
      `7: actor name '1v' is not lower-case letters, digits and - | ${nameFix}`,
      `8: actor name 'v_1' is not lower-case letters, digits and - | ${nameFix}`,
      `9: actor name 'vX' is not lower-case letters, digits and - | ${nameFix}`,
      `10: actor name 'x!' is not lower-case letters, digits and - | ${nameFix}`,
    ],
  );
});

test("sharing is transitive: a peer's peer's namespace; one namespace for all three", (t) => {
  const { case: c, problems: p } = load(
    "actors:\n  a: { uid: 1, netns: b }\n  b: { uid: 1, netns: c }\n  c: { uid: 1 }\nsteps:\n  - a: sleep 1\n",
  );
  t.deepEqual(p, []);
  t.deepEqual(
    c!.variants[0]!.actors.map((a) => [a.name, a.netns]),
    [
      ["a", "c"],
      ["b", "c"],
      ["c", "c"],
    ],
  );
  t.deepEqual(c!.variants[0]!.namespaces, [{ name: "c", sysctls: {} }]);
  // A loop of three is reported once, where its first actor is declared.
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, netns: b }\n  b: { uid: 1, netns: c }\n  c: { uid: 1 }\n  d: { uid: 1, netns: e }\n  e: { uid: 1, netns: f }\n  f: { uid: 1, netns: d }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      "9: actor 'd' shares a netns in a loop (d -> e -> f -> d) | one actor of the loop must have its own netns: remove its 'netns:'",
    ],
  );
});

test("sysctl names: net.* in lower case, one the lab can set, the nearest named when there is one", (t) => {
  const notNet = "is not a network-namespace sysctl | only net.* sysctls belong to a namespace";
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, sysctls: { net.: 1, Net.ipv4.tcp_ecn: 1, net.ipv4.TCP_ECN: 1, xnet.ipv4.tcp_ecn: 1, net.ipv4.tcp_ecn: 'a:b_c.d-e' } }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      `6: 'net.' ${notNet}`,
      `6: 'Net.ipv4.tcp_ecn' ${notNet}`,
      `6: 'net.ipv4.TCP_ECN' ${notNet}`,
      `6: 'xnet.ipv4.tcp_ecn' ${notNet}`,
    ],
  );
  const list =
    "the lab sets only the per-namespace sysctls listed in docs/cases.md (Sysctls); a global one would change the host, a missing one fail every run";
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, sysctls: { net.ipv4.tcp_ecnn: 1, net.ipv4.zzzzzzz: 1 } }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      `6: 'net.ipv4.tcp_ecnn' is not a per-network-namespace sysctl the lab can set | did you mean 'net.ipv4.tcp_ecn'? ${list}`,
      `6: 'net.ipv4.zzzzzzz' is not a per-network-namespace sysctl the lab can set | ${list}`,
    ],
  );
});

test("actorNames: each declared name in a variant, parameters replaced, unknown ones left as written", (t) => {
  const y = new YamlFile("a.yaml", "actors:\n  '{x}': {}\n  b: {}\n  '{y}': {}\n");
  const actors = y.root()!.get("actors", true);
  if (!isMap(actors)) return t.fail("actors is a mapping");
  t.deepEqual(actorNames(actors, new Map([["x", "victim"]])), ["victim", "b", "{y}"]);
});

test("253 actors may each have a namespace of their own; the 254th is one too many", (t) => {
  const actors = (n: number) =>
    `actors:\n${Array.from({ length: n }, (_, i) => `  a${i}: { uid: 1 }\n`).join("")}steps:\n  - a0: sleep 1\n`;
  t.deepEqual(problems(actors(253)), []);
  t.deepEqual(problems(actors(254)), [
    "259: actor 'a253' needs network namespace number 254 of 254, and a lab has addresses for 253 | let actors share a namespace (netns: PEER), or split the case; at most 253 actors may have their own",
  ]);
});

test("with no close name, a mistake lists what there is: actor keys, actors, capabilities", (t) => {
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, zzzzzz: 1 }\n  b: { uid: 1, netns: zzzzzz }\n  c: { uid: 1, caps: [zzzzzz] }\n  d: { netns: a }\n  e: 5\nsteps:\n  - a: sleep 1\n",
    ),
    [
      "6: unknown actor key 'zzzzzz' | known actor keys: uid, netns, sysctls, caps",
      "7: actor 'b' shares the netns of unknown actor 'zzzzzz' | known actors: a, b, c, d, e",
      "8: capability 'zzzzzz' cannot be given to an actor | known capabilities: setuid, setgid, net_bind_service, net_admin, net_raw",
      "9: actor 'd' has no uid | add uid: 1000 (the uid its process runs as)",
      "10: actor 'e' needs { uid: N } | write e: { uid: 1000 } (add netns: PEER to share a peer's network namespace)",
    ],
  );
});

test("caps not a list; a sysctl set differently by actors of one namespace, at the sysctls that differ, the same value no problem", (t) => {
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, caps: setuid }\n  b: { uid: 1, netns: a, sysctls: { net.ipv4.tcp_ecn: 1 } }\n" +
        "  c:\n    uid: 1\n    netns: a\n    sysctls: { net.ipv4.tcp_ecn: 2 }\n  d: { uid: 1, netns: a, sysctls: { net.ipv4.tcp_ecn: 1 } }\n" +
        "  e: { uid: 1, netns: a, sysctls: { net.ipv4.tcp_ecn: 1 } }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      "6: 'caps' is a list of capabilities | write e.g. caps: [setuid]; they are setuid, setgid, net_bind_service, net_admin, net_raw",
      "11: sysctl net.ipv4.tcp_ecn of netns 'a' is set to both 1 and 2 | set it once, on one actor of the namespace",
      "12: sysctl net.ipv4.tcp_ecn of netns 'a' is set to both 2 and 1 | set it once, on one actor of the namespace",
    ],
  );
});

test("a loop is named by its own actors, once each, however it is reached and whatever the names", (t) => {
  const fix = "one actor of the loop must have its own netns: remove its 'netns:'";
  // x leads into the loop a -> b -> a but is not part of it.
  t.deepEqual(
    problems(
      "actors:\n  x: { uid: 1, netns: a }\n  a: { uid: 1, netns: b }\n  b: { uid: 1, netns: a }\nsteps:\n  - x: sleep 1\n",
    ),
    [`7: actor 'a' shares a netns in a loop (a -> b -> a) | ${fix}`],
  );
  t.deepEqual(
    problems(
      "actors:\n  a: { uid: 1, netns: b }\n  b: { uid: 1, netns: a }\n  c: { uid: 1, netns: d }\n  d: { uid: 1, netns: c }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      `6: actor 'a' shares a netns in a loop (a -> b -> a) | ${fix}`,
      `8: actor 'c' shares a netns in a loop (c -> d -> c) | ${fix}`,
    ],
  );
  // Two loops whose names run together the same ("ab c", "a bc") are still two.
  t.deepEqual(
    problems(
      "actors:\n  ab: { uid: 1, netns: c }\n  c: { uid: 1, netns: ab }\n  a: { uid: 1, netns: bc }\n  bc: { uid: 1, netns: a }\nsteps:\n  - a: sleep 1\n",
    ),
    [
      `6: actor 'ab' shares a netns in a loop (ab -> c -> ab) | ${fix}`,
      `8: actor 'a' shares a netns in a loop (a -> bc -> a) | ${fix}`,
    ],
  );
});
