#!/usr/bin/env python3
"""What the embedded search index costs bulk writes: the same table upserts against two release
builds, interleaved in one run (baseline, candidate, baseline, candidate, ...).

    python3 bench/index_cost.py --baseline /path/to/other/tessera [--binary target/release/tessera]
                                [--pairs 2] [--tables 10000] [--seconds 4] [--write]

Each run starts a fresh server (SQLite) pinned to core 0, then wrk (`bench/catalog_put_tables.lua`,
core 1) PUTs new 20-column tables in rounds of --seconds until --tables are stored; then, for a
build with the index, how long after the last write a search counts every table (index lag at the
end of a burst, polled every 20 ms; asked of the candidate only); then `GET /tables/name/...` for --seconds. Build the baseline
from another commit in a worktree (`git worktree add /tmp/base <commit>`, `cargo build --release`
there). --write rewrites the section between the index-cost markers in bench/README.md.
"""
import argparse, datetime, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

from catalog import LUA, README, ROOT, SCHEMA, Server, seed_schema, table_count, wrk
from common import write_section


def indexed_tables(server):
    """Tables the search index counts."""
    return server.call("GET", "/api/v1/search/query?q=*&index=table_search_index&size=0")["hits"]["total"]["value"]


def one_run(binary, work, tables, seconds, indexed):
    server = Server(binary, None, work)
    try:
        seed_schema(server)
        base = f"http://127.0.0.1:{server.port}"
        rates, stored, n = [], 0, 0
        while stored < tables:
            n += 1
            _, rate, _ = wrk(f"{base}/api/v1/tables", seconds, {"TOKEN": server.token, "TABLE_PREFIX": f"r{n}_"}, LUA)
            stored = table_count(server)
            rates.append(rate)
        burst_end = time.time()
        lag = None
        if indexed:
            while indexed_tables(server) < stored and time.time() - burst_end < 120:
                time.sleep(0.02)
            lag = time.time() - burst_end
        name = server.call("GET", f"/api/v1/tables?databaseSchema={SCHEMA}&limit=1")["data"][0]["name"]
        auth = ROOT / "bench" / ".index_cost_auth.lua"
        auth.write_text(f'wrk.headers["Authorization"] = "Bearer {server.token}"\n')
        try:
            _, reads, _ = wrk(f"{base}/api/v1/tables/name/{SCHEMA}.{name}", seconds, {}, auth)
        finally:
            auth.unlink()
        return {"rates": rates, "stored": stored, "lag": lag, "reads": reads}
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", required=True, help="the other build's tessera binary")
    ap.add_argument("--binary", default=str(ROOT / "target/release/tessera"))
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} is required (apt-get install {'util-linux' if tool == 'taskset' else tool})")
    builds = {"baseline": args.baseline, "candidate": args.binary}
    labels = {name: subprocess.run(["git", "-C", str(Path(path).resolve().parents[2]), "rev-parse", "--short", "HEAD"],
                                   capture_output=True, text=True).stdout.strip() or path
              for name, path in builds.items()}
    results = {name: [] for name in builds}
    with tempfile.TemporaryDirectory() as tmp:
        for pair in range(args.pairs):
            for name, binary in builds.items():
                indexed = name == "candidate"
                run = one_run(binary, Path(tmp) / f"{name}{pair}", args.tables, args.seconds, indexed)
                results[name].append(run)
                lag = "" if run["lag"] is None else f", indexed {run['lag'] * 1000:,.0f} ms after the last write"
                print(f"{name} ({labels[name]}) run {pair + 1}: " + ", ".join(f"{r:,.0f}" for r in run["rates"])
                      + f" tables/s; {run['reads']:,.0f} reads/s{lag}", flush=True)

    def mean_rate(name):
        rates = [r for run in results[name] for r in run["rates"]]
        return sum(rates) / len(rates)

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"- date: {stamp}; {os.cpu_count()} CPUs; store: sqlite; {args.tables:,} new 20-column tables per run "
             f"in {args.seconds} s rounds; server on core 0, wrk (-t1 -c16) on core 1; runs interleaved",
             "", "| build | tables/s, per round, per run | `GET /tables/name/...` after | last write → all indexed |",
             "|---|---|---:|---:|"]
    for name in builds:
        runs = results[name]
        rates = " / ".join(", ".join(f"{r:,.0f}" for r in run["rates"]) for run in runs)
        reads = " / ".join(f"{run['reads']:,.0f}" for run in runs)
        lags = " / ".join("—" if run["lag"] is None else f"{run['lag'] * 1000:,.0f} ms" for run in runs)
        lines.append(f"| {name} {labels[name]} | {rates} | {reads} req/s | {lags} |")
    ratio = mean_rate("candidate") / mean_rate("baseline")
    lines += ["", f"Mean write rate, candidate / baseline: **{ratio:.2f}x**."]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(README, "index-cost", "What the search index costs the write path, measured", text)


if __name__ == "__main__":
    main()
