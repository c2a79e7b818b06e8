// audit --image at parity with audit files: the command as words given one by one (--arg) or as a JSON
// array, tmpfs mounts, capabilities, the production host's sysctls, the protocol and its payload.
import test from "ava";
import { quickAudit, quickAudits } from "../../lab/cli/commands/audit-action";
import type { AuditOptions } from "../../lab/cli/commands/audit";

const base: AuditOptions = {
  image: "svc:1",
  port: "53/udp",
  user: "65534:65534",
  arg: [],
  tmpfs: [],
  cap: [],
  sysctl: [],
  requests: 64,
  repeat: 1,
};

test("--arg keeps each word as is; --command takes a JSON array; --tmpfs, --cap, --sysctl land in the audit", (t) => {
  const a = quickAudit(
    {
      ...base,
      arg: ["sh", "-c", "printf 'a b' > /tmp/x; exec dnsmasq -k"],
      tmpfs: ["/run"],
      cap: ["NET_BIND_SERVICE"],
      sysctl: ["net.ipv4.ip_unprivileged_port_start=1024"],
    },
    [],
  );
  t.deepEqual(a.command, ["sh", "-c", "printf 'a b' > /tmp/x; exec dnsmasq -k"]);
  t.deepEqual(a.tmpfs, ["/run"]);
  t.deepEqual(a.capabilities, ["NET_BIND_SERVICE"]);
  t.deepEqual(a.hostSysctls, { "net.ipv4.ip_unprivileged_port_start": "1024" });
  t.deepEqual(quickAudit({ ...base, command: '["dnsmasq", "--address=/a b/1.2.3.4"]' }, []).command, [
    "dnsmasq",
    "--address=/a b/1.2.3.4",
  ]);
  t.deepEqual(quickAudit({ ...base, command: "dnsmasq -k" }, []).command, ["dnsmasq", "-k"]);
  t.deepEqual(quickAudit(base, []).tmpfs, ["/tmp"]);
  const ntp = quickAudit({ ...base, port: "123/udp", protocol: "ntp", profiles: ["udp-specific-reuseaddr"] }, []);
  t.is(ntp.protocol, "ntp");
  t.is(
    quickAudit({ ...base, port: "11211/udp", protocol: "udp", payload: "hex:0000", expect: "VERSION" }, []).expect,
    Buffer.from("VERSION").toString("hex"),
  );
});

test("bad --image options are refused with the option named", (t) => {
  t.throws(() => quickAudit({ ...base, command: "x", arg: ["y"] }, []), { message: /--command and --arg both/ });
  t.throws(() => quickAudit({ ...base, command: "[1, 2]" }, []), { message: /a JSON array of strings/ });
  t.throws(() => quickAudit({ ...base, command: "[oops" }, []), { message: /not a JSON array/ });
  t.throws(() => quickAudit({ ...base, cap: ["net_admin"] }, []), { message: /--cap net_admin/ });
  t.throws(() => quickAudit({ ...base, tmpfs: ["run"] }, []), { message: /--tmpfs run: an absolute path/ });
  t.throws(() => quickAudit({ ...base, sysctl: ["net.core.rmem_max=1"] }, []), {
    message: /--sysctl net.core.rmem_max=1: NAME=NUMBER/,
  });
});

test("several --port: one audit per port, each with its default protocol and the profiles that fit it", (t) => {
  const audits = quickAudits(
    { ...base, port: ["5353/udp", "8080/tcp"], mustResist: ["udp-specific-reuseaddr", "tcp-beside-listener"] },
    [],
  );
  t.deepEqual(
    audits.map((a) => [
      a.name,
      a.protocol,
      a.profiles.filter((p) => p !== "restart").every((p) => p.startsWith(a.port.transport)),
      a.mustResist.join(","),
    ]),
    [
      ["svc:1 5353/udp", "dns", true, "udp-specific-reuseaddr"],
      ["svc:1 8080/tcp", "http", true, "tcp-beside-listener"],
    ],
  );
  t.throws(() => quickAudits({ ...base, port: ["5353/udp", "5354/udp"], mustResist: ["tcp-beside-listener"] }, []), {
    message: /--must-resist tcp-beside-listener: runs on none of the ports/,
  });
  t.deepEqual(
    quickAudits({ ...base, port: ["53/udp"] }, []).map((a) => a.name),
    ["svc:1"],
  );
});
