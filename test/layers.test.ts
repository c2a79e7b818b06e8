/**
 * The folders under lab/ are layers: each imports only from the layers below it, so a change to a lower
 * layer never has to know who sits above it. Every import of every lab/**\/*.ts file is read with the
 * TypeScript compiler's pre-processor (import, export … from, require, import(), no evaluation); a
 * folder is lab/<top-folder>, and each file at lab/'s root is its own node.
 */
import test from "ava";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const LAB = resolve(__dirname, "..", "lab");

/** Bottom first: a folder may import from the folders before it in this list, never from those after it. */
const LAYERS = [
  "<root files>", // lab/*.ts: errors, package root, process stat, kernel info, problems, terminal, debug log…
  "probe", // the line protocol to the probe agent
  "verdict", // expectation vs observation → outcome, one step and one run
  "steps", // one module per step kind: grammar, call, judging
  "case", // case files → validated Case
  "plan", // variants × kernels → runs with stable ids
  "findings", // over a whole run: claims audit, known kernel bugs, fix predictions
  "events", // what the engine tells reporters
  "backend", // docker / netns / vm labs
  "bootstrap", // what the host needs before a backend starts
  "run", // one case on a started lab; the session runner
  "audit", // a service image against the hijack profiles
  "demo", // the compose hijack demo
  "report", // reporters: console, JSON, JUnit, HTML, screenshots
  "api", // reuselab as a library
  "bench", // benchmarks
  "cli", // the commands
  "index.ts", // the package's entry
];

type Edge = { from: string; to: string; file: string; target: string };

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** lab/<top-folder>, or the file's own name at lab/'s root. */
function nodeOf(file: string): string {
  const parts = relative(LAB, file).split(sep);
  return parts[0];
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, "index.ts"), base].find((f) => existsSync(f) && statSync(f).isFile());
}

function labEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of tsFiles(LAB)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = resolveImport(file, fileName);
      if (!target || !target.startsWith(LAB + sep)) continue;
      edges.push({ from: nodeOf(file), to: nodeOf(target), file: relative(LAB, file), target: relative(LAB, target) });
    }
  }
  return edges;
}

/** One cycle of the folder graph, as "a -> b -> a" with the file that makes each arrow, or undefined. */
function findCycle(edges: Edge[]): string | undefined {
  const out = new Map<string, Edge[]>();
  for (const e of edges) if (e.from !== e.to) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, "open" | "done">();
  const path: Edge[] = [];
  const visit = (node: string): Edge[] | undefined => {
    state.set(node, "open");
    for (const e of out.get(node) ?? []) {
      if (state.get(e.to) === "open") return [...path.slice(path.findIndex((p) => p.from === e.to)), e];
      if (state.has(e.to)) continue;
      path.push(e);
      const found = visit(e.to);
      if (found) return found;
      path.pop();
    }
    state.set(node, "done");
    return undefined;
  };
  for (const node of out.keys()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle.map((e) => `${e.from} -> ${e.to} (${e.file} imports ${e.target})`).join("\n");
  }
  return undefined;
}

const isRootFile = (node: string) => node.endsWith(".ts") && node !== "index.ts";
/** Root files share the bottom layer; among themselves only the cycle test applies. */
const layerOf = (node: string) => LAYERS.indexOf(isRootFile(node) ? "<root files>" : node);

test("the folder graph under lab/ has no cycle", (t) => {
  const cycle = findCycle(labEdges());
  t.is(cycle, undefined, `folders under lab/ import each other:\n${cycle}`);
});

test("every folder under lab/ has its place in the layers", (t) => {
  const folders = readdirSync(LAB, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && tsFiles(join(LAB, e.name)).length > 0,
  );
  const missing = folders.map((e) => e.name).filter((name) => layerOf(name) < 0);
  t.deepEqual(missing, [], `add each folder to LAYERS in test/layers.test.ts, above the folders it imports`);
});

test("every import points down the layers", (t) => {
  const up = labEdges()
    .filter(
      (e) =>
        e.from !== e.to &&
        (layerOf(e.to) > layerOf(e.from) || (layerOf(e.to) === layerOf(e.from) && !isRootFile(e.to))),
    )
    .map((e) => `${e.file} imports ${e.target} (${e.from} sits below ${e.to})`);
  t.deepEqual(up, [], `imports that point up:\n${up.join("\n")}`);
});

test("no file outside lab/cli imports from lab/cli", (t) => {
  const into = labEdges()
    .filter((e) => e.to === "cli" && e.from !== "cli")
    .map((e) => `${e.file} imports ${e.target}`);
  t.deepEqual(into, [], `lab/cli is the top: move what these need below it:\n${into.join("\n")}`);
});
