#!/usr/bin/env python3
"""Search benchmarks (issue 20): the embedded index on a large catalog.

    python3 bench/search.py [--binary target/release/tessera] [--postgres-url URL]
                            [--tables 100000] [--reads 1000] [--writes 200] [--write]

1. Fills one schema with --tables 20-column tables (bench/catalog.py's wrk upserts); the server
   indexes them from the change feed as they arrive. Searching starts once the index counts every
   table (the time that took after the last write is reported).
2. --reads searches, one request at a time, timed from this client (p50, p99):
   - a table's name (`q=r1_1234`), and the same table through the name filter the index replaces
     (`/search/fieldQuery` with `svc.*.*.<name>`, answered from the database's name index): ratio;
   - a word every table has (`q=c7`: 20 columns each), ranked and counted over the whole catalog;
   - the lineage workflow's page: its filter shape with `sort_field=fullyQualifiedName`, 100 hits,
     continued with `search_after` from a random table.
3. Index lag: --writes times, a table's description is changed (PATCH) and the next search for
   its new word is timed from the write's answer until the hit arrives.
4. Stops the server, rebuilds the index with `tessera reindex` (build time) and reports its size.

The server runs on core 0 and this client on core 1. --write rewrites the section between the
search markers in bench/README.md (one per store).
"""
import argparse, datetime, json, os, random, shutil, statistics, subprocess, sys, tempfile, time
import http.client
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import README, SCHEMA, Server, seed_schema, table_count, upserts  # noqa: E402
from large_catalog import list_tables, percentile  # noqa: E402
from common import write_section  # noqa: E402


def views_filter(table_type):
    return json.dumps({"query": {"bool": {"must": [
        {"bool": {"should": [{"term": {"service.name.keyword": "svc"}}]}},
        {"bool": {"should": [{"term": {"tableType": table_type}}]}},
        {"bool": {"should": [{"term": {"deleted": False}}]}},
        {"bool": {"should": [{"term": {"processedLineage": False}},
                             {"bool": {"must_not": {"exists": {"field": "processedLineage"}}}}]}}]}}})


class Client:
    def __init__(self, server):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        started = time.perf_counter()
        self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
        response = self.connection.getresponse()
        text = response.read()
        took = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"error: {method} {path[:200]}: {response.status} {text[:300]!r}")
        return json.loads(text), took


def timed(client, paths):
    timings, totals = [], []
    for path in paths:
        answer, took = client.call("GET", path)
        timings.append(took)
        totals.append(answer["hits"]["total"]["value"])
    return timings, totals


def searches(server, found, reads):
    client = Client(server)
    pick = random.Random(11)
    names = [name for _, name in pick.sample(found, reads)]
    quote = urllib.parse.quote
    results = {}
    results["q=<a table's name>"] = timed(client, [f"/api/v1/search/query?q={quote(n)}&index=table_search_index" for n in names])
    results["name filter: fieldQuery svc.\\*.\\*.<name>"] = timed(client, [
        f"/api/v1/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue={quote('svc.*.*.' + n)}&index=table_search_index"
        for n in names])
    results["q=c7 (a column of every table)"] = timed(client, ["/api/v1/search/query?q=c7&index=table_search_index"] * reads)
    lineage = f"&query_filter={quote(views_filter('Regular'))}&index=table_search_index&size=100&deleted=false" \
              "&include_source_fields=fullyQualifiedName&sort_field=fullyQualifiedName&q="
    results["lineage workflow page (filter, 100 hits, search_after)"] = timed(client, [
        f"/api/v1/search/query?search_after={quote(SCHEMA + '.' + n)}{lineage}" for n in names])
    return results


def index_lag(server, found, writes):
    client = Client(server)
    pick = random.Random(13)
    lags, tries = [], []
    for n, (table_id, _) in enumerate(pick.sample(found, writes)):
        word = f"lagword{n}x"
        client.call("PATCH", f"/api/v1/tables/{table_id}", [{"op": "add", "path": "/description", "value": f"Moved {word}"}])
        started, attempts = time.perf_counter(), 0
        while True:
            attempts += 1
            answer, _ = client.call("GET", f"/api/v1/search/query?q={word}&index=table_search_index")
            if answer["hits"]["total"]["value"] == 1:
                break
            if time.perf_counter() - started > 5:
                sys.exit(f"error: {word} not found 5 s after its write")
        lags.append((time.perf_counter() - started) * 1000)
        tries.append(attempts)
    return lags, tries


def wait_indexed(server, stored, limit=600):
    """Seconds until the index counts `stored` tables (each search also catches the index up)."""
    started = time.time()
    while time.time() - started < limit:
        answer = server.call("GET", "/api/v1/search/query?q=*&index=table_search_index&size=0")
        if answer["hits"]["total"]["value"] >= stored:
            return time.time() - started
        time.sleep(0.1)
    sys.exit(f"error: the index did not count {stored:,} tables within {limit} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(Path(__file__).resolve().parent.parent / "target/release/tessera"))
    ap.add_argument("--postgres-url")
    ap.add_argument("--tables", type=int, default=100_000)
    ap.add_argument("--reads", type=int, default=1000)
    ap.add_argument("--writes", type=int, default=200)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    store = "postgres" if args.postgres_url else "sqlite"
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"error: {args.binary} not found; build it with: cargo build --release")
    work = Path(tempfile.mkdtemp(prefix="tessera-bench-search-"))
    try:
        server = Server(args.binary, args.postgres_url, work)
        try:
            seed_schema(server)
            upserts(server, args.tables, 5)
            os.sched_setaffinity(0, {1})
            stored = table_count(server)
            caught_up = wait_indexed(server, stored)
            found = list_tables(server, args.tables)
            results = searches(server, found, min(args.reads, len(found)))
            lags, tries = index_lag(server, found, min(args.writes, len(found)))
        finally:
            server.stop()
        started = time.perf_counter()
        rebuilt = subprocess.run([args.binary, "reindex"], env=server.env, capture_output=True, text=True)
        build_seconds = time.perf_counter() - started
        if rebuilt.returncode != 0:
            sys.exit(f"error: tessera reindex: {rebuilt.stderr}")
        index_dir = work / "data" / "search-index"
        size = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name_p50 = statistics.median(results["q=<a table's name>"][0])
    filter_p50 = statistics.median(results["name filter: fieldQuery svc.\\*.\\*.<name>"][0])
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; store: {store}; "
        f"{stored:,} tables of 20 columns (written by wrk while the index followed); server on core 0, client on core 1; "
        "one request at a time",
        "",
        f"| search ({args.reads:,} requests) | p50 | p99 | hits counted (mean) |",
        "|---|---:|---:|---:|",
    ]
    for label, (timings, totals) in results.items():
        lines.append(f"| {label} | {statistics.median(timings):.2f} ms | {percentile(timings, 0.99):.2f} ms "
                     f"| {statistics.mean(totals):,.0f} |")
    lines += [
        "",
        f"- index search by name vs the name filter it replaces (p50): {name_p50 / filter_p50:.2f}x the time",
        f"- the index counted every table {caught_up:.1f} s after the bulk load's last write; searching began then",
        f"- index lag ({len(lags)} PATCHes of a description, each then searched for its new word): "
        f"p50 {statistics.median(lags):.2f} ms, p99 {percentile(lags, 0.99):.2f} ms, found by the first search "
        f"{sum(1 for t in tries if t == 1)}/{len(tries)} times",
        f"- index rebuild (`tessera reindex`, server stopped): {build_seconds:.1f} s; index size {size / 1e6:.0f} MB "
        f"({rebuilt.stdout.strip()})",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(README, f"search-{store}", f"Search, {store}", text)


if __name__ == "__main__":
    main()
