//! The HTTP client Tessera talks to an identity provider with (discovery, token endpoint):
//! short timeouts, so a slow provider cannot hold a sign-in or a start-up task, and no redirects,
//! so a document is read only from the URL configured.

use std::time::Duration;

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with timeouts builds")
}
