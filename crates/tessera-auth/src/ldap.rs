//! LDAP sign-in: the lookup account (connections kept in a small pool) finds the one entry whose
//! mail attribute is the email given, then a bind as that entry with the password decides. The
//! email goes into the search filter escaped (RFC 4515), so `*`, `(` or `)` in it never match
//! anyone else; an empty password never reaches the directory (it would be an anonymous bind).

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, ldap_escape};
use std::sync::Arc;
use std::time::Duration;
use tessera_config::{LdapConfig, LdapTrust};

const TIMEOUT: Duration = Duration::from_secs(5);
/// LDAP result code of a bind with a wrong password or an unknown DN.
const INVALID_CREDENTIALS: u32 = 49;

/// Why a directory sign-in did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// No such user, several, or a wrong password: one answer for all.
    #[error("invalid credentials")]
    Refused,
    /// The directory cannot be reached or refused the lookup account.
    #[error("{0}")]
    Unavailable(String),
}

pub struct Directory {
    url: String,
    settings: LdapConnSettings,
    config: LdapConfig,
    /// Connections bound as the lookup account, idle.
    idle: tokio::sync::Mutex<Vec<Ldap>>,
    /// At most `pool_size` lookups at once.
    slots: tokio::sync::Semaphore,
}

impl Directory {
    /// Errors name what to fix (an unreadable CA file).
    pub fn new(config: &LdapConfig) -> Result<Self, String> {
        let scheme = if config.tls { "ldaps" } else { "ldap" };
        let url = format!("{scheme}://{}:{}", config.host, config.port);
        let mut settings = LdapConnSettings::new().set_conn_timeout(TIMEOUT);
        if config.tls {
            settings = settings.set_config(Arc::new(tls_config(&config.trust)?));
        }
        Ok(Self {
            url,
            settings,
            config: config.clone(),
            idle: tokio::sync::Mutex::new(Vec::new()),
            slots: tokio::sync::Semaphore::new(config.pool_size),
        })
    }

    /// Checks `password` for the directory user whose mail attribute is `email`; returns the
    /// entry's DN.
    pub async fn authenticate(&self, email: &str, password: &str) -> Result<String, DirectoryError> {
        if password.is_empty() || email.is_empty() {
            return Err(DirectoryError::Refused);
        }
        let dn = self.find(email).await?;
        let mut user = self.connect().await?;
        let result = user.with_timeout(TIMEOUT).simple_bind(&dn, password).await;
        let _ = user.unbind().await;
        match result {
            Ok(r) if r.rc == 0 => Ok(dn),
            Ok(r) if r.rc == INVALID_CREDENTIALS => Err(DirectoryError::Refused),
            Ok(r) => Err(DirectoryError::Unavailable(format!("the directory answered the bind with code {}", r.rc))),
            Err(e) => Err(unavailable(&self.url, &e)),
        }
    }

    /// The roles `AUTH_ROLES_MAPPING` gives the groups that list `dn` as a member (none without
    /// group settings).
    pub async fn roles_of(&self, dn: &str) -> Result<Option<Vec<String>>, DirectoryError> {
        let Some(groups) = &self.config.groups else { return Ok(None) };
        let filter = format!(
            "(&({}={})({}={}))",
            groups.attribute,
            ldap_escape(groups.value.as_str()),
            groups.member_attribute,
            ldap_escape(dn)
        );
        // "1.1": no attributes, only the groups' DNs.
        let entries = self.search(&groups.base_dn, &filter, vec!["1.1"]).await?;
        let mut roles: Vec<String> = entries
            .into_iter()
            .filter_map(|group| groups.mapping.get(&group.dn.to_lowercase()))
            .flatten()
            .cloned()
            .collect();
        roles.sort();
        roles.dedup();
        Ok(Some(roles))
    }

    /// Whether the directory still has exactly one entry with this email (a refresh must not
    /// outlive the account).
    pub async fn still_has(&self, email: &str) -> Result<bool, DirectoryError> {
        match self.find(email).await {
            Ok(_) => Ok(true),
            Err(DirectoryError::Refused) => Ok(false),
            Err(unavailable) => Err(unavailable),
        }
    }

    /// The DN of the one entry with this email under the user base DN.
    async fn find(&self, email: &str) -> Result<String, DirectoryError> {
        let filter = format!("({}={})", self.config.mail_attribute, ldap_escape(email));
        let attributes = vec![self.config.mail_attribute.as_str()];
        let entries = self.search(&self.config.user_base_dn, &filter, attributes).await?;
        let mut dns = entries.into_iter().filter(|entry| {
            let mails = entry.attrs.get(&self.config.mail_attribute).into_iter().flatten();
            mails.into_iter().any(|m| m.eq_ignore_ascii_case(email))
        });
        match (dns.next(), dns.next()) {
            (Some(entry), None) => Ok(entry.dn),
            _ => Err(DirectoryError::Refused),
        }
    }

    /// A subtree search as the lookup account, on a pooled connection (at most `pool_size` at
    /// once); a connection that failed is dropped, not pooled again.
    async fn search(
        &self,
        base: &str,
        filter: &str,
        attributes: Vec<&str>,
    ) -> Result<Vec<SearchEntry>, DirectoryError> {
        let _slot = self.slots.acquire().await.expect("the semaphore is never closed");
        let mut ldap = match self.idle.lock().await.pop() {
            Some(ldap) => ldap,
            None => self.lookup_account().await?,
        };
        let found = ldap.with_timeout(TIMEOUT).search(base, Scope::Subtree, filter, attributes).await;
        let (entries, _) = found.and_then(|r| r.success()).map_err(|e| unavailable(&self.url, &e))?;
        self.idle.lock().await.push(ldap);
        Ok(entries.into_iter().map(SearchEntry::construct).collect())
    }

    /// A new connection bound as the lookup account.
    async fn lookup_account(&self) -> Result<Ldap, DirectoryError> {
        let mut ldap = self.connect().await?;
        let bound = ldap
            .with_timeout(TIMEOUT)
            .simple_bind(&self.config.admin_dn, self.config.admin_password.expose())
            .await
            .map_err(|e| unavailable(&self.url, &e))?;
        if bound.rc != 0 {
            return Err(DirectoryError::Unavailable(format!(
                "the directory refused the lookup account {} (code {}); check AUTHENTICATION_LOOKUP_ADMIN_DN and \
                 AUTHENTICATION_LOOKUP_ADMIN_PWD",
                self.config.admin_dn, bound.rc
            )));
        }
        Ok(ldap)
    }

    async fn connect(&self) -> Result<Ldap, DirectoryError> {
        let (connection, ldap) = LdapConnAsync::with_settings(self.settings.clone(), &self.url)
            .await
            .map_err(|e| unavailable(&self.url, &e))?;
        ldap3::drive!(connection);
        Ok(ldap)
    }
}

fn unavailable(url: &str, error: &ldap3::LdapError) -> DirectoryError {
    DirectoryError::Unavailable(format!("the LDAP directory at {url} cannot be reached ({error})"))
}

/// TLS to the directory, verifying its certificate and host name against the system's CAs or
/// the given ones.
fn tls_config(trust: &LdapTrust) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match trust {
        LdapTrust::System => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
        LdapTrust::CaFile(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("AUTHENTICATION_LDAP_TRUSTSTORE_PATH: {} cannot be read: {e}", path.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| {
                    format!(
                        "AUTHENTICATION_LDAP_TRUSTSTORE_PATH: {} is not a PEM certificate file: {e}",
                        path.display()
                    )
                })?;
                roots.add(cert).map_err(|e| format!("AUTHENTICATION_LDAP_TRUSTSTORE_PATH: {e}"))?;
            }
        }
    }
    if roots.is_empty() {
        return Err(
            "no CA certificate to check the directory's certificate with; set AUTHENTICATION_LDAP_TRUSTSTORE_PATH"
                .into(),
        );
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}
