// Process management for the browser tests: the test IdP (e2e/idp) and Tessera, on free ports,
// with logs in e2e/browser/artifacts/ and every child killed when the runner exits (normally,
// on failure, on SIGINT/SIGTERM; with `setpriv --pdeathsig` even when the runner is SIGKILLed).

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const children = new Set();
const tempDirs = new Set();

export function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { c.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }
  children.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAll(); process.exit(sig === 'SIGINT' ? 130 : 143); });
}

// util-linux setpriv: the child gets SIGKILL when the runner dies, however it dies.
const SETPRIV = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0 ? 'setpriv' : null;

function spawnChild(cmd, args, { env, logFile, stdin = 'ignore' }) {
  const [file, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { env, stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  child.log = logFile;
  return { child, log };
}

export async function stop(child, timeoutMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

function tryPort(port) {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const { port: bound } = s.address();
      s.close(() => resolve(bound));
    });
  });
}

// A free port below the kernel's ephemeral range (32768-60999): a port picked here and bound a
// moment later by Tessera cannot be handed meanwhile to the IdP, which listens on port 0.
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const candidate = 20000 + Math.floor(Math.random() * 12000);
    try {
      return await tryPort(candidate); // eslint-disable-line no-await-in-loop
    } catch {
      // taken: try another
    }
  }
  return tryPort(0);
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

const exitedEarly = (child, what) => new Promise((_, rej) => {
  child.once('exit', (code, sig) => rej(new Error(`${what} exited early (code ${code}, signal ${sig}); see ${child.log}`)));
});

// node e2e/idp/server.mjs --port 0 ...: resolves to { issuer, port, child } once it prints its ready line.
export async function startIdp({
  root, artifacts, name, redirectUris, idTokenTtl, host, shape, interactiveLogin = true,
}) {
  const args = [join(root, 'e2e/idp/server.mjs'), '--port', '0', '--exit-on-stdin-close'];
  if (host) args.push('--host', host);
  if (shape) args.push('--shape', shape);
  for (const u of redirectUris) args.push('--redirect-uri', u);
  if (idTokenTtl) args.push('--id-token-ttl', String(idTokenTtl));
  if (interactiveLogin) args.push('--interactive-login');
  // Auth0 issues a refresh token for offline_access without prompt=consent; so does the test IdP here.
  args.push('--offline-access-without-consent');
  // stdin stays an open pipe: the IdP exits when the runner's end closes.
  const { child } = spawnChild(process.execPath, args, {
    env: { ...process.env }, logFile: join(artifacts, `${name}-idp.log`), stdin: 'pipe',
  });
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve) => {
    lines.once('line', (l) => resolve(JSON.parse(l)));
  });
  const info = await withTimeout(Promise.race([ready, exitedEarly(child, 'idp')]), 15000, 'idp ready line');
  return { ...info, child };
}

// target/debug/tessera serve with a fresh TESSERA_DATA_DIR; resolves once /healthcheck answers 200.
// `args(dataDir)` replaces `serve` (e.g. `tessera demo --data-dir ...`).
export async function startTessera({ binary, artifacts, name, port, adminPort, env, args = () => ['serve'] }) {
  if (!existsSync(binary)) throw new Error(`tessera binary not found: ${binary} (cargo build, or --binary / TESSERA_BIN)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  tempDirs.add(dataDir);
  const fullEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, TESSERA_DATA_DIR: dataDir, ...env,
  };
  const { child, log } = spawnChild(binary, args(dataDir), { env: fullEnv, logFile: join(artifacts, `${name}-tessera.log`) });
  child.stdout.pipe(log, { end: false });
  const health = `http://127.0.0.1:${adminPort}/healthcheck`;
  let waiting = true;
  const poll = (async () => {
    while (waiting && child.exitCode === null) {
      try {
        const r = await fetch(health); // eslint-disable-line no-await-in-loop
        if (r.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => { setTimeout(r, 100); }); // eslint-disable-line no-await-in-loop
    }
  })();
  try {
    await withTimeout(Promise.race([poll, exitedEarly(child, 'tessera')]), 30000, `${health} (log: ${child.log})`);
  } finally {
    waiting = false;
  }
  return { child, dataDir, base: `http://localhost:${port}` };
}
