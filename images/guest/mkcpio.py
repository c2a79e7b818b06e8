#!/usr/bin/env python3
"""Packs a staging folder into a gzip'd cpio archive in the kernel's "newc" format:

    mkcpio.py STAGING_DIR OUT.cpio.gz

Written here rather than with cpio(1) for two reasons: the archive needs a /dev/console device node
(the kernel opens it for init before devtmpfs is mounted) and making one in the staging folder needs
root; and every entry gets owner root, mtime 0 and a fixed order, so the same inputs give the same bytes.
"""
import gzip
import os
import stat
import sys

# Entries that are not in the staging folder: (path, mode, rdev major, rdev minor)
NODES = [("dev", stat.S_IFDIR | 0o755, 0, 0), ("dev/console", stat.S_IFCHR | 0o600, 5, 1)]


def header(ino, mode, size, name, rmajor=0, rminor=0):
    namez = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rmajor, rminor, len(namez), 0]
    head = b"070701" + b"".join(b"%08x" % f for f in fields) + namez
    return head + b"\0" * (-len(head) % 4)


def entries(root):
    """Yields (archive name, lstat, path) for everything under root, parents before children."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            yield os.path.relpath(path, root), os.lstat(path), path


def main(root, out):
    staged = {name for name, _, _ in entries(root)}
    with open(out + ".tmp", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        ino = 1
        for name, mode, major, minor in NODES:
            if name not in staged:
                gz.write(header(ino, mode, 0, name, major, minor))
                ino += 1
        for name, st, path in entries(root):
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            elif stat.S_ISDIR(st.st_mode):
                data = b""
            else:
                sys.exit(f"mkcpio: {path}: only folders, files and symlinks can be staged")
            # Keep the permission bits (executables stay executable), drop the owner: all root.
            gz.write(header(ino, stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode), len(data), name))
            gz.write(data + b"\0" * (-len(data) % 4))
            ino += 1
        gz.write(header(0, 0, 0, "TRAILER!!!"))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: mkcpio.py STAGING_DIR OUT.cpio.gz")
    main(sys.argv[1], sys.argv[2])
