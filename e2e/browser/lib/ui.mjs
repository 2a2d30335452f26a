// Browser helpers: launching Debian's Chromium, screenshots per step, watching the bearer tokens
// the UI sends, and "sign in as X" through the test IdP's login page.

import assert from 'node:assert/strict';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// One per scenario: a fresh browser context (empty sessionStorage and cookies) and a page whose
// steps are saved as artifacts/<scenario>-<NN>-<step>.png.
export async function openPage(browser, { scenario, artifacts, timeoutMs = 15000 }) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.setDefaultNavigationTimeout(timeoutMs);
  let n = 0;
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  const api = watchApi(page);
  return {
    context,
    page,
    api,
    consoleLines,
    async shot(step) {
      n += 1;
      const file = join(artifacts, `${scenario}-${String(n).padStart(2, '0')}-${step}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      return file;
    },
  };
}

// Every call the page makes to Tessera's API: { url, path, method, bearer, status }.
function watchApi(page) {
  const calls = [];
  page.on('response', (res) => {
    const req = res.request();
    const url = new URL(req.url());
    if (!url.pathname.startsWith('/api/')) return;
    const auth = req.headers().authorization || '';
    calls.push({
      url: url.href, path: url.pathname, method: req.method(), bearer: auth.replace(/^Bearer /, '') || null, status: res.status(),
    });
  });
  return {
    calls,
    since: (i) => calls.slice(i),
    mark: () => calls.length,
  };
}

export const byTestId = (page, id) => page.getByTestId(id);

export async function text(page, id) {
  const el = page.getByTestId(id);
  await el.waitFor({ state: 'visible' });
  return (await el.textContent()).trim();
}

export async function expectText(page, id, expected) {
  const el = page.getByTestId(id);
  await el.waitFor({ state: 'visible' });
  // The view may re-render: wait for the value rather than reading it once.
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.textContent.trim() === want,
    [`[data-testid="${id}"]`, expected],
    { timeout: 5000 },
  ).catch(() => {});
  assert.equal((await el.textContent()).trim(), expected, `[data-testid=${id}]`);
}

export async function expectValue(page, id, expected) {
  const el = page.getByTestId(id);
  await el.waitFor({ state: 'visible' });
  assert.equal(await el.inputValue(), expected, `value of [data-testid=${id}]`);
}

export const idToken = (page) => page.evaluate(() => sessionStorage.getItem('tessera.idToken'));

export function jwtClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export async function waitForPath(page, path, timeout) {
  await page.waitForURL((u) => u.pathname === path, { timeout });
}

// From a fresh context: open Tessera, press "Sign in", pick `account` on the IdP's login page.
// Resolves once the browser is back at Tessera and showing `landing` (a data-testid).
export async function signIn(t, base, account, { landing = 'home-name' } = {}) {
  const { page } = t;
  await page.goto(`${base}/`);
  await waitForPath(page, '/signin');
  await byTestId(page, 'signin-button').waitFor();
  await t.shot('signin-page');
  await byTestId(page, 'signin-button').click();
  await pickAccount(t, account);
  await byTestId(page, landing).waitFor();
  assert.equal(new URL(page.url()).origin, base, 'back on Tessera after the IdP');
  await t.shot(`signed-in-${account}`);
}

// On the test IdP's login page (e2e/idp --interactive-login): one button per account.
export async function pickAccount(t, account) {
  const button = byTestId(t.page, `login-${account}`);
  await button.waitFor();
  await t.shot('idp-login');
  await button.click();
}

// Node-side API call (not from the browser), e.g. with a bot token.
export async function apiFetch(base, path, token) {
  const r = await fetch(`${base}${path}`, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  const body = await r.text();
  let json = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  return { status: r.status, json, body };
}
