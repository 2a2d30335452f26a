// The user name and email the server will derive from the ID token (compat §2.5.1), to prefill
// the sign-up form.

function claim(claims, name) {
  const key = Object.keys(claims).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : claims[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function mapping(config) {
  const pairs = (config.jwtPrincipalClaimsMapping || []).map((entry) => String(entry).split(':'));
  return Object.fromEntries(pairs.filter((p) => p.length === 2).map(([k, v]) => [k.trim(), v.trim()]));
}

export function principal(claims, config) {
  const map = mapping(config);
  if (map.username && map.email) {
    const name = (claim(claims, map.username) || '').split('@')[0];
    return { name: name.toLowerCase(), email: (claim(claims, map.email) || '').toLowerCase() };
  }
  const order = config.jwtPrincipalClaims?.length ? config.jwtPrincipalClaims : ['email', 'preferred_username', 'sub'];
  const value = order.map((c) => claim(claims, c)).find((v) => v !== undefined) || '';
  const name = value.split('@')[0];
  const email = value.includes('@') ? value : `${value}@${config.principalDomain}`;
  return { name: name.toLowerCase(), email: email.toLowerCase() };
}

/** The server's own answer is authoritative: "user instance for <name> not found". */
export function nameFromNotFound(message) {
  const match = /^user instance for (.+) not found$/.exec(message || '');
  return match ? match[1] : null;
}
