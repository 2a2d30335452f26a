//! Classifications and tags (`/api/v1/classifications`, `/api/v1/tags`) with the 1.7 shapes: the
//! seeded ones, create, update, delete rules, and what a data consumer, a forged token and a bad
//! body get.

use crate::accounts::{api, data_consumer, session};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn names(list: &Value) -> Vec<&str> {
    list["data"].as_array().unwrap().iter().filter_map(|e| e["fullyQualifiedName"].as_str()).collect()
}

async fn admin_server() -> (Server, String) {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    (s, admin)
}

#[tokio::test]
async fn the_seeded_classifications_and_tags_are_there() {
    let (s, admin) = admin_server().await;
    let (status, list) = api(&s, "GET", "/api/v1/classifications?limit=100", &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    for name in ["PII", "PersonalData", "Tier", "Certification"] {
        assert!(names(&list).contains(&name), "{name} seeded: {list}");
    }
    let (_, pii) = api(&s, "GET", "/api/v1/classifications/name/PII", &admin, None).await;
    assert_eq!((pii["provider"].as_str(), pii["mutuallyExclusive"].as_bool()), (Some("system"), Some(true)), "{pii}");
    assert_eq!(pii["disabled"], false);
    let (_, tier) = api(&s, "GET", "/api/v1/classifications/name/Tier?fields=termCount", &admin, None).await;
    assert_eq!(tier["termCount"], 5, "{tier}");
    let (_, listed) = api(&s, "GET", "/api/v1/classifications?fields=termCount&limit=100", &admin, None).await;
    let pii = listed["data"].as_array().unwrap().iter().find(|c| c["name"] == "PII").unwrap();
    assert_eq!(pii["termCount"], 3);
    let (_, tiers) = api(&s, "GET", "/api/v1/tags?parent=Tier&limit=100", &admin, None).await;
    assert_eq!(names(&tiers), ["Tier.Tier1", "Tier.Tier2", "Tier.Tier3", "Tier.Tier4", "Tier.Tier5"]);
    let (status, sensitive) = api(&s, "GET", "/api/v1/tags/name/PII.Sensitive", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sensitive["classification"]["name"], "PII", "{sensitive}");
    assert_eq!(sensitive["classification"]["type"], "classification");
    assert!(sensitive["classification"]["href"].as_str().unwrap().contains("/api/v1/classifications/"));
    assert_eq!((sensitive["provider"].as_str(), sensitive["deprecated"].as_bool()), (Some("system"), Some(false)));
    let (_, gold) = api(&s, "GET", "/api/v1/tags/name/Certification.Gold", &admin, None).await;
    assert_eq!(gold["style"]["color"], "#FFD700");
    // A second start seeds nothing again and keeps an admin's edit.
    let patch = json!([{"op": "replace", "path": "/description", "value": "Ours"}]);
    let (status, _) =
        api(&s, "PATCH", &format!("/api/v1/tags/{}", sensitive["id"].as_str().unwrap()), &admin, Some(patch)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.state.seed_catalog().await.unwrap(), 0);
    let (_, again) = api(&s, "GET", "/api/v1/tags/name/PII.Sensitive", &admin, None).await;
    assert_eq!(again["description"], "Ours");
}

#[tokio::test]
async fn create_update_and_the_requests_mistakes() {
    let (s, admin) = admin_server().await;
    let created = json!({"name": "Quality", "description": "How good the data is", "mutuallyExclusive": true});
    let (status, quality) = api(&s, "POST", "/api/v1/classifications", &admin, Some(created.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{quality}");
    assert_eq!((quality["fullyQualifiedName"].as_str(), quality["provider"].as_str()), (Some("Quality"), Some("user")));
    let (status, _) = api(&s, "POST", "/api/v1/classifications", &admin, Some(created)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let tag =
        json!({"name": "Good", "description": "Checked", "classification": "Quality", "style": {"color": "#00aa00"}});
    let (status, good) = api(&s, "PUT", "/api/v1/tags", &admin, Some(tag.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{good}");
    assert_eq!(good["fullyQualifiedName"], "Quality.Good");
    let mut changed = tag.clone();
    changed["description"] = json!("Checked twice");
    let (status, good) = api(&s, "PUT", "/api/v1/tags", &admin, Some(changed)).await;
    assert_eq!((status, good["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{good}");
    // A dotted classification name is quoted in its tags' FQNs.
    let dotted = json!({"name": "a.b", "description": ""});
    assert_eq!(api(&s, "PUT", "/api/v1/classifications", &admin, Some(dotted)).await.0, StatusCode::CREATED);
    let (status, t) =
        api(&s, "PUT", "/api/v1/tags", &admin, Some(json!({"name": "c", "description": "", "classification": "a.b"})))
            .await;
    assert_eq!((status, t["fullyQualifiedName"].as_str()), (StatusCode::CREATED, Some("\"a.b\".c")), "{t}");

    for (body, status, says) in [
        (
            json!({"name": "X", "classification": "Quality"}),
            StatusCode::BAD_REQUEST,
            "description is required in CreateTag",
        ),
        (
            json!({"name": "X", "description": "", "classification": "Nope"}),
            StatusCode::NOT_FOUND,
            "classification instance for Nope not found",
        ),
        (
            json!({"name": "X", "description": ""}),
            StatusCode::BAD_REQUEST,
            "classification (the parent's fully qualified name) is required",
        ),
        (
            json!({"name": "X", "description": "", "classification": "Quality", "parent": "Quality.Good"}),
            StatusCode::BAD_REQUEST,
            "parent is not supported by Tessera yet",
        ),
        (
            json!({"name": "X", "description": "", "classification": "Quality", "style": {"colour": "red"}}),
            StatusCode::BAD_REQUEST,
            "style must be an object",
        ),
        (
            json!({"name": "X", "description": "", "classification": "Quality", "mutuallyExclusive": "yes"}),
            StatusCode::BAD_REQUEST,
            "mutuallyExclusive must be true or false",
        ),
        (json!(["not", "an", "object"]), StatusCode::BAD_REQUEST, "must be a JSON object"),
    ] {
        let (got, answer) = api(&s, "PUT", "/api/v1/tags", &admin, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{body}: {answer}");
    }
    let (_, list) = api(&s, "GET", "/api/v1/tags?parent=Quality", &admin, None).await;
    assert_eq!(names(&list), ["Quality.Good"], "nothing of the refused requests was stored");
}

/// On SQLite and PostgreSQL: the key ranges are compared by each database's own ordering.
#[tokio::test]
async fn deletes_keep_the_system_ones_and_only_touch_their_own_tags() {
    for s in crate::each_store("cl").await {
        let admin = session(&s, "admin", "admin@open-metadata.org");
        deletes_on(&s, &admin).await;
    }
}

async fn deletes_on(s: &Server, admin: &str) {
    let (_, pii) = api(s, "GET", "/api/v1/classifications/name/PII", admin, None).await;
    let (status, answer) = api(
        s,
        "DELETE",
        &format!("/api/v1/classifications/{}?hardDelete=true&recursive=true", pii["id"].as_str().unwrap()),
        admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["message"], "System entity [PII] of type classification can not be deleted.");

    // A service and a classification with the same name share their key range.
    let service = json!({"name": "Shared", "serviceType": "SQLite",
        "connection": {"config": {"type": "SQLite", "databaseMode": ":memory:"}}});
    assert_eq!(api(s, "PUT", "/api/v1/services/databaseServices", admin, Some(service)).await.0, StatusCode::CREATED);
    let (status, db) =
        api(s, "PUT", "/api/v1/databases", admin, Some(json!({"name": "db", "service": "Shared"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{db}");
    let (_, shared) =
        api(s, "PUT", "/api/v1/classifications", admin, Some(json!({"name": "Shared", "description": ""}))).await;
    let tag = json!({"name": "t", "description": "", "classification": "Shared"});
    assert_eq!(api(s, "PUT", "/api/v1/tags", admin, Some(tag)).await.0, StatusCode::CREATED);
    let id = shared["id"].as_str().unwrap();
    let (status, answer) = api(s, "DELETE", &format!("/api/v1/classifications/{id}"), admin, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "it has a tag: {answer}");
    let (status, _) = api(s, "DELETE", &format!("/api/v1/classifications/{id}?recursive=true"), admin, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, database) = api(s, "GET", "/api/v1/databases/name/Shared.db", admin, None).await;
    assert_eq!(
        (status, database["deleted"].as_bool()),
        (StatusCode::OK, Some(false)),
        "the service's database is untouched"
    );
    let (status, gone) = api(s, "GET", "/api/v1/tags/name/Shared.t?include=deleted", admin, None).await;
    assert_eq!((status, gone["deleted"].as_bool()), (StatusCode::OK, Some(true)), "{gone}");
    // Hard-deleting the service leaves the classification's tag alone, and the other way round.
    let (_, svc) = api(s, "GET", "/api/v1/services/databaseServices/name/Shared", admin, None).await;
    let path =
        format!("/api/v1/services/databaseServices/{}?hardDelete=true&recursive=true", svc["id"].as_str().unwrap());
    assert_eq!(api(s, "DELETE", &path, admin, None).await.0, StatusCode::OK);
    assert_eq!(api(s, "GET", "/api/v1/tags/name/Shared.t?include=all", admin, None).await.0, StatusCode::OK);
    let path = format!("/api/v1/classifications/{id}?hardDelete=true&recursive=true");
    assert_eq!(api(s, "DELETE", &path, admin, None).await.0, StatusCode::OK);
    assert_eq!(api(s, "GET", "/api/v1/tags/name/Shared.t?include=all", admin, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn readers_read_and_nobody_else_writes() {
    let (s, admin) = admin_server().await;
    let dana = data_consumer(&s, &admin).await;
    assert_eq!(api(&s, "GET", "/api/v1/tags/name/Tier.Tier1", &dana, None).await.0, StatusCode::OK);
    let body = json!({"name": "Mine", "description": ""});
    let (status, answer) = api(&s, "PUT", "/api/v1/classifications", &dana, Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    let (_, tier1) = api(&s, "GET", "/api/v1/tags/name/Tier.Tier1", &admin, None).await;
    // The seeded DataConsumer policy gives EditDescription on everything, not EditAll.
    let patch = json!([{"op": "replace", "path": "/mutuallyExclusive", "value": true}]);
    let path = format!("/api/v1/tags/{}", tier1["id"].as_str().unwrap());
    let (status, answer) = api(&s, "PATCH", &path, &dana, Some(patch.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // A token signed with another key, and no token at all.
    let other = server(&[]).await;
    let forged = session(&other, "admin", "admin@open-metadata.org");
    assert_eq!(api(&s, "PUT", "/api/v1/classifications", &forged, Some(body)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(api(&s, "PATCH", &path, &forged, Some(patch)).await.0, StatusCode::UNAUTHORIZED);
    let (_, list) = api(&s, "GET", "/api/v1/classifications?limit=100", &admin, None).await;
    assert!(!names(&list).contains(&"Mine"));
    let (_, again) = api(&s, "GET", &path, &admin, None).await;
    assert_eq!(
        (again["mutuallyExclusive"].as_bool(), again["version"].as_f64()),
        (Some(false), Some(0.1)),
        "unchanged"
    );
    let described = json!([{"op": "replace", "path": "/description", "value": "Dana's words"}]);
    assert_eq!(api(&s, "PATCH", &path, &dana, Some(described)).await.0, StatusCode::OK);
}
