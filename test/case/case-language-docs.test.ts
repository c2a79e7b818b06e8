/**
 * docs/cases.md is the case language's reference: every word the loader knows, read here from the
 * loader's own tables (the step registry, the option, keyword and key lists), must be in it, and its
 * example of every step must load.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import { EXPECTATION_WORDS, GROUP_CLAUSES } from "../../lab/case/expectation-syntax";
import { loadCase, TOP_KEYS } from "../../lab/case/load-case";
import { NETNS_SYSCTLS } from "../../lab/case/netns-sysctls";
import { ACTOR_KEYS, CAPS } from "../../lab/case/read-actors";
import { RELATIONS } from "../../lab/case/read-claim-refs";
import { FIX_KEYS } from "../../lab/case/read-fix";
import { groupVerbs, stepKind, stepVerbs } from "../../lab/steps";
import { KEYWORDS } from "../../lab/steps/grammar";
import { OPTION_NAMES } from "../../lab/steps/socket-options";
import { TCP_STATES } from "../../lab/verdict/expectation";

const DOC = "docs/cases.md";
const doc = readFileSync(DOC, "utf8");
/** Every `code span` and every line of a code block: where a word of the language is shown. */
const code =
  [...doc.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!).join("\n") +
  "\n" +
  [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!).join("\n");
const shows = (word: string) =>
  new RegExp(`(^|[^A-Za-z0-9_.-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^A-Za-z0-9_-]|$)`, "m").test(code);

test("the registry has the steps the docs are about", (t) => {
  t.true(stepVerbs().length >= 21, stepVerbs().join(" "));
});

test("every step verb, with its usage as the loader prints it, is in docs/cases.md", (t) => {
  for (const verb of stepVerbs()) {
    t.true(shows(verb), `step '${verb}' is not in ${DOC}`);
    t.true(doc.includes(stepKind(verb)!.usage), `the usage of '${verb}' ("${stepKind(verb)!.usage}") is not in ${DOC}`);
    // The literal words of its usage (to, varying-port, v4, rd…), each shown in an example too.
    for (const word of stepKind(verb)!
      .usage.split(/[\s[\]|…=>]+/)
      .filter((w) => /^[a-z][a-z0-9-]*$/.test(w) && w !== "or"))
      t.true(shows(word), `'${word}' of ${verb}'s usage is not in ${DOC}`);
  }
});

test("every socket option, keyword, key, capability, sysctl and expectation word is in docs/cases.md", (t) => {
  const tables: [string, readonly string[]][] = [
    ["socket option", OPTION_NAMES],
    ["keyword", KEYWORDS],
    ["top-level key", TOP_KEYS],
    ["actor key", ACTOR_KEYS],
    ["fix key", FIX_KEYS],
    ["capability", CAPS],
    ["per-netns sysctl", NETNS_SYSCTLS],
    ["claim relation", RELATIONS],
    ["group step", groupVerbs()],
    ["group clause", GROUP_CLAUSES],
    ["expectation word", EXPECTATION_WORDS],
    ["TCP state", TCP_STATES],
  ];
  for (const [what, words] of tables) {
    t.true(words.length > 0, what);
    for (const w of words) t.true(shows(w), `${what} '${w}' is not in ${DOC}`);
  }
});

test("the docs' example of every step is a case that loads, and uses every verb", (t) => {
  const block = /```yaml\n(schemaVersion: 1\ntitle: Every step of the case language[\s\S]*?)```/.exec(doc)?.[1];
  if (!block) return t.fail(`${DOC} has no example case titled 'Every step of the case language'`);
  const { case: c, problems } = loadCase(DOC, "docs-example", block);
  t.deepEqual(problems, []);
  const used = new Set<string>(c?.variants[0]!.steps.map((s) => ("step" in s && s.step ? s.step.kind : "")));
  t.deepEqual(
    stepVerbs().filter((v) => !used.has(v)),
    [],
  );
});

test("the sysctls listed in docs/cases.md (Sysctls) are the ones the loader accepts, no more, no fewer", (t) => {
  const section = /\n### Sysctls\n([\s\S]*?)\n#/.exec(doc)?.[1];
  if (!section) return t.fail(`${DOC} has no section '### Sysctls'`);
  // The list is the paragraph of code spans only; the prose before it names net.core.rmem_max as one left out.
  const listed = section
    .split(/\n\n/)
    .filter((para) => /^`net\./.test(para.trim()))
    .flatMap((para) => [...para.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  t.deepEqual(listed, [...NETNS_SYSCTLS]);
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  for (const name of listed) {
    const { case: c, problems } = loadCase(
      "x.yaml",
      "x",
      `${head}actors:\n  a: { uid: 1, sysctls: { ${name}: 1 } }\nsteps:\n  - a: sleep 1\n`,
    );
    t.deepEqual(problems, [], name);
    t.deepEqual(
      c?.variants[0]!.namespaces.map((n) => n.sysctls),
      [{ [name]: "1" }],
      name,
    );
  }
});
