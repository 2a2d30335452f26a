//! The routes that need no token: an exact list, compared with the raw request path. A path with
//! anything a parser could read two ways (`;` parameters, percent-escapes, `//`, `.` or `..`
//! segments, a trailing slash) is never public, so no route can be reached by dressing its path up
//! as a public one (CVE-2024-28255).

use std::sync::LazyLock;

/// The paths of the API routes declared [`Access::Public`](crate::route::Access::Public), relative
/// to `/api/` (the original's 1.7 list, as far as Tessera serves it; the confidential client's
/// sign-in servlets work on the session cookie, never on a bearer token).
static PUBLIC: LazyLock<Vec<String>> = LazyLock::new(|| {
    crate::route::declarations()
        .into_iter()
        .filter(|d| d.access == crate::route::Access::Public)
        .filter_map(|d| d.path.strip_prefix("/api/").map(str::to_string))
        .collect()
});

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
