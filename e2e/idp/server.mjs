// OpenID provider for Tessera integration tests, built on the OpenID-certified `oidc-provider`
// package (8.x, the line made for Node 20), shaped like an Auth0 tenant or, with --shape, like
// Entra ID, Google, Cognito, Okta or Keycloak (shapes.mjs). See README.md next to this file.
//
//   node e2e/idp/server.mjs --port 0 [--host 127.0.0.1] [--shape NAME] [--redirect-uri URL]...
//        [--id-token-ttl S] [--access-token-ttl S] [--audience URL]... [--exit-on-stdin-close]
//        [--interactive-login] [--offline-access-without-consent]
//
// Prints exactly one JSON line on stdout once it is ready: {"issuer", "port", "shape", "authority"
// (what the provider's OpenMetadata page sets as AUTHENTICATION_AUTHORITY), "discovery", "jwks",
// "second_origin" (shapes with endpoints on another origin), "foreign_issuer" (azure: a second
// tenant signing with the same keys)}.
// Everything else (logs, oidc-provider notices) goes to stderr. Exits 0 on SIGTERM/SIGINT.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';

import Provider, { errors } from 'oidc-provider';

import {
  AZURE_FOREIGN_TENANT, AZURE_TENANT, SHAPE_CLAIMS, SHAPE_NAMES, shape, shapeDiscovery,
} from './shapes.mjs';

// oidc-provider prints "NOTICE" lines with console.info (stdout). stdout is reserved for the one
// ready line, so route console.log/info to stderr.
console.log = (...a) => console.error(...a); // eslint-disable-line no-console
console.info = (...a) => console.error(...a); // eslint-disable-line no-console
// Each key rotation / redirect-URI change rebuilds the Provider; print each distinct warning once.
const seenWarnings = new Set();
const originalWarn = console.warn; // eslint-disable-line no-console
console.warn = (...a) => { // eslint-disable-line no-console
  const k = a.join(' ');
  if (seenWarnings.has(k)) return;
  seenWarnings.add(k);
  originalWarn(...a);
};

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    port: 0,
    host: '127.0.0.1',
    shape: 'auth0',
    redirectUris: [],
    audiences: [],
    idTokenTtl: 3600,
    accessTokenTtl: 3600,
    exitOnStdinClose: false,
    interactiveLogin: false,
    offlineAccessWithoutConsent: false,
  };
  const need = (i, flag) => {
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  const int = (v, flag) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag}: not a non-negative integer: ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 1) {
    let a = argv[i];
    let inline;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const v = need(i, a);
      i += 1;
      return v;
    };
    switch (a) {
      case '--port': opts.port = int(value(), a); break;
      case '--host': opts.host = value(); break;
      case '--shape': opts.shape = value(); shape(opts.shape); break;
      case '--redirect-uri': opts.redirectUris.push(new URL(value()).href); break;
      case '--audience': opts.audiences.push(value()); break;
      case '--id-token-ttl': opts.idTokenTtl = int(value(), a); break;
      case '--access-token-ttl': opts.accessTokenTtl = int(value(), a); break;
      case '--exit-on-stdin-close': opts.exitOnStdinClose = true; break;
      case '--interactive-login': opts.interactiveLogin = true; break;
      case '--offline-access-without-consent': opts.offlineAccessWithoutConsent = true; break;
      case '-h':
      case '--help':
        process.stderr.write(`usage: node server.mjs --port 0 [--host H] [--shape ${SHAPE_NAMES.join('|')}] [--redirect-uri URL]... `
          + '[--id-token-ttl S] [--access-token-ttl S] [--audience URL]... [--exit-on-stdin-close] '
          + '[--interactive-login] [--offline-access-without-consent]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument: ${argv[i]}`);
    }
  }
  // Also accept redirect URIs from the environment (space or comma separated).
  for (const u of (process.env.IDP_REDIRECT_URIS || '').split(/[\s,]+/).filter(Boolean)) {
    opts.redirectUris.push(new URL(u).href);
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`idp: ${err.message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Tenant data: accounts, clients, resource servers
// ---------------------------------------------------------------------------------------------

const ROLES_CLAIM = 'https://tessera.example/roles';
const EMAIL_CLAIM = 'https://tessera.example/email'; // only in JWT access tokens (Auth0 Action style)
const DEFAULT_API = 'https://api.tessera.example';
const DEFAULT_USER = 'auth0|alice';
const DEFAULT_REDIRECT = 'http://localhost:8585/callback';

const ACCOUNTS = {
  'auth0|admin': {
    email: 'admin@open-metadata.org', email_verified: true, name: 'Admin', nickname: 'admin', [ROLES_CLAIM]: ['Admin'],
  },
  'auth0|alice': {
    email: 'Alice.Smith@Example.com', email_verified: true, name: 'Alice Smith', nickname: 'alice', [ROLES_CLAIM]: ['DataSteward'],
  },
  'auth0|bob': {
    email: 'bob@open-metadata.org', email_verified: true, name: 'Bob', nickname: 'bob', [ROLES_CLAIM]: ['DataConsumer'],
  },
  'auth0|eve': {
    email: 'eve@evil.example', email_verified: true, name: 'Eve', nickname: 'eve', [ROLES_CLAIM]: [],
  },
  // Attack review accounts: a stranger whose address has the admin principal's name, one with
  // the ingestion bot's address, and a second account with Bob's address.
  'auth0|evil-admin': {
    email: 'admin@evil.example', email_verified: true, name: 'Not Admin', nickname: 'evil-admin', [ROLES_CLAIM]: [],
  },
  'auth0|fake-bot': {
    email: 'ingestion-bot@open-metadata.org', email_verified: true, name: 'Fake Bot', nickname: 'fake-bot', [ROLES_CLAIM]: [],
  },
  'auth0|bob-again': {
    email: 'bob@open-metadata.org', email_verified: true, name: 'Bob Again', nickname: 'bob-again', [ROLES_CLAIM]: [],
  },
  'auth0|noemail': {
    name: 'No Email', nickname: 'noemail', [ROLES_CLAIM]: [],
  },
};

// login_hint / user= accept the subject ("auth0|alice"), the bare id ("alice") or the email (any case).
function resolveAccount(hint) {
  if (!hint) return DEFAULT_USER;
  if (ACCOUNTS[hint]) return hint;
  if (ACCOUNTS[`auth0|${hint}`]) return `auth0|${hint}`;
  const lower = String(hint).toLowerCase();
  const found = Object.entries(ACCOUNTS).find(([, a]) => a.email && a.email.toLowerCase() === lower);
  return found ? found[0] : undefined;
}

const BASE_REDIRECTS = [
  'http://localhost:8585/callback',
  'http://127.0.0.1:8585/callback',
  'http://localhost:8585/silent-callback',
  'http://127.0.0.1:8585/silent-callback',
];
// Mutable: --redirect-uri / IDP_REDIRECT_URIS at start, POST /__test/redirect-uris at run time.
const REDIRECT_URIS = [...new Set([...BASE_REDIRECTS, ...opts.redirectUris])];

// Every origin of a redirect URI may come back to `/`, `/signin` or `/logout` after sign-out.
function postLogoutUris() {
  const origins = ['http://localhost:8585', 'http://127.0.0.1:8585', ...REDIRECT_URIS.map((u) => new URL(u).origin)];
  return [...new Set(origins.flatMap((o) => [`${o}/`, `${o}/signin`, `${o}/logout`]))];
}

const CLIENT_DEFS = [
  { client_id: 'tessera-spa', token_endpoint_auth_method: 'none' },
  { client_id: 'tessera-web', client_secret: 'tessera-web-secret', token_endpoint_auth_method: 'client_secret_post' },
  { client_id: 'tessera-web-basic', client_secret: 'tessera-web-secret', token_endpoint_auth_method: 'client_secret_basic' },
  { client_id: 'other-app', token_endpoint_auth_method: 'none' },
];
const CLIENT_BY_ID = Object.fromEntries(CLIENT_DEFS.map((c) => [c.client_id, c]));

const SHAPE = shape(opts.shape);
// Cognito answers with a code only (its `token` type is OAuth's, not OpenID's).
const CODE_ONLY = SHAPE.responseTypes && !SHAPE.responseTypes.includes('id_token');

function clientsConfig() {
  return CLIENT_DEFS.map((c) => ({
    ...c,
    grant_types: CODE_ONLY ? ['authorization_code', 'refresh_token'] : ['authorization_code', 'implicit', 'refresh_token'],
    response_types: CODE_ONLY ? ['code'] : ['code', 'id_token', 'id_token token'],
    redirect_uris: [...REDIRECT_URIS],
    post_logout_redirect_uris: postLogoutUris(),
    id_token_signed_response_alg: 'RS256',
  }));
}

const RESOURCE_SERVERS = [...new Set([DEFAULT_API, ...opts.audiences])];

// ---------------------------------------------------------------------------------------------
// Signing keys (RS256), rotation
// ---------------------------------------------------------------------------------------------

let keyCounter = 0;
function newSigningKey() {
  keyCounter += 1;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    ...jwk, kid: `tessera-idp-${keyCounter}-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig',
  };
}

// First key signs; the rest are only published in the JWKS.
let signingKeys = [newSigningKey()];
const COOKIE_KEYS = [randomBytes(32).toString('hex')];

// ---------------------------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------------------------

let origin; // http://host:port, set once listening
let issuer; // the (first) tenant's issuer
let secondOrigin; // shapes with endpoints elsewhere: the second listener's origin
// Mount path (the issuer's path, no trailing slash) -> { provider, handler, issuer, tenant }.
let tenants = new Map();

function tenantIssuer(tenant) {
  return `${origin}${SHAPE.issuerPath(tenant)}`;
}

function mountOf(issuerUrl) {
  return new URL(issuerUrl).pathname.replace(/\/$/, '');
}

/** The tenants this shape serves: one, or for Entra ID a second one signing with the same keys. */
function buildTenants() {
  const ids = opts.shape === 'azure' ? [AZURE_TENANT, AZURE_FOREIGN_TENANT] : [undefined];
  tenants = new Map(ids.map((tenant) => {
    const iss = tenantIssuer(tenant);
    return [mountOf(iss), { ...buildProvider(iss, tenant), issuer: iss, tenant }];
  }));
}

/** The first tenant (the one Tessera is configured for). */
function home() {
  return tenants.values().next().value;
}

/** The tenant whose mount path starts `path`, and the rest of the path. */
function tenantFor(path) {
  let best;
  for (const [mount, entry] of tenants) {
    if ((path === mount || path.startsWith(`${mount}/`)) && (!best || mount.length > best.mount.length)) {
      best = { mount, entry };
    }
  }
  return best ? { entry: best.entry, rest: path.slice(best.mount.length) || '/' } : undefined;
}

function buildProvider(providerIssuer, tenant) {
  const mount = mountOf(providerIssuer);
  const configuration = {
    clients: clientsConfig(),
    jwks: { keys: signingKeys.map((k) => ({ ...k })) },
    cookies: { keys: COOKIE_KEYS },
    routes: SHAPE.routes,
    responseTypes: CODE_ONLY ? ['code', 'none'] : ['code', 'id_token', 'id_token token', 'none'],
    scopes: ['openid', 'email', 'profile', 'offline_access', 'phone'],
    claims: {
      openid: ['sub', ROLES_CLAIM, ...SHAPE_CLAIMS],
      email: ['email', 'email_verified'],
      profile: ['name', 'nickname'],
    },
    conformIdTokenClaims: false, // scope claims go straight into the ID token, as Auth0 does
    extraParams: ['audience'], // Auth0-style API selection at /authorize
    pkce: { methods: ['S256'] },
    clientBasedCORS: () => true,
    // Error page: plain HTML carrying the OAuth error as JSON in <pre id="error"> (parsed by /__test/*).
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      const json = JSON.stringify(out).replace(/</g, '\\u003c');
      ctx.body = `<!DOCTYPE html><html><head><title>Error</title></head><body><h1>${ctx.status} ${
        String(out.error).replace(/[^a-z_]/gi, '')}</h1><pre id="error">${json}</pre></body></html>`;
    },
    ttl: {
      IdToken: opts.idTokenTtl,
      AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL || opts.accessTokenTtl,
      AuthorizationCode: 60,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    interactions: {
      url: (ctx, interaction) => `${mount}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Auto-submits the confirmation (a browser with JS signs out without a click).
        logoutSource: async (ctx, form) => {
          ctx.body = `<!DOCTYPE html><html><head><title>Logout</title></head><body>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');
i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        // Auth0 style: `audience` at /authorize selects the API; `resource` works as well.
        defaultResource: async (ctx, client, oneOf) => {
          if (oneOf) return oneOf;
          return ctx.oidc.params?.audience || undefined;
        },
        // The code / refresh token exchange issues the access token for the API chosen at /authorize.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resourceIndicator) => {
          if (!RESOURCE_SERVERS.includes(resourceIndicator)) {
            throw new errors.InvalidTarget(`unknown audience ${resourceIndicator}`);
          }
          return {
            scope: 'openid profile email offline_access read:metadata write:metadata',
            audience: resourceIndicator,
            accessTokenTTL: opts.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Namespaced claims in JWT access tokens, like an Auth0 Action would add.
    extraTokenClaims: async (ctx, token) => {
      if (!token.resourceServer || !token.accountId) return undefined;
      const acc = ACCOUNTS[token.accountId];
      if (!acc) return undefined;
      const extra = { [ROLES_CLAIM]: acc[ROLES_CLAIM] };
      if (acc.email) extra[EMAIL_CLAIM] = acc.email;
      return extra;
    },
    findAccount: async (ctx, sub) => {
      const acc = ACCOUNTS[sub];
      if (!acc) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, ...SHAPE.claims(sub, acc, tenant) }),
      };
    },
  };
  if (SHAPE.refreshAlways || SHAPE.refreshWithAccessTypeOffline) {
    // Cognito issues a refresh token with every code; Google when asked with access_type=offline
    // (turned into offline_access before the request reaches the provider).
    configuration.issueRefreshToken = async (ctx, client, code) => client.grantTypeAllowed('refresh_token')
      && (SHAPE.refreshAlways || code.scopes.has('offline_access'));
  }

  const p = new Provider(providerIssuer, configuration);

  // Allow implicit flows to http:// and localhost redirect URIs (test-only relaxation).
  const original = p.Client.Schema.prototype.invalidate;
  p.Client.Schema.prototype.invalidate = function invalidate(message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    original.call(this, message, code);
  };

  p.on('server_error', (ctx, err) => {
    process.stderr.write(`idp: server_error ${ctx?.method} ${ctx?.path}: ${err?.stack || err}\n`);
  });
  return { provider: p, handler: p.callback() };
}

// ---------------------------------------------------------------------------------------------
// Login + consent: GET /interaction/:uid (non-interactive), POST /interaction/:uid (login form)
// ---------------------------------------------------------------------------------------------

const escapeHtml = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// With --interactive-login, a login without login_hint shows this page: one button per account
// (data-testid="login-<id>", e.g. login-alice), posting back to /interaction/:uid.
function renderLoginPage(res, mount, uid, clientId) {
  const buttons = Object.entries(ACCOUNTS).map(([sub, a]) => {
    const id = sub.replace(/^auth0\|/, '');
    return `<li><button type="submit" name="account" value="${escapeHtml(id)}" data-testid="login-${escapeHtml(id)}">`
      + `${escapeHtml(a.name)}${a.email ? ` &lt;${escapeHtml(a.email)}&gt;` : ''}</button></li>`;
  }).join('\n');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign in - test IdP</title></head>
<body><h1>Sign in to ${escapeHtml(clientId)}</h1><p>Test identity provider: choose an account.</p>
<form method="post" action="${escapeHtml(mount)}/interaction/${escapeHtml(uid)}" data-testid="login-form"><ul>
${buttons}
</ul></form></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 16384) throw new FlowError(413, { error: 'invalid_request', error_description: 'form too large' });
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function handleInteraction(entry, req, res) {
  const p = entry.provider;
  const mount = mountOf(entry.issuer);
  const details = await p.interactionDetails(req, res);
  const { prompt, params, session } = details;
  const needsLogin = prompt.name === 'login' || !session?.accountId;

  let chosen = params.login_hint;
  if (req.method === 'POST') {
    chosen = (await readForm(req)).get('account') || undefined;
    if (!chosen) return renderLoginPage(res, mount, details.uid, params.client_id);
  } else if (needsLogin && !chosen && opts.interactiveLogin) {
    return renderLoginPage(res, mount, details.uid, params.client_id);
  }

  let accountId;
  if (needsLogin) {
    accountId = resolveAccount(chosen);
    if (!accountId) {
      await p.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: `unknown user ${chosen}`,
      }, { mergeWithLastSubmission: false });
      return undefined;
    }
  } else {
    accountId = session.accountId;
  }

  // Grant everything that was asked for, so no consent screen ever appears.
  let grant;
  if (details.grantId) grant = await p.Grant.find(details.grantId);
  if (!grant || grant.accountId !== accountId) {
    grant = new p.Grant({ accountId, clientId: params.client_id });
  }
  const scope = String(params.scope || 'openid');
  grant.addOIDCScope(scope);
  const pd = prompt.details || {};
  if (pd.missingOIDCScope) grant.addOIDCScope(pd.missingOIDCScope.join(' '));
  if (pd.missingOIDCClaims) grant.addOIDCClaims(pd.missingOIDCClaims);
  if (params.claims) {
    try {
      const c = JSON.parse(params.claims);
      grant.addOIDCClaims([...Object.keys(c.id_token || {}), ...Object.keys(c.userinfo || {})]);
    } catch { /* ignore */ }
  }
  const resources = new Set();
  for (const r of [params.resource, params.audience].flat()) if (r) resources.add(r);
  for (const r of resources) grant.addResourceScope(r, scope);
  if (pd.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(pd.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  const grantId = await grant.save();

  const result = { consent: { grantId } };
  if (needsLogin) result.login = { accountId };
  await p.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Test endpoints: /__test/tokens, /__test/code, /__test/rotate, /__test/redirect-uris, /__test/health
// ---------------------------------------------------------------------------------------------

class FlowError extends Error {
  constructor(status, body) {
    super(body.error_description || body.error);
    this.status = status;
    this.body = body;
  }
}

const b64url = (buf) => buf.toString('base64url');

// Runs /authorize -> /interaction -> resume -> redirect_uri over real HTTP with a cookie jar.
// Returns { redirect (URL), params (URLSearchParams from query or fragment), codeVerifier, ... }.
// `tenant=foreign` (azure shape): the second tenant, signing with the same keys.
function testTenant(q) {
  const all = [...tenants.values()];
  return q.get('tenant') === 'foreign' && all.length > 1 ? all[1] : all[0];
}

async function authorize(q) {
  const tenant = testTenant(q);
  const clientId = q.get('client') || q.get('client_id') || 'tessera-spa';
  const client = CLIENT_BY_ID[clientId];
  if (!client) throw new FlowError(400, { error: 'invalid_request', error_description: `unknown client ${clientId}` });
  const user = q.get('user') || q.get('login_hint') || DEFAULT_USER;
  const responseType = q.get('response_type') || 'code';
  const scope = q.get('scope') || 'openid email profile';
  const redirectUri = q.get('redirect_uri') || DEFAULT_REDIRECT;
  const nonce = q.has('nonce') ? q.get('nonce') : b64url(randomBytes(12));
  const state = b64url(randomBytes(12));
  const codeVerifier = b64url(randomBytes(32));
  const codeChallenge = b64url(createHash('sha256').update(codeVerifier).digest());

  const auth = new URL(tenant.provider.urlFor('authorization'));
  auth.searchParams.set('client_id', clientId);
  auth.searchParams.set('response_type', responseType);
  auth.searchParams.set('redirect_uri', redirectUri);
  auth.searchParams.set('scope', scope);
  auth.searchParams.set('state', state);
  auth.searchParams.set('login_hint', user);
  if (nonce) auth.searchParams.set('nonce', nonce);
  if (responseType.split(' ').includes('code')) {
    auth.searchParams.set('code_challenge', codeChallenge);
    auth.searchParams.set('code_challenge_method', 'S256');
  }
  for (const k of ['audience', 'resource', 'prompt', 'max_age', 'claims', 'response_mode', 'access_type']) {
    if (q.get(k)) auth.searchParams.set(k, q.get(k));
  }
  if (scope.split(' ').includes('offline_access') && !q.get('prompt')) {
    auth.searchParams.set('prompt', 'consent'); // oidc-provider only grants offline_access with prompt=consent
  }

  const jar = new Map();
  let url = auth.href;
  for (let hop = 0; hop < 20; hop += 1) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    // eslint-disable-next-line no-await-in-loop
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const sc of r.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name); else jar.set(name, value);
    }
    const loc = r.headers.get('location');
    if (r.status >= 300 && r.status < 400 && loc) {
      await r.arrayBuffer(); // eslint-disable-line no-await-in-loop
      const next = new URL(loc, url).href;
      if (next.startsWith(redirectUri)) {
        const u = new URL(next);
        const params = new URLSearchParams(u.hash ? u.hash.slice(1) : u.search.slice(1));
        if (params.get('error')) {
          throw new FlowError(400, {
            stage: 'authorize', error: params.get('error'), error_description: params.get('error_description') || undefined,
          });
        }
        if (params.get('state') !== state) {
          throw new FlowError(500, { stage: 'authorize', error: 'state_mismatch' });
        }
        return {
          tenant, client, clientId, redirectUri, params, codeVerifier, nonce, state, responseType,
        };
      }
      url = next;
    } else {
      const text = await r.text(); // eslint-disable-line no-await-in-loop
      let body = { error: 'unexpected_response', detail: text.slice(0, 500) };
      const m = /<pre id="error">([\s\S]*?)<\/pre>/.exec(text);
      if (m) {
        try { body = JSON.parse(m[1]); } catch { /* keep the raw text */ }
      }
      throw new FlowError(r.status >= 400 ? r.status : 502, {
        stage: 'authorize', ...body, status: r.status, url,
      });
    }
  }
  throw new FlowError(502, { stage: 'authorize', error: 'too_many_redirects' });
}

async function exchangeCode(flow) {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: flow.params.get('code'),
    redirect_uri: flow.redirectUri,
    code_verifier: flow.codeVerifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const { client } = flow;
  if (client.token_endpoint_auth_method === 'client_secret_basic') {
    const enc = (s) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(client.client_id)}:${enc(client.client_secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', client.client_id);
    if (client.token_endpoint_auth_method === 'client_secret_post') form.set('client_secret', client.client_secret);
  }
  const r = await fetch(flow.tenant.provider.urlFor('token'), { method: 'POST', headers, body: form });
  const body = await r.json();
  if (!r.ok) throw new FlowError(r.status, { stage: 'token', ...body });
  return body;
}

function pickTokens(src) {
  const out = {};
  for (const k of ['id_token', 'access_token', 'refresh_token', 'expires_in', 'token_type', 'scope']) {
    const v = typeof src.get === 'function' ? src.get(k) : src[k];
    if (v !== undefined && v !== null) out[k] = k === 'expires_in' ? Number(v) : v;
  }
  return out;
}

async function testTokens(q) {
  const flow = await authorize(q);
  if (flow.params.get('code')) {
    return pickTokens(await exchangeCode(flow));
  }
  return pickTokens(flow.params); // implicit: tokens came in the fragment
}

async function testCode(q) {
  const flow = await authorize(q);
  return {
    code: flow.params.get('code'),
    code_verifier: flow.codeVerifier,
    redirect_uri: flow.redirectUri,
    client_id: flow.clientId,
    state: flow.state,
    nonce: flow.nonce || null,
  };
}

function rotate(q) {
  const dropOld = ['1', 'true', 'yes'].includes(q.get('drop_old') || '');
  const fresh = newSigningKey();
  signingKeys = dropOld ? [fresh] : [fresh, ...signingKeys];
  buildTenants();
  return { kid: fresh.kid, kids: signingKeys.map((k) => k.kid) };
}

function addRedirectUris(q) {
  const added = [];
  for (const u of q.getAll('uri')) {
    let href;
    try {
      href = new URL(u).href;
    } catch {
      throw new FlowError(400, { error: 'invalid_request', error_description: `not a URL: ${u}` });
    }
    if (!REDIRECT_URIS.includes(href)) {
      REDIRECT_URIS.push(href);
      added.push(href);
    }
  }
  if (added.length) buildTenants();
  return { redirect_uris: [...REDIRECT_URIS] };
}

// oidc-provider follows OpenID Connect Core: offline_access is dropped unless prompt=consent.
// Auth0 (and Okta, Keycloak) issue the refresh token without it, so with
// --offline-access-without-consent a code-flow /authorize asking for offline_access and giving
// no prompt gets prompt=consent added (consent never asks here, so nothing else changes).
function grantOfflineAccessLikeAuth0(q) {
  if (q.has('prompt')) return;
  if (!(q.get('scope') || '').split(' ').includes('offline_access')) return;
  if (!(q.get('response_type') || '').split(' ').includes('code')) return;
  q.set('prompt', 'consent');
}

// Google: `access_type=offline` is how a refresh token is asked for (offline_access is refused).
function offlineAccessFromAccessType(q) {
  if (q.get('access_type') !== 'offline') return;
  q.set('scope', `${q.get('scope') || 'openid'} offline_access`);
  if (!q.has('prompt')) q.set('prompt', 'consent');
}

/** Google and Cognito refuse a scope their discovery does not list; null when all are known. */
function unknownScopes(q) {
  if (!SHAPE.scopesSupported) return null;
  const unknown = (q.get('scope') || '').split(' ').filter((x) => x && !SHAPE.scopesSupported.includes(x));
  return unknown.length ? unknown : null;
}

function sendJson(res, status, body, extraHeaders = {}) {
  const s = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(s), ...extraHeaders,
  });
  res.end(s);
}

// Discovery documents are public: any origin may read them (as oidc-provider's own answers).
const OPEN_CORS = { 'access-control-allow-origin': '*' };

function sendErrorPage(res, status, body) {
  const json = JSON.stringify(body).replace(/</g, '\\u003c');
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html><head><title>Error</title></head><body><h1>${status} ${body.error}</h1><pre id="error">${json}</pre></body></html>`);
}

/** The tenant's discovery document as the shape's provider publishes it. */
async function shapedDiscovery(entry) {
  const r = await fetch(`${entry.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { headers: { 'x-idp-raw': '1' } });
  return shapeDiscovery(SHAPE, await r.json(), secondOrigin);
}

// Entra ID's multi-tenant authorities: one document whose issuer is a template.
const MULTI_TENANT_DISCOVERY = /^\/(common|organizations)\/v2\.0\/\.well-known\/openid-configuration$/;

async function route(req, res) {
  const url = new URL(req.url, origin);
  const path = url.pathname;
  try {
    if (path.startsWith('/__test/')) {
      const q = url.searchParams;
      if (path === '/__test/tokens' && req.method === 'GET') return sendJson(res, 200, await testTokens(q));
      if (path === '/__test/code' && req.method === 'GET') return sendJson(res, 200, await testCode(q));
      if (path === '/__test/rotate' && req.method === 'POST') return sendJson(res, 200, rotate(q));
      if (path === '/__test/redirect-uris' && req.method === 'POST') return sendJson(res, 200, addRedirectUris(q));
      if (path === '/__test/health' && req.method === 'GET') {
        return sendJson(res, 200, { ok: true, issuer, kids: signingKeys.map((k) => k.kid) });
      }
      return sendJson(res, 404, { error: 'not_found' });
    }
    if (opts.shape === 'azure' && req.method === 'GET' && MULTI_TENANT_DISCOVERY.test(path)) {
      return sendJson(res, 200, { ...(await shapedDiscovery(home())), issuer: `${origin}/{tenantid}/v2.0` }, OPEN_CORS);
    }
    const found = tenantFor(path);
    if (!found) return sendJson(res, 404, { error: 'not_found', error_description: `nothing at ${path}` });
    const { entry, rest } = found;
    if (rest.startsWith('/interaction/') && (req.method === 'GET' || req.method === 'POST')) {
      await handleInteraction(entry, req, res);
      return undefined;
    }
    if (req.method === 'GET' && rest === '/.well-known/openid-configuration' && !req.headers['x-idp-raw']) {
      return sendJson(res, 200, await shapedDiscovery(entry), OPEN_CORS);
    }
    const q = url.searchParams;
    if (req.method === 'GET' && rest === SHAPE.routes.authorization) {
      const unknown = unknownScopes(q);
      if (unknown) {
        return sendErrorPage(res, 400, { error: 'invalid_scope', error_description: `Some requested scopes were invalid: ${unknown.join(', ')}` });
      }
      if (SHAPE.refreshWithAccessTypeOffline) offlineAccessFromAccessType(q);
      if (opts.offlineAccessWithoutConsent) grantOfflineAccessLikeAuth0(q);
    }
    const mount = path.slice(0, path.length - rest.length);
    const query = q.toString();
    req.url = `${rest}${query ? `?${query}` : ''}`;
    if (mount) req.originalUrl = `${mount}${req.url}`; // oidc-provider finds its mount path from it
    entry.handler(req, res);
  } catch (err) {
    if (err instanceof FlowError) {
      sendJson(res, err.status, err.body);
    } else {
      process.stderr.write(`idp: ${req.method} ${path}: ${err?.stack || err}\n`);
      if (!res.headersSent) {
        sendJson(res, err?.statusCode || 500, { error: err?.error || 'server_error', error_description: err?.error_description || String(err?.message || err) });
      } else {
        res.destroy();
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The second origin (Google's token and key hosts, Cognito's hosted UI): a proxy to the first
// that keeps the Host header, so every URL the provider builds stays on this origin; plus
// Cognito's `/logout?client_id=…&logout_uri=…`.
// ---------------------------------------------------------------------------------------------

async function cognitoLogout(req, res, url) {
  const q = url.searchParams;
  const client = CLIENT_BY_ID[q.get('client_id')];
  const back = q.get('logout_uri');
  if (!client || !back || !postLogoutUris().includes(back)) {
    return sendErrorPage(res, 400, { error: 'invalid_request', error_description: 'unknown client_id or unregistered logout_uri' });
  }
  const { provider } = home();
  const session = await provider.Session.get(provider.app.createContext(req, res));
  await session.destroy();
  res.writeHead(302, { location: back, 'set-cookie': ['_session=; path=/; max-age=0', '_session.sig=; path=/; max-age=0'] });
  res.end();
  return undefined;
}

function proxyToFirst(req, res) {
  const { port } = server.address();
  const upstream = httpRequest({
    host: opts.host, port, method: req.method, path: req.url, headers: req.headers,
  }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { error: 'bad_gateway', error_description: err.message });
    else res.destroy();
  });
  req.pipe(upstream);
}

function routeSecond(req, res) {
  const url = new URL(req.url, secondOrigin);
  if (opts.shape === 'cognito' && url.pathname === '/logout' && req.method === 'GET') {
    cognitoLogout(req, res, url).catch((err) => {
      process.stderr.write(`idp: /logout: ${err?.stack || err}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    });
    return;
  }
  proxyToFirst(req, res);
}

// ---------------------------------------------------------------------------------------------
// Start / stop
// ---------------------------------------------------------------------------------------------

const server = createServer((req, res) => { route(req, res); });
server.keepAliveTimeout = 5000;

function shutdown() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (opts.exitOnStdinClose) {
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}

server.on('error', (err) => {
  process.stderr.write(`idp: listen failed: ${err.message}\n`);
  process.exit(1);
});

const second = SHAPE.elsewhere ? createServer(routeSecond) : null;

function listen(srv) {
  return new Promise((resolve) => { srv.listen(srv === server ? opts.port : 0, opts.host, resolve); });
}

function originOf(srv) {
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return `http://${hostForUrl}:${srv.address().port}`;
}

async function start() {
  await listen(server);
  origin = originOf(server);
  if (second) {
    second.on('error', (err) => { process.stderr.write(`idp: second listener failed: ${err.message}\n`); process.exit(1); });
    await listen(second);
    secondOrigin = originOf(second);
  }
  buildTenants();
  issuer = home().issuer;
  const discovery = opts.shape === 'azure'
    ? `${origin}/${AZURE_TENANT}/v2.0/.well-known/openid-configuration`
    : `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const doc = await shapedDiscovery(home());
  const ready = {
    issuer,
    origin,
    port: server.address().port,
    shape: opts.shape,
    authority: opts.shape === 'azure' ? `${origin}/${AZURE_TENANT}` : issuer,
    discovery,
    jwks: doc.jwks_uri,
  };
  if (secondOrigin) ready.second_origin = secondOrigin;
  if (tenants.size > 1) ready.foreign_issuer = [...tenants.values()][1].issuer;
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

start().catch((err) => {
  process.stderr.write(`idp: start failed: ${err?.stack || err}\n`);
  process.exit(1);
});
