//! Policies, roles and teams as the authorizer sees them, and how a user's policies are collected
//! (compat §5.2): the user's roles; for people (not bots) also each team's policies and default
//! roles, up the hierarchy to `Organization` (a user in no team is in `Organization`).

use crate::Condition;
use crate::operation::Operation;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// Lower-case entity types, or `all`.
    pub resources: Vec<String>,
    pub operations: Vec<Operation>,
    pub effect: Effect,
    pub condition: Option<Condition>,
}

impl Rule {
    pub fn applies_to(&self, resource: &str) -> bool {
        self.resources.iter().any(|r| r.eq_ignore_ascii_case("all") || r.eq_ignore_ascii_case(resource))
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub rules: Vec<Rule>,
}

/// How a policy reached a subject; the original names it in its deny message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Role(String),
    Team(String),
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub via: Via,
    pub policy: Arc<Policy>,
}

#[derive(Debug, Clone, Default)]
pub struct TeamNode {
    pub parents: Vec<String>,
    pub default_roles: Vec<String>,
    pub policies: Vec<String>,
}

/// Every policy, role and team: a snapshot, rebuilt when any of them changes.
#[derive(Debug, Clone, Default)]
pub struct PolicyBook {
    pub policies: HashMap<String, Arc<Policy>>,
    /// Role name → its policies' names.
    pub roles: HashMap<String, Vec<String>>,
    pub teams: HashMap<String, TeamNode>,
}

pub const ORGANIZATION: &str = "Organization";

/// What the authorizer needs of a user.
#[derive(Debug, Clone, Default)]
pub struct Member<'a> {
    pub name: &'a str,
    pub is_admin: bool,
    pub is_bot: bool,
    pub roles: &'a [String],
    pub teams: &'a [String],
}

/// A user with the policies that apply to them, in evaluation order.
#[derive(Debug, Clone)]
pub struct Subject {
    pub name: String,
    pub is_admin: bool,
    pub is_bot: bool,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub grants: Vec<Grant>,
}

impl PolicyBook {
    pub fn subject(&self, member: &Member) -> Subject {
        let mut grants = Vec::new();
        let mut seen = HashSet::new();
        for role in member.roles {
            self.grant_role(role, &mut grants, &mut seen);
        }
        let mut team_names = Vec::new();
        if !member.is_bot {
            // Bots get their own roles only (compat §5.1).
            let direct: Vec<&str> = if member.teams.is_empty() {
                vec![ORGANIZATION]
            } else {
                member.teams.iter().map(String::as_str).collect()
            };
            let mut queue: std::collections::VecDeque<&str> = direct.into_iter().collect();
            let mut visited = HashSet::new();
            while let Some(team) = queue.pop_front() {
                if !visited.insert(team.to_string()) {
                    continue; // a cycle in bad data must not loop forever
                }
                team_names.push(team.to_string());
                let Some(node) = self.teams.get(team) else { continue };
                for policy in &node.policies {
                    if let Some(policy) = self.policies.get(policy)
                        && seen.insert((Via::Team(team.to_string()), policy.name.clone()))
                    {
                        grants.push(Grant { via: Via::Team(team.to_string()), policy: policy.clone() });
                    }
                }
                for role in &node.default_roles {
                    self.grant_role(role, &mut grants, &mut seen);
                }
                queue.extend(node.parents.iter().map(String::as_str));
            }
        }
        Subject {
            name: member.name.to_string(),
            is_admin: member.is_admin,
            is_bot: member.is_bot,
            roles: member.roles.to_vec(),
            teams: team_names,
            grants,
        }
    }

    fn grant_role(&self, role: &str, grants: &mut Vec<Grant>, seen: &mut HashSet<(Via, String)>) {
        for policy in self.roles.get(role).into_iter().flatten() {
            if let Some(policy) = self.policies.get(policy)
                && seen.insert((Via::Role(role.to_string()), policy.name.clone()))
            {
                grants.push(Grant { via: Via::Role(role.to_string()), policy: policy.clone() });
            }
        }
    }
}

impl std::hash::Hash for Via {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Via::Role(n) => (0u8, n).hash(state),
            Via::Team(n) => (1u8, n).hash(state),
        }
    }
}
