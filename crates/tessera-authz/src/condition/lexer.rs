//! Condition text → tokens, each with the character position it starts at.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Name(String),
    Text(String),
    LeftParen,
    RightParen,
    Comma,
    And,
    Or,
    Not,
    /// Text that is no token; lexing stops here. The parser reports it only if it gets this far,
    /// so the first problem in reading order is the one reported.
    Invalid(String),
    End,
}

pub fn tokens(text: &str) -> Vec<(usize, Token)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => out.push((start, Token::LeftParen)),
            ')' => out.push((start, Token::RightParen)),
            ',' => out.push((start, Token::Comma)),
            '!' => out.push((start, Token::Not)),
            '&' | '|' => {
                if chars.get(i + 1) != Some(&c) {
                    return invalid(out, start, format!("expected {c}{c}"), chars.len());
                }
                i += 1;
                out.push((start, if c == '&' { Token::And } else { Token::Or }));
            }
            '\'' | '"' => {
                let quote = c;
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return invalid(out, start, "this string is never closed".into(), chars.len()),
                        Some(&q) if q == quote => break,
                        Some(&ch) => value.push(ch),
                    }
                    i += 1;
                }
                out.push((start, Token::Text(value)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_') {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect();
                out.push((
                    start,
                    match word.as_str() {
                        "and" => Token::And,
                        "or" => Token::Or,
                        "not" => Token::Not,
                        _ => Token::Name(word),
                    },
                ));
            }
            other => return invalid(out, start, format!("unexpected character {other:?}"), chars.len()),
        }
        i += 1;
    }
    out.push((chars.len(), Token::End));
    out
}

fn invalid(mut out: Vec<(usize, Token)>, at: usize, message: String, end: usize) -> Vec<(usize, Token)> {
    out.push((at, Token::Invalid(message)));
    out.push((end, Token::End));
    out
}
