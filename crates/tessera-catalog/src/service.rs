//! The catalog's operations over the store: create-or-update with versions and `sourceHash`,
//! lookups by id and FQN, version history, soft and hard (recursive) delete, restore. Lists are in
//! `list.rs`.

use crate::change::{self, Changes};
use crate::create::{self, Draft, Parent};
use crate::edit::EditGate;
use crate::entity::Entity;
use crate::error::CatalogError;
use crate::fqn;
use crate::hash::fqn_hash;
use crate::kind::Kind;
use crate::list::Include;
use crate::list_total::ListTotals;
use crate::search_feed::SearchFeed;
use serde_json::{Value, json};
use std::sync::Arc;
use tessera_config::SecretBox;
use tessera_search::SearchIndex;
use tessera_store::{CatalogStore, VersionStore};
use tessera_store::{Store, StoreError};

/// What a write may do.
#[derive(Clone, Copy)]
pub enum Write<'a> {
    /// `POST`: a new entity, or 409.
    CreateOnly,
    /// `PUT`: create, or update as far as the gate allows: first every field (EditAll, before
    /// anything is compared, so the answer tells nothing about stored values), then the edit the
    /// request makes (so a deny rule on a finer operation holds).
    CreateOrUpdate(&'a dyn EditGate),
}

/// What a create-or-update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    /// Same `sourceHash`, or nothing changed: no new version, nothing written.
    Unchanged,
}

type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;
/// A row read ahead with the parent: `(key, row at key)`.
type Prefetched = Option<(String, Option<tessera_store::CatalogRow>)>;

#[derive(Clone)]
pub struct Catalog {
    pub(crate) store: Store,
    clock: Clock,
    /// Seals connection secrets (FERNET_KEY); see `connection.rs`.
    pub(crate) secrets: Arc<SecretBox>,
    /// Lists' `paging.total`, kept between writes that change it (see `list_total.rs`).
    pub(crate) totals: Arc<ListTotals>,
    /// This replica's search index and its place in the change feed (`search_feed.rs`).
    pub(crate) search: Arc<SearchFeed>,
}

/// Concurrent writers of one entity retry this often before giving up with a conflict.
pub(crate) const WRITE_ATTEMPTS: u32 = 8;

/// Before another attempt to write an entity another writer just changed: a random pause that
/// grows with each attempt (up to ~0.3 s in all), so writers that collided do not collide again in
/// step. Under load a fixed number of immediate retries was not enough (bench/soak.py saw 409s).
pub(crate) async fn back_off(attempt: u32) {
    let ceiling_ms = 2u64 << attempt.min(6);
    let jitter = u64::from(uuid::Uuid::new_v4().as_u128() as u16) % ceiling_ms;
    tokio::time::sleep(std::time::Duration::from_millis(1 + jitter)).await;
}

/// Descendants are deleted or restored in batches of this size.
const BATCH: i64 = 500;

impl Catalog {
    /// The catalog searching `index` (one in a directory, see `tessera::wire`). Taken here, not
    /// swapped in later: an index holds a writer with its threads and a queue of ~2.5 MiB.
    pub fn new(store: Store, secrets: SecretBox, index: SearchIndex) -> Self {
        let clock: Clock = Arc::new(tessera_store::clock::now_millis);
        let search = Arc::new(SearchFeed::new(index));
        Self { store, clock, secrets: Arc::new(secrets), totals: Arc::default(), search }
    }

    /// For tests: a clock of their own (milliseconds since the epoch) and a fixed Fernet key
    /// (another with [`Catalog::with_secrets`]).
    pub fn with_clock(store: Store, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Self {
            store,
            clock: Arc::new(clock),
            secrets: Arc::new(SecretBox::from_key([42; 32])),
            totals: Arc::default(),
            // In memory, built at the first search.
            search: Arc::new(SearchFeed::new(SearchIndex::in_memory().expect("an index in memory opens"))),
        }
    }

    /// The same catalog with another Fernet key (tests of a changed FERNET_KEY).
    pub fn with_secrets(self, secrets: SecretBox) -> Self {
        Self { secrets: Arc::new(secrets), ..self }
    }

    /// `PUT` (create or update) and, with [`Write::CreateOnly`], `POST` (409 when it exists).
    pub async fn put(
        &self,
        kind: Kind,
        body: Value,
        by: &str,
        write: Write<'_>,
    ) -> Result<(Entity, Outcome), CatalogError> {
        let create_only = matches!(write, Write::CreateOnly);
        let draft = create::parse(kind, body)?;
        let (parent, mut prefetched) = self.parent_and_current(kind, &draft).await?;
        let fqn = draft.fqn(parent.as_ref().map(Entity::fqn))?;
        let key = fqn_hash(&fqn)?;
        // Retries are rare: they rebuild the fields rather than every attempt copying them.
        let mut first_fields = Some(self.references_resolved(draft.user_fields(&fqn)?).await?);
        for attempt in 0..WRITE_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let fields = match first_fields.take() {
                Some(fields) => fields,
                None => self.references_resolved(draft.user_fields(&fqn)?).await?,
            };
            let current = match prefetched.take().filter(|p| p.0 == key) {
                Some((_, row)) => row,
                None => self.store.catalog_by_hash(kind.name(), &key).await?,
            };
            let result = match current {
                None => self.insert(&draft, parent.as_ref(), &fqn, &key, fields, by).await,
                Some(_) if create_only => return Err(CatalogError::Exists),
                Some(row) => {
                    let stored = Entity::from_row(&row)?;
                    self.update(&draft, parent.as_ref(), stored, fields, by, write).await
                }
            };
            match result {
                Err(CatalogError::Store(StoreError::Conflict { .. })) if !create_only => continue,
                Err(CatalogError::Store(StoreError::Conflict { .. })) => return Err(CatalogError::Exists),
                other => return other,
            }
        }
        Err(CatalogError::Busy { kind, id: fqn })
    }

    /// The parent a draft names and, when the parent is named by FQN, the stored row at the key
    /// the new entity will have (`(key, row)`), read together in one round trip.
    async fn parent_and_current(
        &self,
        kind: Kind,
        draft: &Draft,
    ) -> Result<(Option<Entity>, Prefetched), CatalogError> {
        let Some(parent_kind) = kind.parent() else { return Ok((None, None)) };
        let parent_fqn = match &draft.parent {
            // By reference: the original's 404 names the id (`databaseService instance for <id> not found`).
            Some(Parent::Id(id)) => return Ok((Some(self.by_id(parent_kind, id, Include::NonDeleted).await?), None)),
            // A service's (a classification's) FQN is its quoted name; the client sends the bare
            // name (dots and all).
            Some(Parent::Fqn(name)) if parent_kind.is_root() => fqn::quote_name(name)?,
            Some(Parent::Fqn(parent_fqn)) => parent_fqn.clone(),
            None => return Ok((None, None)),
        };
        let not_found = || CatalogError::NotFound { kind: parent_kind, key: parent_fqn.clone() };
        let parent_key = fqn_hash(&parent_fqn).map_err(|_| not_found())?;
        // Keys hash each FQN part, so the child's key follows from the FQN as sent.
        let key = fqn_hash(&draft.fqn(Some(&parent_fqn))?)?;
        let (parent, current) =
            self.store.catalog_by_two_hashes((parent_kind.name(), &parent_key), (kind.name(), &key)).await?;
        let parent = parent.map(|row| Entity::from_row(&row)).transpose()?.filter(|p| !p.deleted());
        Ok((Some(parent.ok_or_else(not_found)?), Some((key, current))))
    }

    async fn insert(
        &self,
        draft: &Draft,
        parent: Option<&Entity>,
        fqn: &str,
        key: &str,
        fields: serde_json::Map<String, Value>,
        by: &str,
    ) -> Result<(Entity, Outcome), CatalogError> {
        let mut doc = fields;
        crate::secrets::seal_fields(&mut doc, None, &self.secrets);
        doc.insert("id".into(), json!(uuid::Uuid::now_v7().to_string()));
        doc.insert("name".into(), json!(draft.name));
        doc.insert("fullyQualifiedName".into(), json!(fqn));
        doc.insert("version".into(), json!(0.1));
        doc.insert("updatedAt".into(), json!((self.clock)()));
        doc.insert("updatedBy".into(), json!(by));
        doc.insert("deleted".into(), json!(false));
        match draft.kind {
            Kind::IngestionPipeline => crate::pipeline::fill_defaults(&mut doc),
            Kind::Classification | Kind::Tag => crate::classification::fill_defaults(draft.kind, &mut doc),
            _ => {}
        }
        let mut entity = Entity { kind: draft.kind, fqn_hash: key.to_string(), doc };
        set_lineage(&mut entity, draft, parent);
        self.store.catalog_insert(&entity.to_row()).await?;
        self.totals.changed();
        Ok((entity, Outcome::Created))
    }

    async fn update(
        &self,
        draft: &Draft,
        parent: Option<&Entity>,
        stored: Entity,
        fields: serde_json::Map<String, Value>,
        by: &str,
        write: Write<'_>,
    ) -> Result<(Entity, Outcome), CatalogError> {
        let Write::CreateOrUpdate(gate) = write else { return Err(CatalogError::Exists) };
        // Authorize first, compare after: an answer that depended on the stored values (the same
        // password: 200, another: 403) would let a caller who may not edit guess them.
        self.allow_edit(gate, crate::Edit::everything(&stored.doc), &stored).await?;
        let same_hash =
            fields.get("sourceHash").and_then(Value::as_str).is_some_and(|h| stored.source_hash() == Some(h));
        if same_hash && !stored.deleted() {
            return Ok((stored, Outcome::Unchanged));
        }
        let old_fields = stored.user_fields();
        let mut fields = fields;
        crate::secrets::seal_fields(&mut fields, Some(&old_fields), &self.secrets);
        let new_fields = change::merge(&old_fields, fields);
        let mut changes = change::diff(&old_fields, &new_fields);
        if stored.deleted() {
            changes.updated("deleted", &json!(true), &json!(false));
        }
        if changes.is_empty() {
            return Ok((stored, Outcome::Unchanged));
        }
        self.allow_edit(gate, crate::Edit::between(&old_fields, &new_fields, &changes), &stored).await?;
        let mut entity = stored.clone();
        entity.doc.retain(|k, _| crate::entity::SYSTEM_FIELDS.contains(&k.as_str()));
        entity.doc.extend(new_fields);
        entity.doc.insert("deleted".into(), json!(false));
        set_lineage(&mut entity, draft, parent);
        self.write_version(&stored, entity, &changes, by).await.map(|e| (e, Outcome::Updated))
    }

    /// Stamps the next version with its change description and writes it (a conflict if another
    /// writer moved the entity on meanwhile).
    pub(crate) async fn write_version(
        &self,
        stored: &Entity,
        mut entity: Entity,
        changes: &Changes,
        by: &str,
    ) -> Result<Entity, CatalogError> {
        let previous = stored.version();
        entity.doc.insert("version".into(), json!(tessera_store::next_version(previous)));
        entity.doc.insert("changeDescription".into(), changes.describe(previous));
        entity.doc.insert("updatedAt".into(), json!((self.clock)()));
        entity.doc.insert("updatedBy".into(), json!(by));
        self.store.catalog_update(&entity.to_row(), previous).await?;
        if entity.deleted() != stored.deleted() || entity.subtype() != stored.subtype() {
            self.totals.changed();
        }
        Ok(entity)
    }

    /// The entity as the API shows it (see [`crate::render`]); with `clear_secrets` (the caller
    /// is a bot, as the original's `shouldMaskPasswords`) connection secrets are decrypted.
    pub fn render(
        &self,
        entity: Entity,
        base_url: &str,
        fields: &crate::Fields,
        clear_secrets: bool,
    ) -> Result<Value, CatalogError> {
        if !clear_secrets {
            return Ok(crate::entity::render_owned(entity, base_url, fields));
        }
        let (kind, fqn) = (entity.kind, entity.fqn().to_string());
        let mut doc = crate::entity::render_sealed(entity, base_url, fields);
        if !crate::secrets::reveal_fields(&mut doc, &self.secrets) {
            tracing::warn!(kind = %kind, fqn = %fqn, "secrets do not decrypt with the current key");
            return Err(CatalogError::SecretUnreadable { kind, fqn });
        }
        Ok(Value::Object(doc))
    }

    /// The catalog's clock, in milliseconds since the epoch.
    pub(crate) fn now(&self) -> i64 {
        (self.clock)()
    }

    pub async fn by_id(&self, kind: Kind, id: &str, include: Include) -> Result<Entity, CatalogError> {
        let not_found = || CatalogError::NotFound { kind, key: id.to_string() };
        let row = self.store.catalog_by_id(id).await?.filter(|r| r.kind == kind.name()).ok_or_else(not_found)?;
        let entity = Entity::from_row(&row)?;
        if include.admits(entity.deleted()) { Ok(entity) } else { Err(not_found()) }
    }

    /// By FQN as the client sends it; an FQN that cannot name anything is simply not found.
    pub async fn by_name(&self, kind: Kind, fqn: &str, include: Include) -> Result<Entity, CatalogError> {
        let not_found = || CatalogError::NotFound { kind, key: fqn.to_string() };
        let key = fqn_hash(fqn).map_err(|_| not_found())?;
        let row = self.store.catalog_by_hash(kind.name(), &key).await?.ok_or_else(not_found)?;
        let entity = Entity::from_row(&row)?;
        if include.admits(entity.deleted()) { Ok(entity) } else { Err(not_found()) }
    }

    /// Every version, newest first, each the entity as it was.
    pub async fn versions(&self, kind: Kind, id: &str) -> Result<Vec<Entity>, CatalogError> {
        let current = self.by_id(kind, id, Include::All).await?;
        let bodies = self.store.catalog_versions(id).await?;
        bodies.iter().map(|body| version_entity(&current, body)).collect()
    }

    pub async fn version(&self, kind: Kind, id: &str, version: &str) -> Result<Entity, CatalogError> {
        let number: f64 = version.parse().ok().filter(|v: &f64| v.is_finite() && *v > 0.0).ok_or_else(|| {
            CatalogError::Invalid(format!("version must be a number such as 0.1 or 1.2, not {version:?}"))
        })?;
        let current = self.by_id(kind, id, Include::All).await?;
        let number = (number * 10.0).round() / 10.0;
        let body = self.store.catalog_version(id, number).await?;
        let body = body.ok_or_else(|| CatalogError::NotFound { kind, key: format!("{id} version {version}") })?;
        version_entity(&current, &body)
    }

    /// Soft delete (a new version with `deleted: true`) or hard delete (gone, history too). An
    /// entity with children needs `recursive`, which applies the same to all of them.
    pub async fn delete(
        &self,
        kind: Kind,
        id: &str,
        hard: bool,
        recursive: bool,
        by: &str,
    ) -> Result<Entity, CatalogError> {
        // A query is deleted for good, as in 1.7 (its model has no `deleted` to show).
        let hard = hard || kind == Kind::Query;
        let include = if hard { Include::All } else { Include::NonDeleted };
        let entity = self.by_id(kind, id, include).await?;
        crate::classification::check_deletable(&entity)?;
        let shared = self.shares_keys(&entity).await?;
        let has_children = kind.contains_entities() && self.first_descendant(&entity, shared).await?.is_some();
        if has_children && !recursive {
            return Err(CatalogError::NotEmpty { kind, fqn: entity.fqn().to_string() });
        }
        if hard && shared {
            // Another family's entities live in this key range: only this one's, row by row.
            let mut owned = Vec::new();
            self.visit_descendants(&entity, |child| owned.push(child.id().to_string())).await?;
            for child in owned.iter().map(String::as_str).chain([entity.id()]) {
                self.store.catalog_hard_delete_one(child).await?;
            }
            self.totals.changed();
            let mut gone = entity;
            gone.doc.insert("deleted".into(), json!(true));
            return Ok(gone);
        }
        if hard && !kind.contains_entities() {
            // Its key may prefix another kind's entities (a pipeline named like a database).
            self.store.catalog_hard_delete_one(entity.id()).await?;
            self.totals.changed();
            let mut gone = entity;
            gone.doc.insert("deleted".into(), json!(true));
            return Ok(gone);
        }
        if hard {
            self.store.catalog_hard_delete(entity.id(), &entity.fqn_hash).await?;
            self.totals.changed();
            let mut gone = entity;
            gone.doc.insert("deleted".into(), json!(true));
            return Ok(gone);
        }
        self.for_descendants(&entity, |e| !e.deleted(), true, by).await?;
        self.set_deleted(entity, true, by).await
    }

    /// Undoes a soft delete, of the entity and of its descendants.
    pub async fn restore(&self, kind: Kind, id: &str, by: &str) -> Result<Entity, CatalogError> {
        let entity = self.by_id(kind, id, Include::All).await?;
        if !entity.deleted() {
            return Ok(entity);
        }
        let restored = self.set_deleted(entity, false, by).await?;
        self.for_descendants(&restored, Entity::deleted, false, by).await?;
        Ok(restored)
    }

    async fn for_descendants(
        &self,
        root: &Entity,
        wanted: impl Fn(&Entity) -> bool,
        deleted: bool,
        by: &str,
    ) -> Result<(), CatalogError> {
        let mut chosen = Vec::new();
        self.visit_descendants(root, |child| {
            if wanted(&child) {
                chosen.push(child);
            }
        })
        .await?;
        for child in chosen {
            self.set_deleted(child, deleted, by).await?;
        }
        Ok(())
    }

    /// Every entity `root` owns (its kind's descendants in its key range), in key order.
    async fn visit_descendants(&self, root: &Entity, mut visit: impl FnMut(Entity)) -> Result<(), CatalogError> {
        if !root.kind.contains_entities() {
            return Ok(());
        }
        let mut after = String::new();
        loop {
            let rows = self.store.catalog_descendants(&root.fqn_hash, &after, BATCH).await?;
            for row in &rows {
                let child = Entity::from_row(row)?;
                if root.kind.owns(child.kind) {
                    visit(child);
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == BATCH => after = last.fqn_hash.clone(),
                _ => return Ok(()),
            }
        }
    }

    /// One entity `root` owns, if any; `shared` (see [`Self::shares_keys`]) makes it skip others'.
    async fn first_descendant(&self, root: &Entity, shared: bool) -> Result<Option<Entity>, CatalogError> {
        if !root.kind.contains_entities() {
            return Ok(None);
        }
        if !shared {
            let rows = self.store.catalog_descendants(&root.fqn_hash, "", 1).await?;
            return rows.first().map(Entity::from_row).transpose();
        }
        let mut first = None;
        self.visit_descendants(root, |child| {
            first.get_or_insert(child);
        })
        .await?;
        Ok(first)
    }

    /// Whether a top-level entity of another kind has the same top-level key as `entity` (a
    /// service and a classification both named `PII`): then their descendants share a key range.
    async fn shares_keys(&self, entity: &Entity) -> Result<bool, CatalogError> {
        let root_key = entity.fqn_hash.split('.').next().unwrap_or_default();
        let own_root = entity.kind.root();
        for other in Kind::ALL.into_iter().filter(|k| k.is_root() && *k != own_root) {
            if self.store.catalog_by_hash(other.name(), root_key).await?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn set_deleted(&self, stored: Entity, deleted: bool, by: &str) -> Result<Entity, CatalogError> {
        let mut changes = Changes::default();
        changes.updated("deleted", &json!(!deleted), &json!(deleted));
        let mut entity = stored.clone();
        entity.doc.insert("deleted".into(), json!(deleted));
        self.write_version(&stored, entity, &changes, by).await
    }
}

/// Parent references (`service`, `database`, `databaseSchema`) and `serviceType`, from the parent.
fn set_lineage(entity: &mut Entity, draft: &Draft, parent: Option<&Entity>) {
    if let Some(service_type) = &draft.service_type {
        entity.doc.insert("serviceType".into(), json!(service_type));
    }
    let Some(parent) = parent else { return };
    for key in ["service", "database", "serviceType"] {
        if key == "serviceType" && !draft.kind.carries_service_type() {
            continue;
        }
        if let Some(value) = parent.doc.get(key) {
            entity.doc.insert(key.into(), value.clone());
        }
    }
    let own_key = match parent.kind {
        Kind::DatabaseService => "service",
        other => other.name(),
    };
    entity.doc.insert(own_key.into(), parent.reference());
}

fn version_entity(current: &Entity, body: &str) -> Result<Entity, CatalogError> {
    let doc = serde_json::from_str(body)
        .map_err(|e| CatalogError::Damaged { id: current.id().to_string(), reason: e.to_string() })?;
    Ok(Entity { kind: current.kind, fqn_hash: current.fqn_hash.clone(), doc })
}
