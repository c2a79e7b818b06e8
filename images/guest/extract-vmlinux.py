#!/usr/bin/env python3
"""Extracts the uncompressed ELF kernel (vmlinux) from an x86 bzImage:

    extract-vmlinux.py vmlinuz vmlinux

QEMU can boot that ELF directly through its PVH entry point (kernels with CONFIG_PVH), which skips the
real-mode setup and the bzImage's own decompression, both slow under TCG. The boot protocol header
(2.08+) says where the compressed payload is; Debian compresses it with LZ4 (5.10, 6.1) or zstd (6.12),
which the lz4 and zstd programs undo (Python's standard library has neither).
"""
import lzma
import os
import struct
import subprocess
import sys
import zlib

# payload magic -> command that decompresses stdin to stdout, ignoring the size the kernel appends
DECOMPRESSORS = {
    b"\x02\x21\x4c\x18": ["lz4", "-dc"],  # LZ4 legacy frames
    b"\x28\xb5\x2f\xfd": ["zstd", "-dcq"],
}


def decompress(payload):
    if payload.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    if payload.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
    command = DECOMPRESSORS.get(payload[:4])
    if not command:
        sys.exit(f"extract-vmlinux: payload format {payload[:4].hex()} is not handled")
    try:
        # The kernel appends the uncompressed size after the stream: lz4 ignores it, zstd calls it an
        # error but has written the whole kernel by then. Whether it is whole is checked below.
        return subprocess.run(command, input=payload, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    except FileNotFoundError:
        sys.exit(f"extract-vmlinux: '{command[0]}' is missing (Debian: apt-get install {command[0]})")


def main(src, dst):
    with open(src, "rb") as f:
        image = f.read()
    if image[0x202:0x206] != b"HdrS" or struct.unpack_from("<H", image, 0x206)[0] < 0x208:
        sys.exit(f"extract-vmlinux: {src} is not an x86 bzImage (boot protocol 2.08 or later)")
    setup_sects = image[0x1F1] or 4
    payload_offset, payload_length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + payload_offset
    payload = image[start : start + payload_length]
    kernel = decompress(payload)
    expected = struct.unpack_from("<I", payload, len(payload) - 4)[0]
    if not kernel.startswith(b"\x7fELF") or len(kernel) != expected:
        sys.exit(f"extract-vmlinux: {src}: got {len(kernel)} bytes, not the ELF kernel of {expected} bytes")
    tmp = f"{dst}.tmp.{os.getpid()}"  # parallel boots may extract the same kernel at once
    with open(tmp, "wb") as f:
        f.write(kernel)
    os.replace(tmp, dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: extract-vmlinux.py vmlinuz vmlinux")
    main(sys.argv[1], sys.argv[2])
