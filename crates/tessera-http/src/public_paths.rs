//! The routes that need no token: an exact list, compared with the raw request path. A path with
//! anything a parser could read two ways (`;` parameters, percent-escapes, `//`, `.` or `..`
//! segments, a trailing slash) is never public, so no route can be reached by dressing its path up
//! as a public one (CVE-2024-28255).

/// The original's 1.7 list, relative to `/api/`.
const PUBLIC: &[&str] = &[
    "v1/system/config/jwks",
    "v1/system/config/authorizer",
    "v1/system/config/customUiThemePreference",
    "v1/system/config/auth",
    "v1/users/signup",
    "v1/system/version",
    "v1/users/registrationConfirmation",
    "v1/users/resendRegistrationToken",
    "v1/users/generatePasswordResetLink",
    "v1/users/password/reset",
    "v1/users/login",
    "v1/users/refresh",
    "v1/users/checkEmailInUse",
    // The confidential client's servlets (outside the original's JwtFilter): they work on the
    // session cookie, never on a bearer token.
    "v1/auth/login",
    "v1/auth/refresh",
    "v1/auth/logout",
];

/// True only for an exact public path (letter case ignored, as in the original).
pub fn is_public(raw_path: &str) -> bool {
    let Some(relative) = raw_path.strip_prefix("/api/") else { return false };
    if relative.contains([';', '%', '\\']) || relative.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return false;
    }
    PUBLIC.iter().any(|p| p.eq_ignore_ascii_case(relative))
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn exact_paths_are_public() {
        assert!(is_public("/api/v1/system/version"));
        assert!(is_public("/api/v1/system/config/jwks"));
        assert!(is_public("/api/V1/System/Config/Auth"), "case-insensitive like the original");
    }

    #[test]
    fn disguised_paths_are_not() {
        for path in [
            "/api/v1/system/version/",
            "/api/v1/system/version;/../../users",
            "/api/v1/users;v1/system/version",
            "/api/v1/system/config/jwks/../../../users",
            "/api/v1/system/%2e%2e/users",
            "/api/v1/users%2Fv1/system/version",
            "/api//v1/system/version",
            "/api/v1/./system/version",
            "/api/v1/system/version\\",
            "/api/v1/users",
            "/api/v1/system/versionX",
            "/v1/system/version",
            "/api/",
        ] {
            assert!(!is_public(path), "{path} must not be public");
        }
    }
}
