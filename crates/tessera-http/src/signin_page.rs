//! The page a failed sign-in ends on: what went wrong, in words, and links back. It never
//! redirects by itself, so a failure can never turn into a redirect loop.

use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

pub fn failure_page(status: StatusCode, reason: &str, message: &str, request_id: &str, can_retry: bool) -> Response {
    let retry = if can_retry { r#"<a class="button" href="/signin">Sign in again</a>"# } else { "" };
    let body = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Tessera</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1b1f24; }}
main {{ max-width: 36rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 8px;
       box-shadow: 0 1px 3px rgba(0,0,0,.15); }}
h1 {{ font-size: 1.4rem; margin-top: 0; }}
p.detail {{ color: #4a5360; font-size: .9rem; }}
a.button {{ display: inline-block; margin-right: 1rem; padding: .6rem 1.1rem; border-radius: 6px;
           background: #1f5fbf; color: #fff; text-decoration: none; }}
a.plain {{ color: #1f5fbf; }}
</style>
</head>
<body>
<main role="main">
<h1 data-testid="signin-error-title">Sign-in failed</h1>
<p role="alert" data-testid="signin-error-message">{message}</p>
<p class="detail">Reason: <code data-testid="signin-error-reason">{reason}</code> · HTTP {status} · request id <code>{request_id}</code></p>
<p>{retry}<a class="plain" href="/">Back to Tessera</a></p>
</main>
</body>
</html>
"#,
        message = escape(message),
        reason = escape(reason),
        status = status.as_u16(),
        request_id = escape(request_id),
    );
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
            (CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
        ],
        body,
    )
        .into_response()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_are_escaped() {
        assert_eq!(super::escape(r#"<script>"x"&'y'"#), "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;");
    }
}
