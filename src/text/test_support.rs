//! Shared test material: sample documents and an independent reading of their visible words.

use scraper::Html;

use super::sanitize::clean_text;

/// The words a browser would show, read from the parse tree independently of the walker.
pub(super) fn source_words(html: &str) -> Vec<String> {
    let hidden = [
        "script", "style", "noscript", "template", "title", "svg", "math", "object", "button", "textarea",
        "select", "video", "audio", "iframe",
    ];
    let fragment = Html::parse_fragment(html);
    let mut words = Vec::new();
    for node in fragment.tree.nodes() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let visible =
            node.ancestors().all(|a| a.value().as_element().is_none_or(|e| !hidden.contains(&e.name())));
        if visible {
            words.extend(clean_text(text).split_whitespace().map(str::to_owned));
        }
    }
    words
}

/// Sample documents used by the property tests here and in `reflow`.
pub(super) const SAMPLES: &[&str] = &[
    "<p>Simple paragraph with a <a href='https://example.com/a'>link</a> and <b>bold</b> text.</p>",
    "<h2>Heading words</h2><div>loose <em>emphasis</em><p>para</p>after</div><hr><p>end</p>",
    "<ul><li>one<ol start='98'><li>ninety-eight</li><li>ninety-nine<ul><li>deep item with several words</li></ul></li><li>hundred</li></ol></li><li><blockquote><p>quote in a list item</p><p>second quote paragraph</p></blockquote></li></ul>",
    "<blockquote><p>outer quote</p><blockquote><p>inner quote with a long line of text that wraps</p></blockquote></blockquote>",
    "<pre>fn main() {\n\tlet s = \"a long line of code that goes on and on and on well past any sensible width\";\n}</pre>",
    "<p>中文段落测试，这是一个很长的句子，需要换行。日本語の文章もあります。</p><p>한국어 문장도 있습니다</p>",
    "<p>Emoji 👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 heart ❤️ text</p>",
    "<p dir='rtl'>שלום עולם, זה טקסט בעברית. مرحبا بالعالم هذا نص عربي</p>",
    "<p>Averyveryverylongwordwithoutanybreakopportunitiesthatmustbecut and https://example.com/a/very/long/url/path?with=query&and=more</p>",
    "<dl><dt>Term</dt><dd>Definition text here</dd></dl><p>Tom &amp; Jerry<br>next line &lt;tag&gt;</p>",
    "<p>Combining e\u{301}\u{301} and Devanagari नमस्ते and Thai สวัสดีครับ</p>",
    "<p><a href='https://e.com/1'>first</a> <a href='https://e.com/2'>second link text</a> <a href='https://e.com/1'>first again</a></p><p><img alt='lonely image'></p>",
];
