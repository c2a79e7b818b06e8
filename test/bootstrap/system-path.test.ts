/**
 * Under `npm run`, node_modules/.bin comes first on PATH, and ava's dependency @vercel/nft puts a
 * JavaScript `nft` there. The bootstrap and the lab must still look for the system's tools: with a
 * stand-in of the same name first on PATH and the real tool hidden, the tool is reported missing.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findSystemTool, systemPath } from "../../lab/system-tools";

const SCRIPT = join(__dirname, "../../lab/bootstrap/bootstrap.sh");

/** A folder with every system command but the hidden ones, and a node_modules/.bin with stand-ins for them. */
function npmLikeMachine(hidden: string[]): { sys: string; bin: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), "reuselab-syspath-"));
  const sys = join(root, "system");
  const bin = join(root, "node_modules", ".bin");
  mkdirSync(sys);
  mkdirSync(bin, { recursive: true });
  for (const dir of ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (hidden.includes(n)) continue;
      try {
        symlinkSync(join(dir, n), join(sys, n));
      } catch {
        // the same name in an earlier folder wins, as on PATH
      }
    }
  }
  for (const n of hidden) {
    writeFileSync(join(bin, n), "#!/bin/sh\necho 'a JavaScript package, not the system tool'\nexit 0\n");
    chmodSync(join(bin, n), 0o755);
  }
  return { sys, bin, done: () => rmSync(root, { recursive: true, force: true }) };
}

test("bootstrap --check: an npm package's nft first on PATH does not count as nftables", (t) => {
  const m = npmLikeMachine(["nft"]);
  t.teardown(m.done);
  const r = spawnSync("/bin/bash", [SCRIPT, "--check", "engine"], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${m.bin}:${m.sys}`, REUSELAB_SYSTEM_PATH: m.sys },
  });
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /^missing\tegress-guard\t'apt-get install nftables'/m);
});

test("bootstrap --check: as root the docker backend needs the system's ip (it wires its namespaces)", (t) => {
  const m = npmLikeMachine(["ip"]);
  t.teardown(m.done);
  const r = spawnSync("/bin/bash", [SCRIPT, "--check", "engine"], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${m.bin}:${m.sys}`, REUSELAB_SYSTEM_PATH: m.sys },
  });
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /^missing\tdocker-root-tools\t'apt-get install iproute2'/m);
});

test("bootstrap --check: the same stand-ins for the vm and netns tools do not count either", (t) => {
  const m = npmLikeMachine(["nsenter", "setpriv", "depmod"]);
  t.teardown(m.done);
  const r = spawnSync("/bin/bash", [SCRIPT, "--check", "netns", "vm"], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${m.bin}:${m.sys}`, REUSELAB_SYSTEM_PATH: m.sys },
  });
  t.regex(r.stdout, /^missing\tnetns-tools\t'apt-get install util-linux'/m);
  t.regex(r.stdout, /^missing\tvm-tools\t'apt-get install [^']*kmod/m);
});

test("the lab's own lookups skip node_modules and find the system's tool", (t) => {
  const m = npmLikeMachine(["nft"]);
  t.teardown(m.done);
  const saved = { PATH: process.env.PATH, SYS: process.env.REUSELAB_SYSTEM_PATH };
  process.env.PATH = `${m.bin}:${m.sys}`;
  process.env.REUSELAB_SYSTEM_PATH = m.sys;
  try {
    t.is(findSystemTool("nft"), undefined);
    t.is(findSystemTool("sh"), join(m.sys, "sh"));
    t.false(systemPath().includes("node_modules"));
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.SYS === undefined) delete process.env.REUSELAB_SYSTEM_PATH;
    else process.env.REUSELAB_SYSTEM_PATH = saved.SYS;
  }
});
