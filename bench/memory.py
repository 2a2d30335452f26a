#!/usr/bin/env python3
"""The server's memory over time. One server on SQLite (50 tables):
- steady: rounds of 20 s of `GET /api/v1/system/version` with 16 connections (four unless
  --steady-rounds says otherwise), RSS after each (over a million requests a round: memory kept
  per request shows as growth);
- bursts: wrk listing the tables for 15 s with 16, 512, 16, 512, 1024 and 16 connections in turn,
  RSS after each round and after 12 s idle (is a burst's memory given back?).
Not run in CI (bench/README.md, "Memory over time").

    python3 bench/memory.py [--binary target/release/tessera] [--env NAME=VALUE ...] [--steady-rounds N]

--env adds a variable to the server's environment (e.g. LD_PRELOAD=... to try another allocator).
"""
import argparse, re, subprocess, tempfile, time
from pathlib import Path

from catalog import Server

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = [16, 512, 16, 512, 1024, 16]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "tessera"))
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--steady-rounds", type=int, default=4)
    args = parser.parse_args()
    extra = dict(e.split("=", 1) for e in args.env)
    server = Server(args.binary, None, Path(tempfile.mkdtemp(prefix="tessera-memory-")), extra)
    server.call("PUT", "/api/v1/services/databaseServices",
                {"name": "svc", "serviceType": "Postgres",
                 "connection": {"config": {"type": "Postgres", "username": "u", "hostPort": "db:5432", "database": "db"}}})
    server.call("PUT", "/api/v1/databases", {"name": "db", "service": "svc"})
    server.call("PUT", "/api/v1/databaseSchemas", {"name": "main", "database": "svc.db"})
    for i in range(50):
        server.call("PUT", "/api/v1/tables",
                    {"name": f"t{i}", "databaseSchema": "svc.db.main", "columns": [{"name": "id", "dataType": "BIGINT"}]})

    def rss():
        status = Path(f"/proc/{server.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    print(f"seeded: {rss():.1f} MiB")
    version = f"http://127.0.0.1:{server.port}/api/v1/system/version"
    for _ in range(args.steady_rounds):
        out = subprocess.run(["wrk", "-t1", "-c16", "-d20s", version], capture_output=True, text=True, check=True).stdout
        done = int(re.search(r"(\d+) requests in", out).group(1))
        time.sleep(6)
        print(f"steady, {done:,} more requests: RSS {rss():.1f} MiB")
    url = f"http://127.0.0.1:{server.port}/api/v1/tables?databaseSchema=svc.db.main&limit=10"
    for connections in ROUNDS:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", "-d15s", "-H", f"Authorization: Bearer {server.token}", url],
                             capture_output=True, text=True, check=True).stdout
        rate = re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)
        under_load = rss()
        time.sleep(12)
        print(f"{connections:>5} connections: {float(rate):,.0f} req/s; RSS {under_load:.1f} MiB, idle {rss():.1f} MiB")
    server.stop()


if __name__ == "__main__":
    main()
