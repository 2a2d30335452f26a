#!/usr/bin/env python3
"""Lineage benchmarks (issue 20): walking lineage on a large catalog.

    python3 bench/lineage.py [--binary target/release/tessera] [--postgres-url URL]
                             [--tables 100000] [--edges 50000] [--reads 1000] [--write]

1. Fills one schema with --tables 20-column tables (bench/catalog.py's wrk upserts).
2. Adds --edges lineage edges between tables picked at random (`PUT /api/v1/lineage`, one at a
   time, each with one column mapping, as the ingestion bot); the rate is reported.
3. --reads walks from tables picked at random, one request at a time, timed from this client:
   `GET /api/v1/lineage/table/{id}` with depth 1 and with depth 3 both ways; p50, p99 and the mean
   number of edges answered.

The server runs on core 0 and this client on core 1. --write rewrites the section between the
lineage markers in bench/README.md (one per store).
"""
import argparse, datetime, json, os, random, statistics, sys, time
import http.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import README, SCHEMA  # noqa: E402
from large_catalog import on_filled_catalog, percentile  # noqa: E402
from common import write_section  # noqa: E402





def add_edges(server, found, edges):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    pick = random.Random(5)
    started = time.perf_counter()
    for _ in range(edges):
        (from_id, from_name), (to_id, to_name) = pick.sample(found, 2)
        column = f"c{pick.randint(1, 20)}"
        body = {"edge": {"fromEntity": {"id": from_id, "type": "table"}, "toEntity": {"id": to_id, "type": "table"},
                         "lineageDetails": {"source": "QueryLineage", "sqlQuery": f"INSERT INTO {to_name} SELECT * FROM {from_name}",
                                            "columnsLineage": [{"fromColumns": [f"{SCHEMA}.{from_name}.{column}"],
                                                                "toColumn": f"{SCHEMA}.{to_name}.{column}"}]}}}
        connection.request("PUT", "/api/v1/lineage", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        text = response.read()
        if response.status != 200:
            sys.exit(f"error: PUT /lineage: {response.status} {text[:300]!r}")
    return edges / (time.perf_counter() - started)


def timed_walks(server, found, reads):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}"}
    pick = random.Random(9)
    results = {}
    for depth in (1, 3):
        timings, sizes = [], []
        for table_id, _ in pick.sample(found, reads):
            started = time.perf_counter()
            connection.request("GET", f"/api/v1/lineage/table/{table_id}?upstreamDepth={depth}&downstreamDepth={depth}",
                               headers=headers)
            response = connection.getresponse()
            text = response.read()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                sys.exit(f"error: GET lineage depth {depth}: {response.status} {text[:300]!r}")
            answer = json.loads(text)
            sizes.append(len(answer["upstreamEdges"]) + len(answer["downstreamEdges"]))
        results[depth] = (timings, sizes)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(Path(__file__).resolve().parent.parent / "target/release/tessera"))
    ap.add_argument("--postgres-url")
    ap.add_argument("--tables", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=50_000)
    ap.add_argument("--reads", type=int, default=1000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    store = "postgres" if args.postgres_url else "sqlite"

    def measure(server, found):
        rate = add_edges(server, found, args.edges)
        print(f"{args.edges:,} edges added, {rate:,.0f} edges/s", flush=True)
        return found, rate, timed_walks(server, found, min(args.reads, len(found)))

    found, rate, walks = on_filled_catalog(args.binary, args.postgres_url, args.tables, "lineage", measure)
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; store: {store}; "
        f"{len(found):,} tables of 20 columns; {args.edges:,} edges between tables picked at random, each with "
        f"one column mapping, added one request at a time at {rate:,.0f} edges/s; server on core 0, client on core 1",
        "",
        f"| GET /lineage/table/{{id}} ({args.reads:,} tables picked at random) | p50 | p99 | edges answered (mean) |",
        "|---|---:|---:|---:|",
    ]
    for depth, (timings, sizes) in walks.items():
        lines.append(f"| depth {depth} up and down | {statistics.median(timings):.2f} ms | {percentile(timings, 0.99):.2f} ms "
                     f"| {statistics.mean(sizes):.1f} |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(README, f"lineage-{store}", f"Lineage, {store}", text)


if __name__ == "__main__":
    main()
