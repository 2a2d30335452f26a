//! Two Tessera processes on one PostgreSQL database, sharing one signing key: a bot token
//! regenerated on one is refused by the other within a second, with no database query per request.

use crate::support::*;
use serde_json::Value;

/// A new, empty database on the test command's PostgreSQL (`None`, skipped, without one).
pub fn fresh_postgres_database() -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(tessera_store::testing::fresh_postgres_database("replicas"))
}

/// Two servers on one fresh database, the second with the first's generated key pair (`None`
/// without PostgreSQL).
fn two_replicas() -> Option<(Env, Server, Env, Server)> {
    let database = fresh_postgres_database()?;
    let first = Env::new().set("DATABASE_URL", &database);
    let a = first.serve();
    let keys = first.data_dir();
    let second = Env::new()
        .set("DATABASE_URL", &database)
        .set("RSA_PRIVATE_KEY_FILE_PATH", keys.join("jwt_private_key.der").to_str().unwrap())
        .set("RSA_PUBLIC_KEY_FILE_PATH", keys.join("jwt_public_key.der").to_str().unwrap());
    let b = second.serve();
    Some((first, a, second, b))
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn revocation_reaches_the_other_replica_within_a_second() {
    let Some((first, a, second, b)) = two_replicas() else { return };
    let keys = first.data_dir();

    // An admin session token signed with the shared key, as Tessera issues them.
    let auth = format!("Bearer {}", admin_token(&keys));
    let headers = [("Authorization", auth.as_str())];

    let (status, bot) = get_with(&format!("{}/api/v1/bots/name/ingestion-bot", b.api), &headers).unwrap();
    assert_eq!(status, 200, "{bot}");
    let id = json(&bot)["botUser"]["id"].as_str().unwrap().to_string();
    let (_, mechanism) = get_with(&format!("{}/api/v1/users/token/{id}", a.api), &headers).unwrap();
    let old = json(&mechanism)["JWTToken"].as_str().unwrap().to_string();
    let old_auth = format!("Bearer {old}");
    for server in [&a, &b] {
        let (status, body) =
            get_with(&format!("{}/api/v1/users/loggedInUser", server.api), &[("Authorization", &old_auth)]).unwrap();
        assert_eq!(status, 200, "{body}");
    }

    let (status, body) = send(
        "PUT",
        &format!("{}/api/v1/users/generateToken/{id}", a.api),
        &headers,
        Some(r#"{"JWTTokenExpiry":"Unlimited"}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let new = json(&body)["JWTToken"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_secs(1));
    let (status, body) =
        get_with(&format!("{}/api/v1/users/loggedInUser", b.api), &[("Authorization", &old_auth)]).unwrap();
    assert_eq!(status, 401, "the old token must be refused on the other replica within a second: {body}");
    assert!(body.contains("does not match the current bot's token"), "{body}");
    let (status, _) =
        get_with(&format!("{}/api/v1/users/loggedInUser", b.api), &[("Authorization", &format!("Bearer {new}"))])
            .unwrap();
    assert_eq!(status, 200);

    // The token from the CLI is the current one.
    let output = second.run(&["token", "bot", "ingestion-bot"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), new);

    // A role granted on one replica decides on the other within a second (cached subjects dropped).
    let ron = r#"{"name": "ron", "email": "ron@open-metadata.org"}"#;
    let (status, body) = send("POST", &format!("{}/api/v1/users", a.api), &headers, Some(ron)).unwrap();
    assert_eq!(status, 201, "{body}");
    let ron_token = session_token(&keys, "ron", "ron@open-metadata.org");
    let ron_auth = format!("Bearer {ron_token}");
    // Tessera's own tokens name live users; the other replica learns of ron within a poll.
    std::thread::sleep(std::time::Duration::from_secs(1));
    let lineage_on_b = || {
        let (status, body) =
            get_with(&format!("{}/api/v1/permissions/table", b.api), &[("Authorization", &ron_auth)]).unwrap();
        assert_eq!(status, 200, "{body}");
        let permissions = json(&body)["permissions"].as_array().unwrap().clone();
        permissions.iter().find(|p| p["operation"] == "EditLineage").unwrap()["access"].as_str().unwrap().to_string()
    };
    assert_eq!(lineage_on_b(), "conditionalAllow", "only as an owner (OrganizationPolicy)");
    let steward = r#"{"name": "ron", "email": "ron@open-metadata.org", "roles": ["DataSteward"]}"#;
    let (status, body) = send("PUT", &format!("{}/api/v1/users", a.api), &headers, Some(steward)).unwrap();
    assert_eq!(status, 200, "{body}");
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(lineage_on_b(), "allow", "the other replica must see the new role within a second");
}

/// A token made on one replica works on the other at once, before the other's next poll of the
/// change feed (found by bench/soak.py: a new personal token got 401 `personal_token_revoked` on
/// the other replica for up to a poll interval).
#[test]
fn a_token_made_on_one_replica_works_on_the_other_at_once() {
    let Some((first, a, _second, b)) = two_replicas() else { return };
    let keys = first.data_dir();
    let admin = format!("Bearer {}", admin_token(&keys));
    let headers = [("Authorization", admin.as_str())];
    let logged_in_on_b = |token: &str| {
        get_with(&format!("{}/api/v1/users/loggedInUser", b.api), &[("Authorization", &format!("Bearer {token}"))])
            .unwrap()
    };

    for round in 0..5 {
        let body = format!(r#"{{"tokenName": "at-once-{round}", "JWTTokenExpiry": "7"}}"#);
        let (status, made) =
            send("PUT", &format!("{}/api/v1/users/security/token", a.api), &headers, Some(&body)).unwrap();
        assert_eq!(status, 200, "{made}");
        let token = json(&made)["jwtToken"].as_str().unwrap().to_string();
        let (status, body) = logged_in_on_b(&token);
        assert_eq!(status, 200, "a personal token made on a must work on b at once (round {round}): {body}");
    }

    let (status, bot) = get_with(&format!("{}/api/v1/bots/name/ingestion-bot", a.api), &headers).unwrap();
    assert_eq!(status, 200, "{bot}");
    let id = json(&bot)["botUser"]["id"].as_str().unwrap().to_string();
    let (status, body) = send(
        "PUT",
        &format!("{}/api/v1/users/generateToken/{id}", a.api),
        &headers,
        Some(r#"{"JWTTokenExpiry":"Unlimited"}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, body) = logged_in_on_b(json(&body)["JWTToken"].as_str().unwrap());
    assert_eq!(status, 200, "a bot token regenerated on a must work on b at once: {body}");

    let (status, body) = send(
        "POST",
        &format!("{}/api/v1/users", a.api),
        &headers,
        Some(r#"{"name": "nina", "email": "nina@open-metadata.org"}"#),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    let (status, body) = logged_in_on_b(&session_token(&keys, "nina", "nina@open-metadata.org"));
    assert_eq!(status, 200, "a user created on a is known on b at once: {body}");

    // What stays refused is still refused after catching up.
    let (status, body) = logged_in_on_b(&session_token(&keys, "nobody", "nobody@open-metadata.org"));
    assert_eq!(status, 401, "{body}");
}

/// Each replica keeps its own search index, fed by the database's change feed: a table written on
/// one is found by the next search on the other, and an edit or a delete there too.
#[test]
fn a_write_on_one_replica_is_searchable_on_the_other() {
    let Some((first, a, _second, b)) = two_replicas() else { return };
    let admin = format!("Bearer {}", admin_token(&first.data_dir()));
    let headers = [("Authorization", admin.as_str())];
    let put = |path: &str, body: &str| {
        let (status, answer) = send("PUT", &format!("{}{path}", a.api), &headers, Some(body)).unwrap();
        assert!(status == 200 || status == 201, "{path}: {status} {answer}");
        json(&answer)
    };
    put(
        "/api/v1/services/databaseServices",
        r#"{"name": "wh", "serviceType": "Postgres", "connection": {"config": {"type": "Postgres", "username": "u", "hostPort": "h:5432", "authType": {"password": "p"}, "database": "d"}}}"#,
    );
    put("/api/v1/databases", r#"{"name": "d", "service": "wh"}"#);
    put("/api/v1/databaseSchemas", r#"{"name": "s", "database": "wh.d"}"#);
    let table = put(
        "/api/v1/tables",
        r#"{"name": "shipments", "databaseSchema": "wh.d.s", "description": "Parcels leaving the depot", "columns": [{"name": "id", "dataType": "INT"}]}"#,
    );
    let search = |q: &str| {
        let (status, body) =
            get_with(&format!("{}/api/v1/search/query?q={q}&index=table_search_index", b.api), &headers).unwrap();
        assert_eq!(status, 200, "{body}");
        json(&body)["hits"]["total"]["value"].as_i64().unwrap()
    };
    assert_eq!(search("depot"), 1, "written on a, found on b by the next search");
    let id = table["id"].as_str().unwrap();
    let (status, _) = send("DELETE", &format!("{}/api/v1/tables/{id}?hardDelete=true", a.api), &headers, None).unwrap();
    assert_eq!(status, 200);
    assert_eq!(search("depot"), 0, "deleted on a, gone on b");
}
