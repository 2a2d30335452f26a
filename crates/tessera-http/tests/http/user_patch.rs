//! `PATCH /api/v1/users/{id}`: people edit their own profile and join Group teams; admin flags,
//! bot flags and roles are for admins (even with value-less operations); editing someone else
//! needs the operations the policies give; identity fields never change.

use crate::accounts::{api, data_consumer, session};
use crate::patch::patch;
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// On `s`: an admin, dana (a DataConsumer), a Group and a Department team; (admin's token, dana's
/// token, dana's path).
async fn setup(s: &Server) -> (String, String, String) {
    let admin = session(s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(s, &admin).await;
    let (_, me) = api(s, "GET", "/api/v1/users/loggedInUser", &dana, None).await;
    for (name, team_type) in [("analysts", "Group"), ("finance", "Department")] {
        let team = json!({"name": name, "teamType": team_type});
        assert_eq!(api(s, "PUT", "/api/v1/teams", &admin, Some(team)).await.0, StatusCode::CREATED);
    }
    (admin, dana, format!("/api/v1/users/{}", me["id"].as_str().unwrap()))
}

fn team_names(user: &Value) -> Vec<&str> {
    user["teams"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect()
}

#[tokio::test]
async fn people_edit_their_own_profile_and_join_groups() {
    for s in crate::each_store("up").await {
        people_edit_their_own_profile_and_join_groups_on(s).await;
    }
}

async fn people_edit_their_own_profile_and_join_groups_on(s: Server) {
    let (_, dana, me) = setup(&s).await;
    let edit = json!([
        {"op": "add", "path": "/displayName", "value": "Dana S."},
        {"op": "add", "path": "/description", "value": "Analyst"},
        {"op": "replace", "path": "/name", "value": "root"},
        {"op": "replace", "path": "/email", "value": "root@open-metadata.org"},
    ]);
    let (status, edited) = patch(&s, &me, &dana, edit).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (
            edited["displayName"].as_str(),
            edited["description"].as_str(),
            edited["name"].as_str(),
            edited["email"].as_str()
        ),
        (Some("Dana S."), Some("Analyst"), Some("dana"), Some("dana@open-metadata.org")),
        "identity fields do not change: {edited}"
    );
    assert_eq!(edited["version"].as_f64(), Some(0.2));
    let (_, analysts) = api(&s, "GET", "/api/v1/teams/name/analysts", &dana, None).await;
    let join = |id: &Value| json!([{"op": "add", "path": "/teams/0", "value": {"id": id, "type": "team"}}]);
    let (status, joined) = patch(&s, &me, &dana, join(&analysts["id"])).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert!(team_names(&joined).contains(&"analysts"), "{joined}");
    let (status, again) = patch(&s, &me, &dana, join(&analysts["id"])).await;
    assert_eq!(
        (status, again["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("User 'dana' is already part of the team 'analysts'"))
    );
    let (_, finance) = api(&s, "GET", "/api/v1/teams/name/finance", &dana, None).await;
    let (status, answer) = patch(&s, &me, &dana, join(&finance["id"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["message"], "Team is of type Department. Users can be updated only in team of type Group.");
}

#[tokio::test]
async fn admin_flags_and_roles_are_for_admins() {
    for s in crate::each_store("up").await {
        admin_flags_and_roles_are_for_admins_on(s).await;
    }
}

async fn admin_flags_and_roles_are_for_admins_on(s: Server) {
    let (admin, dana, me) = setup(&s).await;
    let not_admin = "Principal: CatalogPrincipal{name='dana'} is not admin";
    for ops in [
        json!([{"op": "replace", "path": "/isAdmin", "value": true}]),
        json!([{"op": "remove", "path": "/isAdmin"}]),
        json!([{"op": "replace", "path": "/isBot", "value": true}]),
        json!([{"op": "add", "path": "/roles/0", "value": {"name": "DataSteward", "type": "role"}}]),
        json!([{"op": "copy", "from": "/roles", "path": "/teams"}]),
    ] {
        let (status, answer) = patch(&s, &me, &dana, ops.clone()).await;
        assert_eq!((status, answer["message"].as_str()), (StatusCode::FORBIDDEN, Some(not_admin)), "{ops}");
    }
    let (_, unchanged) = api(&s, "GET", &me, &admin, None).await;
    assert_eq!((unchanged["isAdmin"].as_bool(), unchanged["version"].as_f64()), (Some(false), Some(0.1)));
    let grant = json!([{"op": "add", "path": "/roles/0", "value": {"name": "DataSteward", "type": "role"}}]);
    let (status, steward) = patch(&s, &me, &admin, grant).await;
    assert_eq!(status, StatusCode::OK, "{steward}");
    assert!(steward["roles"].as_array().unwrap().iter().any(|r| r["name"] == "DataSteward"), "{steward}");
    let (status, bot) = patch(&s, &me, &admin, json!([{"op": "replace", "path": "/isBot", "value": true}])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bot}");
}

#[tokio::test]
async fn someone_elses_profile_needs_the_operations_and_strangers_get_nothing() {
    for s in crate::each_store("up").await {
        someone_elses_profile_needs_the_operations_and_strangers_get_nothing_on(s).await;
    }
}

async fn someone_elses_profile_needs_the_operations_and_strangers_get_nothing_on(s: Server) {
    let (admin, dana, _) = setup(&s).await;
    let erin = json!({"name": "erin", "email": "erin@open-metadata.org"});
    let (_, erin) = api(&s, "POST", "/api/v1/users", &admin, Some(erin)).await;
    let theirs = format!("/api/v1/users/{}", erin["id"].as_str().unwrap());
    let (status, answer) =
        patch(&s, &theirs, &dana, json!([{"op": "add", "path": "/displayName", "value": "E"}])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["message"], "Principal: CatalogPrincipal{name='dana'} operations [EditDisplayName] not allowed");
    // DataConsumerPolicy gives EditDescription on everything, people included (as the original).
    let (status, _) = patch(&s, &theirs, &dana, json!([{"op": "add", "path": "/description", "value": "d"}])).await;
    assert_eq!(status, StatusCode::OK);
    // The ingestion bot may edit everything in the catalog, but not people.
    let bot = crate::catalog::bot_token(&s).await;
    let (status, answer) =
        patch(&s, &theirs, &bot, json!([{"op": "add", "path": "/description", "value": "bot"}])).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("bots do not edit people"), "{answer}");
    let forged = session(&server(&[]).await, "erin", "erin@open-metadata.org");
    let rename = json!([{"op": "add", "path": "/displayName", "value": "forged"}]);
    assert_eq!(patch(&s, &theirs, &forged, rename.clone()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        patch(&s, "/api/v1/users/0b6f6a30-0000-4000-8000-00000000dead", &admin, rename).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, answer) = patch(&s, &theirs, &admin, json!({"displayName": "not a patch"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (_, read) = api(&s, "GET", &theirs, &admin, None).await;
    assert_eq!((read["displayName"].as_str(), read["description"].as_str()), (None, Some("d")), "{read}");
}

#[tokio::test]
async fn people_set_their_own_picture_and_time_zone_and_nothing_unsafe_is_kept() {
    for s in crate::each_store("up").await {
        people_set_their_own_picture_and_time_zone_and_nothing_unsafe_is_kept_on(s).await;
    }
}

async fn people_set_their_own_picture_and_time_zone_and_nothing_unsafe_is_kept_on(s: Server) {
    let (admin, dana, me) = setup(&s).await;
    let picture =
        json!({"images": {"image": "https://img.example.com/dana.png", "image24": "https://img.example.com/d24.png"}});
    let edit = json!([
        {"op": "add", "path": "/profile", "value": picture},
        {"op": "add", "path": "/timezone", "value": "Europe/Paris"},
    ]);
    let (status, edited) = patch(&s, &me, &dana, edit).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!((&edited["profile"], edited["timezone"].as_str()), (&picture, Some("Europe/Paris")));
    let (_, read) = api(&s, "GET", "/api/v1/users/loggedInUser", &dana, None).await;
    assert_eq!((&read["profile"], read["timezone"].as_str()), (&picture, Some("Europe/Paris")), "stored: {read}");
    let version = read["version"].clone();

    for (bad, says) in [
        (
            json!([{"op": "replace", "path": "/profile/images/image", "value": "javascript:alert(1)"}]),
            "http or https URL",
        ),
        (
            json!([{"op": "add", "path": "/profile/subscription", "value": {"slack": {"endpoint": "http://10.0.0.1/"}}}]),
            "sends no notifications",
        ),
        (json!([{"op": "replace", "path": "/timezone", "value": "<b>"}]), "time zone name"),
    ] {
        let (status, answer) = patch(&s, &me, &dana, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{bad}: {answer}");
    }
    let (_, unchanged) = api(&s, "GET", "/api/v1/users/loggedInUser", &dana, None).await;
    assert_eq!((&unchanged["profile"], &unchanged["version"]), (&picture, &version), "refusals change nothing");
    // Someone else's picture is theirs: a data consumer may not change it; an admin may.
    let erin = json!({"name": "erin", "email": "erin@open-metadata.org"});
    let (_, erin) = api(&s, "POST", "/api/v1/users", &admin, Some(erin)).await;
    let theirs = format!("/api/v1/users/{}", erin["id"].as_str().unwrap());
    let put_picture = json!([{"op": "add", "path": "/profile", "value": picture}]);
    assert_eq!(patch(&s, &theirs, &dana, put_picture.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(patch(&s, &theirs, &admin, put_picture).await.0, StatusCode::OK);
    // Removing them clears them.
    let clear = json!([{"op": "remove", "path": "/profile"}, {"op": "remove", "path": "/timezone"}]);
    let (status, cleared) = patch(&s, &me, &dana, clear).await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert!(cleared.get("profile").is_none() && cleared.get("timezone").is_none(), "{cleared}");
    assert!(cleared["version"].as_f64() > version.as_f64(), "refused edits changed nothing, this one did");
}
