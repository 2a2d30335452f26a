//! Teams as the 1.7 client creates them: `CreateTeam.users` honoured (and checked before anything
//! is stored), the team types' parent rules with the original's texts, admins only.

use crate::accounts::{api, data_consumer, session};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn member_names(team: &Value) -> Vec<&str> {
    team["users"].as_array().unwrap().iter().filter_map(|u| u["name"].as_str()).collect()
}

/// An admin and dana (a DataConsumer) on `s`: (admin's token, dana's token, dana's id).
async fn with_dana(s: &Server) -> (String, String, String) {
    let admin = session(s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(s, &admin).await;
    let (_, me) = api(s, "GET", "/api/v1/users/loggedInUser", &dana, None).await;
    let dana_id = me["id"].as_str().unwrap().to_string();
    (admin, dana, dana_id)
}

#[tokio::test]
async fn create_team_users_become_members() {
    for s in crate::each_store("tm").await {
        create_team_users_become_members_on(s).await;
    }
}

async fn create_team_users_become_members_on(s: Server) {
    let (admin, dana, dana_id) = with_dana(&s).await;
    let dana_id = dana_id.as_str();
    let team = json!({"name": "analysts", "teamType": "Group", "users": [dana_id]});
    let (status, created) = api(&s, "POST", "/api/v1/teams", &admin, Some(team)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!((member_names(&created), created["userCount"].as_i64()), (vec!["dana"], Some(1)));
    assert!(created.get("provider").is_none(), "the 1.7 Team has no provider: {created}");
    let (_, dana_read) = api(&s, "GET", &format!("/api/v1/users/{dana_id}?fields=teams"), &admin, None).await;
    let teams: Vec<&str> = dana_read["teams"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(teams.contains(&"analysts"), "{dana_read}");
    // PUT with an empty list empties it; without `users` leaves the members alone.
    let (status, emptied) =
        api(&s, "PUT", "/api/v1/teams", &admin, Some(json!({"name": "analysts", "teamType": "Group", "users": []})))
            .await;
    assert_eq!((status, member_names(&emptied)), (StatusCode::OK, vec![]));
    let again = json!({"name": "analysts", "teamType": "Group", "users": ["dana"], "description": "by name"});
    assert_eq!(member_names(&api(&s, "PUT", "/api/v1/teams", &admin, Some(again)).await.1), ["dana"]);
    let (_, kept) = api(
        &s,
        "PUT",
        "/api/v1/teams",
        &admin,
        Some(json!({"name": "analysts", "teamType": "Group", "description": "x"})),
    )
    .await;
    assert_eq!(member_names(&kept), ["dana"]);

    let unknown = json!({"name": "ghosts", "teamType": "Group", "users": ["6f1e7d2c-0000-4000-8000-000000000000"]});
    let (status, answer) = api(&s, "POST", "/api/v1/teams", &admin, Some(unknown)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer["message"], "user instance for 6f1e7d2c-0000-4000-8000-000000000000 not found");
    assert_eq!(
        api(&s, "GET", "/api/v1/teams/name/ghosts", &admin, None).await.0,
        StatusCode::NOT_FOUND,
        "nothing stored"
    );
    // Only admins make teams; a token from elsewhere is not anyone here.
    let mine = json!({"name": "mine", "teamType": "Group", "users": [dana_id]});
    assert_eq!(api(&s, "POST", "/api/v1/teams", &dana, Some(mine.clone())).await.0, StatusCode::FORBIDDEN);
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(api(&s, "POST", "/api/v1/teams", &forged, Some(mine)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn team_types_follow_the_1_7_hierarchy() {
    for s in crate::each_store("tm").await {
        team_types_follow_the_1_7_hierarchy_on(s).await;
    }
}

async fn team_types_follow_the_1_7_hierarchy_on(s: Server) {
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let save = async |body: Value| api(&s, "PUT", "/api/v1/teams", &admin, Some(body)).await;
    assert_eq!(save(json!({"name": "sales", "teamType": "BusinessUnit"})).await.0, StatusCode::CREATED);
    assert_eq!(
        save(json!({"name": "emea", "teamType": "Division", "parents": ["sales"]})).await.0,
        StatusCode::CREATED
    );
    assert_eq!(save(json!({"name": "reps", "teamType": "Group", "parents": ["emea"]})).await.0, StatusCode::CREATED);
    for (body, message) in [
        (
            json!({"name": "x", "teamType": "Department", "parents": ["reps"]}),
            "Team reps of type Group can't be of parent of team x of type Department",
        ),
        (
            json!({"name": "x", "teamType": "Division", "parents": ["sales", "emea"]}),
            "Team of type Division can have only 1 parents",
        ),
        (
            json!({"name": "x", "teamType": "Organization"}),
            "Only one Organization is allowed. New Organization type can't be created",
        ),
        (
            json!({"name": "x", "teamType": "Squad"}),
            "teamType \"Squad\" is not one of Group, Department, Division, BusinessUnit, Organization",
        ),
        (
            json!({"name": "reps", "teamType": "Department", "parents": ["emea"]}),
            "Team of type Group cannot be updated",
        ),
    ] {
        let (status, answer) = save(body.clone()).await;
        assert_eq!((status, answer["message"].as_str()), (StatusCode::BAD_REQUEST, Some(message)), "{body}");
    }
    assert_eq!(api(&s, "GET", "/api/v1/teams/name/x", &admin, None).await.0, StatusCode::NOT_FOUND);
    let (_, reps) = api(&s, "GET", "/api/v1/teams/name/reps", &admin, None).await;
    assert_eq!(reps["teamType"], "Group", "unchanged");
}

#[tokio::test]
async fn members_are_set_and_removed_through_the_teams_users_paths() {
    for s in crate::each_store("tm").await {
        members_are_set_and_removed_through_the_teams_users_paths_on(s).await;
    }
}

async fn members_are_set_and_removed_through_the_teams_users_paths_on(s: Server) {
    let (admin, dana, dana_id) = with_dana(&s).await;
    let (_, group) =
        api(&s, "PUT", "/api/v1/teams", &admin, Some(json!({"name": "analysts", "teamType": "Group"}))).await;
    let (_, finance) =
        api(&s, "PUT", "/api/v1/teams", &admin, Some(json!({"name": "finance", "teamType": "Department"}))).await;
    let users = format!("/api/v1/teams/{}/users", group["id"].as_str().unwrap());
    let (status, set) = api(&s, "PUT", &users, &admin, Some(json!([{"id": dana_id, "type": "user"}]))).await;
    assert_eq!((status, member_names(&set)), (StatusCode::OK, vec!["dana"]), "{set}");
    // Unknown users, the wrong team type, a non-admin and a bad body change nothing.
    let ghost = json!([{"id": "6f1e7d2c-0000-4000-8000-000000000000", "type": "user"}]);
    assert_eq!(api(&s, "PUT", &users, &admin, Some(ghost)).await.0, StatusCode::NOT_FOUND);
    let (status, answer) =
        api(&s, "PUT", &format!("/api/v1/teams/{}/users", finance["id"].as_str().unwrap()), &admin, Some(json!([])))
            .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Team is of type Department. Users can be updated only in team of type Group."))
    );
    assert_eq!(api(&s, "PUT", &users, &dana, Some(json!([]))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(api(&s, "PUT", &users, &admin, Some(json!({"id": dana_id}))).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(member_names(&api(&s, "GET", "/api/v1/teams/name/analysts", &admin, None).await.1), ["dana"]);
    let (status, removed) = api(&s, "DELETE", &format!("{users}/{dana_id}"), &admin, None).await;
    assert_eq!((status, member_names(&removed)), (StatusCode::OK, vec![]), "{removed}");
}
