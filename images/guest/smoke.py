#!/usr/bin/env python3
"""Smoke test of the vm backend's guest side, one guest per kernel:

    images/guest/smoke.py KDIR                one kernel folder (.cache/kernels/debian-bookworm-…)
    images/guest/smoke.py KDIR KDIR KDIR      one after the other
    images/guest/smoke.py -j KDIR KDIR KDIR   all at once (one QEMU each)

A kernel folder is what the lab prepares for a kernel (lab/backend/vm/kernel-source.ts; any run on it,
or images/kernels/fetch-kernel.sh, makes one under .cache/kernels).

Each guest is booted with boot.sh; the test speaks the control protocol of PROTOCOL.md: it waits for
READY, makes a network namespace, spawns probes on port reuselab.p0 (uid 1000; then uid 0 without
and with CAP_NET_BIND_SERVICE), checks their answers and that a crash is reported as X ... 137, and
closes the control socket, which powers the guest off. It prints, per kernel, the seconds from QEMU's
start to READY and to QEMU's exit. Exit status 0 when every kernel passed.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60  # seconds for any one answer; TCG boots take a few


class Failed(Exception):
    pass


class Channel:
    """Line-oriented client of one of the guest's unix sockets."""

    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Failed(f"cannot connect to {path}")
                time.sleep(0.01)
        self.sock.settimeout(TIMEOUT)
        self.file = self.sock.makefile("rwb", buffering=0)

    def close(self):
        self.file.close()  # the socket stays open while its file object does
        self.sock.close()

    def send(self, line):
        self.file.write(line.encode() + b"\n")

    def line(self):
        try:
            raw = self.file.readline()
        except socket.timeout:
            raise Failed(f"no answer within {TIMEOUT}s")
        if not raw:
            raise Failed("the guest closed the channel")
        return raw.decode().rstrip("\n")


class Guest:
    def __init__(self, kernel):
        self.kernel = kernel
        self.dir = tempfile.mkdtemp(prefix=f"reuselab-smoke-{os.path.basename(kernel.rstrip('/'))}-")
        self.next_id = 0
        self.pending = []  # control lines read while waiting for another one (X lines come any time)
        self.log = []

    def boot(self):
        self.proc = subprocess.Popen([os.path.join(HERE, "boot.sh"), self.kernel, self.dir],
                                     stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # boot.sh execs QEMU under the same pid: QEMU's start is when that pid's program changes.
        deadline = time.monotonic() + 120
        while not os.readlink(f"/proc/{self.proc.pid}/exe").endswith("qemu-system-x86_64"):
            if self.proc.poll() is not None:
                raise Failed(f"boot.sh ended: {self.proc.stderr.read().decode().strip()}")
            if time.monotonic() > deadline:
                raise Failed("boot.sh did not start QEMU")
            time.sleep(0.002)
        self.started = time.monotonic()
        self.ctl = Channel(os.path.join(self.dir, "ctl.sock"), self.started + 10)
        self.p0 = Channel(os.path.join(self.dir, "p0.sock"), self.started + 10)
        ready = self.ctl.line()
        self.ready_s = time.monotonic() - self.started
        if not ready.startswith("READY "):
            raise Failed(f"first line is not READY: {ready!r}")
        self.release = ready.split(" ", 1)[1]

    def control(self, match):
        """The next control line for which match(words) holds; others are kept for later calls."""
        for i, line in enumerate(self.pending):
            if match(line.split(" ")):
                return self.pending.pop(i)
        while True:
            line = self.ctl.line()
            self.log.append(line)
            if match(line.split(" ")):
                return line
            self.pending.append(line)

    def run(self, command, expect_status=0):
        """Sends one request; returns (status, output lines, pid from an S line or None)."""
        self.next_id += 1
        rid = str(self.next_id)
        self.ctl.send(f"{rid} {command}")
        output, pid = [], None
        while True:
            words = self.control(lambda w: len(w) >= 2 and w[0] in "ORS" and w[1] == rid).split(" ", 2)
            if words[0] == "O":
                output.append(words[2] if len(words) > 2 else "")
            elif words[0] == "S":
                pid = int(words[2])
            else:
                status = int(words[2])
                break
        if expect_status is not None and status != expect_status:
            raise Failed(f"{command!r}: status {status}, expected {expect_status}; output: {output}")
        return status, output, pid

    def probe(self, command):
        self.p0.send(command)
        reply = json.loads(self.p0.line())
        self.log.append(f"p0 {command} -> {json.dumps(reply)}")
        return reply

    def exited(self, port):
        line = self.control(lambda w: len(w) == 3 and w[0] == "X" and w[1] == port)
        return int(line.split(" ")[2])

    def test(self):
        self.run("ip netns add t1")
        self.run("ip -n t1 link set lo up")

        # uid 1000, no capabilities: who it is, a UDP bind, and a crash seen as SIGKILL.
        _, _, pid = self.run("spawn reuselab.p0 t1 1000 -")
        if pid is None:
            raise Failed("spawn gave no S line")
        hello = self.probe("hello")
        if hello.get("uid") != 1000 or hello.get("release") != self.release or hello.get("pid") != pid:
            raise Failed(f"hello: {hello} (expected uid 1000, release {self.release}, pid {pid})")
        if self.probe("socket s udp 4").get("ret", -1) < 0:
            raise Failed("socket udp 4 failed")
        bound = self.probe("bind s 127.0.0.1 5000")
        if bound.get("ret") != 0:
            raise Failed(f"bind 127.0.0.1:5000: {bound}")
        self.p0.send("crash")
        if (status := self.exited("reuselab.p0")) != 137:
            raise Failed(f"crash: X status {status}, expected 137")

        # The bounding set is what the probe may use, even as root: port 80 needs net_bind_service.
        self.run("spawn reuselab.p0 t1 0 -")
        self.probe("socket s tcp 4")
        denied = self.probe("bind s 127.0.0.1 80")
        if denied.get("errno") != "EACCES":
            raise Failed(f"uid 0 without capabilities bound port 80: {denied}")
        self.p0.send("exit 3")
        self.p0.line()
        if (status := self.exited("reuselab.p0")) != 3:
            raise Failed(f"exit 3: X status {status}")
        self.run("spawn reuselab.p0 t1 0 net_bind_service")
        self.probe("socket s tcp 4")
        allowed = self.probe("bind s 127.0.0.1 80")
        if allowed.get("ret") != 0:
            raise Failed(f"uid 0 with net_bind_service could not bind port 80: {allowed}")

        # Refusals are replies, not hangs: a port in use, an unknown namespace, a failing command.
        status, output, _ = self.run("spawn reuselab.p0 t1 0 -", expect_status=1)
        if "busy" not in " ".join(output):
            raise Failed(f"spawn on a port in use: {output}")
        self.run("spawn reuselab.p1 nosuchns 0 -", expect_status=1)
        self.run("echo one; echo two >&2; exit 7", expect_status=7)

    def stop(self):
        """Closing the control socket ends the agent; the guest powers off and QEMU exits."""
        self.ctl.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failed("QEMU did not exit within 30s of closing the control socket")
        self.total_s = time.monotonic() - self.started


def smoke(kernel, results):
    guest = Guest(kernel)
    try:
        guest.boot()
        guest.test()
        guest.stop()
        results[kernel] = (True, f"release {guest.release}: READY after {guest.ready_s:.2f}s, "
                                 f"QEMU exited after {guest.total_s:.2f}s")
        shutil.rmtree(guest.dir, ignore_errors=True)  # a failed guest's folder stays, console.log and all
    except Exception as e:  # noqa: BLE001 - every failure becomes a report line
        if getattr(guest, "proc", None) and guest.proc.poll() is None:
            guest.proc.kill()
        console = os.path.join(guest.dir, "console.log")
        tail = open(console, errors="replace").read()[-2000:] if os.path.exists(console) else ""
        results[kernel] = (False, f"FAILED: {e}\n  in {guest.dir}\n  control lines: {guest.log[-10:]}\n  console: {tail}")


def main(args):
    parallel = bool(args) and args[0] == "-j"
    kernels = args[1:] if parallel else args
    if not kernels:
        sys.exit(__doc__)
    for kernel in kernels:  # build first, so that the timings are the guests' own
        subprocess.run([os.path.join(HERE, "build-initramfs.sh"), kernel], check=True, stdout=subprocess.DEVNULL)
    results = {}
    began = time.monotonic()
    if parallel:
        threads = [threading.Thread(target=smoke, args=(k, results)) for k in kernels]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for kernel in kernels:
            smoke(kernel, results)
    for kernel in kernels:
        ok, text = results[kernel]
        print(f"{'ok  ' if ok else 'FAIL'} {kernel}: {text}")
    print(f"wall time {time.monotonic() - began:.2f}s for {len(kernels)} guest(s){' in parallel' if parallel else ''}")
    sys.exit(0 if all(ok for ok, _ in results.values()) else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
