//! Colour names in theme files, the terminal's colour depth, and mapping colours down to it.

use ratatui::style::Color;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColorDepth {
    /// 24-bit RGB.
    TrueColor,
    /// The xterm 256-colour palette.
    Palette256,
    /// Only the 16 ANSI colours.
    Basic16,
}

impl ColorDepth {
    /// From `COLORTERM` / `TERM`: "truecolor"/"24bit" → TrueColor; `TERM` containing "256color" →
    /// Palette256; else Basic16.
    pub fn detect() -> Self {
        let colorterm = std::env::var("COLORTERM").ok();
        let term = std::env::var("TERM").ok();
        Self::from_env(colorterm.as_deref(), term.as_deref())
    }

    /// The depth that these values of `COLORTERM` and `TERM` announce.
    pub fn from_env(colorterm: Option<&str>, term: Option<&str>) -> Self {
        let colorterm = colorterm.unwrap_or("").trim().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            ColorDepth::TrueColor
        } else if term.is_some_and(|t| t.contains("256color")) {
            ColorDepth::Palette256
        } else {
            ColorDepth::Basic16
        }
    }
}

/// The 16 ANSI colours in index order, with the names theme files use for them.
const ANSI: [(Color, &str); 16] = [
    (Color::Black, "black"),
    (Color::Red, "red"),
    (Color::Green, "green"),
    (Color::Yellow, "yellow"),
    (Color::Blue, "blue"),
    (Color::Magenta, "magenta"),
    (Color::Cyan, "cyan"),
    (Color::Gray, "white"),
    (Color::DarkGray, "bright-black"),
    (Color::LightRed, "bright-red"),
    (Color::LightGreen, "bright-green"),
    (Color::LightYellow, "bright-yellow"),
    (Color::LightBlue, "bright-blue"),
    (Color::LightMagenta, "bright-magenta"),
    (Color::LightCyan, "bright-cyan"),
    (Color::White, "bright-white"),
];

/// The four greys of the ANSI colours, with the luma (0–255) each stands for. Terminals differ;
/// these sit where most current schemes put them.
const GREYS: [(Color, i32); 4] =
    [(Color::Black, 0), (Color::DarkGray, 118), (Color::Gray, 192), (Color::White, 255)];

/// The six hue families of the ANSI colours: dark variant, bright variant, and the hue (degrees)
/// each stands for. Cyan and blue sit a little towards each other, where the eye puts them.
const HUES: [(Color, Color, i32); 6] = [
    (Color::Red, Color::LightRed, 0),
    (Color::Yellow, Color::LightYellow, 55),
    (Color::Green, Color::LightGreen, 120),
    (Color::Cyan, Color::LightCyan, 175),
    (Color::Blue, Color::LightBlue, 225),
    (Color::Magenta, Color::LightMagenta, 295),
];

/// Lightness (`max + min`, 0–510) that the dark and the bright variants of a hue stand for.
const DARK_LIGHTNESS: i32 = 204;
/// See [`DARK_LIGHTNESS`].
const BRIGHT_LIGHTNESS: i32 = 357;

/// Below this spread between the largest and smallest channel a colour counts as grey.
const NEUTRAL_CHROMA: i32 = 60;

/// The six channel levels of the xterm 6×6×6 colour cube (indices 16–231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// Parses a literal colour: `#rrggbb`, an ANSI name (`red`, `bright-red`, `gray`, `dark-gray`),
/// `color0`–`color255`, or `reset`/`default`. Names are case-insensitive.
pub fn parse_color(text: &str) -> Option<Color> {
    let lower = text.trim().to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        return parse_hex(hex);
    }
    if let Some(index) = lower.strip_prefix("color") {
        return index.parse::<u8>().ok().filter(|_| !index.starts_with('+')).map(Color::Indexed);
    }
    let name = lower.replace(['_', ' '], "-");
    match name.as_str() {
        "reset" | "default" => Some(Color::Reset),
        "gray" | "grey" => Some(Color::Gray),
        "dark-gray" | "dark-grey" => Some(Color::DarkGray),
        _ => ANSI.iter().find(|(_, n)| *n == name).map(|(c, _)| *c),
    }
}

/// `rrggbb` (without the `#`) as an RGB colour.
fn parse_hex(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?))
}

/// The RGB value of an xterm-256 palette index from 16 (colour cube, then grey ramp).
pub fn indexed_rgb(index: u8) -> (u8, u8, u8) {
    if index >= 232 {
        let v = 8 + 10 * (index - 232);
        return (v, v, v);
    }
    let i = index.max(16) - 16;
    let level = |n: u8| CUBE_LEVELS[usize::from(n)];
    (level(i / 36), level(i / 6 % 6), level(i % 6))
}

/// A perceptual-ish distance between two RGB colours (the "redmean" weighting), squared and scaled.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let mean = u32::from(a.0.midpoint(b.0));
    let dr = u32::from(a.0.abs_diff(b.0));
    let dg = u32::from(a.1.abs_diff(b.1));
    let db = u32::from(a.2.abs_diff(b.2));
    (512 + mean) * dr * dr + 1024 * dg * dg + (767 - mean) * db * db
}

/// The palette-256 index (16–255: colour cube or grey ramp) nearest to `rgb`, skipping `avoid`.
pub fn nearest_256(rgb: (u8, u8, u8), avoid: &[Color]) -> u8 {
    (16..=255u8)
        .filter(|&i| !avoid.contains(&Color::Indexed(i)))
        .min_by_key(|&i| distance(rgb, indexed_rgb(i)))
        .unwrap_or(16)
}

/// The ANSI colour closest to `rgb`, skipping `avoid`. Sixteen colours cannot match a shade, so
/// this keeps what a theme means: greys (and near-black, near-white) become the grey of the
/// nearest brightness; other colours keep their hue family, dark or bright by lightness.
pub fn nearest_16(rgb: (u8, u8, u8), avoid: &[Color]) -> Color {
    let (r, g, b) = (i32::from(rgb.0), i32::from(rgb.1), i32::from(rgb.2));
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let lightness = max + min;
    if max - min < NEUTRAL_CHROMA || !(76..=459).contains(&lightness) {
        let luma = (299 * r + 587 * g + 114 * b) / 1000;
        return GREYS
            .iter()
            .filter(|(c, _)| !avoid.contains(c))
            .min_by_key(|(_, level)| (luma - level).abs())
            .map_or(Color::Reset, |(c, _)| *c);
    }
    let hue = hue_degrees(r, g, b, max, min);
    HUES.iter()
        .flat_map(|&(dark, bright, centre)| {
            [(dark, centre, DARK_LIGHTNESS), (bright, centre, BRIGHT_LIGHTNESS)]
        })
        .filter(|(c, _, _)| !avoid.contains(c))
        .min_by_key(|&(_, centre, level)| {
            let apart = (hue - centre).rem_euclid(360);
            (apart.min(360 - apart), (lightness - level).abs())
        })
        .map_or(Color::Reset, |(c, _, _)| c)
}

/// The hue (0–359 degrees) of a colour whose largest and smallest channels differ.
fn hue_degrees(r: i32, g: i32, b: i32, max: i32, min: i32) -> i32 {
    let chroma = (max - min).max(1);
    let hue = if max == r {
        60 * (g - b) / chroma
    } else if max == g {
        120 + 60 * (b - r) / chroma
    } else {
        240 + 60 * (r - g) / chroma
    };
    hue.rem_euclid(360)
}

/// `color` as the terminal of `depth` can show it. Named ANSI colours and `Reset` never change.
///
/// `avoid` lists colours the result should not become (the background a foreground sits on,
/// the screen background under a selection): when the nearest match is one of them, the next
/// nearest is taken, so that distinct colours stay distinct on poorer terminals.
pub fn degrade(color: Color, depth: ColorDepth, avoid: &[Color]) -> Color {
    match (color, depth) {
        (Color::Rgb(r, g, b), ColorDepth::Palette256) => Color::Indexed(nearest_256((r, g, b), avoid)),
        (Color::Rgb(r, g, b), ColorDepth::Basic16) => nearest_16((r, g, b), avoid),
        (Color::Indexed(i), ColorDepth::Basic16) if i < 16 => ANSI[usize::from(i)].0,
        (Color::Indexed(i), ColorDepth::Basic16) => nearest_16(indexed_rgb(i), avoid),
        _ => color,
    }
}

/// Whether `color` is one of the 16 named ANSI colours.
#[cfg(test)]
pub fn is_ansi(color: Color) -> bool {
    ANSI.iter().any(|(c, _)| *c == color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(parse_color("#ff8000"), Some(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("#FF8000"), Some(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("red"), Some(Color::Red));
        assert_eq!(parse_color("white"), Some(Color::Gray));
        assert_eq!(parse_color("bright-white"), Some(Color::White));
        assert_eq!(parse_color("bright-black"), Some(Color::DarkGray));
        assert_eq!(parse_color("dark-gray"), Some(Color::DarkGray));
        assert_eq!(parse_color("grey"), Some(Color::Gray));
        assert_eq!(parse_color("color0"), Some(Color::Indexed(0)));
        assert_eq!(parse_color("color255"), Some(Color::Indexed(255)));
        assert_eq!(parse_color("reset"), Some(Color::Reset));
        assert_eq!(parse_color("default"), Some(Color::Reset));
        for bad in ["#fff", "#ff800", "#gg0000", "color256", "color+1", "colour3", "purple", ""] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn depth_from_environment() {
        use ColorDepth::{Basic16, Palette256, TrueColor};
        assert_eq!(ColorDepth::from_env(Some("truecolor"), Some("xterm")), TrueColor);
        assert_eq!(ColorDepth::from_env(Some("24bit"), None), TrueColor);
        assert_eq!(ColorDepth::from_env(None, Some("xterm-256color")), Palette256);
        assert_eq!(ColorDepth::from_env(Some(""), Some("tmux-256color")), Palette256);
        assert_eq!(ColorDepth::from_env(None, Some("screen")), Basic16);
        assert_eq!(ColorDepth::from_env(None, None), Basic16);
    }

    #[test]
    fn rgb_to_256() {
        let to256 = |r, g, b| degrade(Color::Rgb(r, g, b), ColorDepth::Palette256, &[]);
        assert_eq!(to256(255, 0, 0), Color::Indexed(196));
        assert_eq!(to256(0, 0, 255), Color::Indexed(21));
        assert_eq!(to256(255, 255, 255), Color::Indexed(231));
        assert_eq!(to256(0, 0, 0), Color::Indexed(16));
        // Mid grey lands on the grey ramp (232 + 12 = #808080), not the cube's #878787.
        assert_eq!(to256(128, 128, 128), Color::Indexed(244));
        assert_eq!(to256(0x28, 0x28, 0x28), Color::Indexed(235));
        assert_eq!(to256(0xff, 0x87, 0x00), Color::Indexed(208));
        // Named colours stay named at every depth; indexed colours stay at 256.
        assert_eq!(degrade(Color::LightRed, ColorDepth::Palette256, &[]), Color::LightRed);
        assert_eq!(degrade(Color::Indexed(100), ColorDepth::Palette256, &[]), Color::Indexed(100));
    }

    #[test]
    fn rgb_and_indexed_to_16() {
        let to16 = |c| degrade(c, ColorDepth::Basic16, &[]);
        let rgb = |hex: &str| parse_color(hex).expect("a colour");
        assert_eq!(to16(rgb("#ff0000")), Color::Red);
        assert_eq!(to16(rgb("#ff5a5a")), Color::LightRed);
        assert_eq!(to16(rgb("#282828")), Color::Black);
        assert_eq!(to16(rgb("#808080")), Color::DarkGray);
        assert_eq!(to16(rgb("#d4d8e0")), Color::Gray);
        assert_eq!(to16(rgb("#fafaf7")), Color::White);
        // Near-black stays grey even when tinted: Solarized's base02 is black, not dark cyan.
        assert_eq!(to16(rgb("#073642")), Color::Black);
        // Hues keep their family; lightness picks dark or bright.
        assert_eq!(to16(rgb("#268bd2")), Color::Blue);
        assert_eq!(to16(rgb("#74a8f5")), Color::LightBlue);
        assert_eq!(to16(rgb("#2aa198")), Color::Cyan);
        assert_eq!(to16(rgb("#b58900")), Color::Yellow);
        assert_eq!(to16(rgb("#fabd2f")), Color::LightYellow);
        assert_eq!(to16(rgb("#2e7a31")), Color::Green);
        assert_eq!(to16(rgb("#94cf82")), Color::LightGreen);
        assert_eq!(to16(rgb("#b99bed")), Color::LightMagenta);
        // 256-colour indices map down too; 0–15 are the ANSI colours themselves.
        assert_eq!(to16(Color::Indexed(9)), Color::LightRed);
        assert_eq!(to16(Color::Indexed(196)), Color::Red);
        assert_eq!(to16(Color::Indexed(244)), Color::DarkGray);
        assert_eq!(to16(Color::Indexed(21)), Color::Blue);
        assert_eq!(to16(Color::Cyan), Color::Cyan);
        assert_eq!(to16(Color::Reset), Color::Reset);
    }

    #[test]
    fn avoid_picks_the_next_nearest() {
        let panel = Color::Rgb(0x25, 0x2a, 0x35);
        assert_eq!(degrade(panel, ColorDepth::Basic16, &[]), Color::Black);
        assert_eq!(degrade(panel, ColorDepth::Basic16, &[Color::Black]), Color::DarkGray);
        let blue = Color::Rgb(0x20, 0x3c, 0x80);
        assert_eq!(degrade(blue, ColorDepth::Basic16, &[Color::Blue]), Color::LightBlue);
        let near_black = Color::Rgb(1, 1, 1);
        assert_eq!(degrade(near_black, ColorDepth::Palette256, &[]), Color::Indexed(16));
        assert_eq!(degrade(near_black, ColorDepth::Palette256, &[Color::Indexed(16)]), Color::Indexed(232));
    }
}
