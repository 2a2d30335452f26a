// One entry point for signing in, renewing and signing out, whichever client type is configured.

import { isConfidential, usesPasswords } from './config.js';
import * as confidential from './confidential.js';
import * as oidc from './oidc.js';
import * as passwords from './passwords.js';
import { claims, nowSeconds, secondsLeft } from './jwt.js';
import * as session from './session.js';

let config;
let renewing = null;
let timer;

export function init(loadedConfig) {
  config = loadedConfig;
}

/** The ID token if it has not expired. */
export function currentToken() {
  const token = session.idToken();
  return token && secondsLeft(token) > 0 ? token : null;
}

/** Leaves for the provider (or Tessera's login); `returnTo` is where to land afterwards. */
export function signIn(returnTo) {
  if (returnTo) session.setReturnTo(returnTo);
  // With passwords the sign-in page itself is the form.
  if (usesPasswords(config)) return window.location.assign('/signin');
  return isConfidential(config) ? confidential.startSignIn() : oidc.startSignIn(config);
}

/** After a password login: where the user was going. */
export function returnTo() {
  return session.takeReturnTo() || '/';
}

/** Renews the ID token once, however many callers ask at the same time. */
export function renew() {
  const renewal = () => {
    if (usesPasswords(config)) return passwords.refresh();
    return isConfidential(config) ? confidential.refresh() : oidc.refresh(config);
  };
  renewing ??= renewal().finally(() => {
    renewing = null;
  });
  return renewing;
}

/** Back to the sign-in page with a reason; never straight to the provider (no redirect loops). */
export function sendToSignIn(message) {
  session.clearTokens();
  if (message) session.setNotice(message);
  session.setReturnTo(window.location.pathname);
  window.location.assign('/signin');
}

export async function signOut() {
  window.clearTimeout(timer);
  const idToken = session.idToken();
  const refreshToken = session.refreshToken();
  session.clearTokens();
  if (usesPasswords(config)) await passwords.signOut(idToken, refreshToken);
  else if (isConfidential(config)) confidential.signOut();
  else await oidc.signOut(config, idToken, refreshToken);
}

/**
 * Renews about a minute before `exp` (half the lifetime for short tokens). Without a way to renew,
 * the session ends at `exp` and the user is told to sign in again.
 */
export function scheduleRenewal() {
  window.clearTimeout(timer);
  const c = claims(session.idToken() || '');
  if (!c || typeof c.exp !== 'number') return;
  const now = nowSeconds();
  const lead = Math.min(60, Math.max(1, (c.exp - (c.iat ?? now)) / 2));
  const due = Math.max(0, c.exp - lead - now);
  timer = window.setTimeout(async () => {
    if (await renew()) {
      scheduleRenewal();
    } else {
      const left = Math.max(0, c.exp - nowSeconds());
      timer = window.setTimeout(() => sendToSignIn('Your session has expired. Sign in again to continue.'), left * 1000);
    }
  }, Math.min(due * 1000, 2 ** 31 - 1));
}

// Timers are throttled in background tabs: check again when the tab comes back.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && config && session.idToken()) scheduleRenewal();
});
