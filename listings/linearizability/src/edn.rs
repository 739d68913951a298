//! A reader for the subset of EDN (extensible data notation) that Jepsen writes histories
//! in.
//!
//! The book first used the `edn-format` crate; its property test found inputs with
//! multi-byte characters that make that crate panic, and a checker must not crash on a
//! damaged history. This reader works on characters, never slices inside one, and reports
//! the line of any error. It reads nil, booleans, integers, floats, strings, characters,
//! keywords, symbols, lists, vectors, maps, sets, comments, discards (`#_`) and tagged
//! values (`#tag value`, keeping the value: Jepsen writes operations as
//! `#jepsen.history.Op{...}` records).

use std::iter::Peekable;
use std::str::CharIndices;

/// An EDN value.
#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    /// `nil`
    Nil,
    /// `true`, `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A character, `\a`.
    Char(char),
    /// A keyword, without its colon: `:ok` is `Keyword("ok")`.
    Keyword(String),
    /// A symbol.
    Symbol(String),
    /// `( ... )`
    List(Vec<Edn>),
    /// `[ ... ]`
    Vector(Vec<Edn>),
    /// `#{ ... }`
    Set(Vec<Edn>),
    /// `{ k v ... }`, in the order written.
    Map(Vec<(Edn, Edn)>),
}

impl Edn {
    /// The value of `:name` in a map.
    pub fn get(&self, name: &str) -> Option<&Edn> {
        match self {
            Edn::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(n) if n == name))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short rendering, for error messages.
    pub fn brief(&self) -> String {
        let text = match self {
            Edn::Nil => "nil".into(),
            Edn::Bool(b) => b.to_string(),
            Edn::Int(i) => i.to_string(),
            Edn::Float(f) => f.to_string(),
            Edn::Str(s) => format!("{s:?}"),
            Edn::Char(c) => format!("\\{c}"),
            Edn::Keyword(k) => format!(":{k}"),
            Edn::Symbol(s) => s.clone(),
            Edn::List(_) => "a list".into(),
            Edn::Vector(_) => "a vector".into(),
            Edn::Set(_) => "a set".into(),
            Edn::Map(_) => "a map".into(),
        };
        text.chars().take(40).collect()
    }
}

/// A syntax error, with its line (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The line.
    pub line: usize,
    /// What was expected.
    pub message: String,
}

struct Reader<'a> {
    chars: Peekable<CharIndices<'a>>,
    line: usize,
    depth: usize,
}

/// The deepest nesting read: deeper input is refused rather than exhausting the stack.
const MAX_DEPTH: usize = 200;

/// Every top-level value of `text`, with the line it starts on.
pub fn read_all(text: &str) -> Result<Vec<(usize, Edn)>, SyntaxError> {
    Reader::new(text).elements(None)
}

/// The elements of a history, each with the line it starts on: the top-level values of
/// `text` (one per line, as Jepsen logs operations), or, if `text` is one list or vector
/// (a history saved whole), its elements.
pub fn read_elements(text: &str) -> Result<Vec<(usize, Edn)>, SyntaxError> {
    let mut reader = Reader::new(text);
    reader.skip_blank()?;
    let close = match reader.peek() {
        Some('(') => ')',
        Some('[') => ']',
        _ => return reader.elements(None),
    };
    reader.next();
    reader.depth = 1;
    let values = reader.elements(Some(close))?;
    reader.skip_blank()?;
    match reader.peek() {
        None => Ok(values),
        Some(c) => reader.error(format!(
            "expected the end of the input after the closing `{close}`, found `{c}`"
        )),
    }
}

impl Reader<'_> {
    fn new(text: &str) -> Reader<'_> {
        Reader {
            chars: text.char_indices().peekable(),
            line: 1,
            depth: 0,
        }
    }

    /// Values with the line each starts on, up to and including `close` (`None`: to the
    /// end of the input).
    fn elements(
        &mut self,
        close: Option<char>,
    ) -> Result<Vec<(usize, Edn)>, SyntaxError> {
        let mut values = Vec::new();
        loop {
            self.skip_blank()?;
            match (self.peek(), close) {
                (None, None) => return Ok(values),
                (None, Some(close)) => {
                    return self.error(format!(
                        "expected `{close}`, found the end of the input"
                    ));
                }
                (Some(c), Some(close)) if c == close => {
                    self.next();
                    return Ok(values);
                }
                _ => {
                    let line = self.line;
                    values.push((line, self.value()?));
                }
            }
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            line: self.line,
            message: message.into(),
        })
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.next().map(|(_, c)| c);
        if c == Some('\n') {
            self.line += 1;
        }
        c
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// Skips whitespace, commas, comments and discarded values.
    fn skip_blank(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.next();
            } else if c == ';' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.next();
                }
            } else if c == '#' && self.chars.clone().nth(1).map(|(_, c)| c) == Some('_') {
                self.next();
                self.next();
                self.skip_blank()?;
                self.value()?;
            } else {
                break;
            }
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Edn, SyntaxError> {
        self.skip_blank()?;
        let Some(c) = self.peek() else {
            return self.error("expected a value, found the end of the input");
        };
        match c {
            '(' | '[' | '{' => {
                self.next();
                let close = match c {
                    '(' => ')',
                    '[' => ']',
                    _ => '}',
                };
                let items = self.sequence(close)?;
                match c {
                    '(' => Ok(Edn::List(items)),
                    '[' => Ok(Edn::Vector(items)),
                    _ => self.map(items),
                }
            }
            ')' | ']' | '}' => {
                self.error(format!("expected a value, found an unmatched `{c}`"))
            }
            '"' => self.string(),
            '\\' => {
                self.next();
                let token = self.token();
                match token.as_str() {
                    "newline" => Ok(Edn::Char('\n')),
                    "space" => Ok(Edn::Char(' ')),
                    "tab" => Ok(Edn::Char('\t')),
                    "return" => Ok(Edn::Char('\r')),
                    _ => {
                        let mut chars = token.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => Ok(Edn::Char(c)),
                            (None, _) => self.next().map(Edn::Char).map_or_else(
                                || self.error("expected a character after `\\`"),
                                Ok,
                            ),
                            _ => self.error(format!(
                                "expected a character, found `\\{token}`"
                            )),
                        }
                    }
                }
            }
            '#' => {
                self.next();
                match self.peek() {
                    Some('{') => {
                        self.next();
                        Ok(Edn::Set(self.sequence('}')?))
                    }
                    _ => {
                        // A tagged value: keep the value, drop the tag.
                        let tag = self.token();
                        if tag.is_empty() {
                            return self.error("expected a tag or `{` after `#`");
                        }
                        self.value()
                    }
                }
            }
            _ => {
                let token = self.token();
                self.atom(&token)
            }
        }
    }

    fn sequence(&mut self, close: char) -> Result<Vec<Edn>, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("nesting deeper than {MAX_DEPTH}"));
        }
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            match self.peek() {
                None => {
                    return self.error(format!(
                        "expected `{close}`, found the end of the input"
                    ));
                }
                Some(c) if c == close => {
                    self.next();
                    self.depth -= 1;
                    return Ok(items);
                }
                Some(_) => items.push(self.value()?),
            }
        }
    }

    fn map(&self, items: Vec<Edn>) -> Result<Edn, SyntaxError> {
        if !items.len().is_multiple_of(2) {
            return self.error("expected a map with a value for every key");
        }
        let mut entries = Vec::with_capacity(items.len() / 2);
        let mut items = items.into_iter();
        while let (Some(k), Some(v)) = (items.next(), items.next()) {
            entries.push((k, v));
        }
        Ok(Edn::Map(entries))
    }

    fn string(&mut self) -> Result<Edn, SyntaxError> {
        self.next(); // the opening quote
        let mut s = String::new();
        loop {
            match self.next() {
                None => return self.error("expected `\"` to close the string, found the end of the input"),
                Some('"') => return Ok(Edn::Str(s)),
                Some('\\') => match self.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('"') => s.push('"'),
                    Some('\\') => s.push('\\'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.next()).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) => s.push(c),
                            None => return self.error(format!("expected four hex digits after `\\u`, found `{hex}`")),
                        }
                    }
                    Some(other) => return self.error(format!("expected an escape (\\n, \\t, \\r, \\\", \\\\, \\u), found `\\{other}`")),
                    None => return self.error("expected an escape, found the end of the input"),
                },
                Some(c) => s.push(c),
            }
        }
    }

    /// The characters up to the next delimiter.
    fn token(&mut self) -> String {
        let mut token = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace()
                || matches!(c, ',' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';')
            {
                break;
            }
            token.push(c);
            self.next();
        }
        token
    }

    fn atom(&self, token: &str) -> Result<Edn, SyntaxError> {
        match token {
            "" => self.error("expected a value"),
            "nil" => Ok(Edn::Nil),
            "true" => Ok(Edn::Bool(true)),
            "false" => Ok(Edn::Bool(false)),
            _ if token.starts_with(':') => match &token[1..] {
                "" => self.error("expected a keyword name after `:`"),
                name => Ok(Edn::Keyword(name.to_owned())),
            },
            _ if token.starts_with(|c: char| c.is_ascii_digit())
                || (token.len() > 1
                    && token.starts_with(['-', '+'])
                    && token[1..].starts_with(|c: char| c.is_ascii_digit())) =>
            {
                let digits = token.trim_end_matches(['N', 'M']);
                if let Ok(i) = digits.parse::<i64>() {
                    Ok(Edn::Int(i))
                } else if let Ok(f) = digits.parse::<f64>() {
                    Ok(Edn::Float(f))
                } else {
                    self.error(format!("expected a number, found `{token}`"))
                }
            }
            _ => Ok(Edn::Symbol(token.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_jepsen_writes() {
        let text = "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n#jepsen.history.Op{:type :ok :value nil}\n\
                    ; a comment\n[\"a\\\"b\" -3 1.5 \\x #{:a} (x y) #_ :gone]";
        let values = read_all(text).unwrap();
        assert_eq!(values.len(), 3);
        assert_eq!(values[0].1.get("f"), Some(&Edn::Keyword("cas".into())));
        assert_eq!(
            values[0].1.get("value"),
            Some(&Edn::Vector(vec![Edn::Int(1), Edn::Int(2)]))
        );
        assert_eq!(
            (values[1].0, values[1].1.get("value")),
            (2, Some(&Edn::Nil))
        );
        let Edn::Vector(items) = &values[2].1 else {
            panic!()
        };
        assert_eq!(items.len(), 6);
        assert_eq!(items[0], Edn::Str("a\"b".into()));
    }

    #[test]
    fn a_history_saved_whole_is_read_element_by_element() {
        let text = "; a history\n(\n {:a 1} ; first\n {:b\n  2}\n)\n; done\n";
        let values = read_elements(text).unwrap();
        let lines: Vec<usize> = values.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [3, 4]);
        assert_eq!(values[1].1.get("b"), Some(&Edn::Int(2)));
        assert_eq!(read_elements("[{:a 1}\n{:b 2}]").unwrap()[1].0, 2);
        assert_eq!(read_elements("{:a 1}\n{:b 2}").unwrap()[1].0, 2);
        let e = read_elements("[{:a 1}]\n\n[{:b 2}]").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("after the closing `]`"), "{e:?}");
        assert_eq!(read_elements("(\n{:a 1}\n").unwrap_err().line, 3);
    }

    #[test]
    fn errors_carry_the_line() {
        assert_eq!(read_all("{:a 1}\n{:b").unwrap_err().line, 2);
        assert_eq!(read_all("[1 2\n\n").unwrap_err().line, 3);
        assert!(
            read_all("{:a}")
                .unwrap_err()
                .message
                .contains("value for every key")
        );
        assert!(read_all(&"[".repeat(1000)).is_err());
    }
}
