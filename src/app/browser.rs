//! Opening links: the configured command or `$BROWSER`, run as an argument vector (never
//! through a shell), only for http, https and mailto links; and copying them with OSC 52.
//!
//! A browser that runs in the terminal (w3m, lynx …) gets the terminal: the reader steps aside
//! until it exits. Any other is started and left to run, so a graphical browser that stays
//! open does not hold the reader up. `reader.browser_in_terminal` overrides the guess made
//! from the command's name.

use base64::Engine;

/// Why a link was not opened.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No browser is configured and `$BROWSER` is unset (typical over SSH).
    #[error("no browser: set $BROWSER or reader.browser in config.toml (press y to copy the link instead)")]
    NoBrowser,
    /// The link is not one we hand to a browser.
    #[error("not opening {0}: only http, https and mailto links are opened")]
    Scheme(String),
    /// The command line is empty or has an unclosed quote.
    #[error("the browser command `{0}` cannot be read")]
    BadCommand(String),
    /// No player is configured for enclosures.
    #[error("no player: set reader.player in config.toml, e.g. player = [\"mpv\", \"--no-video\", \"%u\"]")]
    NoPlayer,
    /// The configured player is an empty list.
    #[error("reader.player is empty: give the program and its arguments, e.g. [\"mpv\", \"%u\"]")]
    EmptyPlayer,
}

/// The argument vector that plays `url` with the configured player: its words with `%u`
/// replaced by the URL (or the URL appended when there is no `%u`). Only http and https URLs.
pub fn player_command(player: Option<&[String]>, url: &str) -> Result<Vec<String>, BrowserError> {
    let parsed = url::Url::parse(url).map_err(|_| BrowserError::Scheme(url.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BrowserError::Scheme(url.to_string()));
    }
    let player = player.ok_or(BrowserError::NoPlayer)?;
    if player.first().is_none_or(|p| p.trim().is_empty()) {
        return Err(BrowserError::EmptyPlayer);
    }
    Ok(fill(player.to_vec(), parsed.as_str()))
}

/// `words` with `%u` replaced by `url`, or `url` appended when no word has `%u`.
fn fill(mut words: Vec<String>, url: &str) -> Vec<String> {
    if words.iter().any(|w| w.contains("%u")) {
        for w in &mut words {
            *w = w.replace("%u", url);
        }
    } else {
        words.push(url.to_string());
    }
    words
}

/// What is known of the session, to pick a local clipboard tool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // facts about the environment, independent
pub struct Session {
    /// Over SSH (`SSH_TTY` or `SSH_CONNECTION` set): the local tools would fill the remote
    /// machine's clipboard, so only OSC 52 is used.
    pub ssh: bool,
    /// `WAYLAND_DISPLAY` is set.
    pub wayland: bool,
    /// `DISPLAY` is set (X11).
    pub x11: bool,
    /// Running on macOS.
    pub macos: bool,
}

/// The local clipboard command copied text is also handed to, on stdin: `configured` when
/// given (`reader.copy_command`), else, outside SSH, the first tool of the session that
/// `exists`: wl-copy (Wayland), xclip or xsel (X11), pbcopy (macOS).
pub fn copy_command(
    configured: Option<&[String]>,
    session: Session,
    exists: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    if let Some(argv) = configured {
        return argv.first().is_some_and(|p| !p.trim().is_empty()).then(|| argv.to_vec());
    }
    if session.ssh {
        return None;
    }
    let candidates: [(bool, &[&str]); 4] = [
        (session.wayland, &["wl-copy"]),
        (session.x11, &["xclip", "-selection", "clipboard"]),
        (session.x11, &["xsel", "--clipboard", "--input"]),
        (session.macos, &["pbcopy"]),
    ];
    candidates
        .iter()
        .find(|(applies, argv)| *applies && exists(argv[0]))
        .map(|(_, argv)| argv.iter().map(|w| (*w).to_string()).collect())
}

/// The argument vector to run for `url`: the command's words with `%u` replaced by the URL
/// (or the URL appended when there is no `%u`). `$BROWSER` may list several commands separated
/// by `:`; the first is used.
pub fn command(
    configured: Option<&str>,
    env_browser: Option<&str>,
    url: &str,
) -> Result<Vec<String>, BrowserError> {
    let parsed = url::Url::parse(url).map_err(|_| BrowserError::Scheme(url.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(BrowserError::Scheme(url.to_string()));
    }
    let template = match (configured, env_browser) {
        (Some(c), _) if !c.trim().is_empty() => c.to_string(),
        (_, Some(b)) if !b.trim().is_empty() => b.split(':').next().unwrap_or(b).to_string(),
        _ => return Err(BrowserError::NoBrowser),
    };
    let words = split(&template).ok_or_else(|| BrowserError::BadCommand(template.clone()))?;
    if words.is_empty() {
        return Err(BrowserError::BadCommand(template));
    }
    Ok(fill(words, parsed.as_str()))
}

/// Browsers that draw in the terminal they are started from.
const TERMINAL_BROWSERS: &[&str] =
    &["w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl", "cha", "edbrowse", "netrik"];

/// Whether the command `argv0` runs in the terminal: `setting` when given, else by its name.
pub fn runs_in_terminal(argv0: &str, setting: Option<bool>) -> bool {
    setting.unwrap_or_else(|| {
        let name = std::path::Path::new(argv0).file_name().and_then(|n| n.to_str()).unwrap_or(argv0);
        TERMINAL_BROWSERS.contains(&name)
    })
}

/// Splits a command line into words: whitespace separates, single and double quotes group.
fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// The OSC 52 sequence that puts `text` on the clipboard (works over SSH; inside tmux it needs
/// `set -g set-clipboard on`).
pub fn osc52(text: &str) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_argument_vectors() {
        let argv = command(Some("firefox --new-tab %u"), None, "https://e.com/a b").unwrap();
        assert_eq!(argv, vec!["firefox", "--new-tab", "https://e.com/a%20b"]);
        let argv = command(None, Some("w3m:lynx"), "https://e.com/;rm -rf ~").unwrap();
        assert_eq!(argv, vec!["w3m", "https://e.com/;rm%20-rf%20~"], "no shell ever sees it");
        let argv = command(Some("'/opt/my browser/run' --url=%u"), None, "http://x/").unwrap();
        assert_eq!(argv, vec!["/opt/my browser/run", "--url=http://x/"]);
    }

    #[test]
    fn only_web_and_mail_links_and_a_browser_is_needed() {
        assert_eq!(command(None, None, "https://x/"), Err(BrowserError::NoBrowser));
        assert!(matches!(command(Some("b"), None, "file:///etc/passwd"), Err(BrowserError::Scheme(_))));
        assert!(matches!(command(Some("b"), None, "javascript:alert(1)"), Err(BrowserError::Scheme(_))));
        assert!(command(Some("b"), None, "mailto:a@b.c").is_ok());
        assert!(matches!(command(Some("\"unclosed"), None, "https://x/"), Err(BrowserError::BadCommand(_))));
    }

    #[test]
    fn terminal_browsers_are_known_by_name_unless_configured() {
        assert!(runs_in_terminal("w3m", None));
        assert!(runs_in_terminal("/usr/bin/lynx", None));
        assert!(!runs_in_terminal("firefox", None));
        assert!(!runs_in_terminal("xdg-open", None));
        assert!(runs_in_terminal("firefox", Some(true)));
        assert!(!runs_in_terminal("w3m", Some(false)));
    }

    #[test]
    fn players_are_argument_vectors_for_web_urls() {
        let mpv = vec!["mpv".to_string(), "--no-video".to_string(), "%u".to_string()];
        let argv = player_command(Some(&mpv), "https://cdn.e/a b.mp3").unwrap();
        assert_eq!(argv, ["mpv", "--no-video", "https://cdn.e/a%20b.mp3"]);
        let argv = player_command(Some(&["vlc".to_string()]), "http://e/x;rm -rf ~").unwrap();
        assert_eq!(argv, ["vlc", "http://e/x;rm%20-rf%20~"], "no shell ever sees it");
        assert_eq!(player_command(None, "https://e/a.mp3"), Err(BrowserError::NoPlayer));
        assert_eq!(player_command(Some(&[]), "https://e/a.mp3"), Err(BrowserError::EmptyPlayer));
        assert!(matches!(player_command(Some(&mpv), "file:///dev/zero"), Err(BrowserError::Scheme(_))));
        assert!(BrowserError::NoPlayer.to_string().contains("reader.player"));
    }

    #[test]
    fn the_local_clipboard_tool_fits_the_session() {
        let all = |_: &str| true;
        let local = Session { wayland: true, x11: true, ..Session::default() };
        assert_eq!(copy_command(None, local, all), Some(vec!["wl-copy".to_string()]));
        let x11 = Session { x11: true, ..Session::default() };
        assert_eq!(copy_command(None, x11, all).unwrap()[0], "xclip");
        assert_eq!(copy_command(None, x11, |p| p == "xsel").unwrap()[0], "xsel");
        assert_eq!(copy_command(None, x11, |_| false), None, "no tool installed");
        let mac = Session { macos: true, ..Session::default() };
        assert_eq!(copy_command(None, mac, all), Some(vec!["pbcopy".to_string()]));
        let ssh = Session { ssh: true, ..local };
        assert_eq!(copy_command(None, ssh, all), None, "over SSH only OSC 52");
        let mine = vec!["my-copy".to_string(), "--in".to_string()];
        assert_eq!(copy_command(Some(&mine), ssh, |_| false), Some(mine.clone()), "configured wins");
        assert_eq!(copy_command(Some(&[]), local, all), None);
    }

    #[test]
    fn osc52_encodes_the_text() {
        assert_eq!(osc52("hi"), b"\x1b]52;c;aGk=\x07");
    }
}
