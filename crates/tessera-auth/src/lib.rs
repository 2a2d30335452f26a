//! Tokens: Tessera's own RSA signing keys (loaded from the original's DER files or generated once
//! into the data directory) and their JWKS, minting of bot and personal access tokens, and the
//! verification of every bearer token.

pub mod accounts;
mod jwks;
mod keys;
pub mod ldap;
mod mint;
pub mod password_hash;
mod provider_http;
pub mod provider_origins;
pub mod rotation;
pub mod signin;
pub mod verify;

pub use accounts::secrets::secret_box;
pub use accounts::{AccountError, Accounts};
pub use jwks::{Jwk, Jwks};
pub use keys::{GENERATED_KEY_FILES, KeyError, KeySource, SigningKeys};
pub use mint::{Expiry, Minted, Subject, TokenType};
pub use provider_origins::ProviderOrigins;
pub use verify::{AuthError, LastToken, Principal, RevocationState, TokenHash, Verified, Verifier};
