/** The `steps:` of a case: "- actor: call => expectation", or "- group: recv|accept => clauses". */
import type { Node, Pair } from "yaml";
import { groupVerbs, stepKind, stepVerbs } from "../steps";
import { StepSyntaxError } from "../steps/grammar";
import { EchoOfEarlierProblem, SocketTracker } from "../steps/socket-tracker";
import type { Step } from "../steps/step";
import type { ExpectationKind } from "../verdict/expectation";
import type { CaseStep, KernelExpectation } from "./case";
import { parseExpectation } from "./expectation-syntax";
import { parseKernelSelector } from "./kernel-selector";
import { suggestion, type Problem } from "../problems";
import { substitute, type VariantParams } from "./variants";
import { isMap, isScalar, isSeq, keyText, type YamlFile } from "./yaml-file";

export function readSteps(
  y: YamlFile,
  items: Node[],
  actors: readonly string[],
  groups: Map<string, string[]>,
  params: VariantParams,
  report: (p: Problem) => void,
): CaseStep[] {
  const names = new Set(actors);
  const sockets = new SocketTracker();
  const steps: CaseStep[] = [];
  for (const item of items) {
    const line = y.lineOf(item);
    // Whose line it is, once known: a line that fails leaves that actor's sockets unknown, and the
    // later lines that use them are not blamed for it again ("has no socket yet").
    let who: string | undefined;
    let lineText = "";
    const note = (message: string, fix?: string) => report({ file: y.file, line, message, ...(fix ? { fix } : {}) });
    const at = (message: string, fix?: string) => {
      sockets.lineFailed(who, lineText);
      note(message, fix);
    };
    const first = isMap(item) ? item.items[0] : undefined;
    const value = first?.value;
    if (first && isMap(value) && value.items.length === 1 && isNull(value.items[0]!.value)) {
      // "- server: {drop}": YAML reads an unquoted {name} as a mapping.
      const param = `{${keyText(value.items[0]!)}}`;
      at(`YAML reads '${param}' as a mapping, not as a variant parameter`, `quote it: - ${keyText(first)}: '${param}'`);
      continue;
    }
    if (!isMap(item) || !(isScalar(value) || value === null)) {
      at("a step is one line: '- actor: call => expectation'", "e.g. - victim: bind tcp 0.0.0.0:8080 reuseaddr => ok");
      continue;
    }
    const extra = item.items.slice(1);
    // The step itself is still read: what it makes is known.
    for (const p of extra)
      if (keyText(p) !== "kernels")
        note(`unknown step key '${keyText(p)}'`, "a step may only add 'kernels: { SELECTOR: EXPECTATION }'");
    const key = substitute(keyText(item.items[0]!), params);
    if (!key.unknown.length) who = key.text;
    const raw = String(value?.value ?? "");
    const { text, unknown } = substitute(raw, params);
    lineText = text;
    // What a missing parameter would have said is unknown: the step is not read further.
    for (const u of [...key.unknown, ...unknown])
      at(`'{${u}}' is not a parameter of this variant`, "define it under every variant in 'variants'");
    if (key.unknown.length || unknown.length) continue;
    // A step that is only a parameter, empty in this variant, is left out of it: "- server: '{drop}'".
    if (text === "" && /^\{[^}]+\}$/.test(raw.trim())) continue;
    if (who === undefined) continue;
    const members = groups.get(who);
    if (!names.has(who) && !members) {
      // With no actor declared at all, that is the problem to report, not each step's actor.
      if (names.size)
        at(
          `unknown actor '${who}'`,
          suggestion(who, [...names, ...groups.keys()], groups.size ? "actors and groups" : "actors"),
        );
      continue;
    }
    if (text === "") {
      at(`the step gives '${who}' no call`, `write - ${who}: CALL => EXPECTATION, e.g. - ${who}: listen`);
      continue;
    }
    const [call = "", ...rest] = text.split("=>");
    if (rest.length > 1) {
      at(
        "a step has at most one '=>'",
        "keep one; what differs by kernel goes in 'kernels: { SELECTOR: EXPECTATION }' under the step",
      );
      continue;
    }
    const words = call.trim().split(/\s+/).filter(Boolean);
    const verb = words.shift() ?? "";
    const kind = stepKind(verb);
    if (!kind) {
      at(`unknown call '${verb}'`, suggestion(verb, stepVerbs(), "calls"));
      continue;
    }
    const source = { file: y.file, line };
    try {
      if (members) {
        // The counting calls, judged on the members' counts together: the kinds that say how a member drains.
        if (!kind.group)
          throw new StepSyntaxError(
            `a group can only ${groupVerbs().join(" or ")}, not ${verb}`,
            "give the step to each actor instead",
          );
        const parsed: { actor: string; step: Step }[] = members.map((actor) => ({
          actor,
          step: kind.parse([...words], { actor, actors: names, sockets }),
        }));
        if (!rest.length)
          throw new StepSyntaxError(`a group's ${verb} needs an expectation`, "e.g. => total 200, each 30..70, fair");
        const allowed = ["group", "errno"] as const;
        steps.push({
          actor: who,
          text: call.trim(),
          members: parsed,
          phrase: kind.phrase(parsed[0]!.step),
          expect: parseExpectation(rest[0]!, allowed),
          byKernel: readByKernel(y, extra, allowed, params, report),
          source,
        });
        continue;
      }
      const step = kind.parse(words, { actor: who, actors: names, sockets });
      const expect = rest.length ? parseExpectation(rest[0]!, kind.expects) : kind.defaultExpectation(step);
      if (!expect) throw new StepSyntaxError(`'${verb}' needs an expectation`, `write '=> …' (usage: ${kind.usage})`);
      steps.push({
        actor: who,
        text: call.trim(),
        step,
        phrase: kind.phrase(step),
        expect,
        byKernel: readByKernel(y, extra, kind.expects, params, report),
        source,
      });
    } catch (e) {
      if (!(e instanceof StepSyntaxError)) throw e;
      if (e instanceof EchoOfEarlierProblem) continue;
      // "send: send needs…" says the verb once.
      at(e.message.startsWith(`${verb} `) ? e.message : `${verb}: ${e.message}`, e.fix ?? `usage: ${kind.usage}`);
    }
  }
  return steps;
}

function isNull(v: unknown): boolean {
  return v === null || (isScalar(v) && v.value === null);
}

/** `kernels: { "<5.14": 0, "6.1": EADDRINUSE }` beside a step: what it expects on those kernels instead. */
function readByKernel(
  y: YamlFile,
  extra: Pair[],
  allowed: readonly ExpectationKind[],
  params: VariantParams,
  report: (p: Problem) => void,
): KernelExpectation[] {
  const node = extra.find((p) => keyText(p) === "kernels")?.value;
  if (node === undefined) return [];
  const at = (n: Node | Pair, message: string, fix?: string) =>
    report({ file: y.file, line: y.lineOf(n), message, ...(fix ? { fix } : {}) });
  if (!isMap(node)) {
    at(node as Node, "'kernels' maps a kernel selector to what the step expects there", 'e.g. kernels: { "<5.14": 0 }');
    return [];
  }
  const out: KernelExpectation[] = [];
  for (const p of node.items) {
    const selector = parseKernelSelector(keyText(p));
    if (!selector) {
      at(
        p,
        `'${keyText(p)}' is not a kernel selector`,
        "write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)",
      );
      continue;
    }
    const text = substitute(String(isScalar(p.value) ? (p.value.value ?? "") : ""), params).text;
    if (text === "") {
      at(p, `kernels: '${keyText(p)}' needs one expectation`, `e.g. kernels: { "${keyText(p)}": EADDRINUSE }`);
      continue;
    }
    try {
      out.push({ selector, expect: parseExpectation(text, allowed) });
    } catch (e) {
      if (!(e instanceof StepSyntaxError)) throw e;
      if (e instanceof EchoOfEarlierProblem) continue;
      at(p, `kernels: ${e.message}`, e.fix);
    }
  }
  return out;
}

/**
 * `groups: { workers: [w1, w2, w3] }`: names for sets of actors that a counting step is given to. A
 * group's name and members may be variant parameters (`workers: ["{first}", w2]`), so it is read per variant.
 */
export function readGroups(
  y: YamlFile,
  node: Node | undefined,
  actors: readonly string[],
  params: VariantParams,
  report: (p: Problem) => void,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  if (node === undefined) return groups;
  const at = (n: Node | Pair, message: string, fix: string) =>
    report({ file: y.file, line: y.lineOf(n), message, fix });
  if (!isMap(node)) {
    at(node, "'groups' maps a group's name to a list of actors", "e.g. groups: { workers: [w1, w2, w3] }");
    return groups;
  }
  for (const pair of node.items) {
    const words = [
      keyText(pair),
      ...(isSeq(pair.value) ? pair.value.items.map((i) => String(isScalar(i) ? i.value : "")) : []),
    ].map((w) => substitute(w, params));
    const unknown = words.flatMap((w) => w.unknown);
    for (const u of unknown)
      at(pair, `'{${u}}' is not a parameter of this variant`, "define it under every variant in 'variants'");
    if (unknown.length) continue;
    const [name, ...members] = words.map((w) => w.text) as [string, ...string[]];
    if (actors.includes(name)) {
      // Kept, it would take that actor's steps for its own.
      at(pair, `group '${name}' has the name of an actor`, "rename the group, e.g. workers");
      continue;
    }
    if (members.length < 2) at(pair, `group '${name}' needs a list of at least two actors`, `e.g. ${name}: [w1, w2]`);
    for (const m of members)
      if (!actors.includes(m))
        at(pair, `group '${name}' names unknown actor '${m}'`, suggestion(m, [...actors], "actors"));
    // An unknown member is reported once, here; the group's steps are read with the members it does have.
    groups.set(
      name,
      members.filter((m) => actors.includes(m)),
    );
  }
  return groups;
}
