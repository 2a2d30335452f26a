// How the test provider looks like each real identity provider OpenMetadata documents: where its
// issuer and endpoints live, which endpoints sit on a second origin, what discovery lists and
// which claims an ID token carries. `auth0` is the default shape (server.mjs's original one).
//
// Facts per provider (checked against each provider's public discovery documents):
// - Entra ID v2: issuer `<authority>/v2.0` with the tenant's id, discovery under it; ID tokens
//   carry `preferred_username` (the UPN), `oid`, `tid`, `ver` and, without an optional claim,
//   no `email`. A `common` authority's discovery names the issuer `…/{tenantid}/v2.0`.
// - Google: issuer without a trailing slash; token, JWKS, userinfo and revocation on other
//   origins; `scopes_supported` without `offline_access` (an unknown scope is refused:
//   `invalid_scope`); a refresh token comes with `access_type=offline`; no end-session endpoint.
// - Cognito: issuer `https://cognito-idp.<region>.amazonaws.com/<region>_<pool>`; authorize,
//   token, userinfo, revocation and `/logout` on the hosted-UI domain; response types `code`
//   and `token` only; no end-session endpoint; `cognito:username`, `cognito:groups`.
// - Okta: issuer `/oauth2/default`, endpoints under `/v1/`, a `groups` claim.
// - Keycloak: issuer `/realms/<realm>`, endpoints under `/protocol/openid-connect/`, roles in
//   `realm_access.roles`, `preferred_username` always, `email` only when the user has one.

export const AZURE_TENANT = '4f1c2b3a-0d9e-4c8b-a7f6-5e4d3c2b1a00';
export const AZURE_FOREIGN_TENANT = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
export const COGNITO_POOL = 'eu-west-1_TesseraPool';
export const KEYCLOAK_REALM = 'tessera';

const ROLES_CLAIM = 'https://tessera.example/roles';

const SHAPES = {
  auth0: {
    issuerPath: () => '/',
    routes: {
      authorization: '/authorize', token: '/oauth/token', jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo', end_session: '/v2/logout', revocation: '/oauth/revoke',
    },
    claims: (sub, a) => ({ ...a }),
  },
  azure: {
    issuerPath: (tenant) => `/${tenant}/v2.0`,
    routes: {
      authorization: '/oauth2/v2.0/authorize', token: '/oauth2/v2.0/token', jwks: '/discovery/v2.0/keys',
      userinfo: '/oidc/userinfo', end_session: '/oauth2/v2.0/logout', revocation: '/oauth2/v2.0/revoke',
    },
    claims: (sub, a, tenant) => ({
      name: a.name,
      preferred_username: a.email || `${a.nickname}@contoso.example`,
      oid: uuidFrom(sub),
      tid: tenant,
      ver: '2.0',
      roles: a[ROLES_CLAIM],
    }),
  },
  google: {
    issuerPath: () => '',
    routes: {
      authorization: '/o/oauth2/v2/auth', token: '/token', jwks: '/oauth2/v3/certs',
      userinfo: '/v1/userinfo', revocation: '/revoke',
    },
    elsewhere: ['token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'revocation_endpoint'],
    noEndSession: true,
    scopesSupported: ['openid', 'email', 'profile'],
    refreshWithAccessTypeOffline: true,
    claims: (sub, a) => ({
      email: a.email, email_verified: a.email_verified, name: a.name, hd: a.email?.split('@')[1],
    }),
  },
  cognito: {
    issuerPath: () => `/${COGNITO_POOL}`,
    routes: {
      authorization: '/oauth2/authorize', token: '/oauth2/token', jwks: '/.well-known/jwks.json',
      userinfo: '/oauth2/userInfo', revocation: '/oauth2/revoke',
    },
    elsewhere: ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint'],
    noEndSession: true,
    responseTypes: ['code', 'token'],
    scopesSupported: ['openid', 'email', 'phone', 'profile'],
    refreshAlways: true,
    claims: (sub, a) => ({
      email: a.email,
      email_verified: a.email_verified,
      'cognito:username': a.nickname,
      'cognito:groups': a[ROLES_CLAIM],
      token_use: 'id',
    }),
  },
  okta: {
    issuerPath: () => '/oauth2/default',
    routes: {
      authorization: '/v1/authorize', token: '/v1/token', jwks: '/v1/keys',
      userinfo: '/v1/userinfo', end_session: '/v1/logout', revocation: '/v1/revoke',
    },
    claims: (sub, a) => ({
      email: a.email, name: a.name, preferred_username: a.email, groups: a[ROLES_CLAIM],
    }),
  },
  keycloak: {
    issuerPath: () => `/realms/${KEYCLOAK_REALM}`,
    routes: {
      authorization: '/protocol/openid-connect/auth', token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs', userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout', revocation: '/protocol/openid-connect/revoke',
    },
    claims: (sub, a) => ({
      email: a.email,
      email_verified: a.email_verified,
      name: a.name,
      preferred_username: a.nickname,
      realm_access: { roles: a[ROLES_CLAIM] },
    }),
  },
};

export const SHAPE_NAMES = Object.keys(SHAPES);

/** The shape named `name`; throws on an unknown one. */
export function shape(name) {
  const found = SHAPES[name];
  if (!found) throw new Error(`unknown shape ${name} (known: ${SHAPE_NAMES.join(', ')})`);
  return found;
}

/** Every claim any shape may put into an ID token (oidc-provider only releases listed claims). */
export const SHAPE_CLAIMS = [
  'preferred_username', 'oid', 'tid', 'ver', 'roles', 'hd', 'cognito:username', 'cognito:groups', 'token_use',
  'groups', 'realm_access',
];

/** A stable GUID-looking id for an account (Entra ID's `oid`). */
function uuidFrom(text) {
  let h = 0x811c9dc5;
  const hex = [];
  for (let round = 0; round < 4; round += 1) {
    for (const c of `${round}:${text}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/**
 * Rewrites a discovery document as the shape's provider publishes it: endpoints listed in
 * `elsewhere` move to `secondOrigin`, no end-session endpoint where the provider has none, and
 * the provider's own scope and response-type lists.
 */
export function shapeDiscovery(s, doc, secondOrigin) {
  const out = { ...doc };
  for (const key of s.elsewhere || []) {
    if (out[key]) {
      const u = new URL(out[key]);
      out[key] = `${secondOrigin}${u.pathname}`;
    }
  }
  if (s.noEndSession) delete out.end_session_endpoint;
  if (s.scopesSupported) out.scopes_supported = [...s.scopesSupported];
  if (s.responseTypes) out.response_types_supported = [...s.responseTypes];
  return out;
}
