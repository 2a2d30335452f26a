//! Service connection secrets through the API, on SQLite and PostgreSQL: sealed in the database
//! (the raw rows are read), in clear for the ingestion bot, masked for an admin and a data
//! consumer, kept when a UI sends the mask back, never in the version history; a changed
//! FERNET_KEY gives an error that says what to do.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::bot_token;
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "Pa55-w0rd_in_clear";
const MASK: &str = "*********";
const KEY_A: &str = "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=";
const KEY_B: &str = "Q2hhbmdlZEtleUNoYW5nZWRLZXlDaGFuZ2VkS2V5MDE=";

/// `DATABASE_URL`s to run on: SQLite (the default, none) and a fresh PostgreSQL database when
/// the test command provides a server.
async fn databases() -> Vec<Option<String>> {
    let mut out = vec![None];
    if let Some(url) = tessera_store::testing::fresh_postgres_database("s").await {
        out.push(Some(url));
    }
    out
}

async fn server_on(database: &Option<String>, fernet_key: &str) -> Server {
    let mut vars = vec![("FERNET_KEY", fernet_key)];
    if let Some(url) = database {
        vars.push(("DATABASE_URL", url.as_str()));
    }
    server(&vars).await
}

/// What the ingestion client sends for a PostgreSQL source (its `serviceConnection`).
fn postgres_service(password: &str, description: &str) -> Value {
    json!({"name": "warehouse", "serviceType": "Postgres", "description": description,
        "connection": {"config": {"type": "Postgres", "scheme": "postgresql+psycopg2", "username": "etl",
            "authType": {"password": password}, "hostPort": "db:5432", "database": "dw",
            "sslMode": "disable", "supportsMetadataExtraction": true}}})
}

/// Every body stored for the catalog, current rows and versions, as the database holds them.
async fn raw_bodies(s: &Server) -> String {
    let current = s.store.query_texts_raw("SELECT body FROM catalog_entities").await.unwrap();
    let versions = s.store.query_texts_raw("SELECT body FROM catalog_versions").await.unwrap();
    current.into_iter().chain(versions).collect::<Vec<_>>().join("\n")
}

fn password(service: &Value) -> &str {
    service["connection"]["config"]["authType"]["password"].as_str().unwrap_or("<absent>")
}

#[tokio::test]
async fn connection_secrets_are_sealed_shown_to_bots_and_masked_for_people() {
    for database in databases().await {
        let s = server_on(&database, KEY_A).await;
        let bot = bot_token(&s).await;
        let admin = session(&s, "admin", "admin@open-metadata.org");
        let dana = data_consumer(&s, &admin).await;

        let (status, created) =
            api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "dw"))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(password(&created), PASSWORD, "the bot's own answer is in clear");
        let id = created["id"].as_str().unwrap().to_string();

        // (a) The database never holds the password in clear, only a Fernet token.
        let raw = raw_bodies(&s).await;
        assert!(!raw.contains(PASSWORD), "{raw}");
        assert!(raw.contains("\"password\":\"fernet:"), "{raw}");

        // (b) The bot reads it in clear; an admin and a data consumer see the mask, everywhere.
        let by_name = "/api/v1/services/databaseServices/name/warehouse";
        let by_id = format!("/api/v1/services/databaseServices/{id}");
        for path in [by_name, &by_id, "/api/v1/services/databaseServices/name/warehouse?fields=*"] {
            let (status, seen) = api(&s, "GET", path, &bot, None).await;
            assert_eq!((status, password(&seen)), (StatusCode::OK, PASSWORD), "{path}");
            assert_eq!(seen["connection"]["config"]["username"], "etl");
            for person in [&admin, &dana] {
                let (status, seen) = api(&s, "GET", path, person, None).await;
                assert_eq!((status, password(&seen)), (StatusCode::OK, MASK), "{path}: {seen}");
                assert_eq!(seen["connection"]["config"]["hostPort"], "db:5432", "only secrets are masked");
            }
        }
        let (_, list) = api(&s, "GET", "/api/v1/services/databaseServices", &dana, None).await;
        assert_eq!(password(&list["data"][0]), MASK, "{list}");
        let (_, list) = api(&s, "GET", "/api/v1/services/databaseServices", &bot, None).await;
        assert_eq!(password(&list["data"][0]), PASSWORD);

        // (c) An admin edits the description in a UI and sends the mask back: the secret stays.
        let (status, edited) =
            api(&s, "PUT", "/api/v1/services/databaseServices", &admin, Some(postgres_service(MASK, "edited"))).await;
        assert_eq!((status, password(&edited)), (StatusCode::OK, MASK), "{edited}");
        assert_eq!(edited["version"], 0.2);
        let updated = &edited["changeDescription"]["fieldsUpdated"];
        assert_eq!(updated.as_array().unwrap().len(), 1, "only the description changed: {edited}");
        assert_eq!(updated[0]["name"], "description");
        let (_, seen) = api(&s, "GET", by_name, &bot, None).await;
        assert_eq!(password(&seen), PASSWORD, "the mask did not overwrite the secret");
        // The same through PATCH: the patch sees the mask and leaves it.
        let patch = json!([{"op": "replace", "path": "/description", "value": "patched"}]);
        let (status, patched) = api(&s, "PATCH", &by_id, &admin, Some(patch)).await;
        assert_eq!((status, password(&patched)), (StatusCode::OK, MASK), "{patched}");
        let (_, seen) = api(&s, "GET", by_name, &bot, None).await;
        assert_eq!((password(&seen), seen["version"].as_f64()), (PASSWORD, Some(0.3)));
        // The bot sending the same connection again changes nothing.
        let (status, same) =
            api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "patched")))
                .await;
        assert_eq!((status, same["version"].as_f64()), (StatusCode::OK, Some(0.3)), "{same}");

        // (d) A new password alone is a change, described without any secret.
        let (status, rotated) =
            api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service("n3w-S3cret", "patched")))
                .await;
        assert_eq!((status, rotated["version"].as_f64()), (StatusCode::OK, Some(0.4)), "{rotated}");
        assert_eq!(
            rotated["changeDescription"]["fieldsUpdated"],
            json!([{"name": "connection", "oldValue": "\"old-encrypted-value\"", "newValue": "\"new-encrypted-value\""}])
        );
        let patch = json!([{"op": "replace", "path": "/connection/config/authType/password", "value": "p4tched"}]);
        let (status, by_patch) = api(&s, "PATCH", &by_id, &admin, Some(patch)).await;
        assert_eq!((status, by_patch["version"].as_f64()), (StatusCode::OK, Some(0.5)), "{by_patch}");
        for caller in [&bot, &admin, &dana] {
            let (status, history) = api(&s, "GET", &format!("{by_id}/versions"), caller, None).await;
            assert_eq!(status, StatusCode::OK, "{history}");
            let text = history.to_string();
            for secret in [PASSWORD, "n3w-S3cret", "p4tched"] {
                assert!(caller == &bot || !text.contains(secret), "{text}");
            }
            assert!(!text.contains("fernet:"), "no ciphertext in answers: {text}");
            let (_, first) = api(&s, "GET", &format!("{by_id}/versions/0.1"), caller, None).await;
            assert_eq!(password(&first), if caller == &bot { PASSWORD } else { MASK });
        }
        let (_, seen) = api(&s, "GET", by_name, &bot, None).await;
        assert_eq!(password(&seen), "p4tched");
        let raw = raw_bodies(&s).await;
        for secret in [PASSWORD, "n3w-S3cret", "p4tched"] {
            assert!(!raw.contains(secret), "{secret} in clear in the database");
        }
    }
}

#[tokio::test]
async fn custom_connections_are_kept_and_bad_connections_say_what_to_fix() {
    let s = server(&[]).await; // no FERNET_KEY: sealed with the key derived from the signing key
    let bot = bot_token(&s).await;
    let custom = json!({"name": "custom", "serviceType": "CustomDatabase",
        "connection": {"config": {"type": "CustomDatabase", "sourcePythonClass": "my.Source",
            "nested": [{"token": "t0ken"}], "plain": "x"}}});
    let (status, created) = api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(custom)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["connection"]["config"]["nested"][0]["token"], "t0ken");
    assert!(!raw_bodies(&s).await.contains("t0ken"));
    for (connection, says) in [
        (json!("x"), "connection must be an object"),
        (json!({"config": "x"}), "connection.config must be an object"),
        (json!({"config": {"type": 7}}), "connection.config.type must be a string"),
        (
            json!({"config": {"type": "Mysql", "hostPort": "h:3306"}}),
            "connection.config.type \"Mysql\" contradicts serviceType \"Postgres\"",
        ),
    ] {
        let body = json!({"name": "bad", "serviceType": "Postgres", "connection": connection});
        let (status, error) = api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert!(error["message"].as_str().unwrap().starts_with(says), "{error}");
    }
    let (_, absent) = api(&s, "GET", "/api/v1/services/databaseServices/name/bad", &bot, None).await;
    assert_eq!(absent["code"], 404, "nothing stored: {absent}");
}

/// The official client leaves out every field at its default, `type` included, when a connection
/// is built in code: the type comes from `serviceType` and the 1.7 defaults are filled in, as the
/// original reads the config as its service type's class.
#[tokio::test]
async fn a_connection_built_in_code_takes_its_type_and_defaults_from_the_service_type() {
    for database in databases().await {
        let s = server_on(&database, KEY_A).await;
        let admin = session(&s, "admin", "admin@open-metadata.org");
        let mysql = json!({"name": "in_code", "serviceType": "Mysql", "connection": {"config":
            {"username": "u", "hostPort": "mysql:3306", "authType": {"password": "pw"}}}});
        let (status, created) = api(&s, "PUT", "/api/v1/services/databaseServices", &admin, Some(mysql.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let config = &created["connection"]["config"];
        assert_eq!((config["type"].as_str(), config["scheme"].as_str()), (Some("Mysql"), Some("mysql+pymysql")));
        assert_eq!(config["supportsMetadataExtraction"], true);
        assert_eq!(config["authType"]["password"], MASK, "still masked for people");
        let (_, read) = api(&s, "GET", "/api/v1/services/databaseServices/name/in_code?fields=*", &admin, None).await;
        assert_eq!(read, created, "read back as created");
        // The same request again is no change; a Postgres config under a Mysql service is refused.
        let (status, again) = api(&s, "PUT", "/api/v1/services/databaseServices", &admin, Some(mysql.clone())).await;
        assert_eq!((status, &again["version"]), (StatusCode::OK, &json!(0.1)), "{again}");
        let mut wrong = mysql;
        wrong["connection"]["config"]["type"] = json!("Postgres");
        let (status, error) = api(&s, "PUT", "/api/v1/services/databaseServices", &admin, Some(wrong)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert!(error["message"].as_str().unwrap().contains("set it to \"Mysql\""), "{error}");
        let (_, after) = api(&s, "GET", "/api/v1/services/databaseServices/name/in_code?fields=*", &admin, None).await;
        assert_eq!(after, created, "a refused request changes nothing");
    }
}

#[tokio::test]
async fn a_changed_fernet_key_says_what_to_do_and_never_leaks_ciphertext() {
    for database in databases().await {
        // Two servers over one data dir (one SQLite file, one signing key): only FERNET_KEY moves.
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().display().to_string();
        let start = async |key: &str| {
            let mut vars = vec![("FERNET_KEY", key), ("TESSERA_DATA_DIR", data_dir.as_str())];
            if let Some(url) = &database {
                vars.push(("DATABASE_URL", url.as_str()));
            }
            server(&vars).await
        };
        let before = start(KEY_A).await;
        let bot = bot_token(&before).await;
        let (status, _) =
            api(&before, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "d"))).await;
        assert_eq!(status, StatusCode::CREATED);

        let after = start(KEY_B).await;
        let admin = session(&after, "admin", "admin@open-metadata.org");
        let path = "/api/v1/services/databaseServices/name/warehouse";
        let (status, error) = api(&after, "GET", path, &bot, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["reason"], "secret_unreadable");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("Set FERNET_KEY back") && !message.contains("fernet:"), "{message}");
        // People still see the service, masked.
        let (status, seen) = api(&after, "GET", path, &admin, None).await;
        assert_eq!((status, password(&seen)), (StatusCode::OK, MASK));
        // Sending the secret again encrypts it with the current key.
        let (status, saved) =
            api(&after, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "d"))).await;
        assert_eq!((status, password(&saved)), (StatusCode::OK, PASSWORD), "{saved}");
        let (status, seen) = api(&after, "GET", path, &bot, None).await;
        assert_eq!((status, password(&seen)), (StatusCode::OK, PASSWORD));
    }
}

/// Every secret name (1.7's `format: password` fields and Tessera's extra ones) of every field
/// that can hold secrets, in every entity type that has one: sealed at rest (current row and
/// versions), masked for people on every read path (by id, by name, list, versions, one version),
/// in clear only for the bot, and kept when a person sends the mask back. A new type with a
/// secret-holding field fails here until it is added.
#[tokio::test]
async fn every_secret_field_of_every_type_follows_the_four_rules() {
    use tessera_catalog::Kind;
    use tessera_catalog::secrets::{HOLDERS, secret_keys_of};
    let s = server_on(&None, KEY_A).await;
    let bot = bot_token(&s).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let (_, service) =
        api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "d"))).await;
    let service_id = service["id"].as_str().unwrap().to_string();
    for kind in Kind::ALL {
        for holder in HOLDERS.iter().filter(|h| kind.stored_fields().contains(h)) {
            // Every secret name, each with its own value, nested a level down to show depth.
            let secrets: Vec<(String, String)> =
                secret_keys_of(holder).into_iter().map(|k| (format!("S3cret-{k}-{holder}"), k)).collect();
            let nested: serde_json::Map<String, Value> =
                secrets.iter().map(|(value, key)| (key.clone(), json!(value))).collect();
            let (collection, request) = match (kind, *holder) {
                (Kind::DatabaseService, "connection") => (
                    "services/databaseServices",
                    json!({"name": "every_secret", "serviceType": "CustomDatabase",
                        "connection": {"config": {"type": "CustomDatabase", "sourcePythonClass": "x.Y", "deep": nested}}}),
                ),
                (Kind::IngestionPipeline, "sourceConfig") => (
                    "services/ingestionPipelines",
                    json!({"name": "every_secret", "pipelineType": "dbt", "airflowConfig": {},
                        "service": {"id": service_id, "type": "databaseService"},
                        "sourceConfig": {"config": {"type": "DBT", "dbtConfigSource": nested}}}),
                ),
                (kind, holder) => panic!("{kind} keeps secrets in {holder}: add a request for it to this test"),
            };
            let (status, created) = api(&s, "PUT", &format!("/api/v1/{collection}"), &bot, Some(request.clone())).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let id = created["id"].as_str().unwrap().to_string();
            // A second version, so versions hold more than one document.
            let mut changed = request.clone();
            changed["description"] = json!("second version");
            let (status, _) = api(&s, "PUT", &format!("/api/v1/{collection}"), &bot, Some(changed)).await;
            assert_eq!(status, StatusCode::OK);

            // 1. Sealed at rest.
            let raw = raw_bodies(&s).await;
            for (value, key) in &secrets {
                assert!(!raw.contains(value.as_str()), "{kind}.{holder}.{key} stored in clear");
            }
            let fqn = created["fullyQualifiedName"].as_str().unwrap();
            let reads = [
                format!("/api/v1/{collection}/{id}?fields=*"),
                format!("/api/v1/{collection}/name/{fqn}?fields=*"),
                format!("/api/v1/{collection}?limit=1000&fields=*"),
                format!("/api/v1/{collection}/{id}/versions"),
                format!("/api/v1/{collection}/{id}/versions/0.1"),
            ];
            for path in &reads {
                // 2. Masked for people; 3. in clear for the bot.
                for (caller, clear) in [(&admin, false), (&dana, false), (&bot, true)] {
                    let (status, body) = api(&s, "GET", path, caller, None).await;
                    assert_eq!(status, StatusCode::OK, "{path}: {body}");
                    let text = body.to_string();
                    assert!(!text.contains("fernet:"), "{path}: ciphertext shown");
                    for (value, key) in &secrets {
                        assert_eq!(
                            text.contains(value.as_str()),
                            clear,
                            "{kind}.{holder}.{key} at {path}, bot: {clear}"
                        );
                    }
                    if !clear {
                        assert!(text.contains(MASK), "{path}: masked for people");
                    }
                }
            }
            // 4. A person sending the mask back (as a UI does) keeps every secret.
            let (_, shown) = api(&s, "GET", &format!("/api/v1/{collection}/{id}?fields=*"), &admin, None).await;
            let mut resent = request.clone();
            resent[*holder] = shown[*holder].clone();
            let (status, _) = api(&s, "PUT", &format!("/api/v1/{collection}"), &admin, Some(resent)).await;
            assert_eq!(status, StatusCode::OK);
            let (_, for_bot) = api(&s, "GET", &format!("/api/v1/{collection}/{id}?fields=*"), &bot, None).await;
            for (value, key) in &secrets {
                assert!(for_bot.to_string().contains(value.as_str()), "{kind}.{holder}.{key} lost under a mask");
            }
        }
    }
}

/// A caller who may create services but not edit them learns nothing about a stored password
/// from a PUT: the stored password and another one get the same 403 (attack review finding 9).
#[tokio::test]
async fn a_put_is_no_password_oracle() {
    let s = server_on(&None, KEY_A).await;
    let bot = bot_token(&s).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, _) =
        api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(postgres_service(PASSWORD, "d"))).await;
    assert_eq!(status, StatusCode::CREATED);
    let policy = json!({"name": "ServiceCreators", "rules": [{"name": "create", "resources": ["databaseService"],
        "operations": ["Create", "ViewBasic"], "effect": "allow"}]});
    assert_eq!(api(&s, "POST", "/api/v1/policies", &admin, Some(policy)).await.0, StatusCode::CREATED);
    let role = json!({"name": "ServiceCreator", "policies": ["ServiceCreators"]});
    assert_eq!(api(&s, "POST", "/api/v1/roles", &admin, Some(role)).await.0, StatusCode::CREATED);
    let user = json!({"name": "carl", "email": "carl@open-metadata.org", "roles": ["ServiceCreator"]});
    assert_eq!(api(&s, "POST", "/api/v1/users", &admin, Some(user)).await.0, StatusCode::CREATED);
    let carl = session(&s, "carl", "carl@open-metadata.org");
    let right = api(&s, "PUT", "/api/v1/services/databaseServices", &carl, Some(postgres_service(PASSWORD, "d"))).await;
    let wrong = api(&s, "PUT", "/api/v1/services/databaseServices", &carl, Some(postgres_service("guess", "d"))).await;
    assert_eq!(right.0, StatusCode::FORBIDDEN, "{}", right.1);
    assert_eq!(right, wrong, "the same answer whatever the guess");
    let (status, _) = api(
        &s,
        "PUT",
        "/api/v1/services/databaseServices",
        &carl,
        Some(json!({"name": "carls_own", "serviceType": "Mysql", "connection": {"config": {"hostPort": "h:1"}}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "creating stays allowed");
}
