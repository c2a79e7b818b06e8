/** The `actors:` of a case: uids, shared namespaces, sysctls of a namespace, kept capabilities. */
import type { Node, Pair, YAMLMap } from "yaml";
import type { Actor, Netns } from "./case";
import { NETNS_SYSCTLS } from "./netns-sysctls";
import { didYouMean, suggestion, type Problem } from "../problems";
import { substitute, type VariantParams } from "./variants";
import { isMap, isScalar, isSeq, keyText, type YamlFile } from "./yaml-file";

export const ACTOR_KEYS = ["uid", "netns", "sysctls", "caps"];
/** Capabilities a case may give back to an actor (all others are dropped). */
export const CAPS = ["setuid", "setgid", "net_bind_service", "net_admin", "net_raw"];
const NAME = /^[a-z][a-z0-9-]*$/;
const SYSCTL = /^net\.[a-z0-9_.-]+$/;
const SYSCTL_VALUE = /^[A-Za-z0-9_.:-]+( [A-Za-z0-9_.:-]+)*$/;
const MAX_UID = 2 ** 31 - 2;
/**
 * Namespaces a case may have: each gets one address of a /24 (10.214.0.2 … .254 in the netns backend,
 * .2 … .254 of the run's 10.213.N.0/24 in Docker's, where .1 is the gateway). Actors that share a
 * namespace share its address.
 */
export const MAX_NAMESPACES = 253;

type Report = (p: Problem) => void;

/** The actors' names in a variant: a name may be a parameter ("{attacker}: { uid: 1001 }"). */
export function actorNames(node: YAMLMap, params: VariantParams): string[] {
  return node.items.map((pair) => substitute(keyText(pair), params).text);
}

export function readActors(
  y: YamlFile,
  node: YAMLMap,
  params: VariantParams,
  report: Report,
): { actors: Actor[]; namespaces: Netns[] } {
  const declared = actorNames(node, params);
  const actors: Actor[] = [];
  const sysctlsOf = new Map<string, { values: Record<string, string>; node: Node | Pair }>();
  for (const pair of node.items) {
    const key = substitute(keyText(pair), params);
    const name = key.text;
    const at = (message: string, fix?: string, n: Node | Pair = pair) =>
      report({ file: y.file, line: y.lineOf(n), message, ...(fix ? { fix } : {}) });
    for (const u of key.unknown)
      at(`'{${u}}' is not a parameter of this variant`, "define it under every variant in 'variants'");
    if (key.unknown.length) continue;
    if (!NAME.test(name))
      at(
        `actor name '${name}' is not lower-case letters, digits and -`,
        "it names a container and a namespace: write e.g. victim, worker-2",
      );
    if (!isMap(pair.value)) {
      at(
        `actor '${name}' needs { uid: N }`,
        `write ${name}: { uid: 1000 } (add netns: PEER to share a peer's network namespace)`,
      );
      continue;
    }
    const spec = pair.value;
    for (const p of spec.items) {
      const k = keyText(p);
      if (!ACTOR_KEYS.includes(k)) at(`unknown actor key '${k}'`, suggestion(k, ACTOR_KEYS, "actor keys"), p);
    }
    const text = (key: string) => substitute(String(spec.get(key) ?? ""), params).text;

    const uidNode = spec.get("uid", true) as Node | undefined;
    const uid = Number(text("uid"));
    if (uidNode === undefined) at(`actor '${name}' has no uid`, "add uid: 1000 (the uid its process runs as)");
    else if (!/^\d+$/.test(text("uid")) || uid > MAX_UID)
      at(
        `uid '${text("uid")}' of actor '${name}' is not a whole number from 0 to ${MAX_UID}`,
        "write e.g. uid: 1000 (0 is root)",
        uidNode,
      );

    let netns = name;
    const netnsNode = spec.get("netns", true) as Node | undefined;
    if (netnsNode !== undefined) {
      if (!declared.includes(text("netns")))
        at(
          `actor '${name}' shares the netns of unknown actor '${text("netns")}'`,
          suggestion(text("netns"), declared, "actors"),
          netnsNode,
        );
      else netns = text("netns");
    }

    const caps: string[] = [];
    const capsNode = spec.get("caps", true) as Node | undefined;
    if (capsNode !== undefined) {
      if (!isSeq(capsNode))
        at("'caps' is a list of capabilities", `write e.g. caps: [setuid]; they are ${CAPS.join(", ")}`, capsNode);
      else
        for (const item of capsNode.items) {
          const cap = substitute(String(isScalar(item) ? item.value : ""), params).text.toLowerCase();
          if (!CAPS.includes(cap))
            at(`capability '${cap}' cannot be given to an actor`, suggestion(cap, CAPS, "capabilities"), item as Node);
          else caps.push(cap.toUpperCase());
        }
    }

    const sysNode = spec.get("sysctls", true) as Node | undefined;
    if (sysNode !== undefined) {
      const values: Record<string, string> = {};
      if (!isMap(sysNode))
        at("'sysctls' maps a sysctl to its value", "write e.g. sysctls: { net.ipv4.tcp_migrate_req: 1 }", sysNode);
      else
        for (const p of sysNode.items) {
          const key = keyText(p);
          const value = substitute(String(isScalar(p.value) ? p.value.value : ""), params).text;
          if (!SYSCTL.test(key))
            at(`'${key}' is not a network-namespace sysctl`, "only net.* sysctls belong to a namespace", p);
          else if (!NETNS_SYSCTLS.includes(key))
            at(`'${key}' is not a per-network-namespace sysctl the lab can set`, sysctlFix(key), p);
          else if (!SYSCTL_VALUE.test(value))
            at(`'${value}' is not a sysctl value`, "write numbers or words separated by spaces", p);
          else values[key] = value;
        }
      sysctlsOf.set(name, { values, node: sysNode });
    }
    actors.push({ name, uid, netns, caps, source: { file: y.file, line: y.lineOf(pair) } });
  }
  resolveSharing(actors, report);
  const nss = namespaces(y, actors, sysctlsOf, report);
  if (nss.length > MAX_NAMESPACES) {
    const first = actors.find((a) => a.name === nss[MAX_NAMESPACES]!.name)!;
    report({
      file: first.source.file,
      line: first.source.line,
      message: `actor '${first.name}' needs network namespace number ${MAX_NAMESPACES + 1} of ${nss.length}, and a lab has addresses for ${MAX_NAMESPACES}`,
      fix: `let actors share a namespace (netns: PEER), or split the case; at most ${MAX_NAMESPACES} actors may have their own`,
    });
  }
  return { actors, namespaces: nss };
}

/** Sharing is transitive: a peer of a peer lives in the same namespace. A loop is reported once, where its first actor is declared. */
function resolveSharing(actors: Actor[], report: Report): void {
  const byName = new Map(actors.map((a) => [a.name, { ...a }]));
  const loops = new Set<string>();
  for (const a of actors) {
    const path: string[] = [];
    let cur = byName.get(a.name)!;
    while (cur.netns !== cur.name && !path.includes(cur.name)) {
      path.push(cur.name);
      cur = byName.get(cur.netns) ?? cur;
    }
    const loop = path.includes(cur.name) && cur.netns !== cur.name ? path.slice(path.indexOf(cur.name)) : [];
    const key = [...loop].sort().join(" ");
    if (loop.length && !loops.has(key)) {
      loops.add(key);
      const first = byName.get(loop[0]!)!.source;
      report({
        file: first.file,
        line: first.line,
        message: `actor '${loop[0]!}' shares a netns in a loop (${[...loop, loop[0]].join(" -> ")})`,
        fix: "one actor of the loop must have its own netns: remove its 'netns:'",
      });
    }
    a.netns = cur.name;
  }
}

/** Each namespace with the sysctls its actors set; two actors setting one sysctl differently is an error. */
function namespaces(
  y: YamlFile,
  actors: Actor[],
  sysctlsOf: Map<string, { values: Record<string, string>; node: Node | Pair }>,
  report: Report,
): Netns[] {
  const out = new Map<string, Netns>();
  for (const a of actors) {
    const ns = out.get(a.netns) ?? { name: a.netns, sysctls: {} };
    out.set(a.netns, ns);
    const mine = sysctlsOf.get(a.name);
    for (const [k, v] of Object.entries(mine?.values ?? {})) {
      if (ns.sysctls[k] !== undefined && ns.sysctls[k] !== v) {
        report({
          file: y.file,
          line: y.lineOf(mine!.node),
          message: `sysctl ${k} of netns '${a.netns}' is set to both ${ns.sysctls[k]} and ${v}`,
          fix: "set it once, on one actor of the namespace",
        });
      }
      ns.sysctls[k] = v;
    }
  }
  return [...out.values()];
}

function sysctlFix(key: string): string {
  const near = didYouMean(key, NETNS_SYSCTLS);
  const list =
    "the lab sets only the per-namespace sysctls listed in docs/cases.md (Sysctls); a global one would change the host, a missing one fail every run";
  return near ? `did you mean '${near}'? ${list}` : list;
}
