"""What the benchmarks on a large catalog share (bench/governance.py, bench/lineage.py): a server
filled with one schema of 20-column tables by bench/catalog.py's wrk upserts, the tables' ids and
names, and percentiles."""
import os, shutil, sys, tempfile
from pathlib import Path

from catalog import SCHEMA, Server, seed_schema, upserts


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def list_tables(server, count):
    """(id, name) of the schema's tables, in list order, at least `count` when there are."""
    found, after = [], None
    while len(found) < count:
        query = f"/api/v1/tables?databaseSchema={SCHEMA}&limit=1000" + (f"&after={after}" if after else "")
        page = server.call("GET", query)
        found += [(t["id"], t["name"]) for t in page["data"]]
        after = page["paging"].get("after")
        if not after:
            break
    return found


def on_filled_catalog(binary, postgres_url, tables, name, measure):
    """Starts Tessera (core 0) in a temporary directory, fills the schema with `tables` tables,
    moves this client to core 1 and returns `measure(server, [(id, name), ...])`; the server is
    stopped and the directory removed however that ends."""
    if not os.access(binary, os.X_OK):
        sys.exit(f"error: {binary} not found; build it with: cargo build --release")
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("error: wrk and taskset are needed (apt-get install -y wrk util-linux)")
    work = Path(tempfile.mkdtemp(prefix=f"tessera-bench-{name}-"))
    try:
        server = Server(binary, postgres_url, work)
        try:
            seed_schema(server)
            rounds = upserts(server, tables, 5)
            os.sched_setaffinity(0, {1})
            return measure(server, list_tables(server, rounds[-1]["after"]))
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
