//! Link hints (`f`): every link of the article gets a label of letters in a popup — the
//! article's own link first, then its enclosures, then the numbered links of the text. Typing a
//! label opens its link (an enclosure goes to the player when one is set); typing it with Shift
//! copies it. Esc closes the hints; any other key closes them and says how they work.
//!
//! Labels are home-row letters first (`a s d f …`). Up to 26 links get one letter each; more get
//! two letters each (26 × 26), and so on, all labels of one length, so no label is the start of
//! another and every link can be reached. After a first letter the popup lists only the links
//! whose label starts with it (26 at most).

use super::action::Action;
use super::effect::Effect;
use super::state::{Popup, State};

/// Label letters, home row first, then the rows above and below.
const LETTERS: &[u8; 26] = b"asdfghjklqwertyuiopzxcvbnm";

/// What a hint points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The article's own link.
    Article,
    /// Enclosure `n` (1-based, as numbered in the header).
    Enclosure(usize),
    /// Link `[n]` of the text.
    Link(usize),
}

/// One labelled link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Its label, lower-case letters.
    pub label: String,
    /// What it is.
    pub target: Target,
    /// The URL.
    pub url: String,
}

/// The open link hints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hints {
    /// Every link, labelled.
    pub hints: Vec<Hint>,
    /// The letters typed so far (lower case).
    pub typed: String,
    /// A letter was typed with Shift: copy rather than open.
    pub copy: bool,
}

impl Hints {
    /// The hints whose label starts with what was typed.
    pub fn shown(&self) -> impl Iterator<Item = &Hint> {
        self.hints.iter().filter(|h| h.label.starts_with(&self.typed))
    }
}

/// `n` labels, all of the same length: the fewest letters that give each link its own.
pub fn labels(n: usize) -> Vec<String> {
    let mut len = 1;
    while 26usize.saturating_pow(len) < n {
        len += 1;
    }
    (0..n)
        .map(|mut i| {
            let mut label = vec![0u8; len as usize];
            for slot in label.iter_mut().rev() {
                *slot = LETTERS[i % 26];
                i /= 26;
            }
            String::from_utf8_lossy(&label).into_owned()
        })
        .collect()
}

/// `f`: opens the hints over the article shown.
pub fn open(s: &mut State) {
    let Some(open) = &s.article else {
        s.info("No article is shown: open one to pick its links");
        return;
    };
    let mut targets: Vec<(Target, String)> = Vec::new();
    if let Some(link) = &open.summary.link {
        targets.push((Target::Article, link.clone()));
    }
    if let Some(loaded) = &open.article {
        for (i, e) in crate::text::article::attachments(&loaded.0).enumerate() {
            targets.push((Target::Enclosure(i + 1), e.url.clone()));
        }
    }
    for (i, url) in open.links().iter().enumerate() {
        targets.push((Target::Link(i + 1), url.clone()));
    }
    if targets.is_empty() {
        s.info("This article has no links");
        return;
    }
    let hints = labels(targets.len())
        .into_iter()
        .zip(targets)
        .map(|(label, (target, url))| Hint { label, target, url })
        .collect();
    s.popup = Some(Popup::Hints(Hints { hints, typed: String::new(), copy: false }));
}

/// An action of the `[hints]` context: Esc closes, quit quits.
pub fn action(s: &mut State, a: Action) {
    match a {
        Action::Cancel => s.popup = None,
        Action::Quit => s.quit = true,
        _ => {}
    }
}

/// Keys typed in the hints: letters of a label (Shift: copy); anything else closes them with a
/// word on how they work. Empty text stands for a key that types nothing (an arrow, Enter).
pub fn typed(s: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let Some(Popup::Hints(hints)) = &mut s.popup else { return };
    let mut chars = text.chars().peekable();
    if chars.peek().is_none() {
        close_with_hint(s, "that key");
        return;
    }
    for c in chars {
        if !c.is_ascii_alphabetic() {
            close_with_hint(s, &format!("“{c}”"));
            return;
        }
        hints.copy |= c.is_ascii_uppercase();
        hints.typed.push(c.to_ascii_lowercase());
        let first = hints.shown().next().cloned();
        let (typed, copy) = (hints.typed.clone(), hints.copy);
        match first {
            None => {
                close_with_hint(s, &format!("“{typed}”"));
                return;
            }
            Some(hint) if hint.label == typed => {
                s.popup = None;
                follow(s, &hint, copy, fx);
                return;
            }
            Some(_) => {}
        }
    }
}

/// Closes the hints after a key that is no label.
fn close_with_hint(s: &mut State, what: &str) {
    s.popup = None;
    s.info(format!(
        "Link hints closed: {what} is no label (type a label to open its link, Shift+label to copy it)"
    ));
}

/// Opens, plays or copies what a hint points at.
fn follow(s: &mut State, hint: &Hint, copy: bool, fx: &mut Vec<Effect>) {
    if copy {
        super::update::copy(s, hint.url.clone(), fx);
    } else if matches!(hint.target, Target::Enclosure(_)) && s.settings.player.is_some() {
        super::update::play_url(s, &hint.url, fx);
    } else {
        super::update::open_url(s, &hint.url, fx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_home_row_first_and_never_the_start_of_another() {
        assert_eq!(labels(4), ["a", "s", "d", "f"]);
        assert_eq!(labels(26).last().map(String::as_str), Some("m"));
        let many = labels(27);
        assert_eq!(&many[..3], ["aa", "as", "ad"]);
        assert!(many.iter().all(|l| l.len() == 2));
        let huge = labels(700);
        assert!(huge.iter().all(|l| l.len() == 3));
        let mut unique = huge.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 700, "every link has its own label");
        assert!(labels(0).is_empty());
    }
}
