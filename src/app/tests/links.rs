//! Links: the hints popup (labels, open, Shift copies, Esc and other keys close it), copying
//! with OSC 52 and a local tool, enclosures to the player.

use super::*;
use crate::app::hints::Target;
use crate::app::state::Popup;
use crate::domain::Enclosure;
use crate::keymap::Keymap;

/// An article open at 80×24 with `paragraphs` numbered links, a browser and (optionally) the
/// article's enclosures.
fn reading(paragraphs: usize, enclosures: &[&str]) -> State {
    let mut s = state_with(3, (80, 24), false);
    s.settings.browser = Some("firefox".into());
    act(&mut s, Action::Open);
    loaded(&mut s, paragraphs);
    let open = s.article.as_mut().and_then(|a| a.article.as_mut()).expect("loaded");
    open.0.enclosures = enclosures
        .iter()
        .map(|url| Enclosure { url: (*url).into(), mime: Some("audio/mpeg".into()), length: None })
        .collect();
    s
}

fn text(s: &mut State, t: &str) -> Vec<Effect> {
    update(s, Msg::Text(t.into()))
}

fn hints(s: &State) -> &crate::app::hints::Hints {
    match &s.popup {
        Some(Popup::Hints(h)) => h,
        other => panic!("no hints open: {other:?}"),
    }
}

fn opened(url: &str) -> Effect {
    Effect::OpenBrowser { argv: vec!["firefox".into(), url.into()], in_terminal: false }
}

#[test]
fn every_link_gets_a_label_and_a_label_opens_it() {
    let mut s = reading(2, &["https://cdn.example/ep.mp3"]);
    assert!(act(&mut s, Action::LinkHints).is_empty());
    let h = hints(&s);
    let listed: Vec<(&str, Target, &str)> =
        h.hints.iter().map(|h| (h.label.as_str(), h.target, h.url.as_str())).collect();
    assert_eq!(
        listed,
        [
            ("a", Target::Article, "https://example.org/1"),
            ("s", Target::Enclosure(1), "https://cdn.example/ep.mp3"),
            ("d", Target::Link(1), "https://l.example/0"),
            ("f", Target::Link(2), "https://l.example/1"),
        ]
    );
    let fx = text(&mut s, "f");
    assert_eq!(fx, [opened("https://l.example/1")], "the same path as o");
    assert_eq!(s.popup, None);
    // The article's own link, by its label.
    act(&mut s, Action::LinkHints);
    assert_eq!(text(&mut s, "a"), [opened("https://example.org/1")]);
}

#[test]
fn shift_and_a_label_copies() {
    let mut s = reading(2, &[]);
    act(&mut s, Action::LinkHints);
    let fx = text(&mut s, "S");
    assert_eq!(fx, [Effect::CopyToClipboard { text: "https://l.example/0".into() }]);
    assert_eq!(s.popup, None);
    assert!(status(&s).contains("Copied https://l.example/0 (OSC 52; in tmux"), "{}", status(&s));
}

#[test]
fn esc_closes_and_any_other_key_closes_with_a_hint() {
    let mut s = reading(2, &[]);
    act(&mut s, Action::LinkHints);
    assert!(act(&mut s, Action::Cancel).is_empty());
    assert_eq!(s.popup, None);
    assert_eq!(s.focus, crate::app::state::Pane::Article, "Esc closed the hints, not the article");
    for key in ["1", "", "z"] {
        seen(&mut s);
        act(&mut s, Action::LinkHints);
        assert!(text(&mut s, key).is_empty(), "{key:?} opens nothing");
        assert_eq!(s.popup, None, "{key:?}");
        assert!(status(&s).contains("is no label"), "{key:?}: {}", status(&s));
    }
}

#[test]
fn more_than_26_links_get_two_letters_and_each_can_be_reached() {
    let mut s = reading(30, &[]);
    act(&mut s, Action::LinkHints);
    assert_eq!(hints(&s).hints.len(), 31);
    assert!(hints(&s).hints.iter().all(|h| h.label.len() == 2));
    // The first letter narrows the list; the second picks.
    assert!(text(&mut s, "s").is_empty());
    assert_eq!(hints(&s).shown().count(), 5, "sa … sm: 31 links, 26 under a");
    assert_eq!(hints(&s).shown().next().map(|h| h.label.as_str()), Some("sa"));
    let fx = text(&mut s, "d");
    // Labels run aa, as, ad … am (26), then sa, ss, sd: "sd" is the 29th, link [28].
    assert_eq!(fx, [opened("https://l.example/27")]);
    // The last one, Shift on the second letter.
    act(&mut s, Action::LinkHints);
    let last = hints(&s).hints.last().map(|h| h.label.clone()).unwrap();
    text(&mut s, &last[..1]);
    let fx = text(&mut s, &last[1..].to_uppercase());
    assert_eq!(fx.last(), Some(&Effect::CopyToClipboard { text: "https://l.example/29".into() }));
}

#[test]
fn keys_in_the_hints_go_through_their_own_context() {
    let keymap = Keymap::defaults();
    let mut s = reading(2, &[]);
    let mut pending = Vec::new();
    let mut msg = |s: &State, key: &str| {
        let key = crate::keymap::key_events(key).unwrap()[0];
        crate::app::input::translate(&keymap, &mut pending, s, &crossterm::event::Event::Key(key), false)
    };
    assert_eq!(msg(&s, "f"), Some(Msg::Action(Action::LinkHints)));
    act(&mut s, Action::LinkHints);
    assert_eq!(crate::app::input::context(&s), crate::keymap::Context::Hints);
    assert_eq!(msg(&s, "j"), Some(Msg::Text("j".into())), "letters are labels, not moves");
    assert_eq!(msg(&s, "D"), Some(Msg::Text("D".into())));
    assert_eq!(msg(&s, "esc"), Some(Msg::Action(Action::Cancel)));
    assert_eq!(msg(&s, "enter"), Some(Msg::Text(String::new())), "closes with a hint");
}

#[test]
fn no_article_or_no_links_say_so() {
    let mut s = state_with(3, (80, 24), false);
    act(&mut s, Action::LinkHints);
    assert_eq!(s.popup, None);
    assert!(status(&s).contains("No article is shown"), "{}", status(&s));
}

#[test]
fn copying_outside_ssh_also_hands_the_text_to_the_local_tool() {
    let mut s = reading(1, &[]);
    s.settings.copy_command = Some(vec!["wl-copy".into()]);
    let fx = act(&mut s, Action::CopyLink);
    assert_eq!(
        fx,
        [
            Effect::CopyWithCommand { argv: vec!["wl-copy".into()], text: "https://example.org/1".into() },
            Effect::CopyToClipboard { text: "https://example.org/1".into() },
        ]
    );
    assert_eq!(fx[0].target(), crate::app::effect::Target::Process, "never on the UI thread");
    assert!(status(&s).contains("(OSC 52 and wl-copy)"), "{}", status(&s));
}

#[test]
fn enclosures_go_to_the_player() {
    let mut s = reading(1, &["https://cdn.example/one.mp3", "https://cdn.example/two.mp4"]);
    // None configured: the status says how to set one.
    assert!(act(&mut s, Action::PlayEnclosure).is_empty());
    assert!(status(&s).contains("set reader.player in config.toml"), "{}", status(&s));
    s.messages.read_all();
    s.settings.player = Some(vec!["mpv".into(), "--no-video".into(), "%u".into()]);
    let fx = act(&mut s, Action::PlayEnclosure);
    let play = |url: &str, in_terminal| Effect::Play {
        argv: vec!["mpv".into(), "--no-video".into(), url.into()],
        in_terminal,
    };
    assert_eq!(fx, [play("https://cdn.example/one.mp3", true)], "the first by default");
    assert_eq!(fx[0].target(), crate::app::effect::Target::Terminal, "the reader steps aside");
    // A typed number picks one.
    update(&mut s, Msg::Digit(2));
    s.settings.player_in_terminal = false;
    let fx = act(&mut s, Action::PlayEnclosure);
    assert_eq!(fx, [play("https://cdn.example/two.mp4", false)]);
    assert_eq!(fx[0].target(), crate::app::effect::Target::Process);
    update(&mut s, Msg::Digit(7));
    assert!(act(&mut s, Action::PlayEnclosure).is_empty());
    assert!(status(&s).contains("No enclosure 7: this article has 2"), "{}", status(&s));
    // In the hints, an enclosure's label plays it.
    act(&mut s, Action::LinkHints);
    let fx = text(&mut s, "d");
    assert_eq!(fx, [play("https://cdn.example/two.mp4", false)]);
    // An article without enclosures.
    let mut s = reading(1, &[]);
    s.settings.player = Some(vec!["mpv".into()]);
    assert!(act(&mut s, Action::PlayEnclosure).is_empty());
    assert!(status(&s).contains("no enclosure"), "{}", status(&s));
}
