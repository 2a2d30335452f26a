#!/usr/bin/env python3
"""Token-verification benchmarks for Tessera (issue: token authentication).

    python3 bench/auth.py [--binary target/release/tessera] [--seconds 10] [--write]

Measured in one run, as ratios (the machine has 2 cores: the server is pinned to core 0 and
wrk to core 1 with taskset):
  1. warm:  GET /api/v1/users/loggedInUser with the ingestion-bot token (verified once,
            then cached) vs the public GET /api/v1/system/version.          target >= 0.95x
            Beside them, the public version request sent with the same Authorization header
            (never read: the path is public): what the larger request alone costs.
            Taken with wrk and with tessera-loadgen (see 2b), in alternating rounds
            (--warm-rounds), with the server's CPU time per request beside each rate.
  2. cold:  distinct valid tokens, each verified once (in-process, one core:
            `cargo bench -p tessera-auth --bench verify`) vs `openssl speed rsa2048` verify/s
            on the same machine, paired runs.                               target >= 0.9x
  2b. cold over HTTP: GET /api/v1/users/loggedInUser, every request with a token not seen
            before (minted ahead by the verify bench with the server's key), against the bound
            1 / (1/openssl + 1/version_rps): one RSA check plus one public request's cost.
            Taken twice, each against its own bound: with wrk, and with tessera-loadgen
            (crates/tessera-loadgen), a client that polls instead of sleeping, so that no answer
            has to wake it across cores from inside the server's send (see bench/README.md).
            The server's CPU time per request (from /proc) is reported beside each rate.
                                                                            target >= 0.9x
  2c. the floor under 2b: the same polled rounds against crates/tessera-auth/benches/http_floor.rs,
            an axum server with no layers whose authenticated route only checks the signature
            (then, with FLOOR_VERIFIER=1, runs Tessera's verifier instead): what a server on this
            stack reaches against the same bound, without (and with) Tessera's verification.
  2d. the ceiling this host puts on 2b, in server CPU per request: Tessera's warm request plus
            what a new token costs the bare floor (its cold request minus its version request),
            against the bound's CPU (openssl's verify plus Tessera's version request). If
            Tessera's own work for a new token cost nothing, its cold ratio could not pass this.
  3. 10,000 requests carrying random unknown `kid`s against a server whose JWKS URL counts its
     hits: how many JWKS fetches they caused.                              target: a handful
--write rewrites the section between the auth markers in bench/README.md.
"""

import argparse, base64, datetime, http.client, http.server, json, os, re, secrets, shutil
import signal, statistics, subprocess, sys, tempfile, threading, time
from pathlib import Path

from common import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- auth:begin -->", "<!-- auth:end -->"




class CountingJwks(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        CountingJwks.hits += 1
        body = b'{"keys": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()




def wrk_counted(url, seconds, token=None):
    """wrk's rate and request count."""
    script = None
    if token:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
        script.close()
    return run_wrk(url, seconds, ["--latency"] + (["-s", script.name] if script else []))


def run_wrk(url, seconds, options, tokens=0):
    """wrk (one thread, 32 connections, core 1): its rate and request count; exits on a failed
    response, or when the run used all of `tokens` minted tokens (one would have been reused)."""
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s", *options, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx or (tokens and done >= tokens):
        sys.exit(f"error: run on {url} invalid ({done} requests, {tokens or 'no'} minted tokens):\n{out}")
    return rps, done


def loadgen_binary():
    """Builds tessera-loadgen (release) and returns its path."""
    subprocess.run(["cargo", "build", "--release", "-p", "tessera-loadgen"], cwd=ROOT, check=True, capture_output=True)
    return str(ROOT / "target" / "release" / "tessera-loadgen")


def loadgen(binary, url, seconds, tokens=None, repeat=None):
    """tessera-loadgen's rate and request count (32 connections on core 1); with `tokens`, each
    request carries the next line of that file and running out of lines is an error; with
    `repeat`, each request carries the first line of that file."""
    cmd = ["taskset", "-c", "1", binary, url, str(seconds), "32"]
    cmd += [tokens] if tokens else ["--repeat", repeat] if repeat else []
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"error: tessera-loadgen on {url}: {run.stderr}")
    values = dict(pair.split("=") for pair in run.stdout.split())
    if int(values["non_2xx"]):
        sys.exit(f"error: {values['non_2xx']} failed responses from {url}")
    return float(values["rps"]), int(values["requests"])


def server_cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_cpu(pid, measure):
    """(rate, server CPU µs per request) of `measure()`, which returns (rate, requests)."""
    before = server_cpu_seconds(pid)
    rate, requests = measure()
    return rate, (server_cpu_seconds(pid) - before) * 1e6 / requests


# A cold HTTP round's length: every request needs a token not used before, minted ahead.
COLD_SECONDS = 3
# Tokens minted for a cold round: above any cold rate seen here (the floor server reached ~50,000
# requests a second on the Intel host of 2026-12-06; Tessera under 40,000).
COLD_TOKENS_PER_SECOND = 70_000


def openssl_verify_rate(core=1):
    out = subprocess.run(["taskset", "-c", str(core), "openssl", "speed", "-seconds", "3", "rsa2048"],
                         capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("rsa 2048")][-1]
    return float(line.split()[-1])


def bench_binary(name):
    """Builds tessera-auth's bench target `name` (release) and returns its path."""
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json", "-p", "tessera-auth", "--bench", name],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == name and msg.get("executable"):
            return msg["executable"]
    sys.exit(f"error: the {name} bench was not built")


COLD_LUA = """
local tokens, i = {}, 0
for line in io.lines("%s") do tokens[#tokens + 1] = line end
request = function()
  i = i + 1
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. tokens[i]})
end
"""


def mint_tokens(data, paths, count):
    """`count` distinct valid session tokens of `admin` in each of `paths`, signed with the key in
    `data`; one minting process per core (each token is an RSA signature, the slow part of a round)."""
    binary = bench_binary("verify")
    minting = [subprocess.Popen(["taskset", "-c", str(i % 2), binary, str(count)],
                                env={**os.environ, "MINT_DIR": data, "MINT_OUT": path}) for i, path in enumerate(paths)]
    if any(m.wait() != 0 for m in minting):
        sys.exit("error: minting tokens failed")


def cold_http(base, tokens, seconds):
    """wrk with each request carrying a token from `tokens` the server has not seen; fails if it
    ran out of tokens (a token used twice would be a warm request)."""
    count = sum(1 for _ in open(tokens))
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(COLD_LUA % tokens)
    script.close()
    return run_wrk(f"{base}/api/v1/users/loggedInUser", seconds, ["-s", script.name], tokens=count)


def cold_round(pid, version, cold):
    """One cold round with one client: openssl on the server's core, then `version()` and
    `cold()` (each returning rate and request count) with the server's CPU time around each."""
    server_core_openssl = openssl_verify_rate(core=0)
    version = with_cpu(pid, version)
    cold = with_cpu(pid, cold)
    return cold[0], 1 / (1 / server_core_openssl + 1 / version[0]), version, cold


def cold_rates(rounds):
    """Interleaved on one core: openssl's verify rate, then Tessera's (cold rounds of 4,000 distinct
    tokens, each round with an empty cache). This machine's speed drifts by 10-20% over minutes,
    so each Tessera figure is divided by the openssl figure measured just before it."""
    binary = bench_binary("verify")
    runs = []
    for _ in range(rounds):
        openssl = openssl_verify_rate()
        out = subprocess.run(["taskset", "-c", "1", binary, "4000"], env={**os.environ, "COLD_ROUNDS": "5"},
                             capture_output=True, text=True, check=True).stdout
        values = {k: float(v) for k, v in (l.split() for l in out.splitlines() if " " in l)}
        values["openssl"] = openssl
        runs.append(values)
    return runs


def floor_rounds(data, token_files, generator, with_verifier):
    """Polled cold rounds (as for Tessera) against the floor server, one token file per round."""
    port = free_port()
    env = {**os.environ, "FLOOR_VERIFIER": "1" if with_verifier else "0"}
    log = os.path.join(data, "http_floor.log")
    floor = subprocess.Popen(["taskset", "-c", "0", bench_binary("http_floor"), data, str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(port, floor, log, name="http_floor", path="/api/v1/system/version")
        return [cold_round(floor.pid, lambda: loadgen(generator, f"{base}/api/v1/system/version", COLD_SECONDS),
                           lambda: loadgen(generator, f"{base}/api/v1/users/loggedInUser", COLD_SECONDS, tokens))
                for tokens in token_files]
    finally:
        floor.send_signal(signal.SIGTERM)
        floor.wait(timeout=10)


def median(values):
    return statistics.median(list(values))


def floor_row(what, rounds):
    ratios = [c / b for c, b, _, _ in rounds]
    return (f"| {what}: cold / bound, median (server CPU per request version / cold) | "
            f"{median(ratios):.2f}x (runs: {', '.join(f'{r:.2f}' for r in ratios)}; "
            f"{median(v[1] for _, _, v, _ in rounds):.1f} µs / {median(c[1] for _, _, _, c in rounds):.1f} µs) | |")


def ceiling_row(client, rounds, floor, warm):
    """2d: Tessera's cold request, and the best it could be (its warm request plus the bare floor's
    cost of a new token), each against the bound, all in server CPU per request (medians)."""
    # A round keeps only its bound; openssl's time per check is what the bound adds to version's.
    openssl_us = median(1e6 * (1 / b - 1 / v[0]) for _, b, v, _ in rounds)
    version_us = median(v[1] for _, _, v, _ in rounds)
    bound_us = openssl_us + version_us
    cold_us = median(c[1] for _, _, _, c in rounds)
    warm_extra = median(c for _, c in warm["warm"]) - median(c for _, c in warm["version"])
    new_token_on_floor = median(c[1] - v[1] for _, _, v, c in floor)
    ceiling_us = version_us + warm_extra + new_token_on_floor
    return (f"| ceiling on this host with {client}, server CPU per request: bound (openssl {openssl_us:.1f} + version "
            f"{version_us:.1f}) / Tessera's cold; bound / (version + warm's extra {warm_extra:.1f} + the bare floor's "
            f"new-token cost {new_token_on_floor:.1f}) | Tessera {bound_us / cold_us:.2f}x ({bound_us:.1f} / {cold_us:.1f} µs); "
            f"**ceiling {bound_us / ceiling_us:.2f}x** ({bound_us:.1f} / {ceiling_us:.1f} µs) | |")


def warm_rounds(pid, rounds, measures):
    """`rounds` alternating rounds of each of `measures` (name -> function returning rate and
    request count): name -> [(rate, server CPU µs per request)], so drift hits every kind alike."""
    results = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            results[name].append(with_cpu(pid, measure))
    return results


def warm_rows(client, results):
    """The table rows of the warm rounds taken with one client."""
    rate = {name: median(r for r, _ in runs) for name, runs in results.items()}
    cpu = {name: median(c for _, c in runs) for name, runs in results.items()}
    listed = lambda name: ", ".join(f"{r:,.0f}" for r, _ in results[name])
    return [
        f"| public `GET /api/v1/system/version` with {client}, median | {rate['version']:,.0f} req/s (runs: {listed('version')}) | |",
        f"| authenticated `GET /api/v1/users/loggedInUser` with {client}, warm bot token, median | {rate['warm']:,.0f} req/s (runs: {listed('warm')}) | |",
        f"| **warm ratio** with {client}: authenticated / public | **{rate['warm'] / rate['version']:.2f}x** | >= 0.95x |",
        f"| public `version` sent with the bot's `Authorization` header (unread) with {client}, median | {rate['headered']:,.0f} req/s (runs: {listed('headered')}) | |",
        f"| the larger request alone with {client}: headered / public | {rate['headered'] / rate['version']:.2f}x | |",
        f"| server CPU per request with {client}: version / headered version / warm, median | {cpu['version']:.2f} µs / {cpu['headered']:.2f} µs / {cpu['warm']:.2f} µs | |",
    ]


def cold_http_rows(client, rounds):
    """The table rows of the cold-over-HTTP rounds taken with one client."""
    ratios = [c / b for c, b, _, _ in rounds]
    return [
        f"| cold over HTTP with {client}: `loggedInUser`, every request a new token, median of {len(rounds)} | {median(c for c, _, _, _ in rounds):,.0f} req/s | |",
        f"| bound 1/(1/openssl + 1/version) with {client}, openssl and version measured just before each round | {median(b for _, b, _, _ in rounds):,.0f} req/s | |",
        f"| server CPU per request with {client}: version / cold, median | {median(v[1] for _, _, v, _ in rounds):.1f} µs / {median(c[1] for _, _, _, c in rounds):.1f} µs | |",
        f"| **cold HTTP ratio** with {client} / bound, median | **{median(ratios):.2f}x** (runs: {', '.join(f'{r:.2f}' for r in ratios)}) | >= 0.9x |",
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target/release/tessera"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warm-rounds", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    for tool in ("wrk", "taskset", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} is missing (apt-get install -y wrk util-linux openssl)")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"error: {args.binary} not found; build it with: cargo build --release")

    jwks_port = free_port()
    jwks = http.server.ThreadingHTTPServer(("127.0.0.1", jwks_port), CountingJwks)
    threading.Thread(target=jwks.serve_forever, daemon=True).start()
    data = tempfile.mkdtemp(prefix="tessera-bench-")
    port, admin = free_port(), free_port()
    env = {"PATH": os.environ["PATH"], "SERVER_HOST": "127.0.0.1", "SERVER_PORT": str(port),
           "SERVER_ADMIN_PORT": str(admin), "TESSERA_DATA_DIR": data, "LOG_LEVEL": "WARN",
           "AUTHENTICATION_PROVIDER": "auth0", "AUTHENTICATION_CLIENT_ID": "bench",
           "AUTHENTICATION_AUTHORITY": f"http://127.0.0.1:{jwks_port}/",
           "AUTHENTICATION_PUBLIC_KEYS": f"[http://127.0.0.1:{jwks_port}/.well-known/jwks.json]"}
    log = os.path.join(data, "serve.log")
    proc = subprocess.Popen(["taskset", "-c", "0", args.binary, "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        wait_healthy(admin, proc, log)
        token = subprocess.run([args.binary, "token", "bot", "ingestion-bot"], env=env, capture_output=True,
                               text=True, check=True).stdout.strip()
        base = f"http://127.0.0.1:{port}"
        # 3. unknown kids
        time.sleep(0.5)
        before = CountingJwks.hits
        conn = http.client.HTTPConnection("127.0.0.1", port)
        statuses = {}
        started = time.time()
        for _ in range(10_000):
            forged = f'{b64({"alg": "RS256", "kid": secrets.token_hex(8)})}.{b64({"sub": "x"})}.AAAA'
            conn.request("GET", "/api/v1/users/loggedInUser", headers={"Authorization": f"Bearer {forged}"})
            r = conn.getresponse()
            r.read()
            statuses[r.status] = statuses.get(r.status, 0) + 1
        kid_seconds = time.time() - started
        fetches = CountingJwks.hits - before
        # 1. warm vs public, alternated so drift in this VM hits each kind alike; medians compared
        generator = loadgen_binary()
        version_url, cold_url = f"{base}/api/v1/system/version", f"{base}/api/v1/users/loggedInUser"
        token_file = os.path.join(data, "bot-token.txt")
        Path(token_file).write_text(token + "\n")
        warm_wrk = warm_rounds(proc.pid, args.warm_rounds, {
            "version": lambda: wrk_counted(version_url, args.seconds),
            "warm": lambda: wrk_counted(cold_url, args.seconds, token),
            "headered": lambda: wrk_counted(version_url, args.seconds, token)})
        warm_polled = warm_rounds(proc.pid, args.warm_rounds, {
            "version": lambda: loadgen(generator, version_url, args.seconds),
            "warm": lambda: loadgen(generator, cold_url, args.seconds, repeat=token_file),
            "headered": lambda: loadgen(generator, version_url, args.seconds, repeat=token_file)})
        # 2b. cold over HTTP, each round against the bound measured just before it, with each client
        http_rounds, polled_rounds = [], []
        for round_number in range(args.rounds):
            tokens = os.path.join(data, f"tokens-{round_number}.txt")
            polled_tokens = os.path.join(data, f"polled-tokens-{round_number}.txt")
            mint_tokens(data, [tokens, polled_tokens], COLD_SECONDS * COLD_TOKENS_PER_SECOND)
            http_rounds.append(cold_round(proc.pid, lambda: wrk_counted(version_url, COLD_SECONDS),
                                          lambda: cold_http(base, tokens, COLD_SECONDS)))
            polled_rounds.append(cold_round(proc.pid, lambda: loadgen(generator, version_url, COLD_SECONDS),
                                            lambda: loadgen(generator, cold_url, COLD_SECONDS, polled_tokens)))
        # 2c. the floor, on the same tokens (each new to a fresh floor process), Tessera stopped
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        polled_files = [os.path.join(data, f"polled-tokens-{n}.txt") for n in range(args.rounds)]
        floors = [floor_rounds(data, polled_files, generator, with_verifier) for with_verifier in (False, True)]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        jwks.shutdown()
        shutil.rmtree(data, ignore_errors=True)
    # 2. cold vs openssl
    colds = cold_rates(args.rounds + 2)
    pick = lambda key: statistics.median(r[key] for r in colds)
    cold = {k: pick(k) for k in ("cold_verify_per_second", "raw_rs256_verify_per_second", "warm_verify_microseconds")}
    openssl = pick("openssl")
    cold_ratios = [r["cold_verify_per_second"] / r["openssl"] for r in colds]

    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
        f"server on core 0, the client (wrk -t1, or tessera-loadgen; 32 connections) on core 1; "
        f"warm: {args.warm_rounds} alternating rounds of {args.seconds} s per client; cold over HTTP: {args.rounds} rounds of {COLD_SECONDS} s",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        *warm_rows("wrk", warm_wrk),
        *warm_rows("tessera-loadgen (polls, never sleeps)", warm_polled),
        f"| cold verification, distinct tokens, one core (in-process), median of {len(colds)} | {cold['cold_verify_per_second']:,.0f} /s | |",
        f"| aws-lc RS256 verify alone, one core, median | {cold['raw_rs256_verify_per_second']:,.0f} /s | |",
        f"| `openssl speed rsa2048` verify, one core, median | {openssl:,.0f} /s | |",
        f"| **cold ratio** Tessera / openssl, median of the paired runs | **{statistics.median(cold_ratios):.2f}x** (runs: {', '.join(f'{r:.2f}' for r in cold_ratios)}) | >= 0.9x |",
        f"| warm verification (cache hit + revocation check), in-process | {cold['warm_verify_microseconds']:.2f} µs | |",
        *cold_http_rows("wrk", http_rounds),
        *cold_http_rows("tessera-loadgen (polls, never sleeps)", polled_rounds),
        floor_row("floor with tessera-loadgen, signature check only (`benches/http_floor.rs`)", floors[0]),
        floor_row("floor with tessera-loadgen, Tessera's `Verifier` in place of the bare check", floors[1]),
        ceiling_row("tessera-loadgen", polled_rounds, floors[0], warm_polled),
        f"| 10,000 requests with random unknown `kid`s ({kid_seconds:.1f} s, statuses {statuses}) | **{fetches} JWKS fetches** | a handful |",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        readme = README.read_text()
        if BEGIN not in readme:
            readme += f"\n## Token verification\n\nProduced by `python3 bench/auth.py --write` (release build).\n\n{BEGIN}\n{END}\n"
        head, rest = readme.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
        print(f"wrote {README}")


if __name__ == "__main__":
    main()
