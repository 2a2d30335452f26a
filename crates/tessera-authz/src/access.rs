//! The authorizer's live state on one replica: the policy book and users' memberships, loaded from
//! the database, reloaded whenever the change feed moves, and each user's [`Subject`] cached until
//! then. Seeds the built-in policies, roles and team on first start.

use crate::document::{AccessDoc, book};
use crate::policy::{Member, PolicyBook, Subject};
use crate::seed;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tessera_store::AccessStore;
use tessera_store::{AccessRow, Store, StoreError, UserRow};

#[derive(Default)]
pub struct Snapshot {
    pub book: PolicyBook,
    pub rows: Vec<AccessRow>,
    /// user id → (roles, teams)
    pub memberships: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl Snapshot {
    /// A team's `teamType` (`Group` when it has none; `Organization` for the root).
    pub fn team_type(&self, team: &str) -> String {
        if team == crate::policy::ORGANIZATION {
            return "Organization".into();
        }
        self.rows
            .iter()
            .find(|r| r.kind == "team" && r.name == team)
            .and_then(|r| AccessDoc::from_stored(&r.body).ok())
            .and_then(|d| d.team_type)
            .unwrap_or_else(|| "Group".into())
    }
}

pub struct Access {
    store: Store,
    snapshot: RwLock<Arc<Snapshot>>,
    subjects: tessera_store::BoundedMap<String, Arc<Subject>>,
    /// Bumped on every reload, so renderings that include roles and teams know to redo them.
    epoch: std::sync::atomic::AtomicU64,
    /// One reload at a time: a reload that read the database before a write committed must not
    /// publish after the reload the writer awaits (its caller would then miss its own write).
    reloading: tokio::sync::Mutex<()>,
}

pub(crate) use tessera_store::clock::now_millis as now_ms;

impl Access {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            snapshot: RwLock::default(),
            subjects: Default::default(),
            epoch: Default::default(),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    /// Writes the seeded policies, roles and team that are missing (never overwrites an existing
    /// one: an operator's edits survive restarts), then loads everything.
    pub async fn seed(&self) -> Result<(), StoreError> {
        for (kind, name, doc) in seed::documents() {
            if self.store.access_entity(kind, name).await?.is_none() {
                let row = AccessRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    kind: kind.to_string(),
                    name: name.to_string(),
                    body: serde_json::to_string(&doc).expect("documents serialise"),
                    provider: "system".into(),
                    deleted: false,
                    version: 0.1,
                    updated_at: now_ms(),
                    updated_by: "system".into(),
                };
                match self.store.upsert_access(&row).await {
                    // Another replica seeded it at the same moment: fine.
                    Ok(()) | Err(StoreError::Conflict { .. }) => {}
                    Err(other) => return Err(other),
                }
            }
        }
        self.reload().await
    }

    pub async fn reload(&self) -> Result<(), StoreError> {
        let _turn = self.reloading.lock().await;
        let mut rows = Vec::new();
        for kind in ["policy", "role", "team"] {
            rows.extend(self.store.access_entities(kind).await?);
        }
        let entries: Vec<(String, String, AccessDoc)> = rows
            .iter()
            .filter(|r| !r.deleted)
            .filter_map(|r| match AccessDoc::from_stored(&r.body) {
                Ok(doc) => Some((r.kind.clone(), r.name.clone(), doc)),
                Err(error) => {
                    tracing::warn!(kind = %r.kind, name = %r.name, %error, "unreadable access document skipped");
                    None
                }
            })
            .collect();
        let book = book(entries.iter().map(|(k, n, d)| (k.as_str(), n.as_str(), d.clone())));
        let memberships = self
            .store
            .all_memberships()
            .await?
            .into_iter()
            .map(|m| {
                let roles = serde_json::from_str(&m.roles).unwrap_or_default();
                let teams = serde_json::from_str(&m.teams).unwrap_or_default();
                (m.user_id, (roles, teams))
            })
            .collect();
        *self.snapshot.write().expect("access snapshot") = Arc::new(Snapshot { book, rows, memberships });
        self.subjects.clear();
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().expect("access snapshot").clone()
    }

    /// Reloads whenever `changes` moves (the accounts' change-feed follower bumps it).
    pub fn follow(self: Arc<Self>, mut changes: tokio::sync::watch::Receiver<u64>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                if let Err(error) = self.reload().await {
                    tracing::warn!(%error, "cannot reload policies; keeping the last ones");
                }
            }
        })
    }

    /// The user's subject: roles (bots: their bot roles), teams, and the policies that apply.
    pub fn subject(&self, user: &UserRow) -> Arc<Subject> {
        if let Some(hit) = self.subjects.get(user.name.as_str()) {
            return hit;
        }
        let snapshot = self.snapshot();
        let (mut roles, teams) = snapshot.memberships.get(&user.id).cloned().unwrap_or_default();
        if user.is_bot {
            let specific = seed::BOT_SPECIFIC_ROLES.iter().filter(|(bot, _)| *bot == user.name);
            for role in seed::BOT_ROLES.iter().chain(specific.flat_map(|(_, roles)| roles.iter())) {
                if !roles.iter().any(|r| r == role) {
                    roles.push(role.to_string());
                }
            }
        }
        let member =
            Member { name: &user.name, is_admin: user.is_admin, is_bot: user.is_bot, roles: &roles, teams: &teams };
        let subject = Arc::new(snapshot.book.subject(&member));
        self.subjects.insert(user.name.clone(), subject.clone());
        subject
    }
}
