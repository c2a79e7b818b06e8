// images/kernels/kernels.yaml is read as YAML and checked like a case file: every problem with its
// file and line; and the kernel specs of --kernel and of the file.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KERNELS_FILE, KernelsFileError, readKernelsFile } from "../../lab/backend/vm/kernel-images";
import { debianMirror, parseKernelSpec } from "../../lab/backend/vm/kernel-spec";

const file = "/k/kernels.yaml";
const problems = (text: string) => {
  try {
    readKernelsFile(file, text);
  } catch (e) {
    if (e instanceof KernelsFileError) return e.problems.map((p) => `${p.line}: ${p.message}`);
    throw e;
  }
  return [];
};

test("the shipped kernels.yaml reads, each kernel with an id and a spec", (t) => {
  const kernels = readKernelsFile(KERNELS_FILE);
  t.true(kernels.length >= 3);
  for (const k of kernels) t.true(k.id.length > 0 && k.spec.kind === "debian", k.text);
});

test("any YAML layout: block mappings, several flow mappings on one line, comments", (t) => {
  const text = 'kernels: [{ id: a, kernel: "debian:bookworm" }, { id: b, kernel: debian:sid/linux-image-amd64 }]\n';
  t.deepEqual(
    readKernelsFile(file, text).map((k) => [k.id, k.spec]),
    [
      ["a", { kind: "debian", suite: "bookworm", package: "linux-image-cloud-amd64" }],
      ["b", { kind: "debian", suite: "sid", package: "linux-image-amd64" }],
    ],
  );
  const block = "# mine\nkernels:\n  - id: '5.10'   # quoted\n    kernel: >-\n      debian:bullseye-security\n";
  t.deepEqual(
    readKernelsFile(file, block).map((k) => [k.id, k.spec]),
    [["5.10", { kind: "debian", suite: "bullseye-security", package: "linux-image-cloud-amd64" }]],
  );
});

test("every problem is named with its line, all at once", (t) => {
  const text = [
    "kernels:",
    "  - id: a",
    "    kernel: debian:bookworm",
    "  - id: a",
    "    kernel: debian:trixie",
    "  - kernal: debian:sid",
    "    id: c",
    "  - id: d",
    "    kernel: ./no-such.deb",
    "  - id: e",
    "    kernel: debian:Bad Suite",
    "extra: 1",
  ].join("\n");
  const got = problems(text);
  t.true(got.includes("4: the id 'a' is used twice (first on line 2)"), got.join("\n"));
  t.true(got.includes("6: unknown key 'kernal'"), got.join("\n"));
  t.true(
    got.some((p) => p.startsWith("6: this kernel has no 'kernel' spec")),
    got.join("\n"),
  );
  t.true(got.includes("9: './no-such.deb' is neither a file nor a folder"), got.join("\n"));
  t.true(got.includes("11: 'debian:Bad Suite' is not debian:SUITE[/PACKAGE]"), got.join("\n"));
  t.true(got.includes("12: unknown key 'extra'"), got.join("\n"));
});

test("a YAML syntax error, a missing id and a file that is not a mapping say where", (t) => {
  t.deepEqual(problems("kernels:\n  - { id: a, kernel: debian:sid\n"), ["2: YAML: '{' is not closed on this line"]);
  t.true(problems("kernels:\n  - kernel: debian:sid\n")[0]!.startsWith("2: this kernel has no 'id'"));
  t.true(problems("- a\n")[0]!.startsWith("1: kernels.yaml is a mapping"));
  const err = t.throws(() => readKernelsFile(file, "kernels: 3\n"), { instanceOf: KernelsFileError });
  t.regex(err!.message, /\/k\/kernels\.yaml:1: 'kernels' must be a list of kernels/);
});

test("kernel specs: debian:, .deb, IMAGE[:MODULES], build tree, ID=SPEC, and what is none", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-spec-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "k.deb"), "");
  writeFileSync(join(dir, "bzImage"), "");
  mkdirSync(join(dir, "mods"));
  t.deepEqual(parseKernelSpec("debian:bookworm-security"), {
    spec: { kind: "debian", suite: "bookworm-security", package: "linux-image-cloud-amd64" },
    text: "debian:bookworm-security",
  });
  t.deepEqual(parseKernelSpec("k.deb", dir), { spec: { kind: "deb", path: join(dir, "k.deb") }, text: "k.deb" });
  t.deepEqual(parseKernelSpec("bzImage:mods", dir), {
    spec: { kind: "image", path: join(dir, "bzImage"), modules: join(dir, "mods") },
    text: "bzImage:mods",
  });
  t.deepEqual(parseKernelSpec("bzImage", dir), {
    spec: { kind: "image", path: join(dir, "bzImage") },
    text: "bzImage",
  });
  t.deepEqual(parseKernelSpec(".", dir), { spec: { kind: "tree", path: dir }, text: "." });
  t.deepEqual(parseKernelSpec("mine=k.deb", dir), {
    id: "mine",
    spec: { kind: "deb", path: join(dir, "k.deb") },
    text: "mine=k.deb",
  });
  t.regex((parseKernelSpec("bzImage:nope", dir) as { error: string }).error, /modules folder 'nope'/);
  t.regex((parseKernelSpec("debian:", dir) as { error: string }).error, /not debian:SUITE/);
  t.regex((parseKernelSpec("debian:sid/Not_A_Package", dir) as { error: string }).error, /not a Debian package name/);
  t.regex((parseKernelSpec("vmlinuz-missing", dir) as { error: string }).error, /neither a file nor a folder/);
});

test("each suite from its own archive: security updates from debian-security", (t) => {
  t.is(debianMirror("bullseye-security", {}), "http://deb.debian.org/debian-security");
  t.is(
    debianMirror("bookworm-security", { REUSELAB_DEBIAN_MIRROR: "http://m/debian" }),
    "http://deb.debian.org/debian-security",
  );
  for (const s of ["trixie", "bookworm-backports", "sid", "experimental"])
    t.is(debianMirror(s, {}), "http://deb.debian.org/debian");
  t.is(debianMirror("sid", { REUSELAB_DEBIAN_MIRROR: "http://m/debian" }), "http://m/debian");
});
