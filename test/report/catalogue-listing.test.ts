// `reuselab list` (lab/report/catalogue-listing.ts) on a catalogue written here: the cases of a selection
// (slow ones too) with the variants selected, tags by how many cases carry them, the claims and the
// cases naming them (all claims unless the selection is narrowed); then the tables.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadCatalogue, type Catalogue } from "../../lab/case/load-cases";
import { formatListing, listCatalogue } from "../../lab/report/catalogue-listing";
import { colorsFor } from "../../lab/terminal";

const CLAIMS =
  "schemaVersion: 1\nclaims:\n" +
  ["c-one", "c-two", "c-none"]
    .map((id) => `  - { id: ${id}, topic: t, section: S ${id}, line: 1, quote: q }\n`)
    .join("");
const body = (title: string, tags: string, head = "") =>
  `schemaVersion: 1\ntitle: ${title}\nrule: r\nsource: s\ntags: [${tags}]\n${head}actors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n`;
const FILES: Record<string, string> = {
  "alpha.yaml": body(
    "Alpha title",
    "udp, tcp",
    "variants:\n  v1: { claims: { confirms: [c-one] } }\n  v2: { claims: { refutes: [c-two] } }\n",
  ),
  "beta.yaml": body("Beta title", "tcp", "claims: { confirms: [c-one] }\n"),
  "gamma.yaml": body("Gamma title, which is long enough to be wrapped when the terminal is narrow", "slow, udp, zeta"),
};

let dir = "";
let catalogue: Catalogue;
const shown = (name: string) => relative(process.cwd(), join(dir, "cases", name));
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), "reuselab-list-"));
  mkdirSync(join(dir, "cases"));
  writeFileSync(join(dir, "cases", "claims.yaml"), CLAIMS);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, "cases", name), text);
  catalogue = loadCatalogue([join(dir, "cases")]);
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test("the whole catalogue: every case (slow too), tags by count then name, every claim with the cases naming it", (t) => {
  t.deepEqual(listCatalogue(catalogue, {}), {
    cases: [
      { id: "alpha", file: shown("alpha.yaml"), title: "Alpha title", tags: ["udp", "tcp"], variants: ["v1", "v2"] },
      { id: "beta", file: shown("beta.yaml"), title: "Beta title", tags: ["tcp"], variants: ["default"] },
      {
        id: "gamma",
        file: shown("gamma.yaml"),
        title: "Gamma title, which is long enough to be wrapped when the terminal is narrow",
        tags: ["slow", "udp", "zeta"],
        variants: ["default"],
      },
    ],
    tags: [
      { tag: "tcp", cases: 2 },
      { tag: "udp", cases: 2 },
      { tag: "slow", cases: 1 },
      { tag: "zeta", cases: 1 },
    ],
    claims: [
      { id: "c-one", section: "S c-one", cases: ["alpha", "beta"] },
      { id: "c-two", section: "S c-two", cases: ["alpha"] },
      { id: "c-none", section: "S c-none", cases: [] },
    ],
  });
});

test("a narrowed selection: the variants it keeps, the tags of its cases, only the claims they name", (t) => {
  const byFilter = listCatalogue(catalogue, { filter: ["alpha.v2"] });
  t.deepEqual(
    byFilter.cases.map((c) => [c.id, c.variants]),
    [["alpha", ["v2"]]],
  );
  t.deepEqual(byFilter.tags, [
    { tag: "tcp", cases: 1 },
    { tag: "udp", cases: 1 },
  ]);
  t.deepEqual(byFilter.claims, [{ id: "c-two", section: "S c-two", cases: ["alpha"] }]);
  const byTag = listCatalogue(catalogue, { tags: ["zeta"] });
  t.deepEqual(
    byTag.cases.map((c) => c.id),
    ["gamma"],
  );
  t.deepEqual(byTag.claims, []);
});

test("the tables: cases with their variants, tags and titles; tags with counts; claims with a case naming them, or none", (t) => {
  const text = formatListing(listCatalogue(catalogue, {}), ["cases", "tags", "claims"], colorsFor(false));
  t.is(
    text,
    [
      "3 cases, 4 variants",
      "  case   variants  tags             title",
      "  alpha  v1, v2    udp, tcp         Alpha title",
      "  beta   default   tcp              Beta title",
      "  gamma  default   slow, udp, zeta  Gamma title, which is long enough to be wrapped when the terminal is narrow",
      "",
      "4 tags",
      "  tag   cases",
      "  tcp   2",
      "  udp   2",
      "  slow  1",
      "  zeta  1",
      "",
      "3 claims of the seed guide",
      "  claim   section   named by",
      "  c-one   S c-one   alpha (+1)",
      "  c-two   S c-two   alpha",
      "  c-none  S c-none  no case",
      "",
    ].join("\n"),
  );
  t.is(
    formatListing(listCatalogue(catalogue, { filter: ["alpha"] }), ["cases"], colorsFor(false)),
    "1 case, 2 variants\n  case   variants  tags      title\n  alpha  v1, v2    udp, tcp  Alpha title\n",
  );
  t.is(formatListing(listCatalogue(catalogue, {}), [], colorsFor(false)), "");
});

test("a terminal's width wraps the titles", (t) => {
  const text = formatListing(listCatalogue(catalogue, {}), ["cases"], colorsFor(false), 70);
  const lines = text.split("\n");
  t.true(lines.length > 6, text);
  for (const l of lines) t.true(l.length <= 70, `${l.length}: ${l}`);
  t.true(text.includes("Gamma title, which is long"), text);
});
