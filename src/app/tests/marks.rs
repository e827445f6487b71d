//! Read and star marks; marking a view read asks first when it is more than a screen, and
//! can be undone.

use super::*;
use crate::app::state::{Popup, Undo};
use crate::store::Mark;

#[test]
fn toggles_star_and_read_on_the_focused_article() {
    let mut s = state_with(5, (80, 24), false);
    let fx = act(&mut s, Action::ToggleStar);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Star }]);
    assert!(s.list.rows[0].starred);
    let fx = act(&mut s, Action::ToggleRead);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read }]);
    let fx = act(&mut s, Action::ToggleRead);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Unread }]);
}

#[test]
fn marking_a_screenful_needs_no_question() {
    let mut s = state_with(5, (80, 24), false);
    let fx = act(&mut s, Action::MarkViewRead);
    assert!(s.popup.is_none());
    assert!(matches!(&fx[..], [Effect::MarkAllRead { .. }]), "{fx:?}");
    assert!(s.list.rows.iter().all(|r| r.read) && s.list.unread == 0);
}

#[test]
fn marking_more_than_a_screen_asks_and_can_be_undone() {
    // 60 rows, 40 unread, on a 24-row terminal.
    let mut s = state_with(60, (80, 24), false);
    let fx = act(&mut s, Action::MarkViewRead);
    assert!(fx.is_empty(), "nothing happens before the answer: {fx:?}");
    let Some(Popup::Confirm(question)) = &s.popup else { panic!("a question: {:?}", s.popup) };
    assert!(
        question.question.contains("Mark 40 unread articles in “All articles” read?"),
        "{}",
        question.question
    );
    // No leaves everything as it was.
    act(&mut s, Action::Cancel);
    assert!(s.popup.is_none() && s.list.unread == 40);
    // Yes marks them.
    act(&mut s, Action::MarkViewRead);
    let fx = act(&mut s, Action::Yes);
    assert!(matches!(&fx[..], [Effect::MarkAllRead { .. }]), "{fx:?}");
    assert!(s.list.rows.iter().all(|r| r.read));
    // The worker says which it changed; U marks exactly those unread again.
    let changed: Vec<ArticleId> = (1..=60).filter(|i| i % 3 != 0).map(ArticleId).collect();
    update(&mut s, Msg::MarkedRead(changed.clone()));
    assert!(status(&s).contains("Marked 40 articles read — U undoes"), "{}", status(&s));
    assert_eq!(s.undo, Some(Undo::MarkRead { ids: changed.clone() }));
    let fx = act(&mut s, Action::Undo);
    assert!(fx.contains(&Effect::Mark { ids: changed, mark: Mark::Unread }), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadPage { .. })), "the list reloads: {fx:?}");
    assert!(!s.list.rows[0].read && s.list.rows[2].read, "only the ones that changed");
    assert!(s.undo.is_none());
    act(&mut s, Action::Undo);
    assert_eq!(status(&s), "Nothing to undo");
}
