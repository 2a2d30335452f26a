#!/usr/bin/env python3
"""Governance benchmarks (issue 19): tag and owner PATCHes on a large catalog.

    python3 bench/governance.py [--binary target/release/tessera] [--postgres-url URL]
                                [--tables 100000] [--patches 2000] [--write]

1. Fills one schema with --tables 20-column tables (bench/catalog.py's wrk upserts).
2. On --patches tables picked at random, as the ingestion bot, one request at a time, each timed
   from this client: a JSON Patch adding a tag (`/tags`: PII.Sensitive, resolved against the
   seeded tag), one adding a column tag (`/columns/3/tags`: Tier.Tier2), one setting the owner
   (`/owners`: the admin user, resolved). p50 and p99 per kind.

3. Then --reads times of reads over the tagged tables: a page of 10 tables carrying PII.Sensitive
   (the web UI's tag-page search, `query_filter` with a `tags.tagFQN` term, at a random offset
   within the tagged ones), and PII.Sensitive's and PII's `usageCount`.

The server runs on core 0 and this client on core 1. --write rewrites the section between the
governance markers in bench/README.md (one per store).
"""
import argparse, datetime, json, os, random, statistics, sys, time
import http.client
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import README, ROOT, SCHEMA  # noqa: E402
from large_catalog import on_filled_catalog, percentile  # noqa: E402
from common import write_section  # noqa: E402



def timed_patches(server, tables, patches):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json-patch+json"}
    admin = server.call("GET", "/api/v1/users/name/admin")["id"]
    kinds = {
        "table tag": lambda: [{"op": "add", "path": "/tags/0", "value": {"tagFQN": "PII.Sensitive",
                              "source": "Classification", "labelType": "Manual", "state": "Confirmed"}}],
        "column tag": lambda: [{"op": "add", "path": "/columns/3/tags/0", "value": {"tagFQN": "Tier.Tier2",
                               "source": "Classification", "labelType": "Manual", "state": "Confirmed"}}],
        "owner": lambda: [{"op": "add", "path": "/owners", "value": [{"id": admin, "type": "user"}]}],
    }
    timings = {kind: [] for kind in kinds}
    for name in random.Random(7).sample(tables, patches):
        table_id = server.call("GET", f"/api/v1/tables/name/{SCHEMA}.{name}")["id"]
        for kind, body in kinds.items():
            started = time.perf_counter()
            connection.request("PATCH", f"/api/v1/tables/{table_id}", body=json.dumps(body()), headers=headers)
            response = connection.getresponse()
            text = response.read()
            timings[kind].append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                sys.exit(f"error: {kind} PATCH of {name}: {response.status} {text[:300]!r}")
    return timings


def timed_reads(server, tagged, reads):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}"}
    query_filter = urllib.parse.quote(json.dumps({"query": {"bool": {"must": [{"term": {"tags.tagFQN": "PII.Sensitive"}}]}}}))
    offsets = random.Random(11)
    kinds = {
        "tables tagged PII.Sensitive, a page of 10": lambda: "/api/v1/search/query?q=&index=table_search_index"
        f"&size=10&from={offsets.randrange(max(1, tagged - 10))}&query_filter={query_filter}",
        "usageCount of the tag PII.Sensitive": lambda: "/api/v1/tags/name/PII.Sensitive?fields=usageCount",
        "usageCount of the classification PII": lambda: "/api/v1/classifications/name/PII?fields=usageCount",
    }
    timings = {kind: [] for kind in kinds}
    for _ in range(reads):
        for kind, path in kinds.items():
            started = time.perf_counter()
            connection.request("GET", path(), headers=headers)
            response = connection.getresponse()
            text = response.read()
            timings[kind].append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                sys.exit(f"error: {kind}: {response.status} {text[:300]!r}")
    found = server.call("GET", f"/api/v1/search/query?q=&index=table_search_index&size=0&query_filter={query_filter}")
    if found["hits"]["total"]["value"] != tagged:
        sys.exit(f"error: {tagged} tables were tagged, the search lists {found['hits']['total']}")
    return timings




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target/release/tessera"))
    ap.add_argument("--postgres-url")
    ap.add_argument("--tables", type=int, default=100_000)
    ap.add_argument("--patches", type=int, default=2000)
    ap.add_argument("--reads", type=int, default=1000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    store = "postgres" if args.postgres_url else "sqlite"

    def measure(server, tables):
        names = [name for _, name in tables]
        patched = min(args.patches, len(names))
        return len(names), timed_patches(server, names, patched), timed_reads(server, patched, args.reads)

    count, timings, reads = on_filled_catalog(args.binary, args.postgres_url, args.tables, "governance", measure)
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; store: {store}; "
        f"{count:,} tables of 20 columns; {args.patches:,} tables patched, one request at a time; "
        "server on core 0, client on core 1",
        "",
        "| PATCH of a table (as the ingestion bot) | p50 | p99 |",
        "|---|---:|---:|",
    ]
    for kind, values in timings.items():
        lines.append(f"| {kind} | {statistics.median(values):.2f} ms | {percentile(values, 0.99):.2f} ms |")
    lines += [
        "",
        f"| Read ({args.reads:,} of each, after the patches) | p50 | p99 |",
        "|---|---:|---:|",
    ]
    for kind, values in reads.items():
        lines.append(f"| {kind} | {statistics.median(values):.2f} ms | {percentile(values, 0.99):.2f} ms |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(README, f"governance-{store}", f"Tags and owners, {store}", text)


if __name__ == "__main__":
    main()
