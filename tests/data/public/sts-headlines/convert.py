#!/usr/bin/env python3
"""Converts the news-headline pairs of the STS benchmark into articles.jsonl and pairs.jsonl
for tidings' public_eval example.

Usage: python3 convert.py sts-train.csv sts-dev.csv sts-test.csv

Writes articles.jsonl and pairs.jsonl beside this script. The inputs are the STS benchmark's
tab-separated files (genre, file, year, id, score, sentence 1, sentence 2, and on some rows
extra columns that are ignored). Only rows of genre "main-news" and file "headlines" are kept.
Python 3 standard library only.

- articles.jsonl: one line per distinct headline, in the format of tests/data/public/README.md:
  the headline is the title, the body is empty (the benchmark has only headlines), one feed
  per year the headline was first seen in, no date (the benchmark records none, so every
  headline gets the set's one date), no topic or story.
- pairs.jsonl: {"a", "b", "score", "split", "year"} for every rated pair of two different
  headlines; score is the benchmark's mean of the annotators' ratings, 0 (on different
  topics) to 5 (completely equivalent).
"""

import csv
import json
import sys
from pathlib import Path

def rows(path):
    with open(path, encoding="utf-8") as f:
        for fields in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(fields) >= 7 and fields[0] == "main-news" and fields[1] == "headlines":
                yield fields[:7]


def main():
    here = Path(__file__).resolve().parent
    ids = {}
    articles = []
    pairs = []
    same = 0
    for path in sys.argv[1:]:
        split = Path(path).stem.removeprefix("sts-")
        for _genre, _file, year, _row, score, s1, s2 in rows(path):
            texts = [" ".join(s1.split()), " ".join(s2.split())]
            keys = []
            for text in texts:
                if text not in ids:
                    ids[text] = f"h{len(ids) + 1:05}"
                    articles.append({"id": ids[text], "feed": f"EMM headlines {year}", "title": text})
                keys.append(ids[text])
            if keys[0] == keys[1]:
                same += 1
                continue
            pairs.append({"a": keys[0], "b": keys[1], "score": float(score), "split": split, "year": int(year)})
    with open(here / "articles.jsonl", "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(here / "pairs.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"{len(articles)} headlines, {len(pairs)} pairs ({same} pairs of one headline with itself left out)", file=sys.stderr)


if __name__ == "__main__":
    main()
