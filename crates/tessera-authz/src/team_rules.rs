//! The 1.7 team hierarchy: `Organization` → `BusinessUnit` / `Division` / `Department` → `Group`,
//! with the original's refusals (texts as 1.7 words them); `BusinessUnit` and `Division` have
//! exactly one parent.

use crate::manage::ManageError;
use crate::policy::ORGANIZATION;

pub const TEAM_TYPES: &[&str] = &["Group", "Department", "Division", "BusinessUnit", "Organization"];

/// The parent types a team of `team_type` may have.
fn allowed_parents(team_type: &str) -> &'static [&'static str] {
    match team_type {
        "BusinessUnit" => &["BusinessUnit", "Organization"],
        "Division" => &["Division", "BusinessUnit", "Organization"],
        "Department" | "Group" => &["Department", "Division", "BusinessUnit", "Organization"],
        _ => &[],
    }
}

fn invalid(message: String) -> ManageError {
    ManageError::Invalid(message)
}

/// Checks a team of `name` and `team_type` under `parents` (each with its type), when saved.
/// `existing_type` is the type it has now, if it exists; `has_children` whether teams sit under it.
pub fn check(
    name: &str,
    team_type: &str,
    parents: &[(String, String)],
    existing_type: Option<&str>,
    has_children: bool,
) -> Result<(), ManageError> {
    if !TEAM_TYPES.contains(&team_type) {
        return Err(invalid(format!("teamType {team_type:?} is not one of {}", TEAM_TYPES.join(", "))));
    }
    match existing_type {
        Some("Group") if team_type != "Group" => return Err(invalid("Team of type Group cannot be updated".into())),
        Some(_) if team_type == "Group" && has_children => {
            return Err(invalid("A team with children cannot be updated to type Group".into()));
        }
        _ => {}
    }
    if team_type == "Organization" {
        if name != ORGANIZATION {
            return Err(invalid("Only one Organization is allowed. New Organization type can't be created".into()));
        }
        if parents.iter().any(|(parent, _)| parent != ORGANIZATION) {
            return Err(invalid("Team of type Organization can't have a parent team".into()));
        }
        return Ok(());
    }
    if matches!(team_type, "BusinessUnit" | "Division") && parents.len() != 1 {
        return Err(invalid(format!("Team of type {team_type} can have only 1 parents")));
    }
    for (parent, parent_type) in parents {
        if !allowed_parents(team_type).contains(&parent_type.as_str()) {
            return Err(invalid(format!(
                "Team {parent} of type {parent_type} can't be of parent of team {name} of type {team_type}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    #[test]
    fn the_hierarchy_of_1_7() {
        let org = parents(&[("Organization", "Organization")]);
        for team_type in ["BusinessUnit", "Division", "Department", "Group"] {
            check("t", team_type, &org, None, false).unwrap();
        }
        let group = parents(&[("g", "Group")]);
        let err = check("t", "Department", &group, None, false).unwrap_err().to_string();
        assert_eq!(err, "Team g of type Group can't be of parent of team t of type Department");
        let two = parents(&[("a", "BusinessUnit"), ("b", "BusinessUnit")]);
        assert_eq!(
            check("t", "Division", &two, None, false).unwrap_err().to_string(),
            "Team of type Division can have only 1 parents"
        );
        check("t", "Department", &two, None, false).unwrap();
        assert!(
            check("Other", "Organization", &[], None, false)
                .unwrap_err()
                .to_string()
                .starts_with("Only one Organization")
        );
        assert!(check("t", "Team", &org, None, false).unwrap_err().to_string().contains("is not one of"));
        assert_eq!(
            check("t", "Department", &org, Some("Group"), false).unwrap_err().to_string(),
            "Team of type Group cannot be updated"
        );
        assert!(check("t", "Group", &org, Some("Department"), true).is_err());
    }
}
