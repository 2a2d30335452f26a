//! LDAP sign-in (`AUTHENTICATION_PROVIDER=ldap`) with the original's variables: where the
//! directory is, how to reach it (plain, or TLS verified against the system's or a given CA), the
//! lookup account, where users are and which attribute holds their email.

use crate::model::{LdapConfig, LdapGroups, LdapTrust, RoleReassignment, Secret};
use crate::reader::Reader;

pub(crate) fn read_ldap(r: &mut Reader, provider: &str) -> Option<LdapConfig> {
    if provider != "ldap" {
        return None;
    }
    let host = r.text("AUTHENTICATION_LDAP_HOST");
    if host.is_empty() || host.contains(['/', ' ', ':']) {
        r.error(
            "AUTHENTICATION_LDAP_HOST",
            format!("{host:?} is not a host name"),
            "write the directory's host name alone, e.g. ldap.example.com (the port goes in AUTHENTICATION_LDAP_PORT)",
        );
    }
    let tls = r.boolean("AUTHENTICATION_LDAP_SSL_ENABLED");
    let port = match r.integer("AUTHENTICATION_LDAP_PORT") {
        Some(port) if (1..=65535).contains(&port) => port as u16,
        Some(port) => {
            r.error("AUTHENTICATION_LDAP_PORT", format!("{port} is not a port"), "use 389 (ldap) or 636 (ldaps)");
            389
        }
        None if tls => 636,
        None => 389,
    };
    let trust = read_trust(r, tls);
    let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1");
    if !tls && !local && !host.is_empty() {
        r.warn(
            "AUTHENTICATION_LDAP_SSL_ENABLED",
            format!("plain LDAP to {host}: every sign-in sends the user's password unencrypted"),
            "set AUTHENTICATION_LDAP_SSL_ENABLED=true (ldaps, port 636) with a trust store",
        );
    }
    let required = |r: &mut Reader, var: &str, example: &str| {
        let value = r.text(var);
        if value.is_empty() {
            r.error(var, "empty: LDAP sign-in needs it", format!("set it, e.g. {var}={example}"));
        }
        value
    };
    let admin_dn = required(r, "AUTHENTICATION_LOOKUP_ADMIN_DN", "cn=admin,dc=example,dc=com");
    let admin_password = Secret::new(required(r, "AUTHENTICATION_LOOKUP_ADMIN_PWD", "<the lookup account's password>"));
    let user_base_dn = required(r, "AUTHENTICATION_USER_LOOKUP_BASEDN", "ou=people,dc=example,dc=com");
    let mail_attribute = r.text("AUTHENTICATION_USER_MAIL_ATTR");
    if !mail_attribute.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || mail_attribute.is_empty() {
        r.error(
            "AUTHENTICATION_USER_MAIL_ATTR",
            format!("{mail_attribute:?} is not an attribute name"),
            "use the attribute that holds users' emails, usually mail",
        );
    }
    let pool_size = r.integer("AUTHENTICATION_LDAP_POOL_SIZE").unwrap_or(3).clamp(1, 64) as usize;
    let groups = read_groups(r);
    Some(LdapConfig {
        host,
        port,
        tls,
        trust,
        admin_dn,
        admin_password,
        user_base_dn,
        mail_attribute,
        pool_size,
        groups,
    })
}

/// Roles from groups: only with a group base DN; then the rest must be complete.
fn read_groups(r: &mut Reader) -> Option<LdapGroups> {
    let base_dn = r.text("AUTHENTICATION_GROUP_LOOKUP_BASEDN");
    let attribute = r.text("AUTHENTICATION_USER_GROUP_ATTR");
    let value = r.text("AUTHENTICATION_USER_GROUP_ATTR_VALUE");
    let member_attribute = r.text("AUTHENTICATION_USER_GROUP_MEMBER_ATTR");
    let admin_role = r.text("AUTHENTICATION_USER_ROLE_ADMIN_NAME");
    let mapping = r.mapping_of_lists("AUTH_ROLES_MAPPING");
    if base_dn.is_empty() {
        return None;
    }
    for (var, text, example) in [
        ("AUTHENTICATION_USER_GROUP_ATTR", &attribute, "objectClass"),
        ("AUTHENTICATION_USER_GROUP_ATTR_VALUE", &value, "groupOfNames"),
        ("AUTHENTICATION_USER_GROUP_MEMBER_ATTR", &member_attribute, "member"),
    ] {
        if text.is_empty() || text.contains(['(', ')', '*', '\\']) {
            r.error(
                var,
                format!("{text:?} is empty or not plain"),
                format!("with AUTHENTICATION_GROUP_LOOKUP_BASEDN set, set it, e.g. {var}={example}"),
            );
        }
    }
    let reassign = read_reassignment(r);
    if mapping.is_empty() && reassign == RoleReassignment::All {
        r.warn(
            "AUTH_ROLES_MAPPING",
            "no group maps to a role: with AUTH_REASSIGN_ROLES=[*] every directory user's roles will be emptied at sign-in",
            "map group DNs to role names, e.g. {\"cn=stewards,ou=groups,dc=example,dc=com\":[\"DataSteward\"]}",
        );
    }
    if !mapping.is_empty() && reassign == RoleReassignment::Only(Default::default()) {
        r.warn(
            "AUTH_REASSIGN_ROLES",
            "it is empty, so directory groups give nobody a role (as in OpenMetadata)",
            "list the roles the directory decides, e.g. AUTH_REASSIGN_ROLES=[DataSteward], or [*] for all roles and the admin flag",
        );
    }
    let mapping = mapping.into_iter().map(|(dn, roles)| (dn.trim().to_lowercase(), roles)).collect();
    Some(LdapGroups { base_dn, attribute, value, member_attribute, admin_role, mapping, reassign })
}

fn read_reassignment(r: &mut Reader) -> RoleReassignment {
    let names = r.list("AUTH_REASSIGN_ROLES");
    if names.iter().any(|n| n == "*") {
        RoleReassignment::All
    } else {
        RoleReassignment::Only(names.into_iter().collect())
    }
}

fn read_trust(r: &mut Reader, tls: bool) -> LdapTrust {
    const VAR: &str = "AUTHENTICATION_LDAP_TRUSTSTORE_TYPE";
    let kind = r.one_of(VAR, &["TrustAll", "JVMDefault", "HostName", "CustomTrustStore"]).to_string();
    let path = r.text("AUTHENTICATION_LDAP_TRUSTSTORE_PATH");
    if !tls {
        return LdapTrust::System;
    }
    match kind.as_str() {
        "CustomTrustStore" if path.is_empty() => {
            r.error(
                "AUTHENTICATION_LDAP_TRUSTSTORE_PATH",
                "empty: a custom trust store needs the CA certificate",
                "set it to a PEM file with the CA that signed the directory's certificate",
            );
            LdapTrust::System
        }
        "CustomTrustStore" => LdapTrust::CaFile(path.into()),
        "TrustAll" => {
            // The original's default: anyone between Tessera and the directory could read passwords.
            r.error(
                VAR,
                "TrustAll accepts any certificate: whoever sits between Tessera and the directory would read every password",
                "use CustomTrustStore with AUTHENTICATION_LDAP_TRUSTSTORE_PATH=<CA PEM file>, or JVMDefault for a publicly trusted certificate",
            );
            LdapTrust::System
        }
        _ => LdapTrust::System,
    }
}
