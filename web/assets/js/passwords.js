// Password sign-in (provider `basic`): Tessera itself checks the password and issues the tokens.
// The password travels base64-encoded, as the original's UI sends it (over TLS in production).

import * as session from './session.js';

async function post(path, body, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // A plain-text answer ("Logout Successful").
  }
  if (!response.ok) throw new Error(json?.message || `${path} answered HTTP ${response.status}`);
  return json;
}

function base64(text) {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes));
}

export async function login(email, password) {
  const answer = await post('/api/v1/users/login', { email, password: base64(password) });
  session.setTokens({ idToken: answer.accessToken, refreshToken: answer.refreshToken });
}

/** A new pair with the refresh token (each one works once); false when it is gone. */
export async function refresh() {
  const refreshToken = session.refreshToken();
  if (!refreshToken) return false;
  try {
    const answer = await post('/api/v1/users/refresh', { refreshToken });
    session.setTokens({ idToken: answer.accessToken, refreshToken: answer.refreshToken });
    return true;
  } catch {
    session.dropRefreshToken();
    return false;
  }
}

/** Signs the token out on the server (every replica refuses it from then on), then lands on /logout. */
export async function signOut(token, refreshToken) {
  if (token) await post('/api/v1/users/logout', { token, refreshToken: refreshToken || undefined }, token).catch(() => {});
  window.location.assign('/logout');
}

export function signup(body) {
  return post('/api/v1/users/signup', body);
}
