//! The two HTML pages: choosing a demo user, and an error that cannot go back to the application.

use crate::directory::DemoUser;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d1f23;margin:0}\
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin-top:0}.warning{background:#fff4d6;border:1px solid #c98a00;border-radius:8px;padding:.75rem}\
ul{list-style:none;padding:0}li{margin:.75rem 0}\
button{font:inherit;width:100%;text-align:left;padding:.75rem 1rem;border:1px solid #8a8f98;border-radius:8px;background:#fff;cursor:pointer}\
button:hover,button:focus-visible{border-color:#2456c9;outline:2px solid #2456c9;outline-offset:1px}\
.who{display:block;font-weight:600}.shows{display:block;color:#4a4f57;font-size:.9rem;margin-top:.2rem}\
.cancel{width:auto;text-align:center;color:#4a4f57}code{background:#eef0f3;padding:0 .25rem;border-radius:4px}";

/// The login page: one button per demo user, inside a form bound to a one-time interaction id.
pub fn login(interaction: &str, client_id: &str, users: &[DemoUser]) -> Response {
    let buttons: String = users
        .iter()
        .map(|u| {
            format!(
                "<li><button type=\"submit\" name=\"user\" value=\"{id}\"><span class=\"who\">{name} &lt;{email}&gt;</span>\
                 <span class=\"shows\">{shows}</span></button></li>",
                id = escape(&u.id),
                name = escape(&u.name),
                email = escape(&u.email),
                shows = escape(&u.shows),
            )
        })
        .collect();
    let body = format!(
        "<p class=\"warning\" role=\"note\"><strong>Development only</strong> — anyone can sign in as anyone. \
         This is the identity provider built into <code>tessera demo</code>, standing in for an Auth0 tenant.</p>\
         <h1>Sign in to Tessera</h1><p>Choose who you are for <code>{client}</code>:</p>\
         <form method=\"post\" action=\"/authorize\"><input type=\"hidden\" name=\"interaction\" value=\"{interaction}\">\
         <ul>{buttons}</ul><button type=\"submit\" name=\"cancel\" value=\"1\" class=\"cancel\">Cancel</button></form>",
        client = escape(client_id),
        interaction = escape(interaction),
    );
    page(StatusCode::OK, "Sign in — Tessera demo", &body)
}

/// An error shown here because sending the browser back could reach an unregistered address.
pub fn error(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>Sign-in cannot continue</h1><p role=\"alert\">{}</p>\
         <p>Go back to Tessera and start signing in again.</p>",
        escape(message)
    );
    page(status, "Sign-in error — Tessera demo", &body)
}

pub fn signed_out() -> Response {
    page(StatusCode::OK, "Signed out — Tessera demo", "<h1>Signed out</h1><p>You can close this page.</p>")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // No framing (clickjacking the login buttons), no scripts, no referrer carrying the query.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

pub fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(super::escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
