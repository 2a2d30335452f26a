// Sign-in through each identity provider OpenMetadata documents (issue 18), against the test
// provider shaped like the real one (e2e/idp --shape). Public clients run from the provider's
// OpenMetadata Docker page's env file itself (fixtures/openmetadata-docs, filled in where the page
// says to); confidential clients with the variables the page names for them.

import assert from 'node:assert/strict';

import {
  apiFetch, byTestId, expectText, expectValue, idToken, jwtClaims, pickAccount, signIn, waitForPath,
} from './lib/ui.mjs';
import { docsEnv } from './lib/docs-env.mjs';
import {
  LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_USER, startSlapd,
} from './lib/slapd.mjs';

const ADMIN = { AUTHORIZER_ADMIN_PRINCIPALS: '[admin]', AUTHORIZER_PRINCIPAL_DOMAIN: 'open-metadata.org' };

/** The env file of each provider's OpenMetadata page, pointed at the test provider. */
function providerEnv(provider, { idp, base }, clientType, extra = {}) {
  const env = {
    ...ADMIN,
    AUTHENTICATION_PROVIDER: provider,
    AUTHENTICATION_AUTHORITY: idp.authority,
    AUTHENTICATION_PUBLIC_KEYS: `[${idp.jwks}, ${base}/api/v1/system/config/jwks]`,
    AUTHENTICATION_CALLBACK_URL: `${base}/callback`,
    AUTHENTICATION_CLIENT_ID: clientType === 'public' ? 'tessera-spa' : 'tessera-web',
  };
  if (clientType === 'confidential') {
    Object.assign(env, {
      AUTHENTICATION_CLIENT_TYPE: 'confidential',
      OIDC_CLIENT_ID: 'tessera-web',
      OIDC_CLIENT_SECRET: 'tessera-web-secret',
      OIDC_DISCOVERY_URI: idp.discovery,
      OIDC_CALLBACK: `${base}/callback`,
      OIDC_SERVER_URL: base,
      OIDC_SCOPE: 'openid email profile offline_access',
    });
  }
  return { ...env, ...extra };
}

/** Every top-level navigation of the page, for asserting where sign-in and sign-out went. */
function recordHops(page) {
  const hops = [];
  page.on('request', (r) => { if (r.isNavigationRequest() && r.frame() === page.mainFrame()) hops.push(new URL(r.url())); });
  return hops;
}

async function expectAdminHome(t, base) {
  await expectText(t.page, 'home-name', 'admin');
  await expectText(t.page, 'home-admin', 'Yes');
  const token = await idToken(t.page);
  assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', token)).status, 200, 'Tessera accepts the token');
  return token;
}

async function signOutTo(t, hops) {
  const before = hops.length;
  await byTestId(t.page, 'signout-button').click();
  await waitForPath(t.page, '/logout');
  await byTestId(t.page, 'signed-out-message').waitFor();
  assert.equal(await idToken(t.page), null, 'no token left after sign-out');
  return hops.slice(before);
}

/** The provider's session ended too: the next sign-in shows its login page again. */
async function providerAsksAgain(t) {
  await byTestId(t.page, 'signin-button').click();
  await pickAccount(t, 'admin');
  await byTestId(t.page, 'home-name').waitFor();
}

/** Confidential: Tessera's /api/v1/auth/login sends the browser to the provider's authorize endpoint. */
async function confidentialSignIn(t, base, authorizeOrigin) {
  const login = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login');
  await t.page.goto(`${base}/`);
  await waitForPath(t.page, '/signin');
  await byTestId(t.page, 'signin-button').click();
  const location = new URL((await login).headers().location || '', base);
  assert.equal(location.origin, authorizeOrigin, `/api/v1/auth/login redirects to the provider (${location})`);
  await pickAccount(t, 'admin');
  await byTestId(t.page, 'home-name').waitFor();
  return location;
}

// ---------------------------------------------------------------------------------------------
// Entra ID
// ---------------------------------------------------------------------------------------------

async function azurePublic({ t, base, idp }) {
  const hops = recordHops(t.page);
  await signIn(t, base, 'admin');
  const token = await expectAdminHome(t, base);
  const c = jwtClaims(token);
  assert.equal(c.iss, idp.issuer, 'a v2.0 token of the configured tenant');
  assert.equal(c.email, undefined, 'Entra ID sends no email claim: the principal came from preferred_username');
  // Another tenant of the same provider, same keys and client id: refused.
  const foreign = await (await fetch(`${idp.origin}/__test/tokens?user=admin&tenant=foreign&response_type=id_token`)).json();
  const refused = await apiFetch(base, '/api/v1/users/loggedInUser', foreign.id_token);
  assert.equal(refused.status, 401, `another tenant's token is refused (${refused.body})`);
  assert.equal(refused.json?.reason, 'issuer_mismatch', refused.body);
  const away = await signOutTo(t, hops);
  assert.ok(away.some((u) => u.origin === idp.origin && u.pathname.endsWith('/oauth2/v2.0/logout')), 'signed out at Entra ID');
}

/** A `common` authority with the tenant allow-list: discovery names the `{tenantid}` issuer. */
async function azureCommon({ t, base, idp }) {
  await signIn(t, base, 'admin');
  assert.equal(jwtClaims(await expectAdminHome(t, base)).iss, idp.issuer, 'signed in through the listed tenant');
  const foreign = await (await fetch(`${idp.origin}/__test/tokens?user=admin&tenant=foreign&response_type=id_token`)).json();
  const refused = await apiFetch(base, '/api/v1/users/loggedInUser', foreign.id_token);
  assert.equal(refused.status, 401, `a tenant not listed is refused (${refused.body})`);
}

async function azureConfidential({ t, base, idp }) {
  const authorize = await confidentialSignIn(t, base, idp.origin);
  assert.ok(authorize.pathname.endsWith('/oauth2/v2.0/authorize'), authorize.pathname);
  await expectAdminHome(t, base);
}

// ---------------------------------------------------------------------------------------------
// Google
// ---------------------------------------------------------------------------------------------

async function googlePublic({ t, base, idp }) {
  const hops = recordHops(t.page);
  await signIn(t, base, 'admin');
  await expectAdminHome(t, base);
  const csp = (await fetch(`${base}/`)).headers.get('content-security-policy');
  assert.ok(csp.includes(idp.second_origin), `the UI's policy names the token host discovery lists (${csp})`);
  const away = await signOutTo(t, hops);
  assert.ok(away.every((u) => u.origin === base), `no end-session endpoint: sign-out stays on Tessera (${away.join(', ')})`);
}

async function googleConfidential({ t, base, idp }) {
  const authorize = await confidentialSignIn(t, base, idp.origin);
  const q = authorize.searchParams;
  assert.ok(!q.get('scope').split(' ').includes('offline_access'), `no offline_access for Google (${q.get('scope')})`);
  assert.equal(q.get('access_type'), 'offline', 'a refresh token is asked for the Google way');
  await expectAdminHome(t, base);
  // The session holds a refresh token: the server refreshes without the provider's page.
  const refreshed = await t.page.evaluate(async () => (await fetch('/api/v1/auth/refresh', { credentials: 'same-origin' })).status);
  assert.equal(refreshed, 200, 'the server session refreshes');
}

// ---------------------------------------------------------------------------------------------
// Cognito
// ---------------------------------------------------------------------------------------------

async function cognitoPublic({ t, base, idp }) {
  const hops = recordHops(t.page);
  await signIn(t, base, 'admin');
  await expectAdminHome(t, base);
  const authorize = hops.find((u) => u.pathname.endsWith('/oauth2/authorize'));
  assert.equal(authorize?.origin, idp.second_origin, 'signed in on the hosted-UI domain');
  assert.equal(authorize.searchParams.get('response_type'), 'code', 'Cognito has no id_token response: the code flow with PKCE');
  assert.ok(!authorize.searchParams.get('scope').includes('offline_access'), 'only scopes Cognito lists');
  const away = await signOutTo(t, hops);
  assert.ok(away.some((u) => u.origin === idp.second_origin && u.pathname === '/logout'), `signed out at the hosted UI (${away.join(', ')})`);
  await providerAsksAgain(t);
}

async function cognitoConfidential({ t, base, idp }) {
  const hops = recordHops(t.page);
  await confidentialSignIn(t, base, idp.second_origin);
  await expectAdminHome(t, base);
  const away = await signOutTo(t, hops);
  const logout = away.find((u) => u.origin === idp.second_origin && u.pathname === '/logout');
  assert.ok(logout, `signed out at the hosted UI (${away.join(', ')})`);
  assert.equal(logout.searchParams.get('client_id'), 'tessera-web');
  assert.equal(logout.searchParams.get('logout_uri'), `${base}/logout`);
}

// ---------------------------------------------------------------------------------------------
// Okta and Keycloak
// ---------------------------------------------------------------------------------------------

async function oktaPublic({ t, base, idp }) {
  const hops = recordHops(t.page);
  await signIn(t, base, 'admin');
  assert.equal(jwtClaims(await expectAdminHome(t, base)).iss, idp.issuer);
  const away = await signOutTo(t, hops);
  assert.ok(away.some((u) => u.pathname.endsWith('/v1/logout')), 'signed out at Okta');
}

/** The server's code flow with a provider whose end-session endpoint is at `logoutPath`. */
function confidentialWithEndSession(logoutPath) {
  return async ({ t, base, idp }) => {
    const hops = recordHops(t.page);
    await confidentialSignIn(t, base, idp.origin);
    assert.equal(jwtClaims(await expectAdminHome(t, base)).iss, idp.issuer);
    const away = await signOutTo(t, hops);
    assert.ok(away.some((u) => u.pathname.endsWith(logoutPath)), `signed out at ${logoutPath} (${away.join(', ')})`);
  };
}

async function keycloakPublic({ t, base }) {
  // A Keycloak user without an email signs up by preferred_username.
  await signIn(t, base, 'noemail', { landing: 'signup-form' });
  await expectValue(t.page, 'signup-name', 'noemail');
  const created = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.request().method() === 'POST');
  await byTestId(t.page, 'signup-submit').click();
  assert.equal((await created).status(), 201, 'signed up');
  await expectText(t.page, 'home-name', 'noemail');
}

// Roles from the provider (AUTHORIZER_USE_ROLES_FROM_PROVIDER) in the provider's own claim:
// Keycloak's realm roles (realm_access.roles), Cognito's cognito:groups.
async function providerRoles({ t, base }) {
  await signIn(t, base, 'alice', { landing: 'signup-form' });
  const created = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.request().method() === 'POST');
  await byTestId(t.page, 'signup-submit').click();
  assert.equal((await created).status(), 201, 'signed up');
  await byTestId(t.page, 'home-name').waitFor();
  const me = await apiFetch(base, '/api/v1/users/loggedInUser?fields=roles', await idToken(t.page));
  const roles = (me.json?.roles || []).map((r) => r.name);
  assert.deepEqual(roles, ['DataSteward'], `the provider's roles became Tessera roles (${me.body.slice(0, 300)})`);
}

// ---------------------------------------------------------------------------------------------
// Basic authentication: passwords kept by Tessera (no identity provider in the flow)
// ---------------------------------------------------------------------------------------------

const ADMIN_PASSWORD = 'Adm1n-Secret!pass';

async function passwordSignIn(t, email, password) {
  await byTestId(t.page, 'signin-email').fill(email);
  await byTestId(t.page, 'signin-password').fill(password);
  await byTestId(t.page, 'signin-submit').click();
}

async function basicSignIn({ t, base }) {
  const { page } = t;
  await page.goto(`${base}/`);
  await waitForPath(page, '/signin');
  await t.shot('password-signin');
  await passwordSignIn(t, 'admin@open-metadata.org', 'Wrong-Pass-1!');
  await page.locator('#status').getByText('You have entered an invalid username or password.').waitFor();
  await passwordSignIn(t, 'admin@open-metadata.org', ADMIN_PASSWORD);
  await byTestId(page, 'home-name').waitFor();
  const token = await expectAdminHome(t, base);
  assert.equal(jwtClaims(token).tokenType, 'OM_USER', 'a Tessera token');
  await t.shot('password-home');
  await byTestId(page, 'signout-button').click();
  await waitForPath(page, '/logout');
  await byTestId(page, 'signed-out-message').waitFor();
  const after = await apiFetch(base, '/api/v1/users/loggedInUser', token);
  assert.equal(after.status, 401, 'the signed-out token is refused');
  assert.equal(after.json?.message, 'Invalid token, used after logout!');
}

async function basicSignupAndPassword({ t, base }) {
  const { page } = t;
  await page.goto(`${base}/signin`);
  await byTestId(page, 'signup-link').click();
  await waitForPath(page, '/signup');
  await byTestId(page, 'signup-first-name').fill('Carol');
  await byTestId(page, 'signup-last-name').fill('Danvers');
  await byTestId(page, 'signup-email').fill('carol@example.com');
  await byTestId(page, 'signup-password').fill('weak');
  await byTestId(page, 'signup-submit').click();
  await page.locator('#status').getByText(/Password must be of minimum 8 characters/).waitFor();
  await byTestId(page, 'signup-password').fill('Carol-Pass-1');
  await t.shot('password-signup');
  await byTestId(page, 'signup-submit').click();
  await expectText(page, 'home-name', 'carol');
  await expectText(page, 'home-email', 'carol@example.com');
  await byTestId(page, 'nav-password').click();
  await waitForPath(page, '/settings/password');
  await byTestId(page, 'password-old').fill('Carol-Pass-1');
  await byTestId(page, 'password-new').fill('Carol-Pass-2');
  await byTestId(page, 'password-confirm').fill('Carol-Pass-2');
  await byTestId(page, 'password-submit').click();
  await page.locator('#status').getByText('Your password is changed.').waitFor();
  await t.shot('password-changed');
  await byTestId(page, 'signout-button').click();
  await waitForPath(page, '/logout');
  await byTestId(page, 'signin-button').click();
  await waitForPath(page, '/signin');
  await passwordSignIn(t, 'carol@example.com', 'Carol-Pass-1');
  await page.locator('#status').getByText('You have entered an invalid username or password.').waitFor();
  await passwordSignIn(t, 'carol@example.com', 'Carol-Pass-2');
  await expectText(page, 'home-name', 'carol');
}

/** LDAP: the same form; the directory checks the password, the first sign-in creates the user. */
async function ldapSignIn({ t, base }) {
  const { page } = t;
  await page.goto(`${base}/`);
  await waitForPath(page, '/signin');
  assert.equal(await byTestId(page, 'signup-link').count(), 0, 'no registration: the directory holds the accounts');
  await passwordSignIn(t, LDAP_USER.email, 'Wrong-Dir-1');
  await page.locator('#status').getByText('You have entered an invalid username or password.').waitFor();
  await passwordSignIn(t, LDAP_USER.email, LDAP_USER.password);
  await expectText(page, 'home-name', 'carol');
  await expectText(page, 'home-email', LDAP_USER.email);
  await t.shot('ldap-home');
  assert.equal(await byTestId(page, 'nav-password').count(), 0, 'no change of password: the directory holds it');
  const token = await idToken(page);
  await byTestId(page, 'signout-button').click();
  await waitForPath(page, '/logout');
  assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', token)).status, 401, 'signed out');
}

// ---------------------------------------------------------------------------------------------

// `extra`: variables on top of the page's, or a function of { idp, base } giving them.
const group = (name, shape, provider, clientType, scenarios, extra = {}) => ({
  name,
  idp: { shape },
  env: (ctx) => providerEnv(provider, ctx, clientType, typeof extra === 'function' ? extra(ctx) : extra),
  scenarios,
});

// A public client run from the provider page's own env file (fixtures/openmetadata-docs): `fills`
// gives, for { idp, base }, the page's placeholders and provider URLs with the test's values.
const docsGroup = (name, shape, file, fills, scenarios, extra = {}) => ({
  name,
  idp: { shape },
  env: (ctx) => ({
    ...docsEnv(file, [
      ...fills(ctx),
      ['https://{your domain}', ctx.base],
      ['http://localhost:8585', ctx.base],
    ]),
    ...extra,
  }),
  scenarios,
});

const SPA = 'tessera-spa';

export const PROVIDER_GROUPS = [
  docsGroup('azure-public', 'azure', 'azure_implicit.env', ({ idp }) => [
    ['https://login.microsoftonline.com/common/discovery/keys', idp.jwks],
    ['https://login.microsoftonline.com/{Tenant ID}', idp.authority],
    ['{CLIENT_ID}', SPA],
  ], { 'azure-public': azurePublic }),
  group('azure-common', 'azure', 'azure', 'public', { 'azure-common': azureCommon }, ({ idp }) => ({
    AUTHENTICATION_AUTHORITY: `${idp.origin}/common`, TESSERA_AZURE_TENANT_IDS: `[${new URL(idp.issuer).pathname.split('/')[1]}]`,
  })),
  group('azure-confidential', 'azure', 'azure', 'confidential', { 'azure-confidential': azureConfidential }, { OIDC_TYPE: 'azure' }),
  docsGroup('google-public', 'google', 'google.env', ({ idp }) => [
    ['https://www.googleapis.com/oauth2/v3/certs', idp.jwks],
    ['https://accounts.google.com', idp.authority],
    ['{Client ID}', SPA],
  ], { 'google-public': googlePublic }),
  group('google-confidential', 'google', 'google', 'confidential', { 'google-confidential': googleConfidential }, { OIDC_TYPE: 'google' }),
  docsGroup('cognito-public', 'cognito', 'cognito.env', ({ idp }) => [
    ['{Cognito Domain}/{User Pool ID}/.well-known/jwks.json', idp.jwks],
    ['{Cognito Domain}/{User Pool ID}', idp.authority],
    ['{Client ID}', SPA],
  ], { 'cognito-public': cognitoPublic, 'cognito-roles': providerRoles }, {
    AUTHORIZER_USE_ROLES_FROM_PROVIDER: 'true',
  }),
  group('cognito-confidential', 'cognito', 'aws-cognito', 'confidential', { 'cognito-confidential': cognitoConfidential }, { OIDC_SCOPE: 'openid email profile' }),
  docsGroup('okta-public', 'okta', 'okta_implicit.env', ({ idp }) => [
    ['{ISSUER_URL}/v1/keys', idp.jwks],
    ['{ISSUER_URL}', idp.authority],
    ['{CLIENT_ID}', SPA],
  ], { 'okta-public': oktaPublic }, { AUTHENTICATION_RESPONSE_TYPE: 'code' }),
  group('okta-confidential', 'okta', 'okta', 'confidential', { 'okta-confidential': confidentialWithEndSession('/v1/logout') }),
  {
    name: 'basic',
    env: () => ({ ...ADMIN, AUTHENTICATION_PROVIDER: 'basic', AUTHORIZER_ADMIN_PRINCIPALS: `[admin:${ADMIN_PASSWORD}]` }),
    scenarios: { 'basic-sign-in': basicSignIn, 'basic-signup-and-password': basicSignupAndPassword },
  },
  {
    name: 'ldap',
    start: startSlapd,
    env: ({ service }) => ({
      ...ADMIN,
      AUTHENTICATION_PROVIDER: 'ldap',
      AUTHENTICATION_LDAP_HOST: '127.0.0.1',
      AUTHENTICATION_LDAP_PORT: String(service.port),
      AUTHENTICATION_LOOKUP_ADMIN_DN: LDAP_ADMIN_DN,
      AUTHENTICATION_LOOKUP_ADMIN_PWD: LDAP_ADMIN_PASSWORD,
      AUTHENTICATION_USER_LOOKUP_BASEDN: 'ou=people,dc=example,dc=com',
    }),
    scenarios: { 'ldap-sign-in': ldapSignIn },
  },
  // The page wraps its authority in braces; check-env says to remove them, as done here.
  docsGroup('keycloak-public', 'keycloak', 'keycloak_implicit.env', ({ idp }) => [
    ['http://localhost:8081/auth/realms/data-sec/protocol/openid-connect/certs', idp.jwks],
    ['{http://localhost:8080/realms/{your-realm}}', idp.authority],
    ['=testsso', `=${SPA}`],
  ], { 'keycloak-signup': keycloakPublic, 'keycloak-roles': providerRoles }, { AUTHORIZER_USE_ROLES_FROM_PROVIDER: 'true' }),
  group('keycloak-confidential', 'keycloak', 'custom-oidc', 'confidential', {
    'keycloak-confidential': confidentialWithEndSession('/protocol/openid-connect/logout'),
  }, { CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: 'KeyCloak' }),
];
