#!/usr/bin/env python3
"""Catalog benchmarks for Tessera (issue 6: catalog core and the ingestion client).

    python3 bench/catalog.py [--binary target/release/tessera] [--postgres-url URL]
                             [--tables 100000] [--seconds 5] [--ingest 2000] [--write]

1. Table upserts: wrk (`bench/catalog_put_tables.lua`) PUTs new 20-column tables into one schema
   as the ingestion bot, in rounds of --seconds until the catalog holds --tables tables. Each
   round's rate shows whether the cost per table stays constant as the catalog grows.
   Target: >= 3,000 tables/s on SQLite, the same order on PostgreSQL.
2. At full size: GET a table by name, and re-send a stored table unchanged (the client's re-run).
3. With --ingest N: the official client's `metadata ingest` (.venv-ingestion, see
   scripts/python-env.sh) of a generated N-table SQLite database into a fresh server; the wall
   time and the share of it spent inside Tessera (the sum of http_request_duration_seconds from
   the admin port's /prometheus).

The server is pinned to core 0 and wrk to core 1 (taskset). --write rewrites the section between
the catalog markers in bench/README.md (one section per store).
"""
import argparse, datetime, http.client, json, os, re, shutil, signal, subprocess, sys
import tempfile, time
from pathlib import Path

from common import free_port, wait_healthy, write_section

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
LUA = ROOT / "bench" / "catalog_put_tables.lua"
VENV_PYTHON = ROOT / ".venv-ingestion" / "bin" / "python"
SCHEMA = "svc.db.main"




class Server:
    def __init__(self, binary, postgres_url, work, extra_env=None):
        self.binary, self.port, self.admin = binary, free_port(), free_port()
        self.env = {"PATH": os.environ["PATH"], "SERVER_HOST": "127.0.0.1", "SERVER_PORT": str(self.port),
                    "SERVER_ADMIN_PORT": str(self.admin), "TESSERA_DATA_DIR": str(work / "data"),
                    "LOG_LEVEL": "WARN", **(extra_env or {})}
        if postgres_url:
            self.env["DATABASE_URL"] = postgres_url
        work.mkdir(parents=True, exist_ok=True)
        self.log = work / "serve.log"
        self.proc = subprocess.Popen(["taskset", "-c", "0", binary, "serve"], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))
        self.wait_healthy()
        self.token = subprocess.run([binary, "token", "bot", "ingestion-bot"], env=self.env, capture_output=True,
                                    text=True, check=True).stdout.strip()

    def wait_healthy(self):
        wait_healthy(self.admin, self.proc, self.log)

    def call(self, method, path, body=None, port=None):
        c = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        r = c.getresponse()
        text = r.read().decode()
        if r.status >= 300:
            sys.exit(f"error: {method} {path} -> {r.status}: {text}")
        return json.loads(text) if text.startswith("{") else text

    def seconds_inside(self):
        """Sum of http_request_duration_seconds over every route (admin /prometheus)."""
        text = self.call("GET", "/prometheus", port=self.admin)
        sums = re.findall(r'^http_request_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$', text, re.M)
        return sum(float(s) for s in sums)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def wrk(url, seconds, env, script=None, extra=()):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", *extra]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True, env={**os.environ, **env}).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"error: {non2xx.group(1)} failed responses from {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return requests, rate, float(p99.group(1)) * scale


def seed_schema(server):
    server.call("PUT", "/api/v1/services/databaseServices",
                {"name": "svc", "serviceType": "SQLite", "connection": {"config": {"type": "SQLite"}}})
    server.call("PUT", "/api/v1/databases", {"name": "db", "service": "svc"})
    server.call("PUT", "/api/v1/databaseSchemas", {"name": "main", "database": "svc.db"})


def table_count(server):
    return server.call("GET", f"/api/v1/tables?databaseSchema={SCHEMA}&limit=1")["paging"]["total"]


def upserts(server, target, seconds):
    base = f"http://127.0.0.1:{server.port}"
    rounds, stored, n = [], 0, 0
    while stored < target:
        n += 1
        env = {"TOKEN": server.token, "TABLE_PREFIX": f"r{n}_"}
        _, rate, p99 = wrk(f"{base}/api/v1/tables", seconds, env, LUA)
        before, stored = stored, table_count(server)
        rounds.append({"before": before, "after": stored, "rate": rate, "p99": p99})
        print(f"round {n}: {before:,} -> {stored:,} tables, {rate:,.0f} tables/s, p99 {p99:.1f} ms", flush=True)
    return rounds


def reads(server, seconds):
    base = f"http://127.0.0.1:{server.port}"
    env = {"TOKEN": server.token}
    # A table of the first round (wrk may drop a request or two, so ask which ones exist).
    name = server.call("GET", f"/api/v1/tables?databaseSchema={SCHEMA}&limit=1")["data"][0]["name"]
    prefix, number = name.rsplit("_", 1)
    auth = ROOT / "bench" / ".catalog_auth.lua"
    auth.write_text(f'wrk.headers["Authorization"] = "Bearer {server.token}"\n')
    try:
        _, by_name, _ = wrk(f"{base}/api/v1/tables/name/{SCHEMA}.{name}", seconds, env, auth)
    finally:
        auth.unlink()
    # That table again, unchanged (same sourceHash): nothing is written.
    resend = ROOT / "bench" / ".catalog_resend.lua"
    resend.write_text(LUA.read_text().replace("counter = counter + 1", f"counter = {int(number)}"))
    try:
        _, unchanged, _ = wrk(f"{base}/api/v1/tables", seconds, {**env, "TABLE_PREFIX": f"{prefix}_"}, resend)
    finally:
        resend.unlink()
    return by_name, unchanged


def ingest(binary, postgres_url, tables, work):
    if not VENV_PYTHON.exists():
        sys.exit("error: .venv-ingestion is missing; make it with: bash scripts/python-env.sh")
    source = work / "generated.db"
    subprocess.run([sys.executable, str(ROOT / "e2e/ingestion/sources.py"), "generated", str(source),
                    "--tables", str(tables)], check=True)
    server = Server(binary, postgres_url, work / "ingest")
    try:
        token_file = work / "token"
        token_file.write_text(server.token)
        workflow = work / "workflow.yaml"
        subprocess.run([sys.executable, str(ROOT / "e2e/ingestion/workflow.py"), str(workflow), "--server",
                        f"http://127.0.0.1:{server.port}", "--token-file", str(token_file), "--service", "gen",
                        "--source", str(source)], check=True)
        metadata = VENV_PYTHON.parent / "metadata"
        started = time.time()
        run = subprocess.run(["taskset", "-c", "1", str(metadata), "ingest", "-c", str(workflow)],
                             capture_output=True, text=True)
        wall = time.time() - started
        if run.returncode != 0:
            sys.exit(f"error: metadata ingest exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        inside = server.seconds_inside()
        stored = server.call("GET", "/api/v1/tables?limit=1")["paging"]["total"]
    finally:
        server.stop()
    if stored != tables:
        sys.exit(f"error: the ingest stored {stored} tables, expected {tables}")
    return wall, inside


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target/release/tessera"))
    ap.add_argument("--postgres-url", help="run against PostgreSQL (sets DATABASE_URL)")
    ap.add_argument("--tables", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--ingest", type=int, default=0, help="also time `metadata ingest` of N generated tables")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} is missing (apt-get install -y wrk util-linux)")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"error: {args.binary} not found; build it with: cargo build --release")
    store = "postgres" if args.postgres_url else "sqlite"
    work = Path(tempfile.mkdtemp(prefix="tessera-bench-catalog-"))
    try:
        server = Server(args.binary, args.postgres_url, work)
        try:
            seed_schema(server)
            rounds = upserts(server, args.tables, args.seconds)
            by_name, unchanged = reads(server, args.seconds)
        finally:
            server.stop()
        ingested = ingest(args.binary, args.postgres_url, args.ingest, work) if args.ingest else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, last = rounds[0], rounds[-1]
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
        f"store: {store}; server on core 0, wrk (-t1 -c16, {args.seconds} s rounds) on core 1",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| new 20-column tables, first round (empty catalog) | {first['rate']:,.0f} tables/s (p99 {first['p99']:.1f} ms) | >= 3,000/s |",
        f"| new 20-column tables, last round ({last['before']:,} -> {last['after']:,} tables) | {last['rate']:,.0f} tables/s (p99 {last['p99']:.1f} ms) | |",
        f"| last / first round | **{last['rate'] / first['rate']:.2f}x** | ~1x (cost constant as it grows) |",
        f"| `GET /tables/name/...` at {last['after']:,} tables | {by_name:,.0f} req/s | |",
        f"| unchanged re-send (same `sourceHash`, nothing written) at {last['after']:,} tables | {unchanged:,.0f} req/s | |",
    ]
    if ingested:
        wall, inside = ingested
        lines.append(f"| `metadata ingest` of a generated {args.ingest:,}-table SQLite database | "
                     f"{wall:.1f} s wall, {inside:.1f} s inside Tessera (**{inside / wall:.0%}**) | |")
    lines += ["", "Rounds: " + "; ".join(f"{r['after']:,} tables: {r['rate']:,.0f}/s" for r in rounds)]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(README, f"catalog-{store}", f"Catalog, {store}", text)


if __name__ == "__main__":
    main()
