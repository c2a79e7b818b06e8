/**
 * The package as `npm pack` makes it (prepack compiles dist/): what the tarball holds; the compiled CLI
 * as the `reuselab` bin runs it (--version; commands that start nothing load none of the engine's
 * libraries); and the package unpacked into a project's node_modules, away from the clone, finding its
 * cases, scripts and probe sources and running a case. How fast the CLI starts is the bench's and the
 * README's business, not a test's.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { labHere, scratch } from "./helpers";

const ROOT = resolve(__dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const BIN = join(ROOT, "lab/cli/bin.js");
const PRELOAD = join(__dirname, "record-loaded-modules.cjs");
/** What only a command that starts a lab needs. */
const HEAVY = ["testcontainers", "dockerode", "docker-modem", "cli-progress", "ssh2"];

/** The tarball's files, and the project folder it is unpacked in (node_modules/reuselab). */
let packed: { files: string[]; project: string; pkg: string };

test.before(() => {
  const into = scratch();
  const r = spawnSync("npm", ["pack", "--json", "--pack-destination", into], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack failed (exit ${r.status}): ${r.stderr}`);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  const project = scratch();
  const pkg = join(project, "node_modules/reuselab");
  mkdirSync(pkg, { recursive: true });
  const x = spawnSync("tar", ["-xzf", join(into, info!.filename), "-C", pkg, "--strip-components=1"], {
    encoding: "utf8",
  });
  if (x.status !== 0) throw new Error(`tar failed: ${x.stderr}`);
  packed = { files: info!.files.map((f) => f.path), project, pkg };
});

/** The bin (the clone's, or another) from a folder outside the clone; its output and the modules it loaded. */
function bin(
  args: string[],
  o: { bin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { code: number | null; out: string; err: string; loaded: string[] } {
  const record = join(scratch(), "loaded.txt");
  const r = spawnSync(process.execPath, ["--require", PRELOAD, o.bin ?? BIN, ...args], {
    cwd: o.cwd ?? scratch(),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", REUSELAB_LOADED_MODULES: record, ...o.env },
  });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    loaded: readFileSync(record, "utf8").split("\n").filter(Boolean),
  };
}

const packagesIn = (loaded: readonly string[]) =>
  new Set(loaded.flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1] ?? []));

/** The installed package's bin (its compiled CLI), run in the project that installed it. */
const compiledBin = (args: string[]) =>
  bin(args, {
    bin: join(packed.pkg, "lab/cli/bin.js"),
    cwd: packed.project,
    env: { NODE_PATH: join(ROOT, "node_modules") },
  });

test.serial("--version prints package.json's version, from the compiled bin and in process", async (t) => {
  const r = compiledBin(["--version"]);
  t.is(r.code, 0, r.err);
  t.is(r.out, `${VERSION}\n`);
  t.true(r.loaded.includes(join(packed.pkg, "dist/cli/main.js")), "the bin ran the compiled CLI");
  const here = await labHere(["-V"]);
  t.is(here.code, 0);
  t.is(here.out, `${VERSION}\n`);
});

for (const args of [["--help"], ["list"], ["explain", "hijack/udp-specific-address-steals-unicast"]]) {
  test.serial(`${args.join(" ")} from the compiled bin loads none of ${HEAVY.join(", ")}`, (t) => {
    const r = compiledBin(args);
    t.is(r.code, 0, r.err);
    t.true(r.loaded.includes(join(packed.pkg, "dist/cli/main.js")), "the bin ran the compiled CLI");
    t.false(
      r.loaded.some((p) => p.endsWith(".ts")),
      "no TypeScript was loaded",
    );
    const packages = packagesIn(r.loaded);
    t.true(packages.has("commander"), `the record holds the libraries loaded: ${[...packages].join(", ")}`);
    t.deepEqual(
      HEAVY.filter((h) => packages.has(h)),
      [],
    );
  });
}

test.serial(
  "list and explain from the catalogue cache print what the case files give, and load neither the YAML library nor the case loader",
  (t) => {
    for (const args of [
      ["list"],
      ["list", "claims", "--json"],
      ["explain", "hijack/udp-specific-address-steals-unicast"],
    ]) {
      // A cache of its own for each command: its first start parses.
      const env = { NODE_PATH: join(ROOT, "node_modules"), REUSELAB_CACHE: scratch() };
      const run = (a: string[]) => bin(a, { bin: join(packed.pkg, "lab/cli/bin.js"), cwd: packed.project, env });
      const parsed = run(args);
      const cached = run(args);
      t.is(parsed.code, 0, parsed.err);
      t.is(cached.code, 0, cached.err);
      t.true(
        packagesIn(parsed.loaded).has("yaml") && parsed.loaded.some((p) => p.endsWith("dist/case/load-case.js")),
        `${args.join(" ")}: the first start parsed the files`,
      );
      t.is(cached.out, parsed.out, args.join(" "));
      t.false(packagesIn(cached.loaded).has("yaml"), `${args.join(" ")}: no YAML library`);
      t.deepEqual(
        cached.loaded.filter((p) => /dist\/(case\/(load-case|yaml-file|claims)|steps\/)/.test(p)),
        [],
        args.join(" "),
      );
    }
  },
);

test.serial("a clone's bin runs its TypeScript even where npm pack left a dist/ behind (it could be older)", (t) => {
  t.true(existsSync(join(ROOT, "dist/cli/main.js")), "npm pack built dist/ in the clone");
  const r = bin(["--version"]);
  t.is(r.code, 0, r.err);
  t.true(r.loaded.includes(join(ROOT, "lab/cli/main.ts")), "the clone's source ran");
  t.false(
    r.loaded.some((p) => p.startsWith(join(ROOT, "dist/"))),
    "nothing of dist/ was loaded",
  );
});

test.serial("run --help loads none of them either; a run's own code loads only when it starts", (t) => {
  const r = compiledBin(["run", "--help"]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /--backend <name>/);
  t.deepEqual(
    HEAVY.filter((h) => packagesIn(r.loaded).has(h)),
    [],
  );
  t.false(r.loaded.some((p) => p.endsWith("run-action.js")));
});

test.serial(
  "the tarball holds what runs: compiled code and types, the probe's sources, scripts, recipes, cases, audits; no tests, fixtures or TypeScript sources",
  (t) => {
    const has = (f: string) => packed.files.includes(f);
    for (const f of [
      "package.json",
      "README.md",
      "Dockerfile",
      "compose.yaml",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/main.js",
      "lab/cli/bin.js",
      "lab/bootstrap/bootstrap.sh",
      "lab/bootstrap/system-path.sh",
      "images/probe/Makefile",
      "images/probe/main.c",
      "images/probe/sockets.h",
      "images/kernels/kernels.yaml",
      "images/kernels/fetch-kernel.sh",
      "images/guest/boot.sh",
      "images/services/build-rootfs.sh",
      "cases/claims.yaml",
      "audits/dnsmasq.yaml",
      "CHANGELOG.md",
      "dist/api/audit.js",
    ]) {
      t.true(has(f), f);
    }
    t.deepEqual(
      packed.files.filter((f) =>
        /^(test|examples|docs|\.ci)\/|fixtures|images\/probe\/(fuzz|build)\/|^lab\/.*\.ts$|^tsconfig|^eslint/.test(f),
      ),
      [],
    );
    const cases = readdirSync(join(ROOT, "cases"), { recursive: true }).filter((f) =>
      String(f).endsWith(".yaml"),
    ).length;
    t.is(packed.files.filter((f) => f.startsWith("cases/") && f.endsWith(".yaml")).length, cases);
  },
);

/** The unpacked package's bin, run from its project; its dependencies found through NODE_PATH (the clone's node_modules). */
const installed = compiledBin;

test.serial(
  "installed in a project's node_modules: --version, list, explain and audit find the package's own files, not the clone's",
  (t) => {
    const version = installed(["--version"]);
    t.is(version.code, 0, version.err);
    t.is(version.out, `${VERSION}\n`);
    const list = installed(["list", "cases", "--json"]);
    t.is(list.code, 0, list.err);
    const ids = (JSON.parse(list.out) as { cases: { id: string }[] }).cases.map((c) => c.id);
    t.true(ids.includes("hijack/udp-specific-address-steals-unicast"), ids.join(", "));
    const own = list.loaded.filter(
      (p) =>
        !p.includes("/node_modules/reuselab/") &&
        !p.startsWith(realpathSync(join(ROOT, "node_modules"))) &&
        p !== PRELOAD,
    );
    t.deepEqual(own, [], "every module came from the package or its dependencies");
    const explain = installed(["explain", "uid-rule/tcp-reuseport-needs-same-uid"]);
    t.is(explain.code, 0, explain.err);
    t.regex(
      explain.out,
      /^uid-rule\/tcp-reuseport-needs-same-uid {2}node_modules\/reuselab\/cases\/uid-rule\/tcp-reuseport-needs-same-uid\.yaml$/m,
    );
    // audit reads the package's own audits/ by default: a report onto one of them is refused as a file it reads.
    const shipped = join(packed.pkg, "audits/dnsmasq.yaml");
    const audit = installed(["audit", "--json", shipped]);
    t.is(audit.code, 2, audit.err);
    t.true(audit.err.includes(`--json ${shipped}: is an audit file this command reads`), audit.err);
  },
);

test.serial("installed: the library runs a case on netns, building the probe from the package's own sources", (t) => {
  const probe = join(packed.pkg, "images/probe/build/probe");
  t.false(existsSync(probe));
  const script = `require("reuselab").runCases({ cases: [require("node:path").join(require.resolve("reuselab/package.json"), "../cases/uid-rule/tcp-reuseport-needs-same-uid.yaml")], backend: "netns" }).then((r) => console.log(JSON.stringify(r.runs.map((x) => x.id + " " + x.outcome))))`;
  const r = spawnSync(process.execPath, ["-e", script], {
    cwd: packed.project,
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") },
  });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), [
    "uid-rule/tcp-reuseport-needs-same-uid.other-uid@host passed",
    "uid-rule/tcp-reuseport-needs-same-uid.same-uid@host passed",
  ]);
  t.true(existsSync(probe), "the probe was built inside the installed package");
});
