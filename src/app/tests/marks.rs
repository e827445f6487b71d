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

#[test]
fn marking_read_follows_the_story_when_asked() {
    let mut s = state_with(5, (80, 24), false);
    // Rows 1 and 2 are one story (row 2 unread, from another feed).
    for r in &mut s.list.rows[..2] {
        r.story = Some(1);
        r.sources = 1;
    }
    let fx = act(&mut s, Action::ToggleRead);
    let marked: Vec<ArticleId> = fx
        .iter()
        .filter_map(|e| if let Effect::Mark { ids, mark: Mark::Read } = e { Some(ids[0]) } else { None })
        .collect();
    assert_eq!(marked, vec![ArticleId(1), ArticleId(2)]);
    assert!(s.list.rows[1].read, "shown read at once");
    act(&mut s, Action::ToggleRead);
    assert!(!s.list.rows[0].read && !s.list.rows[1].read, "and back");
    // Off: one article only.
    s.settings.story_read = false;
    let fx = act(&mut s, Action::ToggleRead);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read }]);
}

#[test]
fn one_row_per_story_is_a_toggle_of_each_view() {
    let mut s = state_with(5, (80, 24), false);
    assert!(crate::app::list::view_filter(&s).one_per_story, "on by default");
    let fx = act(&mut s, Action::ToggleStories);
    let Some(Effect::LoadPage { filter, .. }) = fx.iter().find(|e| matches!(e, Effect::LoadPage { .. }))
    else {
        panic!("the list reloads: {fx:?}")
    };
    assert!(!filter.one_per_story);
    assert!(status(&s).contains("Every source"), "{}", status(&s));
    // Another view keeps its own setting; coming back finds this one's.
    let all = s.view.clone();
    crate::app::list::switch_view(
        &mut s,
        crate::app::state::View { kind: crate::app::state::ViewKind::Unread, unread_only: false },
        &mut Vec::new(),
    );
    assert!(crate::app::list::view_filter(&s).one_per_story);
    crate::app::list::switch_view(&mut s, all, &mut Vec::new());
    assert!(!crate::app::list::view_filter(&s).one_per_story);
}

#[test]
fn opening_an_article_marks_its_story_read_once_the_story_is_known() {
    let mut s = state_with(5, (80, 24), false);
    s.list.rows[0].story = Some(1);
    act(&mut s, Action::Open);
    assert!(s.list.rows[0].read);
    let req = s.related_req;
    let mut other = row(99, 3, false);
    other.story = Some(1);
    let fx = update(&mut s, Msg::RelatedLoaded { req, items: vec![row(4, 2, false)], story: vec![other] });
    let marked: Vec<&Effect> = fx.iter().filter(|e| matches!(e, Effect::Mark { .. })).collect();
    assert_eq!(
        marked,
        vec![&Effect::Mark { ids: vec![ArticleId(99)], mark: Mark::Read }],
        "once, the source only"
    );
    assert!(s.related.items[0].read && !s.related.items[1].read, "a related article is not marked");
}
