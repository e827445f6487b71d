//! "Read also" as a reader meets it, through a real cache indexed by the reader's own code: a
//! publisher's furniture is not a match, one story's copies take one place, and a word shared
//! in passing is not a relation (the list is shorter instead).
#![allow(clippy::unwrap_used)]

#[path = "../examples/support/relevance.rs"]
mod relevance;

use chrono::{DateTime, Duration, Utc};
use relevance::Doc;
use tidings::index::RelatedConfig;

fn doc(id: &str, feed: &str, title: &str, body: &str, hours_ago: i64) -> Doc {
    let at: DateTime<Utc> = "2026-11-20T12:00:00Z".parse().unwrap();
    Doc {
        id: id.into(),
        feed: feed.into(),
        feed_url: format!("https://{}.example/feed", feed.to_lowercase().replace(' ', "-")),
        lang: "en".into(),
        author: "Desk".into(),
        title: title.into(),
        link: format!("https://{}.example/{id}", feed.to_lowercase().replace(' ', "-")),
        published: at - Duration::hours(hours_ago),
        topic: None,
        story: None,
        html: format!("<p>{body}</p>"),
    }
}

fn related(docs: &[Doc], label: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut l = relevance::load(&dir.path().join("cache.db"), docs);
    relevance::index_all(&mut l.store);
    let article = l.store.article(l.ids[label]).unwrap().unwrap();
    l.store
        .related_scored(&article, 6, l.now.timestamp(), &RelatedConfig::default())
        .unwrap()
        .into_iter()
        .map(|(s, _)| l.labels[&s.id].clone())
        .collect()
}

/// Unrelated stories from a world desk, to make a cache of some size.
fn background() -> Vec<Doc> {
    let topics = [
        (
            "Orchard growers count a late frost",
            "Apple and pear growers in the valley lost blossoms to a frost in April.",
        ),
        (
            "Library opens a makerspace",
            "The city library added 3D printers, sewing machines and a recording booth.",
        ),
        (
            "Marathon route changes for roadworks",
            "Runners will cross the river twice after the bridge closure.",
        ),
        ("Museum returns carved masks", "Twelve masks taken a century ago go back to the island's council."),
        (
            "Rail operator orders new trams",
            "Forty low-floor trams arrive from 2028 to replace the oldest fleet.",
        ),
        (
            "Bakery chain recalls seeded loaves",
            "Sesame was missing from the label of three loaves sold last week.",
        ),
        (
            "Astronomers map a cold gas cloud",
            "The radio survey found hydrogen streaming between two galaxies.",
        ),
        ("Chess club wins county league", "The juniors beat last year's champions on the final board."),
        (
            "Ferry timetable cut for winter",
            "Two sailings a day will run to the northern islands until March.",
        ),
        ("Beekeepers warn of hornet sightings", "Hornets were seen near hives in three villages this month."),
    ];
    topics
        .iter()
        .enumerate()
        .map(|(i, (t, b))| doc(&format!("bg-{i}"), "World Desk", t, b, 5 + i as i64))
        .collect()
}

#[test]
fn a_publishers_name_and_footer_are_not_a_match() {
    let stories = [
        (
            "Highland Park shooting suspect indicted",
            "A grand jury indicted the suspect on 117 counts over the parade attack.",
        ),
        (
            "Senate passes the climate bill",
            "The bill now goes to the House, where a vote is expected next week.",
        ),
        (
            "Heat wave grips southern Europe",
            "Temperatures above 40 degrees were recorded across Spain and Portugal.",
        ),
        (
            "Fed raises interest rates again",
            "The central bank raised its benchmark rate by three quarters of a point.",
        ),
        (
            "Wildfire forces evacuations in Oregon",
            "Thousands of residents left their homes as flames crossed the ridge.",
        ),
        (
            "Airline cancels flights after outage",
            "A software fault grounded planes at airports across the country.",
        ),
        (
            "Vaccine maker expands trial",
            "Children aged five to eleven will join the second phase of the study.",
        ),
    ];
    let mut docs = background();
    for (i, (t, b)) in stories.iter().enumerate() {
        docs.push(doc(
            &format!("cnn-{i}"),
            "CNN",
            &format!("{t} – CNN"),
            &format!("{b} The post {t} appeared first on CNN Politics. Read more at CNN."),
            i as i64,
        ));
    }
    docs.push(doc(
        "ap-1",
        "AP",
        "Suspect in parade shooting faces 117 counts after grand jury indictment",
        "Prosecutors said the grand jury returned 117 counts against the suspect in the Highland Park parade shooting.",
        2,
    ));
    let list = related(&docs, "cnn-0");
    assert_eq!(
        list.first().map(String::as_str),
        Some("ap-1"),
        "the other report of the story first: {list:?}"
    );
    assert!(
        !list.iter().any(|l| l.starts_with("cnn-")),
        "other CNN headlines are not related through \"– CNN\" and the footer: {list:?}"
    );
}

#[test]
fn one_storys_copies_take_one_place() {
    let mut docs = background();
    let body = "Dock workers at the harbour walked out over pay, halting container traffic at the port.";
    let mut rss = doc("site-rss", "Harbour News", "Harbour strike halts the port", body, 1);
    let mut atom = doc(
        "site-atom",
        "Harbour News Atom",
        "Harbour strike halts the port",
        &format!("{body} Union leaders said talks with the port authority had broken down on Sunday."),
        1,
    );
    rss.link = "https://harbour.example/strike".into();
    atom.link = "https://harbour.example/strike?utm_source=atom".into();
    docs.push(rss);
    docs.push(atom);
    docs.push(doc(
        "wire-1",
        "Wire",
        "Port at standstill as dock workers strike over pay",
        "Container traffic stopped at the harbour after dock workers walked out; union leaders blamed failed pay talks.",
        2,
    ));
    docs.push(doc(
        "wire-2",
        "Wire",
        "Harbour strike enters second day",
        "The dock workers' strike over pay kept the port closed for a second day as talks stayed stalled.",
        0,
    ));
    let list = related(&docs, "wire-1");
    let copies = list.iter().filter(|l| l.starts_with("site-")).count();
    assert_eq!(copies, 1, "the RSS and Atom forms of one article take one place: {list:?}");
    assert!(list.contains(&"wire-2".to_string()), "{list:?}");
}

#[test]
fn a_word_shared_in_passing_is_not_a_relation() {
    let mut docs = background();
    docs.push(doc(
        "verizon",
        "Tech Desk",
        "Verizon to shut down its e-mail service",
        "Customers of the carrier's net mail accounts must move their messages to another provider by December.",
        0,
    ));
    docs.push(doc(
        "nets",
        "Science Desk",
        "Global use of mosquito nets for fishing",
        "Researchers found bed nets handed out against malaria are used to catch fish in lakes, harming young fish stocks.",
        3,
    ));
    let list = related(&docs, "verizon");
    assert!(list.is_empty(), "nothing in the cache is about e-mail or the carrier: {list:?}");
}
