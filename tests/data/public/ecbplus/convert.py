#!/usr/bin/env python3
"""Converts the ECB+ corpus (XML, one file per text) into articles.jsonl for tidings'
public_eval example and tests/public_relevance.rs.

Usage: python3 convert.py PATH/TO/ECB+ > articles.jsonl

PATH/TO/ECB+ is the folder of topic folders (1/, 2/, ... 45/) holding N_Mecb.xml and
N_Mecbplus.xml, as in ECB+.zip of the LREC 2014 release (see README.md for the snapshot
used). Python 3 standard library only.

One line per text, in the format of tests/data/public/README.md:
- topic: "t<N>" (the ECB+ topic; its two halves tell two similar but different events);
- story: "t<N>-ecb" or "t<N>-ecbplus" (the seminal event the text reports: the original ECB
  texts of a topic report one event, the texts added by ECB+ another);
- title: for ecbplus texts the headline (sentence 1; sentence 0 is the page's address); the
  original ECB texts carry no headline, so their first sentence is the title and the text
  goes on from the second (a text of one sentence is its own title and body); a line giving
  only a date or time before the title (60 texts) is page furniture and is left out;
- feed and link: the site and the page's address for ecbplus texts; ECB texts name no
  source, so each is its own feed;
- no date: the corpus records none, so every text gets the set's one date and time plays
  no part;
- html: the remaining sentences, one paragraph each, detokenised.
"""

import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

def detokenise(tokens):
    """Joins the corpus's tokens back into running text."""
    text = " ".join(tokens)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text, flags=re.I)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    text = re.sub(r"(\d): (\d)", r"\1:\2", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
DATE_WORDS = {
    "am", "pm", "gmt", "bst", "cet", "utc", "edt", "est", "et", "pdt", "pst", "ist", "hkt",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "posted", "published", "updated", "last",
    "first", "on", "at", "article", "date", "time",
}


def dateline(text):
    """A line of page furniture that gives only a date or time ("Last Updated: Monday, 28
    November 2005, 02:24 GMT")."""
    words = re.findall(r"[A-Za-z]+", text)
    other = [w for w in words if not re.fullmatch(MONTHS, w, re.I) and w.lower() not in DATE_WORDS]
    return bool(re.search(r"\d", text)) and not other


def sentences(path):
    root = ET.parse(path).getroot()
    out = {}
    for tok in root.iter("token"):
        out.setdefault(int(tok.get("sentence")), []).append(tok.text or "")
    return [out[k] for k in sorted(out)]


def address(tokens):
    url = "".join(tokens)
    return url if url.startswith("http") else None


def main():
    base = Path(sys.argv[1])
    files = sorted(base.glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name))
    for path in files:
        m = re.match(r"(\d+)_(\d+)(ecb|ecbplus)\.xml$", path.name)
        if not m:
            continue
        topic, number, half = m.groups()
        sents = sentences(path)
        url = None
        if half == "ecbplus" and sents and address(sents[0]):
            url = address(sents[0])
            sents = sents[1:]
        sents = [detokenise(s) for s in sents if s]
        sents = [s for s in sents if s]
        # Datelines before the headline are page furniture, not the title.
        while len(sents) > 1 and dateline(sents[0]):
            sents = sents[1:]
        if not sents:
            print(f"skipped {path.name}: no text", file=sys.stderr)
            continue
        # A text of one sentence (several ECB texts are) is its own title and body.
        title, body = sents[0], sents[1:] or sents[:1]
        doc = {"id": f"{topic}_{number}{half}"}
        if url:
            doc["feed"] = urlparse(url).netloc.lower().removeprefix("www.")
            doc["link"] = url
        doc["title"] = title
        doc["topic"] = f"t{topic}"
        doc["story"] = f"t{topic}-{half}"
        doc["html"] = "".join(f"<p>{html.escape(s, quote=False)}</p>" for s in body)
        print(json.dumps(doc, ensure_ascii=False))


if __name__ == "__main__":
    main()
