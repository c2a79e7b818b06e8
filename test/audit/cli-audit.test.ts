// reuselab audit as CI runs it: a quick audit of a local image, the gate (exit 1 when a must-resist
// profile is vulnerable) and the --json results file.
import test from "ava";
import Docker from "dockerode";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultsFile } from "../../lab/report/json-reporter";
import { ensureServiceImage } from "../../lab/audit/service-image";
import { ensureMachine } from "../../lab/bootstrap/ensure";
import { lab, scratch } from "../cli/helpers";

const DNSMASQ =
  "dnsmasq -k --port=5353 --user= --pid-file= --log-facility=- --no-resolv --no-hosts --address=/reuselab.test/10.0.0.1";

test("--image with --must-resist: exit 1 when the profile is vulnerable, the verdict and its counts in --json", async (t) => {
  ensureMachine("audit");
  // The audit files' package list: the image the other audit tests use, built once.
  const image = await ensureServiceImage(new Docker(), ["dnsmasq", "nginx"]);
  const json = join(scratch(), "audit.json");
  const html = join(scratch(), "audit.html");
  const r = lab([
    "audit",
    "--image",
    image,
    "--port",
    "5353/udp",
    "--command",
    DNSMASQ,
    "--profiles",
    "udp-specific-reuseaddr,udp-reuseport-other-uid",
    "--must-resist",
    "udp-specific-reuseaddr",
    "--json",
    json,
    "--html",
    html,
  ]);
  t.is(r.code, 1, r.err);
  t.regex(
    r.out,
    /udp-specific-reuseaddr v4\s+vulnerable \(must resist\)\s+the kernel let attacker \(uid 1000, SO_REUSEADDR, no capability\) bind/,
  );
  t.regex(r.out, /FAILED: must-resist udp-specific-reuseaddr vulnerable/);
  const results = JSON.parse(readFileSync(json, "utf8")) as ResultsFile;
  t.is(results.schema, 1);
  const [audit] = results.audit!;
  t.deepEqual(audit!.gateFailures, ["udp-specific-reuseaddr"]);
  t.deepEqual(
    audit!.profiles.map((p) => [p.profile, p.family, p.verdict]),
    [
      ["udp-specific-reuseaddr", "v4", "vulnerable"],
      ["udp-specific-reuseaddr", "v6", "vulnerable"],
      ["udp-reuseport-other-uid", "v4", "resisted"],
      ["udp-reuseport-other-uid", "v6", "resisted"],
    ],
  );
  const c = audit!.profiles[0]!.counts!;
  t.is(c.answered! + c.stolen!, 64);
  // The page: one row per profile and family with its verdict's colour, what it rests on, the gate's failure, the evidence.
  const page = readFileSync(html, "utf8");
  t.is(page.match(/<tr class="profile">/g)?.length, 4);
  t.regex(
    page,
    /<code>udp-specific-reuseaddr<\/code><\/td><td>v4<\/td><td class="v-refuted">vulnerable<\/td><td>kernel<\/td><td><strong>must resist: FAILED<\/strong><\/td><td>the kernel let attacker/,
  );
  t.regex(
    page,
    /<code>udp-reuseport-other-uid<\/code><\/td><td>v6<\/td><td class="v-confirmed">resisted<\/td><td>kernel<\/td><td><\/td>/,
  );
  t.regex(page, /must-resist failed: [^<]*udp-specific-reuseaddr/);
});

test("--image of an image the engine does not have: exit 2 before any container, nothing is pulled", (t) => {
  const r = lab(["audit", "--image", "reuselab-no-such-image:never", "--port", "53/udp"]);
  t.is(r.code, 2, r.err);
  t.regex(r.err, /--image: there is no image 'reuselab-no-such-image:never' on this engine\n\(the lab pulls nothing/);
});
