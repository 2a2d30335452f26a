//! One storage suite, run against SQLite (a temp file) and PostgreSQL (the server the test command
//! starts; `TESSERA_TEST_POSTGRES_URL`). Each PostgreSQL test works in a database of its own.

#[path = "storage/catalog.rs"]
mod catalog;
#[path = "storage/catalog_search.rs"]
mod catalog_search;
#[path = "storage/catalog_tags.rs"]
mod catalog_tags;
#[path = "storage/copy.rs"]
mod copy;
#[path = "storage/joins.rs"]
mod joins;

use std::collections::BTreeMap;
use tessera_config::{DatabaseConfig, Sources, load};
use tessera_store::{AccessStore, AccountStore, ChangeFeed, SessionStore, TokenStore};
use tessera_store::{Backend, LATEST_SCHEMA_VERSION, Store, StoreError};

struct TestDb {
    config: DatabaseConfig,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    TestDb { config: DatabaseConfig::Sqlite { path: dir.path().join("nested/tessera.db") }, _dir: Some(dir) }
}

fn database_config(url: &str) -> DatabaseConfig {
    let vars = BTreeMap::from([("DATABASE_URL".to_string(), url.to_string())]);
    load(&Sources::from_vars(vars)).config.expect("valid DATABASE_URL").database
}

/// A fresh PostgreSQL database, or `None` (with a notice) when no server was provided. The test
/// command sets TESSERA_REQUIRE_POSTGRES=1, which turns a missing server into a failure.
async fn postgres() -> Option<TestDb> {
    let url = tessera_store::testing::fresh_postgres_database("t").await?;
    Some(TestDb { config: database_config(&url), _dir: None })
}

async fn both() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    dbs.extend(postgres().await);
    dbs
}

#[tokio::test]
async fn migrate_from_empty_then_idempotent() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), 0);
        let report = store.migrate().await.unwrap();
        assert_eq!((report.from_version, report.to_version), (0, LATEST_SCHEMA_VERSION));
        let again = store.migrate().await.unwrap();
        assert_eq!(again.applied(), 0, "{:?}", store.backend());
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn concurrent_migrations_apply_once() {
    for db in both().await {
        let a = Store::connect(&db.config).await.unwrap();
        let b = Store::connect(&db.config).await.unwrap();
        let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
        ra.unwrap();
        rb.unwrap();
        assert_eq!(a.schema_version().await.unwrap(), LATEST_SCHEMA_VERSION);
    }
}

#[tokio::test]
async fn newer_schema_is_refused_untouched() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        store
            .execute_raw("INSERT INTO tessera_schema_migrations (version, description, tessera_version) VALUES (999, 'from the future', '9.9.9')")
            .await
            .unwrap();
        let err = store.migrate().await.unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found: 999, .. }), "{err}");
        assert!(err.to_string().contains("newer than this Tessera build supports"), "{err}");
        assert_eq!(store.schema_version().await.unwrap(), 999, "nothing was changed");
    }
}

#[tokio::test]
async fn settings_round_trip() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.setting("missing").await.unwrap(), None);
        store.put_setting("greeting", "héllo 🌍 'quoted'").await.unwrap();
        store.put_setting("greeting", "second").await.unwrap();
        assert_eq!(store.setting("greeting").await.unwrap().as_deref(), Some("second"));
        assert_eq!(store.setting_or_insert("id", "first").await.unwrap(), "first");
        assert_eq!(store.setting_or_insert("id", "other").await.unwrap(), "first", "the first value stays");
    }
}

#[tokio::test]
async fn sqlite_uses_wal_and_foreign_keys() {
    let db = sqlite();
    let store = Store::connect(&db.config).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert_eq!(store.pragma("journal_mode").await.unwrap(), "wal");
    assert_eq!(store.pragma("foreign_keys").await.unwrap(), "1");
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_unavailable_error() {
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = database_config(&format!("postgresql://tessera:secret-pw@127.0.0.1:{port}/tessera"));
    let err = Store::connect(&config).await.unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&format!("postgresql://tessera@127.0.0.1:{port}/tessera is unavailable")), "{text}");
    assert!(!text.contains("secret-pw"), "the password must not appear: {text}");
}

fn user(id: &str, name: &str, is_bot: bool) -> tessera_store::UserRow {
    tessera_store::UserRow {
        id: id.into(),
        name: name.into(),
        email: format!("{name}@example.com"),
        display_name: Some(format!("{name} 🌍")),
        description: None,
        is_admin: false,
        is_bot,
        is_email_verified: true,
        deleted: false,
        version: 0.1,
        updated_at: 1,
        updated_by: "admin".into(),
        last_login_time: None,
        issuer: None,
        subject: None,
        profile: None,
        timezone: None,
    }
}

#[tokio::test]
async fn accounts_credentials_and_the_change_feed() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        let start = store.latest_change().await.unwrap();
        store.insert_user(&user("u1", "alice", false)).await.unwrap();
        store.insert_user(&user("u2", "ingestion-bot", true)).await.unwrap();
        store.insert_user(&user("u3", "john.doe", false)).await.unwrap();
        let dup = store.insert_user(&user("u4", "alice", false)).await.unwrap_err();
        assert!(matches!(dup, StoreError::Conflict { .. }), "{dup:?}");
        assert!(store.latest_change().await.unwrap() > start);

        let (page, total) = store.list_users(2, None, None, false).await.unwrap();
        assert_eq!(
            (page.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), total),
            (vec!["alice", "ingestion-bot"], 3)
        );
        let (page, _) = store.list_users(2, Some("ingestion-bot"), None, false).await.unwrap();
        assert_eq!(page[0].name, "john.doe");
        let (bots, total) = store.list_users(10, None, Some(true), false).await.unwrap();
        assert_eq!((bots.len(), total), (1, 1));
        assert_eq!(store.user_by_name("alice").await.unwrap().unwrap().display_name.as_deref(), Some("alice 🌍"));

        store
            .insert_bot(&tessera_store::BotRow {
                id: "b1".into(),
                name: "ingestion-bot".into(),
                display_name: None,
                description: None,
                bot_user_id: "u2".into(),
                provider: "system".into(),
                deleted: false,
                version: 0.1,
                updated_at: 1,
                updated_by: "admin".into(),
            })
            .await
            .unwrap();
        let credential = tessera_store::BotCredentialRow {
            user_id: "u2".into(),
            token_encrypted: "enc".into(),
            token_hash: "h1".into(),
            expiry: "Unlimited".into(),
            expires_at_ms: None,
            updated_at: 1,
        };
        store.set_bot_credential(&credential).await.unwrap();
        store
            .set_bot_credential(&tessera_store::BotCredentialRow { token_hash: "h2".into(), ..credential })
            .await
            .unwrap();
        store
            .insert_personal_token(&tessera_store::PersonalTokenRow {
                id: "p1".into(),
                user_id: "u1".into(),
                name: "laptop".into(),
                token_hash: "ph".into(),
                expiry: "30".into(),
                expires_at_ms: Some(5),
                created_at: 1,
            })
            .await
            .unwrap();
        let snapshot = store.credential_snapshot().await.unwrap();
        assert_eq!(snapshot.bot_tokens, vec![("ingestion-bot".to_string(), "h2".to_string())]);
        assert_eq!(snapshot.personal_token_hashes, vec!["ph".to_string()]);
        assert_eq!(snapshot.user_names.len(), 3);

        assert!(store.delete_user("u2").await.unwrap());
        assert!(store.bot_by_name("ingestion-bot").await.unwrap().is_none(), "the bot goes with its user");
        assert!(store.credential_snapshot().await.unwrap().bot_tokens.is_empty());
        assert_eq!(store.delete_personal_tokens("u1", None).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn sessions_expire_update_and_are_consumed_once() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        let pending = tessera_store::SessionRow {
            id_hash: "h1".into(),
            pending_state: Some("state".into()),
            pending_verifier: Some("verifier".into()),
            redirect_uri: "http://localhost:8585/auth/callback".into(),
            created_at: 100,
            last_seen_at: 100,
            expires_at: 1_000,
            ..Default::default()
        };
        store.insert_session(&pending).await.unwrap();
        assert_eq!(store.session("h1", 999).await.unwrap(), Some(pending.clone()), "{:?}", store.backend());
        assert_eq!(store.session("h1", 1_000).await.unwrap(), None, "expired at expires_at");
        assert!(matches!(store.insert_session(&pending).await, Err(StoreError::Conflict { .. })));

        store.update_session_tokens("h1", Some("sealed-id"), Some("sealed-refresh"), 500).await.unwrap();
        let updated = store.session("h1", 600).await.unwrap().unwrap();
        assert_eq!(
            (updated.id_token.as_deref(), updated.refresh_token.as_deref(), updated.last_seen_at),
            (Some("sealed-id"), Some("sealed-refresh"), 500)
        );
        // Consumed exactly once: a second delete (a replayed callback) finds nothing.
        assert!(store.delete_session("h1").await.unwrap());
        assert!(!store.delete_session("h1").await.unwrap());

        store.insert_session(&tessera_store::SessionRow { id_hash: "old".into(), ..pending.clone() }).await.unwrap();
        store
            .insert_session(&tessera_store::SessionRow { id_hash: "new".into(), expires_at: 5_000, ..pending.clone() })
            .await
            .unwrap();
        assert_eq!(store.delete_expired_sessions(2_000).await.unwrap(), 1);
        assert!(store.session("new", 2_000).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn access_entities_and_memberships_feed_the_change_log() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        let before = store.latest_change().await.unwrap();
        let row = tessera_store::AccessRow {
            id: "p1".into(),
            kind: "policy".into(),
            name: "NoDeletes".into(),
            body: r#"{"rules":[]}"#.into(),
            provider: "user".into(),
            deleted: false,
            version: 0.1,
            updated_at: 1,
            updated_by: "admin".into(),
        };
        store.upsert_access(&row).await.unwrap();
        let updated = tessera_store::AccessRow { body: r#"{"rules":[1]}"#.into(), version: 0.2, ..row.clone() };
        store.upsert_access(&updated).await.unwrap();
        assert_eq!(store.access_entities("policy").await.unwrap(), vec![updated.clone()], "{:?}", store.backend());
        assert_eq!(store.access_entity("policy", "NoDeletes").await.unwrap(), Some(updated.clone()));
        assert_eq!(store.access_entity("role", "NoDeletes").await.unwrap(), None, "names are per kind");
        let clash = tessera_store::AccessRow { id: "p2".into(), ..row.clone() };
        assert!(matches!(store.upsert_access(&clash).await, Err(StoreError::Conflict { .. })));
        let bad_kind = tessera_store::AccessRow { id: "x".into(), kind: "bot".into(), ..row.clone() };
        assert!(store.upsert_access(&bad_kind).await.is_err());
        assert!(store.delete_access("p1").await.unwrap());
        assert!(!store.delete_access("p1").await.unwrap());

        store.insert_user(&user("u1", "alice", false)).await.unwrap();
        let member = tessera_store::MembershipRow {
            user_id: "u1".into(),
            roles: r#"["DataSteward"]"#.into(),
            teams: r#"["Finance"]"#.into(),
        };
        store.set_membership(&member).await.unwrap();
        assert_eq!(store.membership("u1").await.unwrap(), Some(member.clone()));
        assert_eq!(store.all_memberships().await.unwrap(), vec![member]);
        assert!(store.latest_change().await.unwrap() >= before + 4, "each write is on the change feed");
        store.delete_user("u1").await.unwrap();
        assert_eq!(store.membership("u1").await.unwrap(), None, "memberships go with their user");
    }
}
