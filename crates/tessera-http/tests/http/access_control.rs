//! Policies, roles and teams through the API: the seeded ones, admin-only changes with
//! validation (conditions with positions, references, hierarchy), and the condition check.

use crate::accounts::{api, session};
use crate::server;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn seeded_policies_roles_and_organization() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, roles) = api(&s, "GET", "/api/v1/roles?limit=100", &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{roles}");
    let names: Vec<&str> = roles["data"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["DataConsumer", "DataSteward", "DefaultBotRole", "IngestionBotRole"]);
    assert_eq!(roles["paging"]["total"], 4);

    let (status, policy) = api(&s, "GET", "/api/v1/policies/name/IngestionBotPolicy", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((policy["provider"].as_str(), policy["allowDelete"].as_bool()), (Some("system"), Some(false)));
    assert_eq!(policy["rules"][1]["name"], "DisplayName-Deny");
    assert_eq!(policy["rules"][1]["effect"], "deny");

    let (_, role) = api(&s, "GET", "/api/v1/roles/name/DataConsumer", &admin, None).await;
    assert_eq!(role["policies"][0]["name"], "DataConsumerPolicy");
    assert_eq!(role["policies"][0]["type"], "policy");
    assert_eq!(
        role["policies"][0]["id"],
        s.state.access.snapshot().rows.iter().find(|r| r.name == "DataConsumerPolicy").unwrap().id
    );

    let (_, org) = api(&s, "GET", "/api/v1/teams/name/Organization", &admin, None).await;
    assert_eq!(
        (org["teamType"].as_str(), org["defaultRoles"][0]["name"].as_str()),
        (Some("Organization"), Some("DataConsumer"))
    );
    assert_eq!(org["policies"][0]["name"], "OrganizationPolicy");

    // Seeded items cannot be deleted, even by an admin.
    let id = policy["id"].as_str().unwrap();
    let (status, body) = api(&s, "DELETE", &format!("/api/v1/policies/{id}"), &admin, None).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("system_entity")), "{body}");

    // A restart does not seed twice.
    s.state.access.seed().await.unwrap();
    let (_, again) = api(&s, "GET", "/api/v1/roles", &admin, None).await;
    assert_eq!(again["paging"]["total"], 4);
}

#[tokio::test]
async fn admins_create_policies_with_checked_conditions() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let policy = |condition: &str| {
        json!({"name": "FinanceOwners", "description": "owners edit", "rules": [
            {"name": "Edit", "resources": ["table"], "operations": ["EditAll"], "effect": "allow", "condition": condition}
        ]})
    };
    // A SpEL payload is refused with its position; nothing is stored.
    let (status, body) = api(
        &s,
        "POST",
        "/api/v1/policies",
        &admin,
        Some(policy("isOwner() && T(java.lang.Runtime).getRuntime().exec('id')")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("position 13"), "{body}");
    let (status, _) = api(&s, "GET", "/api/v1/policies/name/FinanceOwners", &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, created) = api(&s, "POST", "/api/v1/policies", &admin, Some(policy("isOwner()"))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!((created["version"].as_f64(), created["provider"].as_str()), (Some(0.1), Some("user")));
    let (status, _) = api(&s, "POST", "/api/v1/policies", &admin, Some(policy("isOwner()"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, updated) = api(&s, "PUT", "/api/v1/policies", &admin, Some(policy("noOwner()"))).await;
    assert_eq!((status, updated["version"].as_f64()), (StatusCode::OK, Some(0.2)));

    // Unknown operations and effects are named.
    let mut bad = policy("isOwner()");
    bad["rules"][0]["operations"] = json!(["Execute"]);
    let (status, body) = api(&s, "PUT", "/api/v1/policies", &admin, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("unknown operation \"Execute\""), "{body}");

    // Roles reference existing policies; teams existing parents, never themselves.
    let (status, body) =
        api(&s, "POST", "/api/v1/roles", &admin, Some(json!({"name": "R", "policies": ["Nope"]}))).await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::NOT_FOUND, Some("policy instance for Nope not found")));
    let (status, role) =
        api(&s, "POST", "/api/v1/roles", &admin, Some(json!({"name": "FinanceRole", "policies": ["FinanceOwners"]})))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let (status, team) = api(
        &s,
        "POST",
        "/api/v1/teams",
        &admin,
        Some(json!({"name": "Finance", "teamType": "Department", "defaultRoles": [role["id"]]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    assert_eq!(team["parents"][0]["name"], "Organization", "a team without parents hangs under Organization");
    let (status, _) =
        api(&s, "POST", "/api/v1/teams", &admin, Some(json!({"name": "Payroll", "parents": ["Finance"]}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) =
        api(&s, "PUT", "/api/v1/teams", &admin, Some(json!({"name": "Finance", "parents": ["Payroll"]}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("own ancestor"), "{body}");

    // User-made ones can be deleted.
    let id = role["id"].as_str().unwrap();
    let (status, deleted) = api(&s, "DELETE", &format!("/api/v1/roles/{id}"), &admin, None).await;
    assert_eq!((status, deleted["deleted"].as_bool()), (StatusCode::OK, Some(true)));
}

#[tokio::test]
async fn non_admins_read_but_cannot_change_access_control() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, _) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "alice", "email": "alice@open-metadata.org"})))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    let alice = session(&s, "alice", "alice@open-metadata.org");
    let (status, _) = api(&s, "GET", "/api/v1/policies", &alice, None).await;
    assert_eq!(status, StatusCode::OK);
    let body = json!({"name": "Mine", "rules": [{"name": "r", "resources": ["all"], "operations": ["All"], "effect": "allow"}]});
    let (status, refused) = api(&s, "POST", "/api/v1/policies", &alice, Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["message"], "Principal: CatalogPrincipal{name='alice'} is not admin");
    let (status, _) = api(
        &s,
        "PUT",
        "/api/v1/roles",
        &alice,
        Some(json!({"name": "DataConsumer", "policies": ["IngestionBotPolicy"]})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no granting yourself more through a seeded role");
}

#[tokio::test]
async fn condition_validation_endpoint() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, _) =
        api(&s, "GET", "/api/v1/policies/validation/condition/isOwner()%20%26%26%20noOwner()", &admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api(&s, "GET", "/api/v1/policies/validation/condition/isOwner(", &admin, None).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_condition")));
    assert!(body["message"].as_str().unwrap().contains("position 8"), "{body}");
}

#[tokio::test]
async fn roles_and_teams_of_users_only_from_admins() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (_, team) =
        api(&s, "POST", "/api/v1/teams", &admin, Some(json!({"name": "Finance", "defaultRoles": ["DataSteward"]})))
            .await;
    // A new user is in Organization and inherits its DataConsumer role.
    let (status, bob) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "bob", "email": "bob@open-metadata.org"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{bob}");
    assert_eq!(bob["teams"][0]["name"], "Organization");
    assert_eq!(bob["inheritedRoles"][0]["name"], "DataConsumer");
    assert_eq!(bob["roles"], json!([]));

    // Bob cannot give himself a role, not even through the sign-up path or an update of himself.
    let bob_token = session(&s, "bob", "bob@open-metadata.org");
    let me = json!({"name": "bob", "email": "bob@open-metadata.org", "roles": ["DataSteward"]});
    let (status, body) = api(&s, "PUT", "/api/v1/users", &bob_token, Some(me)).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::FORBIDDEN, Some("Principal: CatalogPrincipal{name='bob'} is not admin"))
    );
    let (_, unchanged) = api(&s, "GET", "/api/v1/users/loggedInUser", &bob_token, None).await;
    assert_eq!(unchanged["roles"], json!([]));

    // An admin puts him in Finance with a role; his loggedInUser shows it at once.
    let update =
        json!({"name": "bob", "email": "bob@open-metadata.org", "roles": ["DataSteward"], "teams": [team["id"]]});
    let (status, updated) = api(&s, "PUT", "/api/v1/users", &admin, Some(update)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, finance) = api(&s, "GET", "/api/v1/teams/name/Finance", &admin, None).await;
    assert_eq!((finance["userCount"].as_u64(), finance["users"][0]["name"].as_str()), (Some(1), Some("bob")));
    let (_, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &bob_token, None).await;
    assert_eq!(me["roles"][0]["name"], "DataSteward");
    assert_eq!(me["teams"][0]["name"], "Finance");
    let inherited: Vec<&str> =
        me["inheritedRoles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        inherited,
        ["DataConsumer"],
        "Finance's DataSteward is his own already; Organization's DataConsumer is inherited"
    );

    // Unknown roles are refused before anything is written.
    let bad = json!({"name": "carol", "email": "carol@open-metadata.org", "roles": ["Overlord"]});
    let (status, body) = api(&s, "POST", "/api/v1/users", &admin, Some(bad)).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("role instance for Overlord not found"))
    );
    let (status, _) = api(&s, "GET", "/api/v1/users/name/carol", &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no half-created user");

    // The ingestion bot shows its bot roles.
    let (_, bot) = api(&s, "GET", "/api/v1/users/name/ingestion-bot", &admin, None).await;
    let roles: Vec<&str> = bot["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(roles, ["DefaultBotRole", "IngestionBotRole"]);
}

#[tokio::test]
async fn own_permissions_per_resource() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, _) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "erin", "email": "erin@open-metadata.org"})))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    let erin = session(&s, "erin", "erin@open-metadata.org");
    let (status, table) = api(&s, "GET", "/api/v1/permissions/table", &erin, None).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    let access = |op: &str| {
        table["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == op).unwrap()["access"].clone()
    };
    assert_eq!(access("ViewBasic"), "allow");
    assert_eq!(access("EditDescription"), "allow");
    assert_eq!(access("Delete"), "conditionalAllow", "OrganizationPolicy: owners may delete");
    assert_eq!(access("Create"), "notAllow");
    let view = table["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == "ViewBasic").unwrap();
    assert_eq!((view["role"].as_str(), view["policy"].as_str()), (Some("DataConsumer"), Some("DataConsumerPolicy")));

    let (status, all) = api(&s, "GET", "/api/v1/permissions", &erin, None).await;
    assert_eq!(
        (status, all["paging"]["total"].as_i64()),
        (StatusCode::OK, Some(tessera_authz::permissions::RESOURCES.len() as i64))
    );
    assert_eq!(tessera_authz::permissions::RESOURCES.len(), 14, "every type Tessera serves");
    // Someone else's permissions: admins only.
    let (status, _) = api(&s, "GET", "/api/v1/permissions?user=admin", &erin, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, theirs) = api(&s, "GET", "/api/v1/permissions/table?user=erin", &admin, None).await;
    assert_eq!((status, theirs["permissions"][0]["access"].as_str().is_some()), (StatusCode::OK, true));
    let (_, mine) = api(&s, "GET", "/api/v1/permissions/table", &admin, None).await;
    assert!(mine["permissions"].as_array().unwrap().iter().all(|p| p["access"] == "allow"), "admins may do anything");
    let (status, body) = api(&s, "GET", "/api/v1/permissions/spaceship", &erin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn permissions_for_one_entity_evaluate_its_conditions() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (_, gina) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "gina", "email": "gina@open-metadata.org"})))
            .await;
    let token = session(&s, "gina", "gina@open-metadata.org");
    let access = |body: &serde_json::Value, op: &str| {
        body["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == op).unwrap()["access"].clone()
    };
    // Her own user: she owns it, so OrganizationPolicy's owner rule applies.
    let (status, mine) =
        api(&s, "GET", &format!("/api/v1/permissions/user/{}", gina["id"].as_str().unwrap()), &token, None).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(access(&mine, "EditDisplayName"), "allow");
    assert_eq!(access(&mine, "Delete"), "allow");
    // Someone else's: the owner rule does not apply.
    let (_, theirs) = api(&s, "GET", "/api/v1/permissions/user/name/admin", &token, None).await;
    assert_eq!(access(&theirs, "EditDisplayName"), "notAllow");
    assert_eq!(access(&theirs, "ViewBasic"), "allow");
    let (status, _) = api(&s, "GET", "/api/v1/permissions/team/name/Organization", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api(&s, "GET", "/api/v1/permissions/team/name/Nowhere", &token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Deleting a role is soft unless `hardDelete=true`, as the original: a soft-deleted role grants
/// nothing and is found only with `include=deleted|all`; saving its name again brings it back; a
/// hard delete removes it. Only admins delete, and the same request again makes no new version.
#[tokio::test]
async fn soft_deleted_roles_grant_nothing_until_restored() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let policy = json!({"name": "TableCreators", "rules": [
        {"name": "create", "resources": ["table"], "operations": ["Create"], "effect": "allow"}]});
    let (status, _) = api(&s, "POST", "/api/v1/policies", &admin, Some(policy)).await;
    assert_eq!(status, StatusCode::CREATED);
    let request = json!({"name": "Creators", "policies": ["TableCreators"]});
    let (_, role) = api(&s, "POST", "/api/v1/roles", &admin, Some(request.clone())).await;
    let (_, again) = api(&s, "PUT", "/api/v1/roles", &admin, Some(request.clone())).await;
    assert_eq!(again, role, "the same request again changes nothing");
    let erin = json!({"name": "erin", "email": "erin@open-metadata.org", "roles": ["Creators"]});
    let (status, _) = api(&s, "POST", "/api/v1/users", &admin, Some(erin)).await;
    assert_eq!(status, StatusCode::CREATED);
    let erin = session(&s, "erin", "erin@open-metadata.org");
    let may_create = async || {
        let (_, table) = api(&s, "GET", "/api/v1/permissions/table", &erin, None).await;
        let create = table["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == "Create").cloned();
        create.unwrap()["access"] == "allow"
    };
    assert!(may_create().await);
    let by_id = format!("/api/v1/roles/{}", role["id"].as_str().unwrap());

    let (status, refused) = api(&s, "DELETE", &by_id, &erin, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, soft) = api(&s, "DELETE", &by_id, &admin, None).await;
    assert_eq!((status, &soft["deleted"], &soft["version"]), (StatusCode::OK, &json!(true), &json!(0.2)), "{soft}");
    assert!(!may_create().await, "a soft-deleted role grants nothing");
    let (status, _) = api(&s, "GET", &by_id, &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = api(&s, "GET", "/api/v1/roles?include=deleted", &admin, None).await;
    assert_eq!(listed["data"][0]["name"], "Creators", "{listed}");
    let (status, kept) = api(&s, "GET", &format!("{by_id}?include=all"), &admin, None).await;
    assert_eq!((status, &kept["deleted"]), (StatusCode::OK, &json!(true)));
    let (status, bad) = api(&s, "GET", &format!("{by_id}?include=everything"), &admin, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

    let (status, restored) = api(&s, "PUT", "/api/v1/roles", &admin, Some(request)).await;
    assert_eq!((status, &restored["deleted"], &restored["id"]), (StatusCode::OK, &json!(false), &role["id"]));
    assert!(may_create().await, "restored");

    let (status, _) = api(&s, "DELETE", &format!("{by_id}?hardDelete=true"), &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api(&s, "GET", &format!("{by_id}?include=all"), &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "gone for good");
    assert!(!may_create().await);
}
