//! A small reader of the HTML that mdBook writes: enough to find references, ids, and
//! text that should have been rendered. mdBook's output is well-formed, so no full HTML
//! parser is needed.

use std::collections::HashSet;

/// A reference from a page to another resource.
pub struct Reference {
    /// The element, lower-cased: `a`, `img`, `link`, `script`, ...
    pub element: String,
    /// The attribute's value (entities `&amp;` decoded).
    pub target: String,
    /// The line, from 1.
    pub line: usize,
}

/// What the checks need from one page.
#[derive(Default)]
pub struct Page {
    /// Every `id` attribute: the fragments a link may name.
    pub ids: HashSet<String>,
    /// Every `href`, `src` and `data` attribute.
    pub references: Vec<Reference>,
    /// Text outside `<pre>`, `<code>`, `<script>` and `<style>`, with its line.
    pub prose: Vec<(usize, String)>,
    /// All text, code included, with its line.
    pub text: Vec<(usize, String)>,
}

/// Reads a page.
pub fn read(html: &str) -> Page {
    let mut page = Page::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut code_depth = 0usize; // open <pre> and <code> elements
    let line_at =
        |offset: usize| html[..offset].bytes().filter(|&b| b == b'\n').count() + 1;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let end = html[i..].find('<').map_or(html.len(), |j| i + j);
            let line = line_at(i);
            let text = html[i..end].to_owned();
            if code_depth == 0 {
                page.prose.push((line, text.clone()));
            }
            page.text.push((line, text));
            i = end;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(html.len(), |j| i + j + 3);
            continue;
        }
        let end = tag_end(bytes, i);
        let tag = &html[i + 1..end.saturating_sub(1).max(i + 1)];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let line = line_at(i);
        i = end;
        if closing {
            if (name == "pre" || name == "code") && code_depth > 0 {
                code_depth -= 1;
            }
            continue;
        }
        for (attribute, value) in attributes(tag) {
            match attribute.as_str() {
                "id" => {
                    page.ids.insert(value);
                }
                "href" | "src" | "data" => page.references.push(Reference {
                    element: name.clone(),
                    target: value,
                    line,
                }),
                _ => {}
            }
        }
        match name.as_str() {
            "pre" | "code" if !tag.ends_with('/') => code_depth += 1,
            // Raw text: skip to the closing tag, so scripts and styles are never read as
            // prose.
            "script" | "style" => {
                let close = format!("</{name}");
                i = html[i..]
                    .to_ascii_lowercase()
                    .find(&close)
                    .map_or(html.len(), |j| i + j);
            }
            _ => {}
        }
    }
    page
}

/// The offset just past the `>` that closes the tag opened at `start`, skipping quoted
/// values.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    for (j, &b) in bytes.iter().enumerate().skip(start + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return j + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// The attributes of a tag's text (`a href="x" class=y`), names lower-cased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let rest = tag.trim_end_matches('/');
    let mut chars = rest.char_indices().peekable();
    // Skip the element name.
    while chars.next_if(|&(_, c)| !c.is_whitespace()).is_some() {}
    loop {
        while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        while chars
            .next_if(|&(_, c)| !c.is_whitespace() && c != '=')
            .is_some()
        {}
        let end = chars.peek().map_or(rest.len(), |&(j, _)| j);
        let name = rest[start..end].to_ascii_lowercase();
        while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|&(_, c)| c == '=').is_some() {
            while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    while let Some((_, c)) = chars.next_if(|&(_, c)| c != q) {
                        value.push(c);
                    }
                    chars.next();
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|&(_, c)| !c.is_whitespace()) {
                        value.push(c);
                    }
                }
            }
        }
        if name.is_empty() {
            break;
        }
        found.push((name, decode(&value)));
    }
    found
}

/// Decodes the entities mdBook writes into attribute values.
fn decode(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `url(...)` and `@import` targets of a stylesheet, with their lines.
pub fn css_references(css: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (marker, close) in [("url(", ')'), ("@import", ';')] {
        let mut from = 0;
        while let Some(at) = css[from..].find(marker).map(|j| from + j) {
            from = at + marker.len();
            let Some(len) = css[from..].find(close) else {
                break;
            };
            let target = css[from..from + len]
                .trim()
                .trim_start_matches("url(")
                .trim_matches(|c| c == '"' || c == '\'' || c == ')' || c == ' ');
            let line = css[..at].bytes().filter(|&b| b == b'\n').count() + 1;
            found.push((line, target.to_owned()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_references_ids_and_prose() {
        let page = read(
            "<p id=\"top\">a $x$ <code>$ y</code></p>\n<img src='f.svg' alt=\"a > b\">\
             <script>let s = '<p>$</p>';</script><a href=\"x.html#top\">t</a><pre><code>z</code></pre>w",
        );
        assert!(page.ids.contains("top"));
        let refs: Vec<_> = page
            .references
            .iter()
            .map(|r| (r.element.as_str(), r.target.as_str(), r.line))
            .collect();
        assert_eq!(refs, vec![("img", "f.svg", 2), ("a", "x.html#top", 2)]);
        let prose: String = page.prose.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(prose, "a $x$ \ntw");
    }

    #[test]
    fn finds_css_urls_and_imports() {
        let css = "@import \"https://x/y.css\";\n.a{src:url(fonts/a.woff2) format(\"woff2\"),url('b.woff')}";
        let refs = css_references(css);
        assert_eq!(
            refs,
            vec![
                (2, "fonts/a.woff2".into()),
                (2, "b.woff".into()),
                (1, "https://x/y.css".into())
            ]
        );
    }
}
