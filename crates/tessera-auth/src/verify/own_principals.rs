//! The principals of Tessera's own tokens, shared between tokens. A user's new token names the
//! same principal as their previous one, so the principal of a known user's token seen for the
//! first time is a lookup by the claim it is derived from, rather than derived again (lower-cased,
//! allocated, then freed with the verified-token cache's entry).
//!
//! Only for tokens whose principal depends on nothing but that claim and `isBot` (Tessera's own,
//! without a claims mapping for users); the configuration is fixed for the verifier's life.

use super::principal::Principal;
use std::sync::Arc;
use tessera_store::BoundedMap;

/// Bounded like the verified-token cache: emptied when full.
const CAPACITY: usize = 10_000;

pub struct OwnPrincipals {
    /// By the principal claim's value; users' at index 0, bots' at index 1.
    by_claim: [BoundedMap<Box<str>, Arc<Principal>, foldhash::fast::RandomState>; 2],
}

impl Default for OwnPrincipals {
    fn default() -> Self {
        Self { by_claim: [BoundedMap::new(CAPACITY), BoundedMap::new(CAPACITY)] }
    }
}

impl OwnPrincipals {
    pub fn get(&self, claim: &str, is_bot: bool) -> Option<Arc<Principal>> {
        self.by_claim[usize::from(is_bot)].get(claim)
    }

    pub fn remember(&self, claim: &str, is_bot: bool, principal: &Arc<Principal>) {
        self.by_claim[usize::from(is_bot)].insert(claim.into(), principal.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_and_bots_of_one_claim_are_kept_apart_and_the_size_is_bounded() {
        let principals = OwnPrincipals::default();
        let user = Arc::new(Principal {
            name: "ada".into(),
            email: "ada@x.org".into(),
            is_bot: false,
            provider_roles: None,
            account: None,
        });
        principals.remember("ada@x.org", false, &user);
        assert!(Arc::ptr_eq(&principals.get("ada@x.org", false).unwrap(), &user));
        assert!(principals.get("ada@x.org", true).is_none(), "a bot's token never finds a user's principal");
        assert!(principals.get("Ada@x.org", false).is_none(), "the claim as written is the key");
        for n in 0..CAPACITY {
            principals.remember(&format!("u{n}"), false, &user);
        }
        assert!(principals.by_claim[0].len() <= CAPACITY);
    }
}
