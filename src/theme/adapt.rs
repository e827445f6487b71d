//! Fitting resolved styles to the terminal: colour depth and `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

use super::color::{ColorDepth, degrade};
use super::slot::Slot;

/// Slots whose background must stay apart from another slot's (besides the screen's) when
/// colours are mapped down, and that other slot. Listed after it in [`Slot::ALL`].
const KEEP_APART: [(Slot, Slot); 1] = [(Slot::ListSelectedUnfocused, Slot::ListSelected)];

/// Maps every colour to what `depth` can show, keeping apart colours that were apart: a slot's
/// background does not collapse onto the screen background (nor the unfocused selection onto
/// the focused one), and a foreground does not collapse onto the background it sits on.
pub(super) fn fit_depth(styles: &mut [Style], depth: ColorDepth) {
    if depth == ColorDepth::TrueColor {
        return;
    }
    let original = styles.to_vec();
    let base = original[Slot::Base.index()];
    for &slot in Slot::ALL {
        let old = original[slot.index()];
        let mut avoid_bg = Vec::new();
        if slot != Slot::Base {
            for other in std::iter::once(Slot::Base).chain(apart_from(slot)) {
                if old.bg != original[other.index()].bg {
                    avoid_bg.extend(styles[other.index()].bg);
                }
            }
        }
        let bg = old.bg.map(|c| degrade(c, depth, &avoid_bg));
        let under_old = old.bg.or(base.bg);
        let under_new = bg.or(styles[Slot::Base.index()].bg);
        let avoid_fg: Vec<Color> =
            if old.fg == under_old { Vec::new() } else { under_new.into_iter().collect() };
        let style = &mut styles[slot.index()];
        style.fg = old.fg.map(|c| degrade(c, depth, &avoid_fg));
        style.bg = bg;
    }
}

/// The slot `slot` must stay apart from, per [`KEEP_APART`].
fn apart_from(slot: Slot) -> Option<Slot> {
    KEEP_APART.iter().find(|(s, _)| *s == slot).map(|(_, other)| *other)
}

/// Removes every colour but keeps modifiers. A slot that had a background of its own (one that
/// differs from the screen's) is drawn reversed instead, so selections and bars stay visible.
pub(super) fn strip_colours(styles: &mut [Style]) {
    let base_bg = styles[Slot::Base.index()].bg;
    for (slot, style) in Slot::ALL.iter().zip(styles.iter_mut()) {
        let own_bg = matches!(style.bg, Some(c) if c != Color::Reset && style.bg != base_bg);
        if *slot != Slot::Base && own_bg {
            *style = style.add_modifier(Modifier::REVERSED);
            style.sub_modifier.remove(Modifier::REVERSED);
        }
        style.fg = None;
        style.bg = None;
    }
}
