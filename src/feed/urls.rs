//! newsboat's `urls` file: one feed per line, `URL tag "tag with spaces" "~Title"`, `#` comments.

use super::subscriptions::{ImportList, Rejected};

/// Reads a urls file.
pub fn read(text: &str) -> ImportList {
    let mut list = ImportList::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let words = match split(trimmed) {
            Ok(words) => words,
            Err(reason) => {
                list.rejected.push(Rejected { line, what: trimmed.to_string(), reason });
                continue;
            }
        };
        let Some((url, rest)) = words.split_first() else { continue };
        if let Some(kind) = ["query:", "filter:"].iter().find(|k| url.starts_with(*k)) {
            let reason = format!("newsboat `{}` feeds are not supported", kind.trim_end_matches(':'));
            list.rejected.push(Rejected { line, what: url.clone(), reason });
            continue;
        }
        let mut title = None;
        let mut tags = Vec::new();
        for word in rest {
            if let Some(t) = word.strip_prefix('~') {
                title = Some(t.to_string()).filter(|t| !t.is_empty());
            } else {
                // `!tag` hides a feed in newsboat; here it is just the tag.
                let tag = word.trim_start_matches('!').to_string();
                if !tag.is_empty() && !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        list.push_own(line, url, title, tags);
    }
    list
}

/// Splits on whitespace, honouring double quotes and backslash escapes inside them.
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            break; // a comment after the fields
        }
        let mut word = String::new();
        if c == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => word.push(c),
                }
            }
            if !closed {
                return Err("unclosed quote".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newsboat_urls() {
        let text = "# my feeds\n\nhttps://a.example/rss news \"long tag\" \"~A \\\"quoted\\\" title\"\n\
                    https://b.example/atom !hidden tech # trailing comment\n\
                    \"query:Unread:unread = \\\"yes\\\"\"\nnot-a-url\nhttps://c.example/ \"unclosed\n\
                    \"exec:~/bin/mkfeed --flag 'two words'\" scripts\nfile:///srv/feeds/local.xml\nfile:relative\n";
        let list = read(text);
        assert_eq!(list.entries.len(), 4);
        assert_eq!(list.entries[2].url, "exec:~/bin/mkfeed --flag 'two words'");
        assert_eq!(list.entries[2].tags, vec!["scripts"]);
        assert_eq!(list.entries[3].url, "file:///srv/feeds/local.xml");
        let a = &list.entries[0];
        assert_eq!((a.line, a.url.as_str()), (3, "https://a.example/rss"));
        assert_eq!(a.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(a.tags, vec!["news", "long tag"]);
        assert_eq!(list.entries[1].tags, vec!["hidden", "tech"]);
        let lines: Vec<usize> = list.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![5, 6, 7, 10]);
        assert!(list.rejected[0].reason.contains("query"));
        assert!(list.rejected[2].reason.contains("unclosed"));
    }
}
