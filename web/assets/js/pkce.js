// Random values and the PKCE S256 challenge (RFC 7636), with the browser's Web Crypto.

function base64url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes, base64url: 32 bytes give the 43-character verifier. */
export function randomString(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function challenge(verifier) {
  if (!crypto.subtle) {
    throw new Error('This page is not in a secure context: open Tessera over HTTPS (or on localhost) to sign in.');
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
