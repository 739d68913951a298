//! Typed numbers: a measured number in a chapter's sentence must be a value a program
//! wrote (`{{#value CELL:NAME}}`), never typed by hand.
//!
//! The check looks at a chapter's prose — its Markdown less code (fenced blocks and inline
//! spans), mathematics (`$...$`, `$$...$$`), value references, citations (`[Key, §2.4]`),
//! link targets, HTML comments and tags, the References section, and tables marked as
//! published values — and reports every number of the kinds a measurement takes: a
//! decimal (`2.58`), a percentage (`30%`), a ratio (`3×`), or an integer grouped by commas
//! (`181,094`). Numbers that name something rather than measure it (`Listing 10.2`,
//! `§2.4`, `**10.1 Quorums.**`) are not reported, and a short allow-list beside this file
//! (`typed-numbers.allow`) names the few phrases that hold a number no program measures.

/// A table whose first row follows a line holding this comment lists published values
/// (a paper's, not ours): its numbers are typed on purpose.
pub const PUBLISHED: &str = "<!-- published values -->";

/// The phrases allowed to hold a typed number: one per line of `typed-numbers.allow`,
/// after `#` comments are removed.
pub fn allowed_phrases() -> Vec<String> {
    parse_allow(include_str!("typed-numbers.allow"))
}

fn parse_allow(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every typed number of `markdown`'s prose: (line from 1, the number as written).
pub fn typed_numbers(markdown: &str, allowed: &[String]) -> Vec<(usize, String)> {
    let masked = mask(markdown);
    let mut found = Vec::new();
    for (index, (line, original)) in masked.lines().zip(markdown.lines()).enumerate() {
        for (at, number) in numbers(line) {
            if names_something(&line[..at]) {
                continue;
            }
            if allowed.iter().any(|phrase| {
                phrase.contains(&number) && original.contains(phrase.as_str())
            }) {
                continue;
            }
            found.push((index + 1, number));
        }
    }
    found
}

/// `markdown` with everything that is not prose replaced by spaces, byte for byte (so that
/// lines and offsets are kept).
fn mask(markdown: &str) -> String {
    let mut out: Vec<u8> = markdown.as_bytes().to_vec();
    let blank = |out: &mut Vec<u8>, range: std::ops::Range<usize>| {
        for b in &mut out[range] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let text = markdown;
    // Fenced code blocks, the References section, and published tables: whole lines.
    let mut offset = 0;
    let mut fence: Option<String> = None;
    let mut references = false;
    let mut published = false;
    for line in text.split_inclusive('\n') {
        let range = offset..offset + line.len();
        offset += line.len();
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                fence = None;
            }
            blank(&mut out, range);
            continue;
        }
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if marker.len() >= 3
            && marker
                .chars()
                .all(|c| c == marker.chars().next().unwrap_or('`'))
        {
            fence = Some(marker);
            blank(&mut out, range);
            continue;
        }
        if trimmed.starts_with('#') {
            references = trimmed.trim_start_matches('#').trim() == "References";
        }
        if trimmed.starts_with(PUBLISHED) {
            published = true;
        } else if published && !trimmed.starts_with('|') {
            published = false;
        }
        if references || published {
            blank(&mut out, range);
        }
    }
    // Spans within the text.
    let spans: [(&str, &str); 7] = [
        ("<!--", "-->"),
        ("{{#", "}}"),
        ("$$", "$$"),
        ("`", "`"),
        ("$", "$"),
        ("](", ")"),
        ("<", ">"),
    ];
    for (open, close) in spans {
        let current = String::from_utf8_lossy(&out).into_owned();
        let mut from = 0;
        while let Some(start) = current[from..].find(open).map(|i| from + i) {
            let after = start + open.len();
            let Some(end) = current[after..]
                .find(close)
                .map(|i| after + i + close.len())
            else {
                break;
            };
            // A `<` that opens no tag ("n < 5") is prose.
            if open == "<"
                && !current[after..]
                    .starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
            {
                from = after;
                continue;
            }
            blank(&mut out, start..end);
            from = end;
        }
    }
    // Citations: `[Key...]` where the key starts with a capital letter and holds no
    // space before its first comma or closing bracket (`[FLP85, p. 377]`, `[Lam01, §2.4]`).
    let current = String::from_utf8_lossy(&out).into_owned();
    let mut from = 0;
    while let Some(start) = current[from..].find('[').map(|i| from + i) {
        let rest = &current[start + 1..];
        let Some(end) = rest.find(']') else { break };
        let key = rest[..end].split([',', ';']).next().unwrap_or("");
        let citation = key.starts_with(|c: char| c.is_ascii_uppercase())
            && !key.trim().contains(' ')
            && !rest[..end].contains('\n');
        if citation {
            blank(&mut out, start..start + 1 + end + 1);
        }
        from = start + 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Whether the text just before a number makes it a label: "Listing", "§", a bold
/// exercise heading, ...
fn names_something(before: &str) -> bool {
    let trimmed = before.trim_end();
    if trimmed.ends_with("**") && before.ends_with("**") {
        return true; // `**10.1 Quorums.**`
    }
    let word: String = trimmed
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '§')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    LABELS.contains(&word.as_str()) || trimmed.ends_with('§')
}

/// Words that precede a number that names something rather than measures it.
const LABELS: [&str; 20] = [
    "Listing",
    "listing",
    "Listings",
    "listings",
    "Figure",
    "figure",
    "Figures",
    "figures",
    "Table",
    "table",
    "Theorem",
    "Lemma",
    "Corollary",
    "Section",
    "section",
    "exercise",
    "Exercise",
    "exercises",
    "chapter",
    "Chapter",
];

/// The numbers of the kinds a measurement takes in `text`, with their byte offsets: a
/// decimal, a percentage, a ratio (`3×`) or an integer grouped by commas.
pub fn numbers(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_digit() || bytes[j] == b'.' || bytes[j] == b',')
        {
            j += 1;
        }
        let token = text[i..j].trim_end_matches(['.', ',']);
        let end = i + token.len();
        let groups: Vec<&str> = token.split(',').collect();
        let grouped = groups.len() > 1
            && !token.contains('.')
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3);
        let decimal = !token.contains(',')
            && token.matches('.').count() == 1
            && !token.ends_with('.');
        let after = text[end..].trim_start_matches(' ');
        let percentage = after.starts_with('%');
        let ratio = after.starts_with('×');
        let followed_by_letter = text[end..].starts_with(|c: char| c.is_alphabetic());
        if (grouped || decimal || percentage || ratio) && !followed_by_letter {
            let shown = if percentage {
                format!("{token}%")
            } else if ratio {
                format!("{token}×")
            } else {
                token.to_owned()
            };
            found.push((i, shown));
        }
        i = j.max(i + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Vec<String> {
        typed_numbers(text, &[])
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    #[test]
    fn measurements_are_found_in_every_form() {
        assert_eq!(
            typed(
                "a mean of 2.58 rounds, 30% lost, 3.3× faster, 181,094 states, 12 runs."
            ),
            ["2.58", "30%", "3.3×", "181,094"]
        );
        assert_eq!(typed("1,2 and 12,34 and 1.2.3 and 40 %"), ["40%"]);
    }

    #[test]
    fn labels_code_math_values_citations_and_links_are_not_measurements() {
        let text = "Listing 10.2, Figure 7.3 and §2.4; **10.1 Quorums.** `--loss 0.25`\n\
                    $x = 0.5$ and $$y = 1.5$$ {{#value cell:mean-2}} [Lam01, §2.4] [DLS88, p. 290]\n\
                    [a link](chapter-1.5.md) <img src=\"f-2.5.svg\"> <!-- 3.14 -->\n";
        assert_eq!(typed(text), Vec::<String>::new());
    }

    #[test]
    fn code_blocks_references_and_published_tables_are_skipped() {
        let text = "```console\n$ run\n3.14\n```\n\
                    <!-- published values -->\n| a | 2.5 |\n|---|---|\n| b | 1.5 |\n\n\
                    but 4.5 here\n## References\n- [X] pp. 1.5\n";
        assert_eq!(typed_numbers(text, &[]), vec![(10, "4.5".to_owned())]);
    }

    #[test]
    fn an_allowed_phrase_allows_its_number_only_where_it_occurs() {
        let allowed = parse_allow("Stateright 0.31   # a version\n");
        assert!(typed_numbers("checked with Stateright 0.31.", &allowed).is_empty());
        assert_eq!(typed_numbers("version 0.31", &allowed).len(), 1);
    }

    #[test]
    fn a_less_than_sign_is_prose() {
        assert_eq!(typed("when n < 5 it takes 2.5 s > 1"), ["2.5"]);
    }
}
