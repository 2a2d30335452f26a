//! A browser as far as redirects and cookies go: no automatic redirects (each hop is visible), one
//! cookie jar per host:port (paths ignored, which only ever sends more cookies, never fewer).

use std::collections::HashMap;

pub struct Browser {
    client: reqwest::Client,
    jar: HashMap<String, HashMap<String, String>>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Browser {
    pub fn new() -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, jar: HashMap::new() }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let request = self.client.get(url);
        self.send(url, request).await
    }

    /// Submits a form (`application/x-www-form-urlencoded`), as a click on a form button does.
    pub async fn post_form(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(url).form(form);
        self.send(url, request).await
    }

    async fn send(&mut self, url: &str, mut request: reqwest::RequestBuilder) -> Page {
        let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        let site = format!("{}:{}", parsed.host_str().unwrap(), parsed.port_or_known_default().unwrap());
        if let Some(cookies) = self.jar.get(&site).filter(|c| !c.is_empty()) {
            let header = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            request = request.header("cookie", header);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = response.status().as_u16();
        let set_cookie: Vec<String> =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        for line in &set_cookie {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let cookies = self.jar.entry(site.clone()).or_default();
            if attributes.to_ascii_lowercase().contains("max-age=0") || value.is_empty() {
                cookies.remove(name.trim());
            } else {
                cookies.insert(name.trim().to_string(), value.to_string());
            }
        }
        let location = response.headers().get("location").map(|v| {
            let target = v.to_str().unwrap();
            parsed.join(target).unwrap().to_string()
        });
        Page { status, location, set_cookie, body: response.text().await.unwrap_or_default() }
    }

    /// Follows redirects from `url` until one points at `stop_prefix` (not requested); returns it.
    pub async fn follow_until(&mut self, url: &str, stop_prefix: &str) -> String {
        let mut next = url.to_string();
        for _ in 0..20 {
            if next.starts_with(stop_prefix) {
                return next;
            }
            let page = self.get(&next).await;
            next = page
                .location
                .unwrap_or_else(|| panic!("{next}: HTTP {} without a redirect: {}", page.status, page.body));
        }
        panic!("more than 20 redirects from {url}");
    }

    pub fn cookies(&self, site: &str) -> HashMap<String, String> {
        self.jar.get(site).cloned().unwrap_or_default()
    }

    pub fn set_cookies(&mut self, site: &str, cookies: HashMap<String, String>) {
        self.jar.insert(site.to_string(), cookies);
    }
}

/// A query parameter of a URL.
pub fn param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}
