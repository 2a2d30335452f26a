//! The confidential client's sign-in (authorization code flow run by Tessera): start, callback,
//! refresh and logout. A sign-in in progress lives in a sealed cookie and a session in the
//! database, keyed by a hash of the browser's session cookie, so any replica can finish a sign-in
//! another started, a restart loses none, and abandoned sign-ins leave nothing behind.

mod error;
mod id_token;
mod provider;
mod redirect;
mod session;

pub use error::SignInError;
pub use provider::ProviderMetadata;
pub use session::{SessionCookie, handoff_value};

use crate::verify::unix_now;
use crate::{SigningKeys, Subject, TokenType, Verifier};
use provider::{Provider, TokenResponse};
use std::sync::Arc;
use tessera_config::SecretBox;
use tessera_config::{ClientType, Config};
use tessera_store::SessionStore;
use tessera_store::{SessionRow, Store};

/// A pending sign-in lasts this long: time enough to type a password, not to leave a tab open.
pub const PENDING_SECONDS: i64 = 15 * 60;
/// A still-valid ID token is handed out again rather than refreshed when it has this long left.
const REUSE_MARGIN_SECONDS: i64 = 120;

pub struct SignIn {
    config: Arc<Config>,
    store: Store,
    verifier: Arc<Verifier>,
    keys: Arc<SigningKeys>,
    secrets: SecretBox,
    provider: Provider,
    own_origins: Vec<String>,
}

/// Where to send the browser, and the cookies to change on the way.
pub struct Step {
    pub location: String,
    pub cookies: Vec<CookieChange>,
}

/// The cookies of the flow; the HTTP layer names them and sets their attributes.
pub enum CookieChange {
    /// A new signed-in session.
    Session(SessionCookie),
    /// A sign-in in progress (sealed [`session::Pending`]).
    Pending(String),
    /// The sign-in in progress is over, finished or failed.
    ClearPending,
    /// The hand-off of a token to the web UI, see [`session::handoff_value`].
    Handoff(String),
}

/// The refresh endpoint's answer: `{accessToken, expiryDuration}` (expiry in epoch seconds).
pub struct Refreshed {
    pub access_token: String,
    pub expires_at: i64,
}

/// The callback's query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

/// An established session, its tokens opened.
struct Signed {
    row: SessionRow,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

impl SignIn {
    pub fn new(config: Arc<Config>, store: Store, verifier: Arc<Verifier>, keys: Arc<SigningKeys>) -> Self {
        let secrets = crate::accounts::secrets::secret_box(config.fernet_key.as_ref().map(|k| k.expose()), &keys);
        let provider = Provider::new(&config.oidc);
        let own_origins = redirect::own_origins(&config.oidc);
        Self { config, store, verifier, keys, secrets, provider, own_origins }
    }

    pub fn enabled(&self) -> bool {
        self.config.authentication.client_type == ClientType::Confidential
    }

    /// `GET /api/v1/auth/login?redirectUri=`: a signed-in browser goes straight back with a token;
    /// any other starts a sign-in at the provider.
    pub async fn start(&self, cookie: Option<&str>, redirect_uri: Option<&str>) -> Result<Step, SignInError> {
        if !self.enabled() {
            return Err(SignInError::NotConfidential);
        }
        let redirect_uri = redirect_uri.filter(|r| !r.is_empty()).ok_or(SignInError::RedirectMissing)?;
        redirect::check_allowed(redirect_uri, &self.own_origins, &self.config.oidc.allowed_redirect_origins)?;
        let now = unix_now();
        if let Some(signed) = self.signed_in(cookie, now).await?
            && let Ok(token) = self.current_token(&signed, now).await
        {
            let location = redirect::with_token(redirect_uri, &token.access_token, &signed.row);
            let handoff = CookieChange::Handoff(handoff_value(&token.access_token));
            return Ok(Step { location, cookies: vec![handoff] });
        }
        let metadata = self.provider.metadata().await?;
        let pending = session::Pending::generate(
            !self.config.oidc.disable_pkce,
            self.config.oidc.use_nonce,
            redirect_uri,
            now + PENDING_SECONDS,
        );
        let location = redirect::authorize_url(&metadata, &self.config, &pending);
        Ok(Step { location, cookies: vec![CookieChange::Pending(pending.seal(&self.secrets))] })
    }

    /// `GET /callback?code=&state=`: checks the answer belongs to the sign-in this browser
    /// started (once), exchanges the code, validates the ID token, and starts a new session (new
    /// id: the pre-sign-in cookie never becomes a signed-in one).
    /// `pending` is the pending sign-in cookie. Once the state matches, the answer ends that
    /// sign-in whatever happens next (the HTTP layer clears the cookie, see
    /// [`SignInError::ends_the_pending_sign_in`]), so the same answer cannot be used twice.
    pub async fn callback(&self, pending: Option<&str>, params: CallbackParams) -> Result<Step, SignInError> {
        if !self.enabled() {
            return Err(SignInError::NotConfidential);
        }
        let now = unix_now();
        let pending = pending
            .and_then(|sealed| session::Pending::open(&self.secrets, sealed, now))
            .ok_or(SignInError::NoPendingSignIn)?;
        let state = params.state.as_deref().ok_or(SignInError::StateMissing)?;
        if !session::same(state, &pending.state) {
            return Err(SignInError::StateMismatch);
        }
        if let Some(error) = params.error {
            return Err(SignInError::ProviderRefused { error, description: params.error_description });
        }
        let metadata = self.provider.metadata().await?;
        if metadata.authorization_response_iss_parameter_supported
            && params.iss.as_deref().map(|i| i.trim_end_matches('/')) != Some(metadata.issuer.trim_end_matches('/'))
        {
            return Err(SignInError::IssuerParameterMismatch(params.iss.unwrap_or_default()));
        }
        let code = params.code.filter(|c| !c.is_empty()).ok_or(SignInError::CodeMissing)?;
        let tokens =
            self.provider.exchange_code(&code, &self.config.oidc.callback_url, pending.verifier.as_deref()).await?;
        if tokens.refresh_token.is_none() {
            tracing::info!("the provider gave no refresh token (add offline_access to OIDC_SCOPE for one)");
        }
        let id_token = tokens.id_token.clone().ok_or(SignInError::IdTokenMissing)?;
        let (verified, claims) =
            self.verifier.verify_with_claims(&id_token).await.map_err(|e| self.explain(e, &metadata))?;
        id_token::check(&verified, &claims, &self.expectations(pending.nonce.as_deref(), &tokens, None, now))?;
        let signed = SessionRow {
            id_hash: String::new(),
            redirect_uri: pending.redirect_uri.clone(),
            issuer: claims.string("iss").map(str::to_string),
            subject: claims.string("sub").map(str::to_string),
            principal_name: Some(verified.principal.name.clone()),
            email: Some(verified.principal.email.clone()),
            id_token: Some(self.secrets.seal(&id_token)),
            refresh_token: tokens.refresh_token.as_deref().map(|t| self.secrets.seal(t)),
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.config.oidc.session_expiry_seconds as i64,
            ..SessionRow::default()
        };
        self.store.delete_expired_sessions(now).await?;
        let cookie = SessionCookie::generate();
        self.store.insert_session(&SessionRow { id_hash: cookie.hash(), ..signed.clone() }).await?;
        tracing::info!(user = %verified.principal.name, "signed in (confidential client)");
        let location = redirect::with_token(&pending.redirect_uri, &id_token, &signed);
        let handoff = CookieChange::Handoff(handoff_value(&id_token));
        Ok(Step { location, cookies: vec![CookieChange::ClearPending, CookieChange::Session(cookie), handoff] })
    }

    /// Whether the token handed to the web UI's `/auth/callback` comes from a sign-in this browser
    /// finished (its hand-off cookie): a link carrying someone else's token signs nobody in.
    pub fn handoff_is_bound(&self, handoff_cookie: Option<&str>, token: &str) -> bool {
        handoff_cookie.is_some_and(|cookie| session::same(cookie, &handoff_value(token)))
    }

    /// `GET /api/v1/auth/refresh`: a fresh token for the signed-in browser.
    pub async fn refresh(&self, cookie: Option<&str>) -> Result<Refreshed, SignInError> {
        let now = unix_now();
        let signed = self.signed_in(cookie, now).await?.ok_or(SignInError::NoSession)?;
        self.current_token(&signed, now).await
    }

    /// `GET /api/v1/auth/logout`: ends Tessera's session, revokes the refresh token, and returns
    /// where the browser goes to end the provider's session too (then back to `/logout`).
    pub async fn logout(&self, cookie: Option<&str>) -> String {
        let landing = format!("{}/logout", self.config.oidc.server_url.trim_end_matches('/'));
        let now = unix_now();
        let signed = match self.signed_in(cookie, now).await {
            Ok(signed) => signed,
            Err(error) => {
                tracing::warn!(%error, "logout: session lookup failed; the cookie is cleared anyway");
                None
            }
        };
        let Some(signed) = signed else { return landing };
        if let Err(error) = self.store.delete_session(&signed.row.id_hash).await {
            tracing::warn!(%error, "logout: the session row could not be deleted; it expires by itself");
        }
        if let Some(refresh_token) = &signed.refresh_token {
            self.provider.revoke(refresh_token).await;
        }
        match self.provider.metadata().await {
            Ok(metadata) => redirect::provider_logout(&metadata, &self.config, signed.id_token.as_deref(), &landing),
            Err(_) => landing,
        }
    }

    /// The established, unexpired, recently used session behind a cookie.
    async fn signed_in(&self, cookie: Option<&str>, now: i64) -> Result<Option<Signed>, SignInError> {
        let Some(hash) = cookie.map(SessionCookie::hash_of) else { return Ok(None) };
        let Some(row) = self.store.session(&hash, now).await? else { return Ok(None) };
        if row.subject.is_none() {
            return Ok(None); // still pending
        }
        if row.last_seen_at + (self.config.oidc.session_idle_seconds as i64) < now {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let id_token = row.id_token.as_deref().and_then(|t| self.secrets.open(t));
        let refresh_token = row.refresh_token.as_deref().and_then(|t| self.secrets.open(t));
        Ok(Some(Signed { row, id_token, refresh_token }))
    }

    /// The session's ID token while it has a while to live; else a refreshed one from the provider;
    /// else (no refresh token, or a refresh answer without an ID token) a Tessera token for the
    /// session's user, so a provider without refresh tokens does not sign people out every hour.
    async fn current_token(&self, signed: &Signed, now: i64) -> Result<Refreshed, SignInError> {
        if let Some(id_token) = &signed.id_token
            && let Some(exp) = expiry_of(id_token)
            && exp.saturating_sub(now) > REUSE_MARGIN_SECONDS
        {
            return Ok(Refreshed { access_token: id_token.clone(), expires_at: exp });
        }
        let hash = &signed.row.id_hash;
        let Some(refresh_token) = &signed.refresh_token else {
            self.store.update_session_tokens(hash, signed.row.id_token.as_deref(), None, now).await?;
            return Ok(self.own_token(&signed.row, now));
        };
        let tokens = match self.provider.refresh(refresh_token).await {
            Ok(tokens) => tokens,
            Err(SignInError::TokenRefused { error, .. }) => {
                tracing::info!(%error, "refresh refused by the provider; session ended");
                self.store.delete_session(hash).await?;
                return Err(SignInError::SessionEnded);
            }
            Err(other) => return Err(other),
        };
        let kept_refresh = tokens.refresh_token.as_deref().unwrap_or(refresh_token);
        let sealed_refresh = Some(self.secrets.seal(kept_refresh));
        let Some(id_token) = &tokens.id_token else {
            self.store
                .update_session_tokens(hash, signed.row.id_token.as_deref(), sealed_refresh.as_deref(), now)
                .await?;
            return Ok(self.own_token(&signed.row, now));
        };
        let (verified, claims) = self.verifier.verify_with_claims(id_token).await?;
        let same = (signed.row.issuer.as_deref().unwrap_or(""), signed.row.subject.as_deref().unwrap_or(""));
        id_token::check(&verified, &claims, &self.expectations(None, &tokens, Some(same), now))?;
        let sealed_id = self.secrets.seal(id_token);
        self.store.update_session_tokens(hash, Some(&sealed_id), sealed_refresh.as_deref(), now).await?;
        let expires_at = verified.expires_at.unwrap_or(now);
        Ok(Refreshed { access_token: id_token.clone(), expires_at })
    }

    /// An `OM_USER` token, as the original mints when a refresh brings no ID token; never longer
    /// than the session it stands for.
    fn own_token(&self, row: &SessionRow, now: i64) -> Refreshed {
        let lifetime = (self.config.oidc.token_validity_seconds as i64).min(row.expires_at - now).max(60);
        let subject = Subject {
            name: row.principal_name.as_deref().unwrap_or_default(),
            email: row.email.as_deref().unwrap_or_default(),
            roles: &[],
            is_bot: false,
        };
        let minted = self.keys.mint_for(&self.config.jwt.issuer, &subject, TokenType::OmUser, Some(lifetime), now);
        Refreshed { access_token: minted.token, expires_at: now + lifetime }
    }

    /// A key the verifier cannot find is most often a configuration slip: the provider's JWKS URL
    /// missing from `AUTHENTICATION_PUBLIC_KEYS`. Say so, with the URL to add.
    fn explain(&self, error: crate::AuthError, metadata: &ProviderMetadata) -> SignInError {
        use crate::AuthError::{KeyIdMissing, KeyUnknown};
        let listed = |uri: &String| self.config.authentication.public_key_urls.iter().any(|u| u == uri);
        match (&error, &metadata.jwks_uri) {
            (KeyUnknown(_) | KeyIdMissing, Some(jwks_uri)) if !listed(jwks_uri) => {
                SignInError::IdTokenRejected(format!(
                    "its signing key is not among the keys of AUTHENTICATION_PUBLIC_KEYS; add the provider's {jwks_uri} to it"
                ))
            }
            _ => SignInError::Token(error),
        }
    }

    fn expectations<'a>(
        &'a self,
        nonce: Option<&'a str>,
        tokens: &'a TokenResponse,
        same_as: Option<(&'a str, &'a str)>,
        now: i64,
    ) -> id_token::Expectations<'a> {
        id_token::Expectations {
            client_id: &self.config.oidc.client_id,
            nonce,
            access_token: tokens.access_token.as_deref(),
            algorithm: self.config.authentication.token_validation_algorithm,
            max_clock_skew: self.config.oidc.max_clock_skew_seconds.map(|s| s as i64),
            now,
            same_as,
        }
    }
}

/// `exp` of a token we verified before (read without verifying again; only used to decide whether
/// to reuse it, and the API verifies it on every call anyway).
fn expiry_of(token: &str) -> Option<i64> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).ok()?.get("exp")?.as_i64()
}
