// The browser scenarios of issue 4, grouped by the IdP + Tessera set-up they need. Each group
// gets its own IdP and Tessera (fresh data dir); each scenario its own browser context.
//
// A scenario is `async (ctx) => {}` with ctx = { t (page helpers from openPage), base (Tessera's
// URL), idp ({ issuer }), browser, log (step notes) }. It throws on failure.

import assert from 'node:assert/strict';

import {
  apiFetch, byTestId, expectText, expectValue, idToken, jwtClaims, openPage, pickAccount, signIn, waitForPath,
} from './lib/ui.mjs';
import { catalogBrowse } from './catalog-scenario.mjs';
import { tableEditing } from './editing-scenario.mjs';
import { tableLineage } from './lineage-scenario.mjs';
import { catalogSearch } from './search-scenario.mjs';
import { adminPages } from './admin-pages-scenario.mjs';
import { PROVIDER_GROUPS } from './providers-scenario.mjs';

// ---------------------------------------------------------------------------------------------
// Public client, authorization code + PKCE
// ---------------------------------------------------------------------------------------------

async function publicLogin({ t, base }) {
  await signIn(t, base, 'admin');
  await expectText(t.page, 'home-name', 'admin');
  await expectText(t.page, 'home-email', 'admin@open-metadata.org');
  await expectText(t.page, 'home-admin', 'Yes');
  await byTestId(t.page, 'nav-bots').waitFor(); // admins see Settings → Bots
  // The code never stays in the address bar; the token is an IdP ID token for tessera-spa.
  assert.equal(new URL(t.page.url()).search, '', 'no code/state left in the URL');
  const c = jwtClaims(await idToken(t.page));
  assert.equal(c.aud, 'tessera-spa');
  assert.equal(c.sub, 'auth0|admin');
  const me = t.api.calls.find((x) => x.path === '/api/v1/users/loggedInUser');
  assert.equal(me?.status, 200, 'loggedInUser answered 200');
  assert.ok(me.bearer, 'loggedInUser was called with a bearer token');
}

async function signup({ t, base }) {
  // bob has never signed in: loggedInUser answers 404 and the UI offers the sign-up form.
  await signIn(t, base, 'bob', { landing: 'signup-form' });
  await waitForPath(t.page, '/signup');
  const notFound = t.api.calls.find((x) => x.path === '/api/v1/users/loggedInUser');
  assert.equal(notFound?.status, 404, 'loggedInUser answered 404 before sign-up');
  await expectValue(t.page, 'signup-name', 'bob');
  await expectValue(t.page, 'signup-email', 'bob@open-metadata.org');
  assert.equal(await byTestId(t.page, 'signup-name').getAttribute('readonly'), '', 'user name is read-only');
  assert.equal(await byTestId(t.page, 'signup-email').getAttribute('readonly'), '', 'email is read-only');
  await byTestId(t.page, 'signup-display-name').fill('Bob the Builder');
  await t.shot('signup-filled');
  const created = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.request().method() === 'POST');
  await byTestId(t.page, 'signup-submit').click();
  assert.equal((await created).status(), 201, 'POST /api/v1/users answered 201');
  await expectText(t.page, 'home-name', 'bob');
  await expectText(t.page, 'home-display-name', 'Bob the Builder');
  await expectText(t.page, 'home-email', 'bob@open-metadata.org');
  await expectText(t.page, 'home-admin', 'No');
  await waitForPath(t.page, '/');
  await t.shot('home-after-signup');
}

async function signout({ t, base, idp }) {
  await signIn(t, base, 'admin');
  const oldToken = await idToken(t.page);
  assert.ok(oldToken, 'signed in with a token in sessionStorage');
  const refreshToken = await t.page.evaluate(() => sessionStorage.getItem('tessera.refreshToken'));
  assert.ok(refreshToken, 'the code flow got a refresh token');
  const revokeDone = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the UI sent no revocation request to the IdP')), 10000);
    // 'request', not 'requestfinished': Playwright does not report the end of a keepalive fetch.
    t.context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/oauth/revoke') { clearTimeout(timer); resolve(); }
    });
  });
  revokeDone.catch(() => {}); // awaited below
  await byTestId(t.page, 'signout-button').click();
  // Tessera → IdP end_session (RP-initiated logout) → back to /logout.
  await waitForPath(t.page, '/logout');
  await byTestId(t.page, 'signed-out-message').waitFor();
  await byTestId(t.page, 'signin-button').waitFor();
  await t.shot('logged-out');
  assert.equal(await idToken(t.page), null, 'no ID token left in sessionStorage');
  assert.equal(await t.page.evaluate(() => sessionStorage.getItem('tessera.refreshToken')), null, 'no refresh token left');

  // The refresh token was revoked at the IdP (compat A5): it cannot mint a new ID token.
  // Used once only, after the UI sent its revocation request (a keepalive fetch, sent before it
  // leaves for the IdP's end_session, so it has landed by the time we are back on /logout): a used
  // refresh token is rotated, so trying it earlier would make it invalid for the wrong reason.
  await revokeDone;
  const reuse = await fetch(new URL('oauth/token', idp.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'tessera-spa' }),
  }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => ({})) }));
  assert.equal(reuse.status, 400, `refresh token still works after sign-out: ${JSON.stringify(reuse.body).slice(0, 200)}`);
  assert.equal(reuse.body.error, 'invalid_grant');

  // The old session cannot call the API from the UI: no cookie session, no token.
  const mark = t.api.mark();
  const inPage = await t.page.evaluate(async () => (await fetch('/api/v1/users/loggedInUser', { credentials: 'include' })).status);
  assert.equal(inPage, 401, 'same-origin API call after sign-out is 401');
  await t.page.goto(`${base}/`);
  await waitForPath(t.page, '/signin');
  await byTestId(t.page, 'signin-button').waitFor();
  await t.shot('home-redirects-to-signin');
  const after = t.api.since(mark).filter((x) => x.status < 400 && x.path.startsWith('/api/v1/users'));
  assert.deepEqual(after, [], 'no successful user API call after sign-out');

  // The IdP's session ended too: signing in again asks for an account (not silently signed in).
  await byTestId(t.page, 'signin-button').click();
  await byTestId(t.page, 'login-admin').waitFor();
  await t.shot('idp-asks-again');
}

async function botRegenerate({ t, base }) {
  await signIn(t, base, 'admin');
  await byTestId(t.page, 'nav-bots').click();
  await waitForPath(t.page, '/settings/bots');
  const row = t.page.locator('[data-testid="bot-row"][data-bot-name="ingestion-bot"]');
  await row.waitFor();
  const botUserId = await row.getAttribute('data-bot-user-id');
  assert.ok(botUserId, 'ingestion-bot row has data-bot-user-id');
  await t.shot('bots');

  // The old token, revealed in the UI and cross-checked with the API (admin's token).
  await row.getByTestId('bot-reveal').click();
  const tokenField = row.getByTestId('bot-token');
  await t.page.waitForFunction((el) => el.value.length > 0, await tokenField.elementHandle());
  const oldToken = await tokenField.inputValue();
  await t.shot('bot-token-revealed');
  const adminToken = await idToken(t.page);
  const viaApi = await apiFetch(base, `/api/v1/users/token/${botUserId}`, adminToken);
  assert.equal(viaApi.status, 200, 'GET /api/v1/users/token/{id} as admin');
  assert.equal(viaApi.json?.JWTToken, oldToken, 'revealed token = API token');
  const before = await apiFetch(base, '/api/v1/users/loggedInUser', oldToken);
  assert.equal(before.status, 200, `old bot token works before regeneration (got ${before.status} ${before.body})`);
  assert.equal(before.json?.name, 'ingestion-bot');

  // Regenerate (with the confirmation dialog).
  await row.getByTestId('bot-regenerate').click();
  await byTestId(t.page, 'confirm-dialog').waitFor();
  await t.shot('confirm-regenerate');
  const regenerated = t.page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/users/generateToken/${botUserId}`);
  await byTestId(t.page, 'confirm-ok').click();
  assert.equal((await regenerated).status(), 200, 'PUT generateToken answered 200');
  await t.page.waitForFunction(([el, old]) => el.value.length > 0 && el.value !== old, [await tokenField.elementHandle(), oldToken]);
  const newToken = await tokenField.inputValue();
  await t.shot('bot-token-regenerated');

  const oldAfter = await apiFetch(base, '/api/v1/users/loggedInUser', oldToken);
  assert.equal(oldAfter.status, 401, `old bot token is refused after regeneration (got ${oldAfter.status} ${oldAfter.body})`);
  const newAfter = await apiFetch(base, '/api/v1/users/loggedInUser', newToken);
  assert.equal(newAfter.status, 200, `new bot token works (got ${newAfter.status} ${newAfter.body})`);
  assert.equal(newAfter.json?.name, 'ingestion-bot');
}

// ---------------------------------------------------------------------------------------------
// Public client, implicit (response_type=id_token, the config default)
// ---------------------------------------------------------------------------------------------

async function implicitLogin({ t, base }) {
  const authorize = t.page.waitForRequest((r) => new URL(r.url()).pathname === '/authorize');
  const signingIn = signIn(t, base, 'admin');
  const q = new URL((await authorize).url()).searchParams;
  await signingIn;
  assert.equal(q.get('response_type'), 'id_token', 'implicit flow asked for an id_token');
  assert.equal(q.get('code_challenge'), null, 'no PKCE in the implicit flow');
  await expectText(t.page, 'home-name', 'admin');
  await expectText(t.page, 'home-email', 'admin@open-metadata.org');
  await expectText(t.page, 'home-admin', 'Yes');
  assert.equal(new URL(t.page.url()).hash, '', 'no token left in the URL fragment');
  assert.equal(await t.page.evaluate(() => sessionStorage.getItem('tessera.refreshToken')), null, 'no refresh token in the implicit flow');
}

// Implicit flow, silent renewal: no refresh token, so before expiry the UI asks the provider again
// with prompt=none in a hidden frame; the provider's session (same site: both on localhost)
// answers without showing anything.
async function implicitRenewal({ t, base, log }) {
  await signIn(t, base, 'admin');
  const first = await idToken(t.page);
  const c1 = jwtClaims(first);
  assert.equal(c1.exp - c1.iat, REFRESH_TTL, `IdP issued a ${REFRESH_TTL} s ID token`);
  const silent = t.page.waitForRequest((r) => new URL(r.url()).pathname === '/authorize'
    && new URL(r.url()).searchParams.get('prompt') === 'none', { timeout: REFRESH_TTL * 1000 + 5000 });
  const t0 = Date.now();
  await t.page.waitForFunction(
    (old) => { const v = sessionStorage.getItem('tessera.idToken'); return v && v !== old; },
    first,
    { timeout: (c1.exp * 1000 - Date.now()) + 5000, polling: 250 },
  );
  const q = new URL((await silent).url()).searchParams;
  assert.equal(q.get('response_type'), 'id_token');
  assert.equal(q.get('redirect_uri'), `${base}/silent-callback`);
  const c2 = jwtClaims(await idToken(t.page));
  log(`renewed silently ${((Date.now() - t0) / 1000).toFixed(1)} s after sign-in, ${c1.exp - Math.floor(Date.now() / 1000)} s before exp`);
  assert.equal(c2.sub, c1.sub, 'same user after renewal');
  assert.ok(c2.exp > c1.exp, 'the renewed token expires later');
  assert.equal(c2.nonce === c1.nonce, false, 'a fresh nonce for the renewal');
  assert.equal(await t.page.locator('iframe').count(), 0, 'the hidden frame is gone');
  await expectText(t.page, 'home-name', 'admin');
  assert.equal(new URL(t.page.url()).pathname, '/', 'no navigation away from the page');
  assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', await idToken(t.page))).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Refresh: the IdP issues short-lived ID tokens; the UI renews before expiry.
// ---------------------------------------------------------------------------------------------

export const REFRESH_TTL = 20;

async function refresh({ t, base, log }) {
  await signIn(t, base, 'admin');
  const first = await idToken(t.page);
  const c1 = jwtClaims(first);
  assert.equal(c1.exp - c1.iat, REFRESH_TTL, `IdP issued a ${REFRESH_TTL} s ID token`);
  assert.ok(await t.page.evaluate(() => sessionStorage.getItem('tessera.refreshToken')), 'the code flow got a refresh token');
  await t.shot('home-first-token');

  // Renewal is due before exp (UI: a minute before, half the lifetime for short tokens).
  const t0 = Date.now();
  await t.page.waitForFunction(
    (old) => { const v = sessionStorage.getItem('tessera.idToken'); return v && v !== old; },
    first,
    { timeout: (c1.exp * 1000 - Date.now()) + 5000, polling: 250 },
  );
  const second = await idToken(t.page);
  const c2 = jwtClaims(second);
  log(`renewed ${((Date.now() - t0) / 1000).toFixed(1)} s after sign-in settled, ${c1.exp - Math.floor(Date.now() / 1000)} s before the first token's exp`);
  assert.equal(c2.sub, c1.sub, 'same user after renewal');
  assert.ok(c2.exp > c1.exp, 'the renewed token expires later');
  // Still on the home page (no navigation): its live "Sign-in expires" countdown follows the
  // renewed token. Checked again at the end; a failure here does not stop the API checks below.
  const problems = [];
  const countdown = await t.page.waitForFunction(
    (exp) => Number(document.querySelector('[data-testid="home-expiry"]')?.dataset.exp) >= exp, c2.exp, { timeout: 3000 },
  ).then(() => true, () => false);
  if (!countdown) {
    const shown = Number(await byTestId(t.page, 'home-expiry').getAttribute('data-exp'));
    problems.push(`home-expiry still shows exp ${shown} (first token: ${c1.exp}) 3 s after the renewal to exp ${c2.exp}: the countdown on the open home page does not follow renewals`);
  }
  await t.shot('home-renewed-token');

  // Past the first token's exp, API calls from the UI still work, with a newer bearer.
  const waitMs = c1.exp * 1000 - Date.now() + 1000;
  if (waitMs > 0) await t.page.waitForTimeout(waitMs); // the one fixed wait: outlive the first token
  const mark = t.api.mark();
  await byTestId(t.page, 'nav-tokens').click();
  await waitForPath(t.page, '/settings/tokens');
  await byTestId(t.page, 'nav-home').click();
  await expectText(t.page, 'home-name', 'admin');
  const calls = t.api.since(mark);
  assert.ok(calls.length > 0, 'the UI called the API after the first token expired');
  for (const call of calls) {
    assert.ok(call.status < 400, `${call.method} ${call.path} answered ${call.status}`);
    assert.notEqual(call.bearer, first, `${call.path} did not use the expired first token`);
  }
  assert.ok(calls.some((x) => x.bearer && x.bearer !== first), 'API calls carry a renewed bearer');
  await t.shot('home-after-first-exp');
  // Tessera itself accepts the renewed token.
  const now = await idToken(t.page);
  assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', now)).status, 200);

  assert.ok(problems.length === 0, problems.join('; '));
}

// ---------------------------------------------------------------------------------------------
// Confidential client: Tessera runs the code flow (/api/v1/auth/login, /callback, /auth/callback)
// ---------------------------------------------------------------------------------------------

async function confidentialLogin({ t, base, idp }) {
  const { page } = t;
  const hops = [];
  page.on('request', (r) => { if (r.isNavigationRequest() && r.frame() === page.mainFrame()) hops.push(r.url()); });
  await page.goto(`${base}/`);
  await waitForPath(page, '/signin');
  await t.shot('signin-page');
  // Tessera's server flow starts here: a redirect to the IdP's /authorize for tessera-web.
  const loginResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login');
  await byTestId(page, 'signin-button').click();
  const login = await loginResponse;
  const location = login.headers().location || '';
  if (!(login.status() >= 300 && login.status() < 400)) {
    const body = await login.text().catch(() => '');
    assert.fail(`GET /api/v1/auth/login answered ${login.status()}, not a redirect to the IdP: ${body.slice(0, 200)}`);
  }
  const authorize = new URL(location, base);
  assert.equal(`${authorize.origin}/`, idp.issuer, `/api/v1/auth/login redirects to the IdP (${location})`);
  assert.equal(authorize.searchParams.get('client_id'), 'tessera-web');
  assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/callback`);
  await pickAccount(t, 'admin');
  // Tessera's /callback exchanges the code with the secret, then hands the ID token to the UI.
  await byTestId(page, 'home-name').waitFor();
  await t.shot('home');
  const paths = hops.map((u) => `${new URL(u).origin === base ? '' : 'idp:'}${new URL(u).pathname}`);
  assert.ok(paths.includes('/api/v1/auth/login'), `went through /api/v1/auth/login (${paths.join(' → ')})`);
  assert.ok(paths.includes('idp:/authorize'), 'went to the IdP');
  assert.ok(paths.includes('/callback'), 'came back to Tessera\'s /callback');
  assert.ok(paths.includes('/auth/callback'), 'landed on /auth/callback');
  assert.equal(new URL(page.url()).search, '', 'no id_token left in the URL');
  await expectText(page, 'home-name', 'admin');
  await expectText(page, 'home-email', 'admin@open-metadata.org');
  await expectText(page, 'home-admin', 'Yes');
  const token = await idToken(page);
  assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', token)).status, 200, 'the handed-over token works');

  // Sign out through the server: /api/v1/auth/logout → (IdP) → /logout.
  await byTestId(page, 'signout-button').click();
  await waitForPath(page, '/logout');
  await byTestId(page, 'signed-out-message').waitFor();
  await t.shot('logged-out');
  assert.ok(hops.some((u) => new URL(u).pathname === '/api/v1/auth/logout'), 'signed out via /api/v1/auth/logout');
  assert.equal(await idToken(page), null, 'no token left in sessionStorage');
  const refreshed = await page.evaluate(async () => {
    const r = await fetch('/api/v1/auth/refresh', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return { status: r.status, redirected: r.redirected };
  });
  assert.ok(refreshed.status >= 400 || refreshed.redirected, `no server session after logout (refresh: ${JSON.stringify(refreshed)})`);
}

// ---------------------------------------------------------------------------------------------
// `tessera demo`: the README's first command, with its built-in provider's login page
// ---------------------------------------------------------------------------------------------

async function demoSignIn({ t, base }) {
  const { page } = t;
  await page.goto(`${base}/`);
  await waitForPath(page, '/signin');
  await byTestId(page, 'signin-button').click();
  // The demo provider's page: marked development-only, one button per demo user.
  await page.getByText('Development only').waitFor();
  await t.shot('demo-idp-login');
  await page.getByRole('button', { name: /admin@example\.com/ }).click();
  await byTestId(page, 'home-name').waitFor();
  await expectText(page, 'home-email', 'admin@example.com');
  await expectText(page, 'home-admin', 'Yes');
  assert.equal(jwtClaims(await idToken(page)).aud, 'tessera-demo');
  await t.shot('demo-signed-in-admin');
  // Signing out passes through the provider's /v2/logout and lands back on Tessera.
  await byTestId(page, 'signout-button').click();
  await waitForPath(page, '/logout');
  await byTestId(page, 'signed-out-message').waitFor();
  assert.equal(await idToken(page), null, 'no token left after sign-out');
  await t.shot('demo-signed-out');
}

// ---------------------------------------------------------------------------------------------

export const GROUPS = [
  {
    name: 'pkce',
    tessera: { clientType: 'public', responseType: 'code' },
    scenarios: {
      'public-login': publicLogin, signup, signout, 'bot-regenerate': botRegenerate,
    },
  },
  {
    name: 'implicit',
    tessera: { clientType: 'public', responseType: 'id_token' },
    scenarios: { 'implicit-login': implicitLogin },
  },
  {
    name: 'refresh',
    idp: { idTokenTtl: REFRESH_TTL },
    tessera: { clientType: 'public', responseType: 'code' },
    scenarios: { refresh },
    timeoutMs: 90000,
  },
  {
    name: 'implicit-renewal',
    idp: { idTokenTtl: REFRESH_TTL, host: 'localhost' },
    tessera: { clientType: 'public', responseType: 'id_token' },
    scenarios: { 'implicit-renewal': implicitRenewal },
    timeoutMs: 90000,
  },
  {
    name: 'confidential',
    tessera: { clientType: 'confidential' },
    scenarios: { 'confidential-login': confidentialLogin },
  },
  {
    name: 'catalog',
    tessera: { clientType: 'public', responseType: 'code' },
    scenarios: { 'catalog-browse': catalogBrowse },
    timeoutMs: 90000,
  },
  {
    name: 'editing',
    tessera: { clientType: 'public', responseType: 'code' },
    scenarios: { 'table-editing': tableEditing, 'admin-pages': adminPages, 'table-lineage': tableLineage, 'catalog-search': catalogSearch },
    timeoutMs: 90000,
  },
  {
    name: 'demo',
    demo: true,
    scenarios: { 'demo-sign-in': demoSignIn },
  },
  ...PROVIDER_GROUPS,
];

export { openPage };
