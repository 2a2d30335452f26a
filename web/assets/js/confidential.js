// The confidential client: Tessera runs the code flow and hands the ID token to
// /auth/callback; renewal and logout go through the server's session cookie.

import { claims } from './jwt.js';
import * as session from './session.js';

export function startSignIn() {
  const redirect = `${window.location.origin}/auth/callback`;
  window.location.assign(`/api/v1/auth/login?redirectUri=${encodeURIComponent(redirect)}`);
}

/** On /auth/callback?id_token=...: keep the token and drop it from the URL at once. */
export function finishSignIn() {
  const query = new URLSearchParams(window.location.search);
  const idToken = query.get('id_token');
  window.history.replaceState(null, '', window.location.pathname);
  if (query.get('error')) throw new Error(`The sign-in failed: ${query.get('error_description') || query.get('error')}`);
  if (!idToken || !claims(idToken)) throw new Error('The server did not hand over an ID token.');
  session.setTokens({ idToken });
}

/** `GET /api/v1/auth/refresh` with the session cookie; false when the session is gone. */
export async function refresh() {
  try {
    const response = await fetch('/api/v1/auth/refresh', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    // Without a session the server may redirect to /logout (an HTML page): that is a no.
    if (!response.ok || response.redirected) return false;
    const body = await response.json();
    if (typeof body.accessToken !== 'string' || !claims(body.accessToken)) return false;
    session.setTokens({ idToken: body.accessToken });
    return true;
  } catch {
    return false;
  }
}

/** A top-level navigation: the server ends its session and the provider's, then lands on /logout. */
export function signOut() {
  window.location.assign('/api/v1/auth/logout');
}
