//! The verifier against a key server of our own, for what a real provider will not produce:
//! bad signatures, `alg: none`, HS256 with the public key, unknown and rotated `kid`s, a JWKS that
//! hangs or returns garbage, tokens of another client. Happy paths with a real provider are in
//! the end-to-end suite.

mod attacks;
mod key_server;
mod last_token;
mod own_tokens;
mod provider_tokens;
