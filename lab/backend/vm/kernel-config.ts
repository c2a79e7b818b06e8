/**
 * What the guest needs from a kernel's configuration, in one place, and the check made before a kernel
 * is booted: a kernel that lacks one of these fails somewhere inside the guest, later and in other words.
 */
import { ignored } from "../../debug-log";
import { gunzipSync } from "node:zlib";

export interface ConfigNeed {
  option: string;
  /** "y": built in (needed before any module can load); "ym": built in or a module. */
  as: "y" | "ym";
  /** What fails without it. */
  without: string;
}

export const CONFIG_NEEDS: readonly ConfigNeed[] = [
  {
    option: "CONFIG_VIRTIO_PCI",
    as: "ym",
    without: "the guest sees no virtio-serial device, so the agent's control port never appears",
  },
  {
    option: "CONFIG_VIRTIO_CONSOLE",
    as: "ym",
    without: "no virtio serial ports (/dev/vport*): the host cannot reach the agent or the probes",
  },
  {
    option: "CONFIG_VETH",
    as: "ym",
    without: "'ip link add … type veth' fails: no lab can join its network namespaces",
  },
  {
    option: "CONFIG_BRIDGE",
    as: "ym",
    without: "'ip link add … type bridge' fails: a lab's shared network cannot be built",
  },
  { option: "CONFIG_IPV6", as: "ym", without: "no IPv6 sockets: every IPv6 case fails" },
  {
    option: "CONFIG_NET_NS",
    as: "y",
    without: "'ip netns add' fails: no actor can have a network namespace of its own",
  },
  { option: "CONFIG_BLK_DEV_INITRD", as: "y", without: "the initramfs is not loaded: no /init, the kernel panics" },
  { option: "CONFIG_RD_GZIP", as: "y", without: "the gzip initramfs cannot be unpacked: no /init, the kernel panics" },
  { option: "CONFIG_DEVTMPFS", as: "y", without: "/dev cannot be mounted: /init fails at once" },
  { option: "CONFIG_TMPFS", as: "y", without: "/run and /tmp cannot be mounted: /init fails at once" },
  {
    option: "CONFIG_SERIAL_8250_CONSOLE",
    as: "y",
    without: "the kernel prints nothing to console.log: a failed boot says nothing",
  },
];

/** A needed option the config lacks, and what fails without it. */
export interface MissingOption extends ConfigNeed {
  /** What the config has instead: "m", "not set". */
  has: string;
}

/** The options of a .config text: CONFIG_X -> "y" | "m" | "…". */
export function parseConfig(text: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) options.set(m[1]!, m[2]!);
  }
  return options;
}

/**
 * The needed options `config` lacks. `modules` says whether the kernel comes with its modules: a
 * needed option built as a module is no use without them.
 */
export function missingOptions(config: string, modules: boolean): MissingOption[] {
  const options = parseConfig(config);
  const missing: MissingOption[] = [];
  for (const need of CONFIG_NEEDS) {
    const v = options.get(need.option);
    const ok = v === "y" || (need.as === "ym" && v === "m" && modules);
    if (!ok)
      missing.push({
        ...need,
        has: v === "m" ? (modules ? "m" : "m, but no modules folder was given") : (v ?? "not set"),
      });
  }
  return missing;
}

export function describeMissing(missing: readonly MissingOption[]): string {
  return missing
    .map((m) => `  ${m.option}=${m.as === "y" ? "y" : "y or m"} (it has ${m.has}): without it ${m.without}`)
    .join("\n");
}

/**
 * The configuration a kernel image carries in itself (CONFIG_IKCONFIG): a gzip stream between the
 * markers IKCFG_ST and IKCFG_ED, as the kernel's scripts/extract-ikconfig finds it. `image` must be
 * the uncompressed kernel (vmlinux); undefined when it has none.
 */
export function embeddedConfig(image: Buffer): string | undefined {
  const start = image.indexOf("IKCFG_ST");
  if (start < 0) return undefined;
  const end = image.indexOf("IKCFG_ED", start);
  if (end < 0) return undefined;
  try {
    return gunzipSync(image.subarray(start + 8, end)).toString("utf8");
  } catch (e) {
    return ignored("vm/ikconfig-gunzip")(e);
  }
}
