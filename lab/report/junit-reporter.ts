/**
 * --junit FILE: JUnit XML for CI (Jenkins, GitLab, GitHub's test reporters). One <testsuite> per
 * kernel ("reuselab@<kernel>", its release and known bugs as properties: junit-known-bugs.ts), one <testcase> per run: classname is the
 * case id, name "variant@kernel", so a CI groups a case's variants and kernels together.
 *
 *   passed   <testcase> with its steps in <system-out>
 *   failed   one <failure> per step the kernel disagreed with (message: file:line: actor: call: expected
 *            … but got …; body: expected, observed, trace); a lab that could not run gives an <error>
 *   xfail    passed, the known failure and its reason noted in <system-out>
 *   xpass    a <failure>: the case is marked as failing but passed, so the mark is stale
 *   skipped  <skipped> with the reason as its text
 *
 * A suite's time is the sum of its runs' (runs overlap, so it can exceed the wall time, which is the
 * time of <testsuites>). The dialect is Jenkins' junit-4.xsd (test/fixtures/junit/), which the tests validate every report
 * against: it wants <skipped> to be text only, and no skipped count on <testsuites>.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { KernelInfo } from "../kernel-info";
import type { LabEvent, Reporter } from "../events/events";
import type { KnownBugs } from "../findings/known-bugs";
import { asksFairness } from "../verdict/expectation";
import { describeObservation } from "../verdict/observation";
import { knownBugProperties } from "./junit-known-bugs";
import { formatFailure, type Failure, type RunResult, type StepResult } from "../verdict/outcome";

interface Session {
  backend?: string;
  kernels: KernelInfo[];
  results: RunResult[];
  knownBugs?: KnownBugs;
  durationMs: number;
  interrupted: boolean;
  finishedAt: number;
}

export class JunitReporter implements Reporter {
  private backend?: string;
  private session?: Session;

  constructor(private readonly file: string) {}

  onEvent(e: LabEvent): void {
    if (e.type === "session-started") this.backend = e.backend;
    if (e.type !== "session-finished") return;
    this.session = {
      kernels: e.kernels,
      results: e.results,
      knownBugs: e.knownBugs,
      durationMs: e.durationMs,
      interrupted: e.interrupted,
      finishedAt: Date.now(),
      ...(this.backend ? { backend: this.backend } : {}),
    };
  }

  async close(): Promise<void> {
    if (!this.session) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, junitXml(this.session));
  }
}

type Kind = "passed" | "failure" | "error" | "skipped";

/** A run as JUnit counts it: a failure when the kernel disagreed (or a known failure passed), an error when the lab could not run it. */
function kindOf(r: RunResult): Kind {
  switch (r.outcome) {
    case "passed":
    case "xfail":
      return "passed";
    case "skipped":
      return "skipped";
    case "xpass":
      return "failure";
    case "failed":
      return r.failures.some((f) => f.actor) ? "failure" : "error";
  }
}

function junitXml(s: Session): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const startedAt = new Date(s.finishedAt - s.durationMs).toISOString().slice(0, 19);
  const suites = s.kernels.map((k, i) => {
    const runs = s.results.filter((r) => r.kernel === k.id);
    const count = (kind: Kind) => runs.filter((r) => kindOf(r) === kind).length;
    const props: [string, string][] = [
      ["kernel", k.id],
      ["kernel.release", k.release],
      ...(s.backend ? [["backend", s.backend] as [string, string]] : []),
    ];
    if (s.interrupted) props.push(["interrupted", "true"]);
    props.push(...knownBugProperties(s.knownBugs, k.id));
    const head = attrs({
      name: `reuselab@${k.id}`,
      tests: runs.length,
      failures: count("failure"),
      errors: count("error"),
      skipped: count("skipped"),
      time: seconds(runs.reduce((sum, r) => sum + r.durationMs, 0)),
      timestamp: startedAt,
      hostname: hostname(),
      id: i,
    });
    const properties = props.map(([name, value]) => `      <property${attrs({ name, value })}/>\n`).join("");
    return `  <testsuite${head}>\n    <properties>\n${properties}    </properties>\n${runs.map(testcase).join("")}  </testsuite>\n`;
  });
  const all = (kind: Kind) => s.results.filter((r) => kindOf(r) === kind).length;
  const top = attrs({
    name: "reuselab",
    tests: s.results.length,
    failures: all("failure"),
    errors: all("error"),
    time: seconds(s.durationMs),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${top}>\n${suites.join("")}</testsuites>\n`;
}

function testcase(r: RunResult): string {
  const head = `    <testcase${attrs({ classname: r.case, name: `${r.variant}@${r.kernel}`, time: (r.durationMs / 1000).toFixed(3) })}>\n`;
  const body: string[] = [];
  const notes: string[] = [];
  switch (r.outcome) {
    case "skipped":
      body.push(`      <skipped>${text(r.reason)}</skipped>\n`);
      notes.push(`skipped: ${r.reason}`);
      break;
    case "failed":
      // Schema order: every <error> before any <failure>.
      for (const f of r.failures.filter((f) => !f.actor)) body.push(problem("error", "lab-error", f, r));
      for (const f of r.failures.filter((f) => f.actor)) body.push(problem("failure", "kernel-disagrees", f, r));
      break;
    case "xpass":
      body.push(
        `      <failure${attrs({ message: `expected to fail (${r.reason}) but passed: update the case`, type: "xpass" })}/>\n`,
      );
      break;
    case "xfail":
      notes.push(`known failure (xfail): ${r.reason}`, ...r.failures.map((f) => `  ${formatFailure(f)}`));
      break;
    case "passed":
      break;
  }
  const out = [...notes, ...(notes.length && r.steps.length ? [""] : []), ...r.steps.flatMap(stepLines)];
  if (out.length) body.push(`      <system-out>${text(out.join("\n") + "\n")}</system-out>\n`);
  return body.length ? `${head}${body.join("")}    </testcase>\n` : head.replace(/>\n$/, "/>\n");
}

/** A <failure> or <error>: the one-line message a CI shows, and the evidence in its body. */
function problem(tag: "failure" | "error", type: string, f: Failure, r: RunResult): string {
  const s = r.steps.find((st) => st.file === f.file && st.line === f.line && st.actor === f.actor);
  const evidence = [
    `${f.file}:${f.line}`,
    ...(f.actor ? [`actor:    ${f.actor}`] : []),
    ...(f.call ? [`call:     ${f.call}`] : []),
    ...(s
      ? [
          `expected: ${s.expected}`,
          `observed: ${describeObservation(s.observed, asksFairness(s.expectation))}`,
          ...s.observed.trace.map((t) => `  ${t}`),
        ]
      : [`${f.message}`]),
  ];
  return `      <${tag}${attrs({ message: formatFailure(f), type })}>${text(evidence.join("\n") + "\n")}</${tag}>\n`;
}

/** One step as the console would explain it: where, who, what, and what the kernel said (with the probe's calls). */
function stepLines(s: StepResult): string[] {
  const seen = describeObservation(s.observed, asksFairness(s.expectation));
  const head = `${s.ok ? "ok  " : "FAIL"} ${s.file}:${s.line}: ${s.actor}: ${s.call}: expected ${s.expected}, observed ${seen}`;
  return [head, ...s.observed.trace.map((t) => `       ${t}`)];
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${attr(String(v))}"`)
    .join("");
}

/**
 * Characters XML 1.0 cannot carry at all, not even as &#…; references: C0 controls other than tab, LF
 * and CR, lone surrogates, U+FFFE and U+FFFF. They are written as a visible \u{…} instead, so a probe's
 * stray byte can neither break the file nor vanish.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s
    .replace(NOT_XML, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

/** Attribute values: also quotes, and tab, LF and CR as references, which a parser would otherwise normalise to spaces. */
function attr(s: string): string {
  return text(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}
