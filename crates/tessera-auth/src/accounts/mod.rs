//! Users, bots and the tokens Tessera issues to them (compat §5.1, §5.5, §6): the rules, with the
//! store underneath and the HTTP layer on top. Every check that needs "is the caller an admin"
//! lives here, so a handler cannot forget it.

mod bootstrap;
mod bots;
mod error;
mod follow;
mod passwords;
pub mod secrets;
mod tokens;
mod users;

pub use bots::CreateBot;
pub use error::AccountError;
pub use passwords::{ChangePassword, DirectoryRoles, JwtResponse, LoginOutcome, LoginRequest, Registration};
pub use tokens::{AuthMechanism, PersonalToken};
pub use users::{CreateUser, UserPage};

use crate::{Principal, RevocationState, SigningKeys};
use std::sync::Arc;
use tessera_config::SecretBox;
use tessera_config::{Config, RequestFilter};
use tessera_store::AccountStore;
use tessera_store::{Store, UserRow};

/// The bot every deployment has: ingestion uses its token.
pub const INGESTION_BOT: &str = "ingestion-bot";

/// A principal and the user of its name: see [`Accounts::identify`].
pub enum Identity {
    User(Arc<UserRow>),
    Stranger(Stranger),
    Absent,
}

/// Why a principal is not the user of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stranger {
    /// The token's email is not the one the user has.
    OtherEmail,
    /// The user is a bot and the token is not Tessera's bot token (an identity provider's
    /// account never acts as a bot).
    NotTheBotsToken,
    /// The user signed up with another identity-provider account (`iss` and `sub`).
    OtherAccount,
}

impl Stranger {
    pub fn error(self, name: &str) -> AccountError {
        let message = match self {
            Stranger::OtherEmail => format!(
                "This token's email is not the email of user {name}: it cannot act as {name}. Sign in with \
                 {name}'s own account, or ask an admin to give yours another name"
            ),
            Stranger::NotTheBotsToken => format!(
                "{name} is a bot: bots authenticate only with the token Tessera issued for them \
                 (tessera token bot {name}), never with an identity provider's token"
            ),
            Stranger::OtherAccount => format!(
                "This token comes from another identity-provider account than the one user {name} signed up \
                 with: it cannot act as {name}"
            ),
        };
        AccountError::forbidden("principal_mismatch", message)
    }
}

/// How a read names a user or bot.
#[derive(Debug, Clone, Copy)]
pub enum UserKey<'a> {
    Id(&'a str),
    Name(&'a str),
}

pub struct Accounts {
    store: Store,
    keys: Arc<SigningKeys>,
    config: Arc<Config>,
    secrets: SecretBox,
    revocation: Arc<RevocationState>,
    /// Users by name, so signed-in requests need no query; emptied on every change (local, or
    /// seen in the change feed). Hashed with foldhash (seeded per process): SipHash cost a
    /// signed-in request ~8 ns of its ~1 µs.
    users: tessera_store::BoundedMap<String, Option<Arc<UserRow>>, foldhash::fast::RandomState>,
    /// Bumped after every reload, local or from the feed: others (the authorizer) follow it.
    reloaded: tokio::sync::watch::Sender<u64>,
    /// One reload at a time: two overlapping reloads (the follower's and a local write's) could
    /// otherwise finish in the wrong order and put an older snapshot back.
    reloading: tokio::sync::Mutex<()>,
    /// The change feed's number the last reload is at least as new as.
    synced_change: std::sync::atomic::AtomicI64,
    /// The LDAP directory (provider `ldap`), or why it cannot be used.
    directory: Option<Result<crate::ldap::Directory, String>>,
}

pub(crate) use tessera_store::clock::now_millis as now_ms;

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Accounts {
    pub fn new(store: Store, keys: Arc<SigningKeys>, config: Arc<Config>, revocation: Arc<RevocationState>) -> Self {
        let secrets = crate::accounts::secrets::secret_box(config.fernet_key.as_ref().map(|k| k.expose()), &keys);
        let reloaded = tokio::sync::watch::Sender::new(0);
        let directory = config.ldap.as_ref().map(|ldap| {
            crate::ldap::Directory::new(ldap).inspect_err(|why| tracing::error!(%why, "LDAP sign-in is unavailable"))
        });
        Self {
            store,
            keys,
            config,
            secrets,
            revocation,
            users: Default::default(),
            reloaded,
            reloading: Default::default(),
            synced_change: std::sync::atomic::AtomicI64::new(-1),
            directory,
        }
    }

    /// Changes each time accounts were reloaded (after any change on any replica).
    pub fn reloads(&self) -> tokio::sync::watch::Receiver<u64> {
        self.reloaded.subscribe()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// With `NoopFilter` there is no token: every request acts as this admin.
    pub fn anonymous() -> Principal {
        Principal {
            name: "anonymous".into(),
            email: "anonymous@localhost".into(),
            is_bot: false,
            provider_roles: None,
            account: None,
        }
    }

    /// Admins: users flagged so, and anyone when authentication or authorization is off
    /// (`NoopFilter`, `NoopAuthorizer`, both warned about at start). Bots never otherwise.
    pub async fn is_admin(&self, principal: &Principal) -> Result<bool, AccountError> {
        if self.config.authorizer.request_filter == RequestFilter::Noop
            || self.config.authorizer.kind == tessera_config::AuthorizerKind::Noop
        {
            return Ok(true);
        }
        if principal.is_bot {
            return Ok(false);
        }
        Ok(self.user_of(principal).await?.is_some_and(|u| u.is_admin))
    }

    pub async fn require_admin(&self, principal: &Principal) -> Result<(), AccountError> {
        if self.is_admin(principal).await? { Ok(()) } else { Err(AccountError::not_admin(&principal.name)) }
    }

    /// A live user by id, or the original's 404.
    pub async fn user_by_id(&self, id: &str) -> Result<UserRow, AccountError> {
        self.store.user_by_id(id).await?.filter(|u| !u.deleted).ok_or_else(|| AccountError::user_not_found(id))
    }

    /// A user by id or by name, soft-deleted ones too (for `include=deleted|all` reads).
    pub async fn any_user(&self, id_or_name: UserKey<'_>) -> Result<Option<UserRow>, AccountError> {
        Ok(match id_or_name {
            UserKey::Id(id) => self.store.user_by_id(id).await?,
            UserKey::Name(name) => self.store.user_by_name(&name.to_lowercase()).await?,
        })
    }

    pub async fn user_by_name(&self, name: &str) -> Result<UserRow, AccountError> {
        Ok(self.shared_user(name).await?.as_ref().clone())
    }

    /// Like [`Accounts::user_by_name`], without copying the cached row.
    pub async fn shared_user(&self, name: &str) -> Result<Arc<UserRow>, AccountError> {
        // Principal names are already lower-case: no copy on the signed-in path.
        let lower: std::borrow::Cow<str> =
            if name.chars().any(char::is_uppercase) { name.to_lowercase().into() } else { name.into() };
        self.cached_user(&lower).await?.ok_or_else(|| AccountError::user_not_found(name))
    }

    /// A live user by exact (lower-case) name, from memory when possible.
    async fn cached_user(&self, name: &str) -> Result<Option<Arc<UserRow>>, AccountError> {
        if let Some(hit) = self.users.get(name) {
            return Ok(hit);
        }
        let user = self.store.user_by_name(name).await?.filter(|u| !u.deleted).map(Arc::new);
        self.users.insert(name.to_string(), user.clone());
        Ok(user)
    }

    /// How a principal relates to the user of its name: that user (same name, same email, a bot
    /// only through Tessera's own bot token, and the same identity-provider account when the user
    /// signed up with one), a stranger, or nobody yet.
    pub async fn identify(&self, principal: &Principal) -> Result<Identity, AccountError> {
        let Some(user) = self.cached_user(&principal.name).await? else { return Ok(Identity::Absent) };
        if !user.email.eq_ignore_ascii_case(&principal.email) {
            return Ok(Identity::Stranger(Stranger::OtherEmail));
        }
        if user.is_bot && !principal.is_bot {
            return Ok(Identity::Stranger(Stranger::NotTheBotsToken));
        }
        if let (Some(account), Some(issuer), Some(subject)) = (&principal.account, &user.issuer, &user.subject)
            && (&account.issuer != issuer || &account.subject != subject)
        {
            return Ok(Identity::Stranger(Stranger::OtherAccount));
        }
        Ok(Identity::User(user))
    }

    /// The user a principal is (see [`Accounts::identify`]); `None` for a stranger or nobody.
    /// Without these checks, anyone whose address has the same local part (admin@elsewhere)
    /// would act as that user (admin@yours).
    pub async fn user_of(&self, principal: &Principal) -> Result<Option<Arc<UserRow>>, AccountError> {
        Ok(match self.identify(principal).await? {
            Identity::User(user) => Some(user),
            Identity::Stranger(_) | Identity::Absent => None,
        })
    }

    /// Like [`Accounts::user_of`]: the original's 404 for a name nobody has signed up with, a 403
    /// that says why for a stranger with the name of an existing user.
    pub async fn require_user_of(&self, principal: &Principal) -> Result<Arc<UserRow>, AccountError> {
        match self.identify(principal).await? {
            Identity::User(user) => Ok(user),
            Identity::Absent => Err(AccountError::user_not_found(&principal.name)),
            Identity::Stranger(why) => Err(why.error(&principal.name)),
        }
    }

    fn forget_users(&self) {
        self.users.clear();
    }
}
