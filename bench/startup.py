#!/usr/bin/env python3
"""Measure Tessera's startup time, idle memory and shutdown time.

    python3 bench/startup.py [--binary target/release/tessera] [--runs 20] [--write]
                             [--postgres-url postgresql://...]

Each run starts `BINARY serve` twice on one fresh data dir:
  first start  empty TESSERA_DATA_DIR: includes RSA key generation and migrations
  restart      same data dir again: the everyday case
Startup = time from just before spawning the process to the first HTTP 200 on the
admin port's /healthcheck. After the restart is healthy we wait 1 s and read
VmRSS/VmHWM from /proc, then send SIGTERM and time the exit (expected status 0).

--write rewrites the section between the startup markers in bench/README.md.
Python 3 standard library only.
"""

import argparse
import datetime
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- startup:begin -->", "<!-- startup:end -->"
TARGET_STARTUP_MS = 100
TARGET_RSS_MIB = 30
CONTEXT = ("For context (not measured here): the original OpenMetadata server (Java) "
           "needs tens of seconds to start and gigabytes of memory.")


class BenchError(Exception):
    """A failure reported as a plain message, not a traceback."""


def free_ports(n):
    # Hold all sockets open until every port is picked, so the n ports are distinct.
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def healthy(port):
    """True if GET /healthcheck answers 200; False if not (yet) reachable."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthcheck HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Connection: close\r\n\r\n")
            status = b""
            while b"\r\n" not in status and len(status) < 64:
                chunk = s.recv(64)
                if not chunk:
                    break
                status += chunk
            return status.split(b" ", 2)[1:2] == [b"200"]
    except OSError:
        return False


def log_tail(path, lines=30):
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:]) or "(log is empty)"


def proc_status_mib(pid):
    """VmRSS and VmHWM of a process, in MiB."""
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                vals[key] = int(rest.split()[0]) / 1024  # kB → MiB
    return vals["VmRSS"], vals["VmHWM"]


class Server:
    def __init__(self, binary, data_dir, log_path, postgres_url):
        port, admin = free_ports(2)
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)  # never pick up a stray database from the caller
        env.update(TESSERA_DATA_DIR=str(data_dir), SERVER_HOST="127.0.0.1",
                   SERVER_PORT=str(port), SERVER_ADMIN_PORT=str(admin))
        if postgres_url:
            env["DATABASE_URL"] = postgres_url
        self.admin, self.log_path = admin, log_path
        self.log = open(log_path, "ab")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(binary), "serve"], env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout):
        deadline = self.t0 + timeout
        while not healthy(self.admin):
            if self.proc.poll() is not None:
                raise BenchError(f"server exited with status {self.proc.returncode} before "
                                 f"becoming healthy; last lines of {self.log_path}:\n"
                                 + log_tail(self.log_path))
            if time.perf_counter() > deadline:
                self.kill()
                raise BenchError(f"server not healthy after {timeout} s; last lines of "
                                 f"{self.log_path}:\n" + log_tail(self.log_path))
            time.sleep(0.001)
        return (time.perf_counter() - self.t0) * 1000

    def stop(self, timeout=10):
        """SIGTERM, wait; returns (exit status or None on timeout, shutdown ms)."""
        t = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        self.log.close()
        return rc, (time.perf_counter() - t) * 1000

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def pct(values, p):
    s = sorted(values)  # nearest-rank percentile
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def binary_version(binary):
    for args in (["version"], ["--version"]):
        try:
            out = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip().splitlines()[0]
    return "(unknown version)"


def run_bench(binary, runs, postgres_url, timeout):
    res = {"first start": [], "restart": [], "rss": [], "hwm": [], "shutdown": [], "bad_exit": []}
    for i in range(runs):
        work = Path(tempfile.mkdtemp(prefix="tessera-bench-"))
        server = None
        try:
            data = work / "data"
            data.mkdir()
            for case in ("first start", "restart"):
                server = Server(binary, data, work / "serve.log", postgres_url)
                res[case].append(server.wait_healthy(timeout))
                if case == "restart":
                    time.sleep(1)  # let startup allocations settle before reading idle memory
                    rss, hwm = proc_status_mib(server.proc.pid)
                    res["rss"].append(rss)
                    res["hwm"].append(hwm)
                rc, ms = server.stop()
                server = None
                res["shutdown"].append(ms)
                if rc != 0:
                    res["bad_exit"].append(f"run {i + 1} {case}: "
                                           + ("no exit within 10 s" if rc is None else f"status {rc}"))
            print(f"  run {i + 1}/{runs}: first {res['first start'][-1]:.1f} ms, "
                  f"restart {res['restart'][-1]:.1f} ms, RSS {res['rss'][-1]:.1f} MiB", flush=True)
        finally:
            if server is not None:
                server.kill()
            shutil.rmtree(work, ignore_errors=True)
    return res


def report(res, meta):
    ms = lambda v: f"{v:.1f}"  # noqa: E731
    lines = [
        f"- date: {meta['date']}; machine: {meta['arch']}, {meta['nproc']} CPUs; "
        f"binary: `{meta['version']}`; store: {meta['store']}; runs: {meta['runs']}",
        "",
        "| startup (ms to first 200 on /healthcheck) | min | median | p90 | max | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for case in ("first start", "restart"):
        v = res[case]
        lines.append(f"| {case} | {ms(min(v))} | {ms(statistics.median(v))} | {ms(pct(v, 90))} "
                     f"| {ms(max(v))} | < {TARGET_STARTUP_MS} ms |")
    sd = res["shutdown"]
    exits = "all 0" if not res["bad_exit"] else "; ".join(res["bad_exit"])
    lines += [
        "",
        f"- idle memory 1 s after restart: median VmRSS {ms(statistics.median(res['rss']))} MiB, "
        f"median VmHWM {ms(statistics.median(res['hwm']))} MiB (target: RSS < {TARGET_RSS_MIB} MiB)",
        f"- shutdown (SIGTERM to exit): median {ms(statistics.median(sd))} ms, "
        f"max {ms(max(sd))} ms; exit status: {exits}",
        f"- {CONTEXT}",
    ]
    if meta["store"] == "postgres":
        lines.append("- PostgreSQL: migrations only run on a fresh database, so \"first start\" "
                     "after the first run measures key generation without migrations.")
    return "\n".join(lines)


def write_readme(section):
    block = f"{BEGIN}\n{section}\n{END}"
    if README.exists():
        text = README.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            text = head + block + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = ("# Benchmarks\n\n## Startup, idle memory and shutdown\n\n"
                "Produced by `python3 bench/startup.py --write` against a release build "
                "(`cargo build --release`). Startup is measured from process spawn to the first "
                "200 on the admin port's `/healthcheck`.\n\n" + block + "\n")
    README.write_text(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "tessera"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--postgres-url", help="run against PostgreSQL (sets DATABASE_URL)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait for healthy")
    ap.add_argument("--write", action="store_true", help=f"update {README.relative_to(ROOT)}")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    binary = Path(args.binary).resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise BenchError(f"binary not found (or not executable): {binary}\n"
                         "build it with: cargo build --release")
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "arch": platform.machine(),  # = uname -m
        "nproc": len(os.sched_getaffinity(0)),  # = nproc (CPUs this process may use)
        "version": binary_version(binary),
        "store": "postgres" if args.postgres_url else "sqlite (default)",
        "runs": args.runs,
    }
    print(f"benchmarking {binary} ({meta['version']}), {args.runs} runs", flush=True)
    res = run_bench(binary, args.runs, args.postgres_url, args.timeout)
    section = report(res, meta)
    print()
    print(section)
    if args.write:
        write_readme(section)
        print(f"\nwrote {README}")
    return 1 if res["bad_exit"] else 0  # a non-zero exit status fails the bench


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
