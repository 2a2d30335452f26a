// The public client: the browser talks to the provider itself. Authorization code + PKCE
// (responseType "code") or implicit (responseType "id_token"), refresh-token renewal and
// RP-initiated logout.

import { randomString, challenge } from './pkce.js';
import { checkIdToken, claims, issuerFits } from './jwt.js';
import * as session from './session.js';

const SCOPE = 'openid email profile';
// How long a silent renewal may take before the UI gives up on it (the provider may be slow).
const SILENT_TIMEOUT_MS = 10000;
let discovered;

/** Where the provider publishes itself: under the authority; Entra ID under its v2.0 endpoint. */
function discoveryUrl(config) {
  let base = config.authority.replace(/\/+$/, '');
  if (config.provider === 'azure' && !base.endsWith('/v2.0')) base = `${base}/v2.0`;
  return `${base}/.well-known/openid-configuration`;
}

export function discovery(config) {
  const url = discoveryUrl(config);
  discovered ??= fetch(url, { headers: { Accept: 'application/json' } })
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    })
    .catch((e) => {
      discovered = undefined;
      throw new Error(`Cannot read the provider's configuration at ${url} (${e.message}).`);
    });
  return discovered;
}

/** The code flow when configured, or when the provider has no ID-token response (Cognito). */
function usesCode(config, d) {
  const types = d?.response_types_supported;
  return config.responseType === 'code' || (Array.isArray(types) && !types.includes('id_token'));
}

/** offline_access only where the provider lists it (Google and Cognito refuse it). */
function codeFlowScope(d) {
  const supported = d?.scopes_supported;
  return !Array.isArray(supported) || supported.includes('offline_access') ? `${SCOPE} offline_access` : SCOPE;
}

/** Leaves for the provider's sign-in page. */
export async function startSignIn(config) {
  const d = await discovery(config);
  const code = usesCode(config, d);
  const flow = { state: randomString(16), nonce: randomString(16), responseType: code ? 'code' : 'id_token' };
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.callbackUrl,
    state: flow.state,
    nonce: flow.nonce,
  });
  if (code) {
    flow.verifier = randomString(32);
    params.set('response_type', 'code');
    // offline_access asks for a refresh token; without one we fall back to signing in again.
    params.set('scope', codeFlowScope(d));
    params.set('code_challenge', await challenge(flow.verifier));
    params.set('code_challenge_method', 'S256');
  } else {
    params.set('response_type', 'id_token');
    params.set('response_mode', 'fragment');
    params.set('scope', SCOPE);
  }
  session.saveFlow(flow);
  window.location.assign(`${d.authorization_endpoint}?${params}`);
}

async function tokenRequest(d, form) {
  const response = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`The provider refused the token request: ${body.error_description || body.error || response.status}`);
  }
  return body;
}

/** On /callback: checks the response against the saved flow and keeps the tokens. */
export async function finishSignIn(config) {
  const flow = session.takeFlow();
  const query = new URLSearchParams(window.location.search);
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const params = flow?.responseType === 'id_token' || (!query.has('state') && fragment.has('state')) ? fragment : query;
  // The code or token must not stay in the address bar or history.
  window.history.replaceState(null, '', window.location.pathname);
  if (params.get('error')) {
    throw new Error(`The provider did not sign you in: ${params.get('error_description') || params.get('error')}`);
  }
  if (!flow) throw new Error('No sign-in was started in this browser tab, or it was already finished.');
  if (!params.get('state') || params.get('state') !== flow.state) {
    throw new Error('The answer from the provider does not match the sign-in that was started (state).');
  }
  const d = await discovery(config);
  // RFC 9207: a response naming another issuer is a mix-up attack.
  if (params.has('iss') && !issuerFits(params.get('iss'), d.issuer)) {
    throw new Error(`The answer came from ${params.get('iss')}, not from ${d.issuer}.`);
  }
  let idToken;
  let refreshToken;
  if (flow.responseType === 'code') {
    const tokens = await tokenRequest(d, {
      grant_type: 'authorization_code',
      code: params.get('code') || '',
      redirect_uri: config.callbackUrl,
      client_id: config.clientId,
      code_verifier: flow.verifier,
    });
    idToken = tokens.id_token;
    refreshToken = tokens.refresh_token;
  } else {
    idToken = params.get('id_token');
  }
  if (!idToken) throw new Error('The provider did not return an ID token.');
  checkIdToken(idToken, { issuer: d.issuer, clientId: config.clientId, nonce: flow.nonce });
  session.setTokens({ idToken, refreshToken });
}

/**
 * A new ID token before the current one expires: the refresh-token grant in the code flow, a
 * silent `prompt=none` request in a hidden frame in the implicit flow. False when it cannot.
 */
export async function refresh(config) {
  const d = await discovery(config).catch(() => null);
  return usesCode(config, d) ? refreshWithToken(config) : renewSilently(config);
}

/** Where the hidden frame lands: on this origin, so only this page can receive the answer. */
export function silentRedirectUri() {
  return `${window.location.origin}/silent-callback`;
}

/**
 * Implicit flow: asks the provider for a new ID token without showing anything (its own session
 * decides). Only a token for the same user, with this request's state and nonce, is kept.
 */
async function renewSilently(config) {
  const current = claims(session.idToken() || '');
  if (!current) return false;
  let d;
  try {
    d = await discovery(config);
  } catch {
    return false;
  }
  const state = randomString(16);
  const nonce = randomString(16);
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: silentRedirectUri(),
    response_type: 'id_token',
    response_mode: 'fragment',
    scope: SCOPE,
    state,
    nonce,
    prompt: 'none',
  });
  const raw = await answerFromHiddenFrame(`${d.authorization_endpoint}?${params}`);
  if (raw === null) return false;
  const answer = new URLSearchParams(raw);
  const idToken = answer.get('id_token');
  if (answer.get('error') || answer.get('state') !== state || !idToken) return false;
  try {
    const renewed = checkIdToken(idToken, { issuer: d.issuer, clientId: config.clientId, nonce });
    if (renewed.sub !== current.sub) return false;
  } catch {
    return false;
  }
  session.setTokens({ idToken });
  return true;
}

/** Loads `url` in a hidden frame; resolves with the answer /silent-callback posts, or null. */
function answerFromHiddenFrame(url) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.hidden = true;
    frame.title = 'Session renewal';
    let timer;
    const onMessage = (event) => {
      if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
      if (event.data?.type !== 'tessera.silent-renewal') return;
      finish(event.data.fragment || event.data.query || '');
    };
    function finish(value) {
      window.clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      resolve(value);
    }
    timer = window.setTimeout(() => finish(null), SILENT_TIMEOUT_MS);
    window.addEventListener('message', onMessage);
    frame.src = url;
    document.body.appendChild(frame);
  });
}

/** Refresh-token grant; false when there is no refresh token or the provider refuses it. */
async function refreshWithToken(config) {
  const refreshToken = session.refreshToken();
  if (!refreshToken) return false;
  try {
    const d = await discovery(config);
    const tokens = await tokenRequest(d, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: config.clientId,
    });
    if (!tokens.id_token) throw new Error('no ID token in the refresh answer');
    // No nonce on a refreshed ID token (OpenID Connect Core §12.2).
    checkIdToken(tokens.id_token, { issuer: d.issuer, clientId: config.clientId });
    session.setTokens({ idToken: tokens.id_token, refreshToken: tokens.refresh_token });
    return true;
  } catch {
    session.dropRefreshToken();
    return false;
  }
}

function isAuth0(config) {
  try {
    return config.provider === 'auth0' || new URL(config.authority).hostname.endsWith('.auth0.com');
  } catch {
    return false;
  }
}

/** Ends the provider's session too, so the next sign-in is not silent (compat A5). */
export async function signOut(config, idToken, refreshToken) {
  const back = `${window.location.origin}/logout`;
  let d = null;
  try {
    d = await discovery(config);
  } catch {
    // Provider unreachable: sign out locally.
  }
  if (d?.revocation_endpoint && refreshToken) {
    fetch(d.revocation_endpoint, {
      method: 'POST',
      keepalive: true,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: config.clientId }),
    }).catch(() => {});
  }
  if (d?.end_session_endpoint) {
    const params = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: back });
    if (idToken) params.set('id_token_hint', idToken);
    window.location.assign(`${d.end_session_endpoint}?${params}`);
  } else if (config.provider === 'aws-cognito' && d?.authorization_endpoint) {
    // Cognito's hosted UI ends its session at /logout and returns to a registered sign-out URL.
    const params = new URLSearchParams({ client_id: config.clientId, logout_uri: back });
    window.location.assign(`${new URL(d.authorization_endpoint).origin}/logout?${params}`);
  } else if (isAuth0(config)) {
    const params = new URLSearchParams({ client_id: config.clientId, returnTo: back });
    window.location.assign(`${config.authority.replace(/\/+$/, '')}/v2/logout?${params}`);
  } else {
    window.location.assign('/logout');
  }
}
