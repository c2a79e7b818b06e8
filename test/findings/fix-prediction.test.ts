// Where a kernel's upstream version is read from, and what each prediction says and why, on the shapes
// of release, /proc/version and package version that real kernels have.
import test from "ava";
import type { KernelInfo } from "../../lab/kernel-info";
import type { Fix } from "../../lab/case/case";
import { predictFix, upstreamVersion } from "../../lab/findings/fix-prediction";

const k = (release: string, extra: Partial<KernelInfo> = {}): KernelInfo => ({ id: "k", release, ...extra });
const version = (kernel: KernelInfo) => upstreamVersion(kernel)?.version;

test("/proc/version: the Debian version after '#N …', whatever N's digits; the compiler's before it is not the kernel's", (t) => {
  t.deepEqual(
    upstreamVersion(
      k("5.10.0-46-cloud-amd64", {
        build: "Linux version 5.10.0-46-cloud-amd64 #12 SMP Debian 5.10.262-1 (2026-10-01)",
      }),
    ),
    {
      version: [5, 10, 262],
      from: "/proc/version (Debian 5.10.262-1)",
    },
  );
  // Only the compiler is Debian's: the release's line is all that is known (.0-46 is an ABI number).
  const fedoraBuilt = k("5.10.0-46-cloud-amd64", {
    build: "Linux version 5.10.0-46-cloud-amd64 (gcc-10 (Debian 10.2.1-6) 10.2.1) #1 SMP PREEMPT_DYNAMIC",
  });
  t.deepEqual(upstreamVersion(fedoraBuilt), {
    version: [5, 10],
    from: "the release 5.10.0-46-cloud-amd64 (a distribution's ABI number, not the patch level)",
  });
  // A two-digit major version is read whole, from /proc/version and from the release alike.
  t.deepEqual(version(k("10.4.0-1-amd64", { build: "#1 SMP Debian 10.4.7-2" })), [10, 4, 7]);
  t.deepEqual(version(k("10.4.0-1-amd64")), [10, 4]);
  t.deepEqual(version(k("10.4.3")), [10, 4, 3]);
});

test("the package version counts for a Debian suite's package only, and only with a patch level", (t) => {
  const debian = (v: string) => ({
    kind: "debian" as const,
    sha256: "0".repeat(64),
    suite: "bullseye",
    package: "linux-image-5.10.0-46-cloud-amd64",
    version: v,
  });
  t.deepEqual(upstreamVersion(k("5.10.0-46-cloud-amd64", { source: debian("5.10.262-1") })), {
    version: [5, 10, 262],
    from: "the package version 5.10.262-1",
  });
  t.deepEqual(
    version(k("5.10.0-46-cloud-amd64", { source: debian("5.10-1") })),
    [5, 10],
    "no patch level in it: the release's line",
  );
  t.deepEqual(
    version(k("5.10.0-46-cloud-amd64", { source: debian("1:5.10.262-1") })),
    [5, 10],
    "not X.Y.Z (an epoch first): the release's line",
  );
  // An Ubuntu .deb's version repeats the ABI ("5.15.0-91.101"): the patch level 0 is not upstream's.
  const ubuntu = {
    kind: "deb" as const,
    sha256: "0".repeat(64),
    package: "linux-image-5.15.0-91-generic",
    version: "5.15.0-91.101",
    path: "x.deb",
  };
  t.deepEqual(upstreamVersion(k("5.15.0-91-generic", { source: ubuntu })), {
    version: [5, 15],
    from: "the release 5.15.0-91-generic (a distribution's ABI number, not the patch level)",
  });
});

test("a release's own patch level: X.Y.0 without an ABI number is patch 0, X.Y alone too", (t) => {
  t.deepEqual(upstreamVersion(k("6.2.0")), { version: [6, 2, 0], from: "the release 6.2.0" });
  t.deepEqual(upstreamVersion(k("6.2.0-rc3")), { version: [6, 2, 0], from: "the release 6.2.0-rc3" });
  t.deepEqual(upstreamVersion(k("6.2")), { version: [6, 2, 0], from: "the release 6.2" });
});

const fix: Fix = {
  commit: "d6ace0dbcbb7",
  subject: "udp: fix it",
  mainline: "6.2",
  stable: { "5.10": "5.10.150", "5.4": null },
  source: "s",
  at: { file: "x.yaml", line: 5 },
};

test("each prediction's reason names the version, where it was read, and the fact it rests on", (t) => {
  const why = (release: string) => predictFix(fix, k(release));
  t.deepEqual(why("custom"), { predicted: "unknown", because: "the release custom has no version number" });
  t.deepEqual(why("6.2.9"), {
    predicted: "present",
    because: "6.2.9 (the release 6.2.9) is at or after mainline 6.2, which has the fix",
  });
  t.deepEqual(why("6.1.100"), {
    predicted: "unknown",
    because: "6.1.100 (the release 6.1.100) is before mainline 6.2, and the fix's facts say nothing of the 6.1 line",
  });
  t.deepEqual(why("5.4.300"), {
    predicted: "absent",
    because: "5.4.300 (the release 5.4.300): the 5.4 line never took the fix",
  });
  t.deepEqual(why("5.10.0-46-cloud-amd64"), {
    predicted: "unknown",
    because:
      "5.10 (the release 5.10.0-46-cloud-amd64 (a distribution's ABI number, not the patch level)): the 5.10 line took the fix in 5.10.150, and the patch level is unknown",
  });
  t.deepEqual(why("5.10.149"), {
    predicted: "absent",
    because: "5.10.149 (the release 5.10.149) is before 5.10.150, the 5.10 line's first release with the fix",
  });
  t.deepEqual(why("5.10.150"), {
    predicted: "present",
    because: "5.10.150 (the release 5.10.150) is at or after 5.10.150, the 5.10 line's first release with the fix",
  });
});

test("mainline is compared by line (6.2.0 has the fix); below it, the stable line's first fixed release decides", (t) => {
  t.is(predictFix(fix, k("6.2.0")).predicted, "present");
  t.is(
    predictFix({ ...fix, stable: { "6.1": "6.1.50" } }, k("6.1.999")).predicted,
    "present",
    "6.1.999 >= 6.1.50 on its own line",
  );
  t.is(predictFix({ ...fix, stable: { "6.1": "6.1.50" } }, k("6.1.49")).predicted, "absent");
});
