//! The modal layer: help, the message log, prompts, and messages that stay until read.

use super::*;
use crate::app::state::{Popup, PromptKind};
use crate::domain::NewFeed;

#[test]
fn help_scrolls_within_its_length_and_closes() {
    let mut s = state_with(3, (120, 40), false);
    s.help_len = 100;
    act(&mut s, Action::Help);
    act(&mut s, Action::Down);
    assert_eq!(s.popup, Some(Popup::Help { scroll: 1 }));
    act(&mut s, Action::Last);
    let Some(Popup::Help { scroll }) = s.popup else { panic!() };
    // 40 rows: the popup is 36 high, 34 inside; 100 lines scroll 66 at most.
    assert_eq!(scroll, 66);
    act(&mut s, Action::Down);
    assert_eq!(s.popup, Some(Popup::Help { scroll: 66 }), "not past the end");
    act(&mut s, Action::Up);
    assert_eq!(s.popup, Some(Popup::Help { scroll: 65 }), "one key back up from the end");
    act(&mut s, Action::Cancel);
    assert!(s.popup.is_none());
    act(&mut s, Action::Help);
    act(&mut s, Action::Help);
    assert!(s.popup.is_none() && !s.quit, "? closes the help it opened");
    // While the help is open, pane keys do not reach the panes.
    act(&mut s, Action::Help);
    act(&mut s, Action::ToggleStar);
    assert!(!s.list.rows[0].starred);
}

#[test]
fn a_start_up_warning_stays_until_read_and_the_log_keeps_everything() {
    let mut s = state_with(3, (80, 24), false);
    update(&mut s, Msg::Warning("keys.toml:4: list.\"x\": unknown action `quitt`".into()));
    // The refresh summary a quarter of a second later does not replace it.
    let summary = crate::refresh::Summary { feeds: 3, new: 2, failed: 0, skipped: 0, unchanged: 1 };
    update(&mut s, Msg::RefreshStarted { total: 3 });
    update(&mut s, Msg::RefreshFinished(summary));
    assert!(status(&s).contains("unknown action `quitt`"), "{}", status(&s));
    assert_eq!(s.messages.waiting(), 1);
    // A key pressed at once does not count as having read it; one a few seconds later does.
    act(&mut s, Action::Down);
    assert!(status(&s).contains("unknown action"));
    update(&mut s, Msg::Tick(now() + Duration::seconds(3)));
    act(&mut s, Action::Down);
    assert_eq!(status(&s), "3 feeds, 2 new articles, 0 failed");
    // M lists both, newest first, in full.
    act(&mut s, Action::Messages);
    assert_eq!(s.popup, Some(Popup::Messages { scroll: 0 }));
    let lines: Vec<String> = s.messages.lines(&s.tz, 60).into_iter().map(|(_, l)| l).collect();
    assert!(lines[0].ends_with("3 feeds, 2 new articles, 0 failed"), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("warning: keys.toml:4")), "{lines:?}");
    act(&mut s, Action::Cancel);
    assert!(s.popup.is_none());
}

#[test]
fn prompts_open_empty_and_offer_what_was_typed_before() {
    let mut s = state_with(3, (80, 24), false);
    act(&mut s, Action::Search);
    update(&mut s, Msg::Text("rust async".into()));
    act(&mut s, Action::DeleteWordBack);
    update(&mut s, Msg::Text("tokio".into()));
    act(&mut s, Action::LineStart);
    update(&mut s, Msg::Text("the ".into()));
    act(&mut s, Action::Submit);
    assert_eq!(s.view.kind, crate::app::state::ViewKind::Search("the rust tokio".into()));
    // The prompt opens empty; Up offers the last search, Down returns to what was typed.
    act(&mut s, Action::Search);
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!(p.field().text, "");
    update(&mut s, Msg::Text("x".into()));
    act(&mut s, Action::HistoryPrev);
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!(p.field().text, "the rust tokio");
    act(&mut s, Action::HistoryNext);
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!(p.field().text, "x");
    act(&mut s, Action::DeleteToStart);
    act(&mut s, Action::Cancel);
    assert!(s.popup.is_none());
    assert_eq!(
        s.view.kind,
        crate::app::state::ViewKind::Search("the rust tokio".into()),
        "Esc changes nothing"
    );
}

#[test]
fn tab_moves_between_the_fields_of_the_subscribe_prompt() {
    let mut s = state_with(3, (80, 24), false);
    act(&mut s, Action::AddFeed);
    update(&mut s, Msg::Text("lwn.net".into()));
    act(&mut s, Action::NextField);
    update(&mut s, Msg::Text("linux, news ,".into()));
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!((p.kind, p.focus, p.fields[0].text.as_str()), (PromptKind::AddFeed, 1, "lwn.net"));
    act(&mut s, Action::NextField);
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!(p.focus, 0, "Tab goes round");
    let fx = act(&mut s, Action::Submit);
    let want = NewFeed { url: "lwn.net".into(), title: None, tags: vec!["linux".into(), "news".into()] };
    assert_eq!(fx, vec![Effect::Subscribe { feeds: vec![want] }]);
}
