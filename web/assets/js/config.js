// The public configuration the UI runs from (`/api/v1/system/config/auth` and `/authorizer`),
// read once per page load.

let loaded;

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
  return response.json();
}

export function loadConfig() {
  loaded ??= Promise.all([
    getJson('/api/v1/system/config/auth'),
    getJson('/api/v1/system/config/authorizer').catch(() => ({})),
  ]).then(([auth, authorizer]) => ({ ...auth, principalDomain: authorizer.principalDomain || '' }));
  return loaded;
}

export function isConfidential(config) {
  return config.clientType === 'confidential';
}

/** Password sign-in through Tessera's form: passwords Tessera keeps (`basic`) or a directory's (`ldap`). */
export function usesPasswords(config) {
  return config.provider === 'basic' || config.provider === 'ldap';
}

/** Tessera keeps the passwords: people register and change them here (`basic` only). */
export function keepsPasswords(config) {
  return config.provider === 'basic';
}

/** The provider's display name for the sign-in button. */
export function providerLabel(config) {
  const names = { auth0: 'Auth0', okta: 'Okta', azure: 'Microsoft', google: 'Google', 'aws-cognito': 'Cognito' };
  return config.providerName || names[config.provider] || 'your identity provider';
}
