//! Tokens. For now: Tessera's own RSA signing keys (loaded from the original's DER files or
//! generated once into the data directory) and their publication as a JWKS. Verification and
//! issuing build on these.

mod jwks;
mod keys;

pub use jwks::{Jwk, Jwks};
pub use keys::{KeyError, KeySource, SigningKeys};
