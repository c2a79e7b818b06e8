// node:test in a project that depends on reuselab: the team's DNS service (dnsmasq on 5353/udp, in an
// image built from Debian's packages) attacked by another user of the host. The gate: another uid must
// not share its port through SO_REUSEPORT. Needs a Docker engine (root; the lab starts one if it can).
const test = require("node:test");
const assert = require("node:assert/strict");
const { audit, LabError } = require("reuselab");

// Our service as it runs in production: no root, no capability, port 5353.
const service = {
  // The package list of reuselab's own dnsmasq audit: the image is built once (~1 min) and shared.
  image: { packages: ["dnsmasq", "nginx"] },
  ports: "5353/udp",
  command: [
    "dnsmasq",
    "--keep-in-foreground",
    "--port=5353",
    "--user=",
    "--pid-file=",
    "--log-facility=-",
    "--no-resolv",
    "--no-hosts",
    "--address=/reuselab.test/10.0.0.1",
  ],
  user: "65534:65534",
};

test("another uid cannot share our DNS port through SO_REUSEPORT", async () => {
  const results = await audit({
    ...service,
    profiles: ["udp-specific-reuseaddr", "udp-reuseport-other-uid"],
    mustResist: ["udp-reuseport-other-uid"],
    signal: AbortSignal.timeout(300_000),
  });
  const [dns] = results.audit;
  assert.deepEqual(dns.gateFailures, []);
  const verdicts = dns.profiles.map((p) => `${p.profile} ${p.family} ${p.verdict}`);
  assert.ok(verdicts.includes("udp-reuseport-other-uid v4 resisted"), verdicts.join("\n"));
  // What the audit also found (not gated here): dnsmasq sets SO_REUSEADDR, so another uid binding the
  // host's specific address takes its queries; the verdict says how to close it.
  const steal = dns.profiles.find((p) => p.profile === "udp-specific-reuseaddr" && p.family === "v4");
  assert.equal(steal.verdict, "vulnerable", steal.evidence);
  assert.match(steal.fix, /SO_REUSEADDR/);
});

test("a port without its transport is a LabError naming the option, before anything starts", async () => {
  await assert.rejects(
    audit({ ...service, ports: "5353" }),
    (e) =>
      e instanceof LabError &&
      e.code === "REUSELAB_BAD_ARGS" &&
      /ports: port '5353' must be PORT\/udp or PORT\/tcp/.test(e.message),
  );
});
