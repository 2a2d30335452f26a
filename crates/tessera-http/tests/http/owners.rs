//! Owners on data assets: resolved to users and `Group` teams as 1.7 (unknown → 404, nothing
//! stored), and owning, directly or through a team, is what `isOwner()` asks: the owner edits
//! what the seeded OrganizationPolicy lets owners edit; a user who merely shares the team's name
//! does not.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::patch::patch;
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn user_id(s: &Server, admin: &str, name: &str) -> String {
    let (status, user) = api(s, "GET", &format!("/api/v1/users/name/{name}"), admin, None).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    user["id"].as_str().unwrap().to_string()
}

async fn setup() -> (Server, String, String) {
    let s = server(&[]).await;
    let (admin, dana) = setup_on(&s).await;
    (s, admin, dana)
}

/// An admin, dana (a DataConsumer) in Group team `analysts`, and the ingested catalog.
async fn setup_on(s: &Server) -> (String, String) {
    let admin = session(s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(s, &admin).await;
    let dana_id = user_id(s, &admin, "dana").await;
    let team = json!({"name": "analysts", "teamType": "Group", "users": [dana_id]});
    assert_eq!(api(s, "PUT", "/api/v1/teams", &admin, Some(team)).await.0, StatusCode::CREATED);
    ingest(s, &bot_token(s).await).await;
    (admin, dana)
}

fn schema(owners: Value) -> Value {
    json!({"name": "owned", "database": "local_sqlite.sample", "owners": owners})
}

#[tokio::test]
async fn owners_are_resolved_or_refused() {
    let (s, admin, _) = setup().await;
    let dana_id = user_id(&s, &admin, "dana").await;
    let (status, created) =
        api(&s, "PUT", "/api/v1/databaseSchemas", &admin, Some(schema(json!([{"id": dana_id, "type": "user"}])))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let owner = &created["owners"][0];
    assert_eq!(
        (owner["name"].as_str(), owner["fullyQualifiedName"].as_str(), owner["type"].as_str()),
        (Some("dana"), Some("dana"), Some("user"))
    );
    let (_, team) = api(&s, "GET", "/api/v1/teams/name/analysts", &admin, None).await;
    let (status, by_team) =
        api(&s, "PUT", "/api/v1/databaseSchemas", &admin, Some(schema(json!([{"id": team["id"], "type": "team"}]))))
            .await;
    assert_eq!((status, by_team["owners"][0]["name"].as_str()), (StatusCode::OK, Some("analysts")), "{by_team}");

    let department = json!({"name": "finance", "teamType": "Department"});
    let (_, finance) = api(&s, "PUT", "/api/v1/teams", &admin, Some(department)).await;
    let missing = "0b6f6a30-0000-4000-8000-000000000001";
    for (owners, status, message) in [
        (
            json!([{"id": missing, "type": "user"}]),
            StatusCode::NOT_FOUND,
            format!("user instance for {missing} not found"),
        ),
        (
            json!([{"id": missing, "type": "team"}]),
            StatusCode::NOT_FOUND,
            format!("team instance for {missing} not found"),
        ),
        (
            json!([{"id": finance["id"], "type": "team"}]),
            StatusCode::BAD_REQUEST,
            "Team of type Department can't own entities. Only Team of type Group can own entities.".to_string(),
        ),
        (
            json!([{"id": dana_id, "type": "bot"}]),
            StatusCode::BAD_REQUEST,
            "Entity of type bot can't be the owner. Only Team of type Group or a User can own entities.".to_string(),
        ),
    ] {
        let (got, answer) = api(&s, "PUT", "/api/v1/databaseSchemas", &admin, Some(schema(owners.clone()))).await;
        assert_eq!((got, answer["message"].as_str()), (status, Some(message.as_str())), "{owners}");
    }
    let (_, read) =
        api(&s, "GET", "/api/v1/databaseSchemas/name/local_sqlite.sample.owned?fields=owners", &admin, None).await;
    assert_eq!(
        (read["owners"][0]["name"].as_str(), read["version"].as_f64()),
        (Some("analysts"), Some(0.2)),
        "unchanged: {read}"
    );
}

#[tokio::test]
async fn a_member_of_the_owning_team_is_an_owner_and_a_namesake_is_not() {
    let (s, admin, dana) = setup().await;
    let (_, team) = api(&s, "GET", "/api/v1/teams/name/analysts", &admin, None).await;
    let (_, owned) =
        api(&s, "PUT", "/api/v1/databaseSchemas", &admin, Some(schema(json!([{"id": team["id"], "type": "team"}]))))
            .await;
    let path = format!("/api/v1/databaseSchemas/{}", owned["id"].as_str().unwrap());
    // DataConsumer alone does not give EditDisplayName; owning does (OrganizationPolicy-Owner-Rule).
    let rename = |name: &str| json!([{"op": "add", "path": "/displayName", "value": name}]);
    let (status, renamed) = patch(&s, &path, &dana, rename("Dana's")).await;
    assert_eq!((status, renamed["displayName"].as_str()), (StatusCode::OK, Some("Dana's")), "{renamed}");
    // A user named like the team is not a member of it.
    let namesake = json!({"name": "analysts", "email": "analysts@open-metadata.org"});
    assert_eq!(api(&s, "POST", "/api/v1/users", &admin, Some(namesake)).await.0, StatusCode::CREATED);
    let namesake = session(&s, "analysts", "analysts@open-metadata.org");
    // The permissions API says the same, for the web UI to show only what one may use.
    let access = async |token: &str, operation: &str| {
        let path = format!("/api/v1/permissions/databaseSchema/{}", owned["id"].as_str().unwrap());
        let (status, answer) = api(&s, "GET", &path, token, None).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let found = answer["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == operation).cloned();
        found.unwrap()["access"].as_str().unwrap().to_string()
    };
    assert_eq!(access(&dana, "EditDisplayName").await, "allow");
    assert_eq!(access(&namesake, "EditDisplayName").await, "notAllow");
    assert_eq!(access(&namesake, "EditDescription").await, "allow");
    let (status, answer) = patch(&s, &path, &namesake, rename("Mine")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // Nor may a non-owner take it over; a forged owner token is nobody.
    let claim = json!([{"op": "replace", "path": "/owners", "value": [{"id": user_id(&s, &admin, "analysts").await, "type": "user"}]}]);
    assert_eq!(patch(&s, &path, &namesake, claim.clone()).await.0, StatusCode::FORBIDDEN);
    let forged = session(&server(&[]).await, "dana", "dana@open-metadata.org");
    assert_eq!(patch(&s, &path, &forged, rename("Forged")).await.0, StatusCode::UNAUTHORIZED);
    let (_, read) = api(&s, "GET", &format!("{path}?fields=owners"), &admin, None).await;
    assert_eq!(
        (read["displayName"].as_str(), read["owners"][0]["name"].as_str()),
        (Some("Dana's"), Some("analysts")),
        "{read}"
    );
}

/// An asset without owners shows its nearest ancestor's, marked inherited, and they count as its
/// owners for edits; its own owners replace them.
#[tokio::test]
async fn owners_are_inherited_until_an_asset_has_its_own() {
    for s in crate::each_store("ow").await {
        let (admin, dana) = setup_on(&s).await;
        inheritance_on(&s, &admin, &dana).await;
    }
}

async fn inheritance_on(s: &Server, admin: &str, dana: &str) {
    let (_, team) = api(s, "GET", "/api/v1/teams/name/analysts", admin, None).await;
    let (_, owned) =
        api(s, "PUT", "/api/v1/databaseSchemas", admin, Some(schema(json!([{"id": team["id"], "type": "team"}]))))
            .await;
    assert_eq!(owned["owners"][0]["name"], "analysts");
    let table = json!({"name": "child", "databaseSchema": "local_sqlite.sample.owned", "columns": [{"name": "id", "dataType": "INT"}]});
    let (status, created) = api(s, "PUT", "/api/v1/tables", admin, Some(table)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/tables/{}", created["id"].as_str().unwrap());
    let (_, read) = api(s, "GET", &format!("{path}?fields=owners"), admin, None).await;
    assert_eq!(
        (read["owners"][0]["name"].as_str(), read["owners"][0]["inherited"].as_bool()),
        (Some("analysts"), Some(true)),
        "{read}"
    );
    // Without owners asked for, nothing is looked up or shown.
    let (_, lean) = api(s, "GET", &path, admin, None).await;
    assert!(lean.get("owners").is_none(), "{lean}");
    // A member of the inherited owner team edits what owners may; the namesake may not.
    let rename = |name: &str| json!([{"op": "add", "path": "/displayName", "value": name}]);
    assert_eq!(patch(s, &path, dana, rename("By dana")).await.0, StatusCode::OK);
    let namesake = json!({"name": "analysts", "email": "analysts@open-metadata.org"});
    assert_eq!(api(s, "POST", "/api/v1/users", admin, Some(namesake)).await.0, StatusCode::CREATED);
    let namesake = session(s, "analysts", "analysts@open-metadata.org");
    assert_eq!(patch(s, &path, &namesake, rename("Mine")).await.0, StatusCode::FORBIDDEN);
    // Its own owner replaces the inherited one (and is stored without the mark).
    let admin_id = user_id(s, admin, "admin").await;
    let own = json!([{"op": "add", "path": "/owners", "value": [{"id": admin_id, "type": "user"}]}]);
    let (status, mine) = patch(s, &path, admin, own).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(
        (mine["owners"][0]["name"].as_str(), mine["owners"][0].get("inherited")),
        (Some("admin"), None),
        "{mine}"
    );
    assert_eq!(patch(s, &path, dana, rename("Again")).await.0, StatusCode::FORBIDDEN, "no longer dana's team's");
}
