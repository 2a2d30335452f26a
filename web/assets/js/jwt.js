// Reading an ID token's claims in the browser. The signature is the server's job (it verifies it
// on every call); here we only refuse tokens that are plainly not for us.

export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')), (c) =>
      c.charCodeAt(0),
    );
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Seconds until `exp`, or Infinity for a token without one. */
export function secondsLeft(token) {
  const c = token && claims(token);
  if (!c) return 0;
  return typeof c.exp === 'number' ? c.exp - nowSeconds() : Infinity;
}

/**
 * Whether `found` is the discovery document's issuer; Entra ID's multi-tenant documents name
 * `…/{tenantid}/v2.0`, which any one tenant's issuer fits (the server decides which count).
 */
export function issuerFits(found, expected) {
  if (!expected.includes('{tenantid}')) return found === expected;
  const [before, after] = expected.split('{tenantid}');
  if (!found.startsWith(before) || !found.endsWith(after)) return false;
  const tenant = found.slice(before.length, found.length - after.length);
  return tenant.length > 0 && !tenant.includes('/');
}

/**
 * Whether the token's `iss` is the discovery document's issuer: in a multi-tenant document, the
 * tenant of its own `tid`; Google's tokens may name `accounts.google.com` without the scheme.
 */
function issuerMatches(c, issuer) {
  const expected = issuer.includes('{tenantid}') ? issuer.replace('{tenantid}', String(c.tid || '')) : issuer;
  return c.iss === expected || `https://${c.iss}` === expected;
}

/**
 * Checks iss, aud, exp and (for a fresh sign-in) nonce; throws a message a person can act on.
 * `issuer` is the discovery document's.
 */
export function checkIdToken(token, { issuer, clientId, nonce }) {
  const c = claims(token);
  if (!c) throw new Error('The provider returned an ID token that cannot be read.');
  if (issuer && !issuerMatches(c, issuer)) throw new Error(`The ID token was issued by ${c.iss}, not by ${issuer}.`);
  const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audiences.includes(clientId)) throw new Error(`The ID token is not meant for client ${clientId}.`);
  if (typeof c.exp === 'number' && c.exp <= nowSeconds() - 60) {
    throw new Error('The ID token has already expired; check this computer\'s clock.');
  }
  if (nonce !== undefined && c.nonce !== nonce) {
    throw new Error('The ID token does not belong to this sign-in (nonce). Sign in again.');
  }
  return c;
}
