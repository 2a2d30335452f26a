// Everything the UI keeps between page loads, in sessionStorage only (gone with the tab).
// Tokens are never logged.

const KEYS = {
  idToken: 'tessera.idToken',
  refreshToken: 'tessera.refreshToken',
  flow: 'tessera.flow',
  notice: 'tessera.notice',
  renewals: 'tessera.renewals',
  returnTo: 'tessera.returnTo',
};

const store = window.sessionStorage;

export function idToken() {
  return store.getItem(KEYS.idToken);
}

export function refreshToken() {
  return store.getItem(KEYS.refreshToken);
}

/** Keeps a refresh token unless a new one is given (providers may not rotate it). */
export function setTokens({ idToken: id, refreshToken: refresh }) {
  store.setItem(KEYS.idToken, id);
  if (refresh) store.setItem(KEYS.refreshToken, refresh);
}

export function dropRefreshToken() {
  store.removeItem(KEYS.refreshToken);
}

export function clearTokens() {
  store.removeItem(KEYS.idToken);
  store.removeItem(KEYS.refreshToken);
}

/** The state, nonce and PKCE verifier of the sign-in in progress. */
export function saveFlow(flow) {
  store.setItem(KEYS.flow, JSON.stringify(flow));
}

/** Read once: a replayed callback finds nothing. */
export function takeFlow() {
  const raw = store.getItem(KEYS.flow);
  store.removeItem(KEYS.flow);
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** A message for the next page (e.g. why the user is back on the sign-in page). */
export function setNotice(message) {
  store.setItem(KEYS.notice, message);
}

export function takeNotice() {
  const message = store.getItem(KEYS.notice);
  store.removeItem(KEYS.notice);
  return message;
}

export function setReturnTo(path) {
  store.setItem(KEYS.returnTo, path);
}

export function takeReturnTo() {
  const path = store.getItem(KEYS.returnTo);
  store.removeItem(KEYS.returnTo);
  // Only a local path: never an open redirect.
  return path && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/** Counts renewals forced by a 401 since the last successful API call: the loop breaker. */
export function countRenewal() {
  const n = Number(store.getItem(KEYS.renewals) || 0) + 1;
  store.setItem(KEYS.renewals, String(n));
  return n;
}

export function resetRenewals() {
  store.removeItem(KEYS.renewals);
}
