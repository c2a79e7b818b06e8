/**
 * Reading one case file into a Case: every problem is collected with its line, none stops the reading
 * early, so one run of the loader reports all of them.
 */
import type { Node, Pair, YAMLMap } from "yaml";
import { stepKind, stepVerbs } from "../steps";
import { StepSyntaxError } from "../steps/grammar";
import { SocketTracker } from "../steps/socket-tracker";
import type { Actor, Case, CaseStep, CaseVariant } from "./case";
import { parseExpectation } from "./expectation-syntax";
import { suggestion, type Problem } from "./problems";
import { substitute, type VariantParams } from "./variants";
import { isMap, isScalar, isSeq, YamlFile } from "./yaml-file";

const TOP_KEYS = ["schemaVersion", "title", "rule", "source", "tags", "claims", "xfail", "variants", "actors", "steps"];
const ACTOR_KEYS = ["uid", "netns"];
const NAME = /^[a-z][a-z0-9-]*$/;
const MAX_UID = 2 ** 31 - 2;

export interface LoadedCase {
  case: Case | null;
  problems: Problem[];
}

export function loadCase(file: string, id: string, text?: string): LoadedCase {
  const y = new YamlFile(file, text);
  const root = y.root();
  if (!root) return { case: null, problems: y.problems };

  for (const pair of root.items) {
    const key = keyText(pair);
    if (!TOP_KEYS.includes(key)) y.problem(pair, `unknown key '${key}'`, suggestion(key, TOP_KEYS, "keys"));
  }
  const version = root.get("schemaVersion");
  if (version !== 1) y.problem(root.get("schemaVersion", true) ?? root, version === undefined ? "missing schemaVersion" : `schemaVersion ${String(version)} is not supported`, "write 'schemaVersion: 1'");
  const title = requiredText(y, root, "title", "a one-line summary of the behaviour");
  const rule = requiredText(y, root, "rule", "the kernel rule this case checks, in words");
  const source = requiredText(y, root, "source", "where the rule lives, e.g. net/ipv4/udp.c: compute_score()");
  const tags = stringList(y, root, "tags");
  const xfail = root.get("xfail");
  if (xfail !== undefined && typeof xfail !== "string") y.problem(root.get("xfail", true) as Node, "xfail is the reason the case is known to fail, as text");

  const variants = readVariants(y, root);
  const rawActors = root.get("actors", true);
  const rawSteps = root.get("steps", true);
  if (!isMap(rawActors) || rawActors.items.length === 0) y.problem(rawActors ?? root, "a case needs 'actors': a mapping of actor name to { uid, netns }");
  if (!isSeq(rawSteps) || rawSteps.items.length === 0) y.problem(rawSteps ?? root, "a case needs 'steps': a list of '- actor: call => expectation'");

  const built: CaseVariant[] = [];
  const seen = new Set<string>();
  const report = (p: Problem) => {
    const k = `${p.line}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      y.problems.push(p);
    }
  };
  for (const [name, params] of variants) {
    const actors = isMap(rawActors) ? readActors(y, rawActors, params, report) : [];
    const steps = isSeq(rawSteps) ? readSteps(y, rawSteps.items as Node[], actors, params, report) : [];
    built.push({ name, actors, steps });
  }

  if (y.problems.length) return { case: null, problems: y.problems };
  return {
    case: { id, file, title, rule, source, tags, ...(typeof xfail === "string" ? { xfail } : {}), variants: built },
    problems: [],
  };
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function requiredText(y: YamlFile, root: YAMLMap, key: string, what: string): string {
  const v = root.get(key);
  if (typeof v === "string" && v.trim()) return v.trim();
  y.problem(root.get(key, true) as Node ?? root, `missing '${key}'`, `add ${key}: ${what}`);
  return "";
}

function stringList(y: YamlFile, root: YAMLMap, key: string): string[] {
  const node = root.get(key, true);
  if (node === undefined) return [];
  if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === "string")) {
    y.problem(node as Node, `'${key}' is a list of words`, `e.g. ${key}: [udp, hijack]`);
    return [];
  }
  return node.items.map((i) => String((i as { value: unknown }).value));
}

function readVariants(y: YamlFile, root: YAMLMap): Map<string, VariantParams> {
  const node = root.get("variants", true);
  const out = new Map<string, VariantParams>();
  if (node === undefined) return out.set("default", {});
  if (!isMap(node) || node.items.length === 0) {
    y.problem(node as Node, "'variants' maps each variant's name to its parameters", "e.g. variants: { v4: { any: 0.0.0.0 }, v6: { any: '[::]' } }");
    return out.set("default", {});
  }
  for (const pair of node.items) {
    const name = keyText(pair);
    if (!NAME.test(name)) y.problem(pair, `variant name '${name}' is not lower-case letters, digits and -`);
    const params: VariantParams = {};
    if (isMap(pair.value)) {
      for (const p of pair.value.items) {
        const v = isScalar(p.value) ? p.value.value : undefined;
        if (v === undefined || (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") && v !== null) {
          y.problem(p, `variant parameter '${keyText(p)}' must be a single value`);
          continue;
        }
        params[keyText(p)] = v === null ? "" : String(v);
      }
    } else if (!(isScalar(pair.value) && pair.value.value === null) && pair.value !== null) {
      y.problem(pair, `variant '${name}' needs a mapping of parameters (or nothing)`);
    }
    out.set(name, params);
  }
  return out;
}

function readActors(y: YamlFile, node: YAMLMap, params: VariantParams, report: (p: Problem) => void): Actor[] {
  const declared = node.items.map(keyText);
  const actors: Actor[] = [];
  for (const pair of node.items) {
    const name = keyText(pair);
    const line = y.lineOf(pair);
    const at = (message: string, fix?: string, n: Node | Pair = pair) => report({ file: y.file, line: y.lineOf(n), message, ...(fix ? { fix } : {}) });
    if (!NAME.test(name)) at(`actor name '${name}' is not lower-case letters, digits and -`);
    if (!isMap(pair.value)) {
      at(`actor '${name}' needs { uid: N } (and netns: PEER to share a peer's network namespace)`);
      continue;
    }
    for (const p of pair.value.items) {
      const k = keyText(p);
      if (!ACTOR_KEYS.includes(k)) at(`unknown actor key '${k}'`, suggestion(k, ACTOR_KEYS, "actor keys"), p);
    }
    const uidNode = pair.value.get("uid", true) as Node | undefined;
    const uidText = substitute(String(pair.value.get("uid") ?? ""), params);
    const uid = Number(uidText.text);
    if (uidNode === undefined) at(`actor '${name}' has no uid`, "add uid: 1000 (the uid its process runs as)");
    else if (!/^\d+$/.test(uidText.text) || uid > MAX_UID) at(`uid '${uidText.text}' of actor '${name}' is not a whole number from 0 to ${MAX_UID}`, undefined, uidNode);
    const netnsNode = pair.value.get("netns", true) as Node | undefined;
    const peer = pair.value.get("netns");
    let netns = name;
    if (netnsNode !== undefined) {
      const p = substitute(String(peer ?? ""), params).text;
      if (!declared.includes(p)) at(`actor '${name}' shares the netns of unknown actor '${p}'`, suggestion(p, declared, "actors"), netnsNode);
      else netns = p;
    }
    actors.push({ name, uid, netns, source: { file: y.file, line } });
  }
  // Sharing is transitive: a peer of a peer lives in the same namespace.
  const byName = new Map(actors.map((a) => [a.name, a]));
  for (const a of actors) {
    const path = new Set<string>();
    let cur = a;
    while (cur.netns !== cur.name && !path.has(cur.name)) {
      path.add(cur.name);
      cur = byName.get(cur.netns) ?? cur;
    }
    if (path.has(cur.name) && cur.netns !== cur.name) {
      report({ file: y.file, line: a.source.line, message: `actor '${a.name}' shares a netns in a loop (${[...path].join(" -> ")})`, fix: "one actor of the group must have its own netns" });
    }
    a.netns = cur.name;
  }
  return actors;
}

function readSteps(y: YamlFile, items: Node[], actors: Actor[], params: VariantParams, report: (p: Problem) => void): CaseStep[] {
  const names = new Set(actors.map((a) => a.name));
  const sockets = new SocketTracker();
  const steps: CaseStep[] = [];
  for (const item of items) {
    const line = y.lineOf(item);
    const at = (message: string, fix?: string) => report({ file: y.file, line, message, ...(fix ? { fix } : {}) });
    if (!isMap(item) || item.items.length !== 1 || !isScalar(item.items[0]!.value)) {
      at("a step is one line: '- actor: call => expectation'", "e.g. - victim: bind tcp 0.0.0.0:8080 reuseaddr => ok");
      continue;
    }
    const actor = keyText(item.items[0]!);
    const raw = String((item.items[0]!.value as { value: unknown }).value ?? "");
    const { text, unknown } = substitute(raw, params);
    for (const u of unknown) at(`'{${u}}' is not a parameter of this variant`, "define it under every variant in 'variants'");
    if (!names.has(actor)) {
      at(`unknown actor '${actor}'`, suggestion(actor, [...names], "actors"));
      continue;
    }
    const [call, ...rest] = text.split("=>");
    if (rest.length > 1) {
      at("a step has at most one '=>'");
      continue;
    }
    const words = (call ?? "").trim().split(/\s+/).filter(Boolean);
    const verb = words.shift() ?? "";
    const kind = stepKind(verb);
    if (!kind) {
      at(`unknown call '${verb}'`, suggestion(verb, stepVerbs(), "calls"));
      continue;
    }
    try {
      const step = kind.parse(words, { actor, actors: names, sockets });
      const expect = rest.length ? parseExpectation(rest[0]!, kind.expects) : kind.defaultExpectation(step);
      if (!expect) throw new StepSyntaxError(`'${verb}' needs an expectation`, `write '=> …' (usage: ${kind.usage})`);
      steps.push({ actor, text: (call ?? "").trim(), step, expect, source: { file: y.file, line } });
    } catch (e) {
      if (!(e instanceof StepSyntaxError)) throw e;
      at(`${verb}: ${e.message}`, e.fix);
    }
  }
  return steps;
}

export function caseIdFor(relativePath: string): string {
  return relativePath.replace(/\\/g, "/").replace(/\.ya?ml$/, "");
}
