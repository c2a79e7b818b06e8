// Each guest kernel's provenance in words, as the console and the HTML page show it: two builds of one
// release never read the same.
import test from "ava";
import type { KernelInfo } from "../../lab/kernel-info";
import { renderPage } from "../../lab/report/html-reporter";
import { provenanceText } from "../../lab/report/kernel-provenance";

const sum = (c: string) => c.repeat(64);
const debian: KernelInfo = {
  id: "5.10",
  release: "5.10.0-46-cloud-amd64",
  build: "Linux version 5.10.0-46-cloud-amd64 (gcc <10>) #1 SMP Debian 5.10.262-1",
  source: {
    kind: "debian",
    suite: "bullseye-security",
    package: "linux-image-5.10.0-46-cloud-amd64",
    version: "5.10.262-1",
    sha256: sum("a"),
  },
};
const rebuilt: KernelInfo = {
  ...debian,
  id: "mine",
  build: "Linux version 5.10.0-46-cloud-amd64 (me@box) #2",
  source: { kind: "image", path: "/k/bzImage", sha256: sum("b"), modules: "/k/mods" },
};

test("each kind of source in one line; the host has none", (t) => {
  t.is(
    provenanceText(debian),
    `5.10: 5.10.0-46-cloud-amd64, linux-image-5.10.0-46-cloud-amd64 5.10.262-1 from Debian bullseye-security (.deb sha256 aaaaaaaaaaaaaaaa…); ${debian.build}`,
  );
  t.is(
    provenanceText(rebuilt),
    `mine: 5.10.0-46-cloud-amd64, image /k/bzImage (sha256 bbbbbbbbbbbbbbbb…) with modules /k/mods; ${rebuilt.build}`,
  );
  t.regex(
    provenanceText({ id: "t", release: "6.13.0", source: { kind: "tree", path: "/src/linux", sha256: sum("c") } })!,
    /^t: 6\.13\.0, build tree \/src\/linux \(bzImage sha256 cccccccccccccccc…\)$/,
  );
  t.regex(
    provenanceText({
      id: "d",
      release: "6.1.0",
      source: { kind: "deb", path: "/x.deb", package: "linux-image-6.1.0", version: "1", sha256: sum("d") },
    })!,
    /from \/x\.deb \(sha256 dddd/,
  );
  t.is(provenanceText({ id: "host", release: "6.18.44" }), undefined);
});

test("the HTML page lists them, escaped", (t) => {
  const page = renderPage({
    kernels: [{ id: "host", release: "6.18" }, debian, rebuilt],
    results: [],
    claims: [],
    audit: [],
    durationMs: 1,
    interrupted: false,
    generatedAt: new Date(0),
  } as unknown as Parameters<typeof renderPage>[0]);
  t.true(
    page.includes(
      "<li>5.10: 5.10.0-46-cloud-amd64, linux-image-5.10.0-46-cloud-amd64 5.10.262-1 from Debian bullseye-security",
    ),
  );
  t.true(page.includes("(gcc &lt;10&gt;)"));
  t.true(page.includes("<li>mine: 5.10.0-46-cloud-amd64, image /k/bzImage"));
});
