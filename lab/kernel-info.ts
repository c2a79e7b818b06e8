/**
 * What a run knows of the kernel it ran on: an id for run ids and the matrix, its release and, for a
 * guest, its build and origin. Cases select kernels by it, verdicts and reporters name it, backends
 * fill it in.
 */
export interface KernelInfo {
  /** The kernel's id in run ids and the matrix: "host", "5.10", … */
  id: string;
  /** Its release string, as uname -r prints it. */
  release: string;
  /** A guest kernel's /proc/version: the build (compiler, build number, date), so two builds of one release differ. */
  build?: string;
  /** Where a guest kernel came from. */
  source?: KernelProvenance;
}

/** A guest kernel's origin: a Debian suite's package, a .deb file, a bare image, or a build tree. */
export interface KernelProvenance {
  kind: "debian" | "deb" | "image" | "tree";
  /** The .deb's sha256 (debian, deb), or the image's (image, tree). */
  sha256: string;
  suite?: string;
  package?: string;
  version?: string;
  path?: string;
  /** The modules folder given with a bare image. */
  modules?: string;
  /** The packages a split kernel package depends on and came with (Linux 7: linux-binary-…, linux-modules-…). */
  parts?: { package: string; sha256: string }[];
}
