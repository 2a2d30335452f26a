#!/usr/bin/env python3
"""The soak: two replicas on one PostgreSQL under ~80% of their saturation for 30 minutes, while
everything that changes in production changes (issue 17).

    TESSERA_TEST_SKIP_CARGO=1 ./scripts/test.sh bash -c \\
        'python3 bench/soak.py --postgres-url "$TESSERA_TEST_POSTGRES_URL" --write'

(scripts/test.sh brings up a throwaway PostgreSQL and exports its URL.) Options: --minutes 30,
--load 0.8, --binary target/release/tessera. Builds the release binary and the load generator
(crates/tessera/benches/soak_load.rs) first.

During the run:
- an identity provider (a JWKS server here, keys made with openssl) signs a new ID token every
  second for one of 10 signed-up users; tokens leave the pool after 2 minutes;
- at the middle it rotates its key: the new key is published a minute before it signs with it,
  the old one withdrawn 3 minutes after;
- at minute 2 Tessera's signing key is rotated as docs/operations.md tells operators with key
  files: a new pair, the old public key kept as the previous one, the replicas restarted one at a
  time (each taken out of the load balancer's list first, as nginx would after a failed check);
- every minute a user creates a personal access token and another is revoked: a revoked token must
  get 401 on both replicas within 2 s (those 401s are the only errors allowed);
- the ingestion bot writes tables (10% of requests) while the users read them (90%).

Reported: errors by kind; p50/p99 and the CPU used by the replicas, PostgreSQL and the generator
per 5 minutes; RSS of each replica at minute 5 and at the end of the load (drift), and idle after
it; open file descriptors after start, at minute 5 and once the load has stopped.
--write puts the report between the soak markers in bench/README.md.
"""
import argparse, base64, datetime, http.client, http.server, json, os, signal, subprocess
import sys, tempfile, threading, time
from pathlib import Path

from common import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"
CLIENT_ID = "soak-client"
USERS = [f"user{i}" for i in range(10)]
SCHEMA = "soak.db.main"
TABLES = 500
TOKEN_LIFETIME_IN_POOL = 120
# A revocation stamp in the far future: the generator accepts 401 and 200 alike until it is real.
UNDER_WAY = 99_999_999_999_999
# Per replica: two pools of the default 50 exceed PostgreSQL's default max_connections (100, a few
# reserved), and connections refused with "too many clients" slowed the first soak (see README).
POOL_SIZE = "20"
PROBE_SECONDS = 120




def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


class IdpKey:
    def __init__(self, work, kid):
        self.kid, self.pem = kid, work / f"{kid}.pem"
        openssl("genrsa", "-out", str(self.pem), "2048")
        modulus = openssl("rsa", "-in", str(self.pem), "-noout", "-modulus").decode().strip().split("=")[1]
        self.jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "e": "AQAB",
                    "n": b64(bytes.fromhex(modulus))}

    def sign(self, claims):
        header = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": self.kid}).encode())
        payload = b64(json.dumps(claims).encode())
        signature = openssl("dgst", "-sha256", "-sign", str(self.pem), data=f"{header}.{payload}".encode())
        return f"{header}.{payload}.{b64(signature)}"


class Idp:
    """The identity provider's JWKS endpoint and its token minting."""
    def __init__(self, work):
        self.work, self.port = work, free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/"
        self.published = [IdpKey(work, "idp-1")]
        self.signing = self.published[0]
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"keys": [k.jwk for k in idp.published]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def token(self, user):
        now = int(time.time())
        return self.signing.sign({"iss": self.issuer, "aud": CLIENT_ID, "sub": f"idp|{user}",
                                  "email": f"{user}@example.com", "email_verified": True,
                                  "iat": now, "exp": now + 600, "jti": f"{user}-{time.time_ns()}"})


def server_key_pair(work, name):
    pem = work / f"{name}.pem"
    openssl("genrsa", "-out", str(pem), "2048")
    private = work / f"{name}_private.der"
    public = work / f"{name}_public.der"
    openssl("pkcs8", "-topk8", "-inform", "PEM", "-outform", "DER", "-in", str(pem), "-out", str(private), "-nocrypt")
    openssl("rsa", "-in", str(pem), "-pubout", "-outform", "DER", "-out", str(public))
    return private, public


class Replica:
    def __init__(self, name, binary, work, common):
        self.name, self.binary = name, binary
        self.port, self.admin = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**common, "SERVER_HOST": "127.0.0.1", "SERVER_PORT": str(self.port),
                    "SERVER_ADMIN_PORT": str(self.admin), "TESSERA_DATA_DIR": str(work / name),
                    "AUTHENTICATION_PUBLIC_KEYS":
                        f"[{common['SOAK_IDP_JWKS']}, http://127.0.0.1:{self.port}/api/v1/system/config/jwks]"}
        self.log = work / f"{name}.log"
        self.proc = None
        self.pg_port = int(common["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0])

    def start(self, extra=None):
        self.env.update(extra or {})
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "a"))
        wait_healthy(self.admin, self.proc, self.log, self.name)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def rss_mib(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def fds(self):
        """Open descriptors: total, and how many are connections to PostgreSQL and from clients."""
        sockets = {}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                sockets[f[9]] = (int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16), f[3])
        total, db, clients = 0, 0, 0
        for fd in os.listdir(f"/proc/{self.proc.pid}/fd"):
            total += 1
            try:
                link = os.readlink(f"/proc/{self.proc.pid}/fd/{fd}")
            except OSError:
                continue
            local, remote, state = sockets.get(link.removeprefix("socket:[").rstrip("]"), (0, 0, ""))
            if remote == self.pg_port:
                db += 1
            elif local in (self.port, self.admin) and state != "0A":  # 0A: listening
                clients += 1
        return f"{total} ({db} db, {clients} clients)"


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, children=False):
    """User + system CPU of a process (with `children`, also of its exited, reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / TICK


def postgres_cpu_seconds():
    """CPU of the whole PostgreSQL: its live processes, plus what the postmaster's exited children
    (autovacuum workers, finished backends) used."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
                continue
            parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
            postmaster = Path(f"/proc/{parent}/comm").read_text().strip() != "postgres"
            total += cpu_seconds(pid, children=postmaster)
        except (OSError, IndexError):
            pass  # the process ended while being read
    return total


def machine_cpu_seconds():
    """The whole machine's idle and stolen CPU (stolen: taken by the hypervisor for other guests)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return {"idle": int(fields[4]) / TICK, "steal": int(fields[8]) / TICK}


def call(base, method, path, token, body=None):
    host, port = base.removeprefix("http://").split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request(method, path, body=None if body is None else json.dumps(body),
              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = c.getresponse()
    text = r.read().decode()
    if r.status >= 300:
        raise RuntimeError(f"{method} {path} -> {r.status}: {text[:500]}")
    return json.loads(text) if text.startswith("{") else text


def cargo_artifacts():
    subprocess.run(["cargo", "build", "--release", "-p", "tessera", "--bin", "tessera"], cwd=ROOT, check=True)
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json", "-p", "tessera", "--bench", "soak_load"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "soak_load" and msg.get("executable"):
            return msg["executable"]
    sys.exit("error: the load generator was not built")


class Pool:
    """The token file the load generator reads (`<role> <state> <kind> <token>` lines; kind `bot`,
    `id` (provider ID token, with its key id) or `pat`), written whole and renamed into place."""
    def __init__(self, path):
        self.path, self.lock, self.tokens = path, threading.Lock(), []

    def add(self, kind, token):
        role = "writer" if kind == "bot" else "reader"
        with self.lock:
            self.tokens.append({"kind": kind, "role": role, "state": "live", "token": token, "added": time.time()})
            self.write()

    def revoke(self, token, at=None):
        stamp = int(time.time() * 1000) if at is None else at
        with self.lock:
            for t in self.tokens:
                if t["token"] == token:
                    t["state"] = f"revoked:{stamp}"
            self.write()

    def prune(self, keep):
        with self.lock:
            self.tokens = [t for t in self.tokens if keep(t)]
            self.write()

    def write(self):
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(f"{t['role']} {t['state']} {t['kind']} {t['token']}\n" for t in self.tokens))
        tmp.replace(self.path)


def write_targets(path, replicas):
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(r.base + "\n" for r in replicas))
    tmp.replace(path)


def run_generator(generator, work, rate, seconds, out, window=10):
    env = {**os.environ, "SOAK_TARGETS": str(work / "targets.txt"), "SOAK_TOKENS": str(work / "tokens.txt"),
           "SOAK_RATE": str(rate), "SOAK_SECONDS": str(seconds), "SOAK_OUT": str(out), "SOAK_WINDOW": str(window),
           "SOAK_TABLES": str(TABLES), "SOAK_CONCURRENCY": "64" if rate == 0 else "512"}
    return subprocess.Popen([generator], env=env)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--load", type=float, default=0.8)
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "tessera"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    generator = cargo_artifacts()
    work = Path(tempfile.mkdtemp(prefix="tessera-soak-"))
    print(f"work dir: {work}", flush=True)
    idp = Idp(work)
    private, public = server_key_pair(work, "server-1")
    common = {"PATH": os.environ["PATH"], "DATABASE_URL": args.postgres_url, "LOG_LEVEL": "WARN",
              "AUTHENTICATION_PROVIDER": "auth0", "AUTHENTICATION_AUTHORITY": idp.issuer,
              "AUTHENTICATION_CLIENT_ID": CLIENT_ID, "AUTHORIZER_PRINCIPAL_DOMAIN": "example.com",
              "AUTHORIZER_ADMIN_PRINCIPALS": "[admin]", "SOAK_IDP_JWKS": f"{idp.issuer}jwks.json",
              "FERNET_KEY": base64.b64encode(os.urandom(32)).decode(), "JWT_KEY_ID": "server-1",
              "DB_CONNECTION_POOL_MAX_SIZE": POOL_SIZE,
              "RSA_PRIVATE_KEY_FILE_PATH": str(private), "RSA_PUBLIC_KEY_FILE_PATH": str(public)}
    replicas = [Replica("replica-a", args.binary, work, common), Replica("replica-b", args.binary, work, common)]
    for r in replicas:
        r.start()
    fds_after_start = {r.name: r.fds() for r in replicas}
    a = replicas[0]
    bot = subprocess.run([args.binary, "token", "bot", "ingestion-bot"], env=a.env, capture_output=True, text=True,
                         check=True).stdout.strip()

    # Seed: the schema, the tables, the users (each signs up with their own provider token).
    call(a.base, "PUT", "/api/v1/services/databaseServices", bot,
         {"name": "soak", "serviceType": "Postgres",
          "connection": {"config": {"type": "Postgres", "username": "u", "hostPort": "db:5432", "database": "db"}}})
    call(a.base, "PUT", "/api/v1/databases", bot, {"name": "db", "service": "soak"})
    call(a.base, "PUT", "/api/v1/databaseSchemas", bot, {"name": "main", "database": "soak.db"})
    for i in range(TABLES):
        call(replicas[i % 2].base, "PUT", "/api/v1/tables", bot,
             {"name": f"t{i}", "databaseSchema": SCHEMA, "columns": [{"name": "id", "dataType": "BIGINT"}]})
    for user in USERS:
        call(a.base, "POST", "/api/v1/users", idp.token(user), {"name": user, "email": f"{user}@example.com"})

    pool = Pool(work / "tokens.txt")
    pool.add("bot", bot)
    pats = []  # (user, id, jwt)
    server_kid = ["server-1"]  # the key new personal tokens are signed with

    def new_pat(user, via):
        token = idp.token(user)
        made = call(via.base, "PUT", "/api/v1/users/security/token", token,
                    {"tokenName": f"soak-{time.time_ns()}", "JWTTokenExpiry": "30"})
        pats.append((user, made["token"], made["jwtToken"]))
        pool.add(f"pat/{server_kid[0]}", made["jwtToken"])

    for user in USERS[:4]:
        new_pat(user, a)
    for user in USERS:
        pool.add(f"id/{idp.signing.kid}", idp.token(user))
    write_targets(work / "targets.txt", replicas)

    # Saturation: what the replicas sustain closed loop (64 connections), the median 10 s of the
    # second minute: the first, on fresh tables with nothing yet for autovacuum and checkpoints
    # to do, runs about a quarter faster than the rest of the run can (see README).
    probe = work / "probe.jsonl"
    run_generator(generator, work, 0, PROBE_SECONDS, probe).wait()
    windows = [json.loads(l) for l in probe.read_text().splitlines()][:PROBE_SECONDS // 10]
    settled = sorted(w["ok"] + w["expected_401"] for w in windows[6:])
    saturation = settled[len(settled) // 2] / 10
    probe_errors = sum(sum(w["errors"].values()) for w in windows)
    rate = round(saturation * args.load)
    time.sleep(10)
    fds_before = {r.name: r.fds() for r in replicas}
    print(f"saturation {saturation:.0f} req/s (errors {probe_errors}); soak at {rate} req/s", flush=True)

    seconds = int(args.minutes * 60)
    out = work / "soak.jsonl"
    load = run_generator(generator, work, rate, seconds, out)
    started = time.time()
    events, samples, cpu_samples, lock = [], {}, {}, threading.Lock()
    rotating = threading.Event()

    def event(text):
        with lock:
            events.append(f"{(time.time() - started) / 60:.1f} min: {text}")
        print(events[-1], flush=True)

    def at(second):
        time.sleep(max(0.0, started + second - time.time()))

    def provider_tokens():
        i = 0
        while time.time() - started < seconds:
            pool.add(f"id/{idp.signing.kid}", idp.token(USERS[i % len(USERS)]))
            i += 1
            now = time.time()
            pool.prune(lambda t: not (t["kind"].startswith("id/") and now - t["added"] > TOKEN_LIFETIME_IN_POOL))
            time.sleep(1)

    def personal_tokens():
        minute = 1
        while True:
            at(minute * 60)
            if time.time() - started >= seconds - 30:
                return
            if not rotating.is_set():
                creator, revoker = replicas[minute % 2], replicas[(minute + 1) % 2]
                victim = pats.pop(0)  # the oldest; a new one takes its place
                new_pat(USERS[minute % len(USERS)], creator)
                user, token_id, jwt = victim
                # Marked first (either answer is right while the revocation is under way), given a
                # second to reach the generator (it re-reads the pool every 250 ms), then stamped
                # with the moment the server confirmed it: 2 s after that, a 200 is an error.
                pool.revoke(jwt, at=UNDER_WAY)
                time.sleep(1)
                call(revoker.base, "PUT", "/api/v1/users/security/token/revoke", idp.token(user), {"tokenIds": [token_id]})
                pool.revoke(jwt)
                event(f"a personal token created on {creator.name}, one revoked on {revoker.name}")
            # A revoked token stays in the pool a minute: every request with it must get 401.
            cutoff = int((time.time() - 60) * 1000)
            pool.prune(lambda t: not (t["state"].startswith("revoked:") and int(t["state"][8:]) < cutoff))
            minute += 1

    def server_rotation():
        at(120)
        rotating.set()
        private2, public2 = server_key_pair(work, "server-2")
        new = {"RSA_PRIVATE_KEY_FILE_PATH": str(private2), "RSA_PUBLIC_KEY_FILE_PATH": str(public2),
               "JWT_KEY_ID": "server-2", "TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH": str(public),
               "TESSERA_PREVIOUS_JWT_KEY_ID": "server-1"}
        for replica in reversed(replicas):
            write_targets(work / "targets.txt", [r for r in replicas if r is not replica])
            time.sleep(3)  # the generator re-reads the list every 250 ms; in-flight requests finish
            replica.stop()
            replica.start(new)
            write_targets(work / "targets.txt", replicas)
            event(f"{replica.name} restarted with the new signing key (server-2; server-1 kept as previous)")
            time.sleep(5)
        server_kid[0] = "server-2"
        rotating.clear()

    def idp_rotation():
        half = seconds / 2
        at(half - 60)
        idp.published.append(IdpKey(work, "idp-2"))
        event("identity provider publishes key idp-2")
        at(half)
        idp.signing = idp.published[1]
        event("identity provider signs with idp-2")
        at(half + 180)
        idp.published = [idp.published[1]]
        event("identity provider withdraws idp-1")

    def sample():
        while time.time() - started < seconds:
            t = round(time.time() - started)
            try:
                sample = {r.name: (r.rss_mib(), r.fds()) for r in replicas}
                cpu = {"replicas": {r.name: (r.proc.pid, r.cpu()) for r in replicas}, "postgres": postgres_cpu_seconds(),
                       "generator": cpu_seconds(load.pid), **machine_cpu_seconds()}
                with lock:
                    samples[t] = sample
                    cpu_samples[t] = cpu
            except OSError:
                pass  # a replica is restarting
            time.sleep(10)

    for job in (provider_tokens, personal_tokens, server_rotation, idp_rotation, sample):
        threading.Thread(target=job, daemon=True).start()
    load.wait()
    time.sleep(10)
    fds_idle_end = {r.name: r.fds() for r in replicas}
    rss_end = {r.name: r.rss_mib() for r in replicas}
    for r in replicas:
        r.stop()
    (work / "timeline.json").write_text(json.dumps({"rss_fds": samples, "cpu_seconds": cpu_samples}))
    fds = {"after start": fds_after_start, "idle before the soak": fds_before, "idle after it": fds_idle_end}
    report(args, out, saturation, rate, events, samples, cpu_samples, fds, rss_end, seconds)


def cpu_use(cpu_samples, start, end):
    """Cores used between two moments (seconds into the soak), from the nearest samples; a replica
    restart resets its counter, so a window with one shows `(restart)` for the replicas."""
    if not cpu_samples:
        return " | "
    near = lambda t: cpu_samples[min(cpu_samples, key=lambda s: abs(s - t))]
    a, b = near(start), near(end)
    seconds = max(1, min(cpu_samples, key=lambda s: abs(s - end)) - min(cpu_samples, key=lambda s: abs(s - start)))
    used = {k: (b[k] - a[k]) / seconds for k in a if k != "replicas"}
    restarted = any(a["replicas"][name][0] != pid for name, (pid, _) in b["replicas"].items())
    replicas = "(restart)" if restarted else \
        f"{sum(cpu - a['replicas'][name][1] for name, (_, cpu) in b['replicas'].items()) / seconds:.2f}"
    return f"{replicas} / {used['postgres']:.2f} / {used['generator']:.2f} | {used['idle']:.2f} / {used['steal']:.2f}"


def report(args, out, saturation, rate, events, samples, cpu_samples, fds, rss_end, seconds):
    windows = [json.loads(l) for l in out.read_text().splitlines()]
    requests = sum(w["requests"] for w in windows)
    ok = sum(w["ok"] for w in windows)
    expected = sum(w["expected_401"] for w in windows)
    errors = {}
    for w in windows:
        for kind, n in w["errors"].items():
            errors[kind] = errors.get(kind, 0) + n
    shed = sum(w["shed_by_generator"] for w in windows)
    samples_by_kind = {}
    for w in windows:
        for kind, sample in w.get("error_samples", {}).items():
            samples_by_kind.setdefault(kind, f"{w['t'] / 60:.1f} min: {sample}")
    near = lambda t: samples[min(samples, key=lambda s: abs(s - t))]
    at5 = near(300)
    lines = [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs (replicas, "
        f"PostgreSQL, the load generator and the identity provider share them); {seconds / 60:.0f} minutes; "
        f"PostgreSQL: throwaway local cluster",
        f"- saturation (closed loop, 64 connections, median 10 s of the second minute): {saturation:,.0f} req/s; soak rate "
        f"{args.load:.0%} of it: **{rate:,} req/s** open loop; mix: 55% GET table by name, 20% list, "
        f"15% loggedInUser (provider ID tokens and personal tokens), 10% PUT table (bot)",
        f"- requests: {requests:,}; successes: {ok:,}; expected 401 (revoked personal tokens): {expected:,}; "
        f"**errors: {sum(errors.values()):,}** {json.dumps(errors) if errors else ''}; not sent because 512 "
        f"were in flight: {shed:,}",
        *[f"- first `{kind}`: {sample}" for kind, sample in samples_by_kind.items()],
        "- events: " + "; ".join(events),
        "",
        "| minutes | requests | p50 ms | p99 ms | max ms | errors | CPU cores used: replicas / PostgreSQL / generator "
        "| cores idle / stolen by the host |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    step = 30  # windows of 10 s: 5-minute rows; the generator's last, partial window joins the row before
    for i in range(0, len(windows) - 1, step):
        chunk = windows[i:i + step + (1 if i + step + 1 == len(windows) else 0)]
        p99 = max(w["p99_ms"] for w in chunk)
        lines.append(f"| {i // 6}–{(i + len(chunk)) // 6} | {sum(w['requests'] for w in chunk):,} | "
                     f"{sorted(w['p50_ms'] for w in chunk)[len(chunk) // 2]:.1f} | {p99:.1f} (worst 10 s) | "
                     f"{max(w['max_ms'] for w in chunk):.0f} | {sum(sum(w['errors'].values()) for w in chunk)} | "
                     f"{cpu_use(cpu_samples, i * 10, (i + len(chunk)) * 10)} |")
    last = max(samples)
    lines += ["", f"| replica | RSS minute 5 | RSS minute {last / 60:.1f} | drift | RSS idle, 10 s after | "
              "open fds: after start | at minute 5, under load | idle, before the soak | idle, 10 s after it |",
              "|---|---:|---:|---:|---:|---|---|---|---|"]
    for name in rss_end:
        rss5, fd5 = at5[name]
        rss_last = samples[last][name][0]
        drift = (rss_last - rss5) / rss5 * 100
        lines.append(f"| {name} | {rss5:.1f} MiB | {rss_last:.1f} MiB | {drift:+.1f}% | {rss_end[name]:.1f} MiB | "
                     f"{fds['after start'][name]} | {fd5} | {fds['idle before the soak'][name]} | "
                     f"{fds['idle after it'][name]} |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        readme = README.read_text()
        section = f"{BEGIN}\n{text}\n{END}"
        if BEGIN in readme:
            readme = readme[:readme.index(BEGIN)] + section + readme[readme.index(END) + len(END):]
        else:
            readme += f"\n## Soak\n\nProduced by `bench/soak.py` (see its docstring).\n\n{section}\n"
        README.write_text(readme)


if __name__ == "__main__":
    main()
