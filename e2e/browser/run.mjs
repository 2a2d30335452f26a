#!/usr/bin/env node
// Browser end-to-end tests for Tessera's web UI (issue 4).
//
//   node e2e/browser/run.mjs [--binary target/debug/tessera] [--only NAME]... [--skip NAME]... [--list]
//
// NAME is a scenario (e.g. signup) or a group (pkce, implicit, refresh, confidential). For each
// group with a selected scenario: start the test IdP and Tessera on free ports, then run each
// scenario in a fresh Chromium context. Screenshots and logs go to e2e/browser/artifacts/.
// Prints one PASS/FAIL line per scenario and exits 1 if any failed.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, killAll, startIdp, startTessera, stop } from './lib/procs.mjs';
import { launchBrowser, openPage } from './lib/ui.mjs';
import { GROUPS } from './scenarios.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const ARTIFACTS = join(HERE, 'artifacts');
const SCENARIO_TIMEOUT_MS = 45000;

function parseArgs(argv) {
  const o = { binary: process.env.TESSERA_BIN || join(ROOT, 'target/debug/tessera'), only: [], skip: [], list: false };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i]];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--binary': o.binary = resolve(value()); break;
      case '--only': o.only.push(...value().split(',')); break;
      case '--skip': o.skip.push(...value().split(',')); break;
      case '--list': o.list = true; break;
      case '-h': case '--help':
        process.stdout.write('usage: node e2e/browser/run.mjs [--binary PATH] [--only NAME]... [--skip NAME]... [--list]\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown argument: ${argv[i]}`);
    }
  }
  const known = new Set(GROUPS.flatMap((g) => [g.name, ...Object.keys(g.scenarios)]));
  for (const n of [...o.only, ...o.skip]) if (!known.has(n)) throw new Error(`unknown scenario or group: ${n} (known: ${[...known].join(', ')})`);
  return o;
}

function selected(opts, group, name) {
  const hit = (list) => list.includes(name) || list.includes(group.name);
  return (opts.only.length === 0 || hit(opts.only)) && !hit(opts.skip);
}

function tesseraEnv({ issuer, port, adminPort, tessera }) {
  const base = `http://localhost:${port}`;
  const env = {
    AUTHENTICATION_PROVIDER: 'auth0',
    AUTHENTICATION_CLIENT_TYPE: tessera.clientType,
    AUTHENTICATION_AUTHORITY: issuer,
    AUTHENTICATION_PUBLIC_KEYS: `[${issuer}.well-known/jwks.json, ${base}/api/v1/system/config/jwks]`,
    AUTHENTICATION_CALLBACK_URL: `${base}/callback`,
    AUTHORIZER_ADMIN_PRINCIPALS: '[admin]',
    AUTHORIZER_PRINCIPAL_DOMAIN: 'open-metadata.org',
    SERVER_PORT: String(port),
    SERVER_ADMIN_PORT: String(adminPort),
  };
  if (tessera.clientType === 'confidential') {
    Object.assign(env, {
      AUTHENTICATION_CLIENT_ID: 'tessera-web',
      OIDC_CLIENT_ID: 'tessera-web',
      OIDC_CLIENT_SECRET: 'tessera-web-secret',
      OIDC_DISCOVERY_URI: `${issuer}.well-known/openid-configuration`,
      OIDC_CALLBACK: `${base}/callback`,
      OIDC_SERVER_URL: base,
      OIDC_SCOPE: 'openid email profile offline_access',
    });
  } else {
    env.AUTHENTICATION_CLIENT_ID = 'tessera-spa';
    env.AUTHENTICATION_RESPONSE_TYPE = tessera.responseType;
  }
  return env;
}

// `tessera demo`: Tessera and its built-in identity provider in one process, as the README runs it.
async function startDemo(opts, group, port, adminPort) {
  let idpPort = await freePort();
  while (idpPort === port || idpPort === adminPort) idpPort = await freePort(); // eslint-disable-line no-await-in-loop
  const tessera = await startTessera({
    binary: opts.binary,
    artifacts: ARTIFACTS,
    name: group.name,
    port,
    adminPort,
    env: {},
    args: (dataDir) => ['demo', '--data-dir', join(dataDir, 'demo-data'), '--port', String(port),
      '--admin-port', String(adminPort), '--idp-port', String(idpPort)],
  });
  // The demo's provider stops with Tessera: one process for both.
  return { tessera, idp: { issuer: `http://127.0.0.1:${idpPort}/`, child: null } };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function tail(file, n = 25) {
  try {
    return readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-n).map((l) => `      | ${l}`).join('\n');
  } catch {
    return '      | (no log)';
  }
}

async function runGroup(browser, opts, group, results) {
  const names = Object.keys(group.scenarios).filter((n) => selected(opts, group, n));
  if (names.length === 0) return;
  const started = Date.now();
  const port = await freePort();
  let adminPort = await freePort();
  while (adminPort === port) adminPort = await freePort(); // eslint-disable-line no-await-in-loop
  const base = `http://localhost:${port}`;
  let idp;
  let tessera;
  // Services a group needs besides the IdP (an LDAP directory): { child, ... }, stopped at its end.
  let service = null;
  try {
    if (group.demo) {
      ({ idp, tessera } = await startDemo(opts, group, port, adminPort));
    } else {
    idp = await startIdp({
      root: ROOT,
      artifacts: ARTIFACTS,
      name: group.name,
      redirectUris: [`${base}/callback`, `http://127.0.0.1:${port}/callback`, `${base}/silent-callback`],
      idTokenTtl: group.idp?.idTokenTtl,
      host: group.idp?.host,
      shape: group.idp?.shape,
    });
    service = group.start ? await group.start() : null;
    tessera = await startTessera({
      binary: opts.binary,
      artifacts: ARTIFACTS,
      name: group.name,
      port,
      adminPort,
      env: group.env
        ? { ...group.env({ idp, base, service }), SERVER_PORT: String(port), SERVER_ADMIN_PORT: String(adminPort) }
        : tesseraEnv({ issuer: idp.issuer, port, adminPort, tessera: group.tessera }),
    });
    }
  } catch (err) {
    for (const n of names) {
      results.push({ name: n, group: group.name, ok: false, ms: 0, error: `set-up failed: ${err.message}` });
      console.log(`FAIL ${n} [${group.name}] (set-up failed: ${err.message})`);
    }
    if (idp?.child?.log) console.log(tail(idp.child.log));
    await stop(idp?.child);
    await stop(service?.child);
    return;
  }
  console.log(`---- group ${group.name}: IdP ${idp.issuer}, Tessera ${base} (admin ${adminPort}), ready in ${secs(Date.now() - started)}`);

  for (const name of names) {
    const t0 = Date.now();
    const notes = [];
    const t = await openPage(browser, { scenario: name, artifacts: ARTIFACTS }); // eslint-disable-line no-await-in-loop
    let error;
    try {
      // eslint-disable-next-line no-await-in-loop
      await withTimeout(group.scenarios[name]({
        t, base, idp, browser, log: (m) => notes.push(m),
      }), group.timeoutMs || SCENARIO_TIMEOUT_MS, name);
    } catch (err) {
      error = err;
      await t.shot('FAILED'); // eslint-disable-line no-await-in-loop
    }
    const ms = Date.now() - t0;
    await t.context.close().catch(() => {}); // eslint-disable-line no-await-in-loop
    results.push({ name, group: group.name, ok: !error, ms, error: error?.message });
    if (!error) {
      console.log(`PASS ${name} [${group.name}] ${secs(ms)}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    } else {
      console.log(`FAIL ${name} [${group.name}] ${secs(ms)}: ${error.message.split('\n').join('\n      ')}`);
      if (process.env.E2E_VERBOSE && error.stack) console.log(error.stack);
      console.log(`    at ${t.page.url()}`);
      if (t.consoleLines.length) console.log(`    browser console:\n${t.consoleLines.slice(-10).map((l) => `      | ${l}`).join('\n')}`);
      console.log(`    tessera log (${relative(process.cwd(), tessera.child.log)}):\n${tail(tessera.child.log, 15)}`);
    }
  }
  await stop(tessera.child);
  await stop(idp.child);
  await stop(service?.child);
  if (service?.dir) rmSync(service.dir, { recursive: true, force: true });
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`run.mjs: ${err.message}`);
    process.exit(2);
  }
  if (opts.list) {
    for (const g of GROUPS) console.log(`${g.name}: ${Object.keys(g.scenarios).join(', ')}`);
    return 0;
  }
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const t0 = Date.now();
  const browser = await launchBrowser();
  const results = [];
  try {
    for (const group of GROUPS) await runGroup(browser, opts, group, results); // eslint-disable-line no-await-in-loop
  } finally {
    await browser.close().catch(() => {});
    killAll();
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`==== ${results.length - failed.length} passed, ${failed.length} failed, ${secs(Date.now() - t0)} total`
    + `${failed.length ? ` (failed: ${failed.map((r) => r.name).join(', ')})` : ''}; screenshots and logs in ${relative(process.cwd(), ARTIFACTS) || '.'}`);
  if (results.length === 0) {
    console.log('no scenario selected');
    return 1;
  }
  return failed.length ? 1 : 0;
}

// A hard deadline for the whole run, so a hung browser or server can never block test.sh.
const deadline = setTimeout(() => {
  console.error('run.mjs: overall deadline (420 s) reached; killing everything');
  killAll();
  process.exit(1);
}, Number(process.env.E2E_DEADLINE_MS || 420000));
deadline.unref();

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(`run.mjs: ${err.stack || err}`);
  killAll();
  process.exitCode = 1;
});
