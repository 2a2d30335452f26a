//! Token claims, looked up ignoring letter case as the original does (`EMAIL` finds `email`).
//! The exact spelling is tried first. The claims verification reads for every token are located
//! while parsing; any other is found by a scan of the (few) names.
//!
//! The payload is parsed once by serde_json without building a value tree: each claim keeps its
//! name and the span of its JSON text, and a value is read when asked for. A token seen for the
//! first time so costs about one pass over its payload besides the signature check.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::ops::Range;

/// Text of the payload: a span of it, or (for a name or string with escapes) its decoded form.
#[derive(Debug, Clone)]
enum Text {
    Span(Range<usize>),
    Owned(Box<str>),
}

#[derive(Debug, Clone)]
struct Entry {
    name: Text,
    /// The value's JSON text.
    raw: Range<usize>,
    /// A string value's content (without quotes, escapes decoded); `None` for other values.
    string: Option<Text>,
}

/// The claims verification reads for every token: found once while parsing, so reading one is an
/// array lookup rather than a scan of the names (a token is read through a dozen lookups).
const KNOWN: [&str; 13] = [
    "exp",
    "nbf",
    "iat",
    "iss",
    "sub",
    "aud",
    "azp",
    "tid",
    "email",
    "email_verified",
    "preferred_username",
    "isBot",
    "tokenType",
];

fn known_claim(name: &str) -> Option<usize> {
    // A match rather than a search of KNOWN: compiled to a length switch, it costs a few compares.
    Some(match name {
        "exp" => 0,
        "nbf" => 1,
        "iat" => 2,
        "iss" => 3,
        "sub" => 4,
        "aud" => 5,
        "azp" => 6,
        "tid" => 7,
        "email" => 8,
        "email_verified" => 9,
        "preferred_username" => 10,
        "isBot" => 11,
        "tokenType" => 12,
        _ => return None,
    })
}

fn known_claim_folded(name: &str) -> Option<usize> {
    KNOWN.iter().position(|known| known.eq_ignore_ascii_case(name))
}

#[derive(Debug, Clone, Default)]
pub struct Claims {
    payload: String,
    entries: Vec<Entry>,
    known: KnownEntries,
}

/// Per [`KNOWN`] claim: its last entry of exactly that name, and its last entry spelt in another
/// letter case.
#[derive(Debug, Clone, Default)]
struct KnownEntries {
    exact: [Option<u32>; KNOWN.len()],
    folded: [Option<u32>; KNOWN.len()],
}

impl KnownEntries {
    fn note(&mut self, name: &str, index: u32) {
        if let Some(known) = known_claim(name) {
            self.exact[known] = Some(index);
        } else if let Some(known) = known_claim_folded(name) {
            self.folded[known] = Some(index);
        }
    }
}

impl Claims {
    /// The claims of a JWS payload (a JSON object); `None` when it is not one.
    pub fn parse(payload: String) -> Option<Self> {
        let entries = {
            let mut deserializer = serde_json::Deserializer::from_str(&payload);
            let entries = deserializer.deserialize_map(EntriesVisitor { base: payload.as_ptr() as usize }).ok()?;
            deserializer.end().ok()?;
            entries
        };
        let mut known = KnownEntries::default();
        u32::try_from(entries.len()).ok()?;
        for (index, entry) in (0u32..).zip(&entries) {
            let name = match &entry.name {
                Text::Span(range) => &payload[range.clone()],
                Text::Owned(owned) => owned,
            };
            known.note(name, index);
        }
        Some(Self { payload, entries, known })
    }

    /// The claims of a JSON object value (tests and callers holding a `Value`).
    pub fn from_json(map: Map<String, Value>) -> Self {
        Self::parse(Value::Object(map).to_string()).expect("a JSON object parses")
    }

    fn text<'a>(&'a self, text: &'a Text) -> &'a str {
        match text {
            Text::Span(range) => &self.payload[range.clone()],
            Text::Owned(owned) => owned,
        }
    }

    /// The last entry of exactly that name, else the last of that name in another letter case.
    fn entry(&self, name: &str) -> Option<&Entry> {
        if let Some(known) = known_claim(name) {
            let index = self.known.exact[known].or(self.known.folded[known])?;
            return self.entries.get(index as usize);
        }
        let exact = self.entries.iter().rev().find(|e| self.text(&e.name) == name);
        exact.or_else(|| self.entries.iter().rev().find(|e| self.text(&e.name).eq_ignore_ascii_case(name)))
    }

    fn raw(&self, name: &str) -> Option<&str> {
        self.entry(name).map(|e| &self.payload[e.raw.clone()])
    }

    /// Whether the claim is there (whatever its value).
    pub fn has(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }

    /// A claim's value, read from its JSON text.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.raw(name).and_then(|raw| serde_json::from_str(raw).ok())
    }

    /// A non-empty string claim; other types count as absent.
    pub fn string(&self, name: &str) -> Option<&str> {
        let entry = self.entry(name)?;
        entry.string.as_ref().map(|s| self.text(s).trim()).filter(|s| !s.is_empty())
    }

    /// A numeric date claim in seconds.
    pub fn seconds(&self, name: &str) -> Option<i64> {
        self.raw(name).and_then(seconds)
    }

    /// A date claim that must be a number if it is there: `Some(None)` when absent, `None` when
    /// present but not a number.
    pub fn date(&self, name: &str) -> Option<Option<i64>> {
        match self.raw(name) {
            None => Some(None),
            Some(raw) => seconds(raw).map(Some),
        }
    }

    /// `aud` as a list (it may be one string or an array).
    pub fn audiences(&self) -> Vec<String> {
        match self.get("aud") {
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => items.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    }

    pub fn is_true(&self, name: &str) -> bool {
        self.raw(name) == Some("true")
    }

    /// The claim names present, for diagnostics (never the values).
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|e| self.text(&e.name)).collect()
    }
}

/// A JSON number as whole seconds (a fraction is dropped, as the original does).
fn seconds(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().or_else(|| raw.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f as i64))
}

/// Reads an object's entries as spans of the text being parsed (`base` is its address).
struct EntriesVisitor {
    base: usize,
}

impl EntriesVisitor {
    fn span(&self, part: &str) -> Range<usize> {
        let start = part.as_ptr() as usize - self.base;
        start..start + part.len()
    }

    fn text(&self, key: Key<'_>) -> Text {
        match key {
            Key::Borrowed(text) => Text::Span(self.span(text)),
            Key::Owned(text) => Text::Owned(text.into_boxed_str()),
        }
    }
}

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Vec<Entry>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(12));
        while let Some((name, value)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
            let raw = value.get();
            let string = if raw.starts_with('"') {
                if raw.contains('\\') {
                    let decoded: String = serde_json::from_str(raw).map_err(serde::de::Error::custom)?;
                    Some(Text::Owned(decoded.into_boxed_str()))
                } else {
                    Some(Text::Span(self.span(&raw[1..raw.len() - 1])))
                }
            } else {
                None
            };
            entries.push(Entry { name: self.text(name), raw: self.span(raw), string });
        }
        Ok(entries)
    }
}

/// A claim name as parsed: borrowed from the text unless it had escapes.
enum Key<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a claim name")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(text))
            }

            fn visit_str<E>(self, text: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(text.to_string()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Claims;
    use serde_json::json;

    #[test]
    fn each_known_claim_is_matched_to_its_own_slot() {
        for (slot, name) in super::KNOWN.iter().enumerate() {
            assert_eq!(super::known_claim(name), Some(slot), "{name}");
            assert_eq!(super::known_claim_folded(&name.to_uppercase()), Some(slot), "{name}");
        }
    }

    #[test]
    fn claims_read_as_serde_json_reads_them() {
        let payload = r#"{"iss":"https://t/","sub":" me ","exp":1700000000,"nbf":1.7e9,"isBot":true,
            "roles":["A","B"],"aud":"client","EMail":"a@b.c","esc\u0061ped":"x\"y","empty":"  ","n":null}"#;
        let claims = Claims::parse(payload.to_string()).unwrap();
        assert_eq!(claims.string("iss"), Some("https://t/"));
        assert_eq!(claims.string("sub"), Some("me"), "trimmed");
        assert_eq!(claims.seconds("exp"), Some(1_700_000_000));
        assert_eq!(claims.seconds("nbf"), Some(1_700_000_000), "a float date");
        assert!(claims.is_true("isBot") && !claims.is_true("sub"));
        assert_eq!(claims.get("roles"), Some(json!(["A", "B"])));
        assert_eq!(claims.string("roles"), None, "not a string");
        assert_eq!(claims.audiences(), ["client"]);
        assert_eq!(claims.string("email"), Some("a@b.c"), "any letter case");
        assert_eq!(claims.string("escaped"), Some("x\"y"), "escapes decoded, in names too");
        assert_eq!(claims.string("empty"), None);
        assert_eq!(claims.get("n"), Some(json!(null)));
        assert_eq!(claims.get("absent"), None);
        assert_eq!(claims.names().len(), 11);
    }

    #[test]
    fn the_last_of_a_repeated_claim_counts_and_non_objects_are_refused() {
        let claims = Claims::parse(r#"{"sub":"first","sub":"second"}"#.to_string()).unwrap();
        assert_eq!(claims.string("sub"), Some("second"), "as serde_json's map keeps the last");
        for bad in ["[1]", "\"x\"", "{\"a\":1} trailing", "{\"a\":", "", "{\"a\":\"\\ud800\"}"] {
            assert!(Claims::parse(bad.to_string()).is_none(), "{bad}");
        }
        for (payload, exp, jti) in [
            (r#"{"Exp":1,"exp":2,"JTI":"a","jti":"b"}"#, 2, "b"),
            (r#"{"exp":2,"EXP":1,"jti":"b","Jti":"a"}"#, 2, "b"),
            (r#"{"EXP":1,"Exp":3,"JTI":"a","Jti":"c"}"#, 3, "c"),
        ] {
            let claims = Claims::parse(payload.to_string()).unwrap();
            assert_eq!(claims.seconds("exp"), Some(exp), "exact spelling first, else the last in any case: {payload}");
            assert_eq!(claims.string("jti"), Some(jti), "the same for a claim read by scanning: {payload}");
        }
        let arrays = Claims::parse(r#"{"aud":["x","y"]}"#.to_string()).unwrap();
        assert_eq!(arrays.audiences(), ["x", "y"]);
    }
}
