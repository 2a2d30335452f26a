// Calls to Tessera's API with the ID token as bearer. A 401 renews the token once and retries;
// a second 401 (or too many in a row) is final and surfaces as an ApiError.

import * as auth from './auth.js';
import * as session from './session.js';
import { status } from './dom.js';

const MAX_RENEWALS = 3;

export class ApiError extends Error {
  constructor(httpStatus, message, body) {
    super(message);
    this.status = httpStatus;
    this.body = body;
  }
}

/** Shows an API failure; a final 401 means the sign-in is gone. */
export function reportError(error) {
  if (error instanceof ApiError && error.status === 401) {
    auth.sendToSignIn(`Tessera did not accept your sign-in: ${error.message}`);
  } else {
    status(error.message, 'error');
  }
}

async function once(path, method, body) {
  const headers = { Accept: 'application/json' };
  const token = session.idToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function api(path, { method = 'GET', body } = {}) {
  let response = await once(path, method, body);
  if (response.status === 401 && session.countRenewal() <= MAX_RENEWALS && (await auth.renew())) {
    response = await once(path, method, body);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below by status.
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.message || `The server answered HTTP ${response.status}`, json);
  }
  session.resetRenewals();
  return json;
}
