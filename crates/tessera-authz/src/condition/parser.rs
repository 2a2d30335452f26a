//! Tokens → [`Condition`], by recursive descent with a depth limit.

use super::lexer::{Token, tokens};
use super::{Condition, ConditionError, FUNCTIONS, Function, MAX_DEPTH, MAX_LENGTH};

/// Parses and validates a condition; the error names the position of the first problem.
pub fn parse(text: &str) -> Result<Condition, ConditionError> {
    if text.chars().count() > MAX_LENGTH {
        return Err(ConditionError::at(MAX_LENGTH, format!("a condition may be at most {MAX_LENGTH} characters")));
    }
    let tokens = tokens(text);
    let mut parser = Parser { tokens, next: 0, depth: 0 };
    if matches!(parser.peek(), Token::End) {
        return Err(ConditionError::at(0, "the condition is empty"));
    }
    let condition = parser.or()?;
    match parser.peek() {
        Token::End => Ok(condition),
        _ => Err(parser.error("expected && or || or the end of the condition")),
    }
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].1
    }

    fn position(&self) -> usize {
        self.tokens[self.next].0
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.next].1.clone();
        if self.next + 1 < self.tokens.len() {
            self.next += 1;
        }
        token
    }

    /// An error at the current token; an unreadable token speaks for itself.
    fn error(&self, message: impl Into<String>) -> ConditionError {
        match self.peek() {
            Token::Invalid(problem) => ConditionError::at(self.position(), problem.clone()),
            _ => ConditionError::at(self.position(), message),
        }
    }

    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> Result<T, ConditionError>) -> Result<T, ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("conditions may nest at most {MAX_DEPTH} deep")));
        }
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Token::Or) {
            self.advance();
            let right = self.and()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut left = self.unary()?;
        while matches!(self.peek(), Token::And) {
            self.advance();
            let right = self.unary()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Condition, ConditionError> {
        if matches!(self.peek(), Token::Not) {
            self.advance();
            return self.nested(|p| Ok(Condition::Not(Box::new(p.unary()?))));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition, ConditionError> {
        match self.peek().clone() {
            Token::LeftParen => {
                self.advance();
                let inner = self.nested(|p| p.or())?;
                self.expect(Token::RightParen, "expected )")?;
                Ok(inner)
            }
            Token::Name(name) => {
                let at = self.position();
                self.advance();
                self.call(&name, at)
            }
            _ => Err(self.error(format!("expected a function such as isOwner() or ( ; known functions: {}", known()))),
        }
    }

    fn call(&mut self, name: &str, at: usize) -> Result<Condition, ConditionError> {
        let Some(&(_, takes_names)) = FUNCTIONS.iter().find(|(n, _)| *n == name) else {
            return Err(ConditionError::at(at, format!("unknown function {name:?}; known functions: {}", known())));
        };
        self.expect(Token::LeftParen, &format!("expected ( after {name}"))?;
        let mut names = Vec::new();
        if !matches!(self.peek(), Token::RightParen) {
            loop {
                let Token::Text(value) = self.peek().clone() else {
                    let message = if takes_names {
                        format!("{name} takes quoted names, e.g. {name}('a', 'b')")
                    } else {
                        format!("expected ) to close {name}(")
                    };
                    return Err(self.error(message));
                };
                self.advance();
                names.push(value);
                if !matches!(self.peek(), Token::Comma) {
                    break;
                }
                self.advance();
            }
        }
        self.expect(Token::RightParen, &format!("expected ) to close {name}("))?;
        match (takes_names, names.is_empty()) {
            (false, false) => return Err(ConditionError::at(at, format!("{name}() takes no arguments"))),
            (true, true) => return Err(ConditionError::at(at, format!("{name} needs at least one quoted name"))),
            _ => {}
        }
        Ok(Condition::Call(match name {
            "isOwner" => Function::IsOwner,
            "noOwner" => Function::NoOwner,
            "matchTeam" => Function::MatchTeam,
            "hasDomain" => Function::HasDomain,
            "hasAnyRole" => Function::HasAnyRole(names),
            "inAnyTeam" => Function::InAnyTeam(names),
            "matchAnyTag" => Function::MatchAnyTag(names),
            _ => Function::MatchAllTags(names),
        }))
    }

    fn expect(&mut self, token: Token, message: &str) -> Result<(), ConditionError> {
        if *self.peek() == token {
            self.advance();
            Ok(())
        } else {
            Err(self.error(message))
        }
    }
}

fn known() -> String {
    FUNCTIONS
        .iter()
        .map(|(n, args)| if *args { format!("{n}('...')") } else { format!("{n}()") })
        .collect::<Vec<_>>()
        .join(", ")
}
