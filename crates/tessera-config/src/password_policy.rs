//! The password rule of password sign-in, as the original enforces it: 8 to 56 characters, no
//! whitespace, at least one upper-case letter, one lower-case letter, one digit and one other
//! character. (The original's server caps length at 16 while its UI allows 56; Tessera allows 56.)

pub const RULE: &str =
    "Password must be of minimum 8 characters, with one special, one Upper, one lower case character, and one Digit.";

const MIN: usize = 8;
const MAX: usize = 56;

/// `Err` names what is missing, after the original's message.
pub fn check(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    let mut missing = Vec::new();
    if !(MIN..=MAX).contains(&length) {
        missing.push(format!("{MIN} to {MAX} characters (it has {length})"));
    }
    if password.chars().any(char::is_whitespace) {
        missing.push("no spaces".to_string());
    }
    for (present, what) in [
        (password.chars().any(char::is_uppercase), "an upper-case letter"),
        (password.chars().any(char::is_lowercase), "a lower-case letter"),
        (password.chars().any(|c| c.is_ascii_digit()), "a digit"),
        (password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()), "a special character"),
    ] {
        if !present {
            missing.push(what.to_string());
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(format!("{RULE} Needs {}", missing.join(", "))) }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_originals_rule() {
        assert!(check("Tessera-2026").is_ok());
        assert!(check("Aa1!aaaa").is_ok(), "8 characters is enough");
        for (weak, missing) in [
            ("Aa1!aaa", "8 to 56 characters (it has 7)"),
            ("tessera-2026", "an upper-case letter"),
            ("TESSERA-2026", "a lower-case letter"),
            ("Tessera-abcd", "a digit"),
            ("Tessera2026", "a special character"),
            ("Tessera 2026!", "no spaces"),
        ] {
            let err = check(weak).unwrap_err();
            assert!(err.contains(missing), "{weak}: {err}");
            assert!(err.starts_with("Password must be of minimum 8 characters"), "{err}");
        }
        assert!(check(&format!("Aa1!{}", "a".repeat(53))).is_err(), "57 characters is too long");
    }
}
