//! Evaluating a parsed condition against what is known about the request.

use super::{Condition, Function};

/// The facts a condition can ask about: the subject, the resource, and how they relate.
pub trait Facts {
    fn is_owner(&self) -> bool;
    fn has_owner(&self) -> bool;
    /// The resource's owning team is one of the subject's teams.
    fn match_team(&self) -> bool;
    /// The subject and the resource share a domain.
    fn has_domain(&self) -> bool;
    fn has_role(&self, role: &str) -> bool;
    fn in_team(&self, team: &str) -> bool;
    fn has_tag(&self, tag: &str) -> bool;
}

impl Condition {
    pub fn evaluate(&self, facts: &dyn Facts) -> bool {
        match self {
            Condition::Not(inner) => !inner.evaluate(facts),
            Condition::And(a, b) => a.evaluate(facts) && b.evaluate(facts),
            Condition::Or(a, b) => a.evaluate(facts) || b.evaluate(facts),
            Condition::Call(function) => match function {
                Function::IsOwner => facts.is_owner(),
                Function::NoOwner => !facts.has_owner(),
                Function::MatchTeam => facts.match_team(),
                Function::HasDomain => facts.has_domain(),
                Function::HasAnyRole(roles) => roles.iter().any(|r| facts.has_role(r)),
                Function::InAnyTeam(teams) => teams.iter().any(|t| facts.in_team(t)),
                Function::MatchAnyTag(tags) => tags.iter().any(|t| facts.has_tag(t)),
                Function::MatchAllTags(tags) => tags.iter().all(|t| facts.has_tag(t)),
            },
        }
    }
}

/// Facts for a request about a kind of resource rather than one entity (lists, creation): what is
/// known of the subject (roles, teams), and no owner, tags, team or domain of an entity.
pub struct NoEntity<'a>(pub &'a crate::Subject);

impl Facts for NoEntity<'_> {
    fn is_owner(&self) -> bool {
        false
    }
    fn has_owner(&self) -> bool {
        false
    }
    fn match_team(&self) -> bool {
        false
    }
    fn has_domain(&self) -> bool {
        false
    }
    fn has_role(&self, role: &str) -> bool {
        self.0.roles.iter().any(|r| r == role)
    }
    fn in_team(&self, team: &str) -> bool {
        self.0.teams.iter().any(|t| t == team)
    }
    fn has_tag(&self, _: &str) -> bool {
        false
    }
}

/// Facts about one entity that has owners and tags (a data asset, a user: its own owner): the
/// subject owns it as a listed user or as a member of a listed team (team ownership feeds
/// `isOwner()` as well as `matchTeam()`).
pub struct Owned<'a> {
    pub subject: &'a crate::Subject,
    /// (`user` | `team`, name) of each owner.
    pub owners: &'a [(String, String)],
    pub tags: &'a [String],
}

impl Owned<'_> {
    fn owning_team(&self) -> bool {
        self.owners.iter().any(|(kind, name)| kind == "team" && self.subject.teams.iter().any(|t| t == name))
    }
}

impl Facts for Owned<'_> {
    fn is_owner(&self) -> bool {
        self.owners.iter().any(|(kind, name)| kind == "user" && *name == self.subject.name) || self.owning_team()
    }
    fn has_owner(&self) -> bool {
        !self.owners.is_empty()
    }
    fn match_team(&self) -> bool {
        self.owning_team()
    }
    fn has_domain(&self) -> bool {
        false
    }
    fn has_role(&self, role: &str) -> bool {
        NoEntity(self.subject).has_role(role)
    }
    fn in_team(&self, team: &str) -> bool {
        NoEntity(self.subject).in_team(team)
    }
    fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// Facts given as plain values: for callers that know them up front, tests and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub owner: bool,
    pub has_owner: bool,
    pub match_team: bool,
    pub has_domain: bool,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub tags: Vec<String>,
}

impl Facts for Known {
    fn is_owner(&self) -> bool {
        self.owner
    }
    fn has_owner(&self) -> bool {
        self.has_owner || self.owner
    }
    fn match_team(&self) -> bool {
        self.match_team
    }
    fn has_domain(&self) -> bool {
        self.has_domain
    }
    fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
    fn in_team(&self, team: &str) -> bool {
        self.teams.iter().any(|t| t == team)
    }
    fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}
