#!/usr/bin/env python3
"""Converts CNRec (Content News Recommendation dataset, repository kevinj22/CNRec, CNRec.zip)
into the format of this folder's README.md, for a local run only: the repository states no
licence and the texts are their publishers', so the result must not be committed.

Usage: python3 cnrec_convert.py PATH/TO/UNZIPPED/CNRec OUT
then:  cargo run --release --example public_eval -- --dir OUT

Writes OUT/cnrec/articles.jsonl (the first line of each raw text is its title, the other
non-empty lines its paragraphs), OUT/cnrec/pairs.jsonl (the mean of six people's similarity
ratings, 0 not similar, 1 similar, 2 very similar, with the mean of their "would follow this
recommendation" answers as `follow`) and OUT/cnrec/scale.json. The set records no sources and
no per-article dates. Python 3 standard library only.
"""

import csv
import html
import json
import sys
from pathlib import Path


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2]) / "cnrec"
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    with open(src / "articleToID.csv", encoding="utf-8") as f:
        for art, name in csv.reader(f):
            names[art] = name
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        for art, name in sorted(names.items(), key=lambda x: int(x[0])):
            raw = (src / "CNRec_RawText" / name).read_bytes().decode("utf-8", "replace")
            lines = [" ".join(l.split()) for l in raw.splitlines()]
            lines = [l for l in lines if l]
            body = "".join(f"<p>{html.escape(l, quote=False)}</p>" for l in lines[1:])
            f.write(json.dumps({"id": f"c{int(art):03}", "title": lines[0], "html": body}, ensure_ascii=False) + "\n")
    with open(src / "CNRec_groundTruth.csv", encoding="utf-8") as f, open(out / "pairs.jsonl", "w") as o:
        seen = set()
        for row in csv.DictReader(f):
            a, b = f"c{int(row['art1']):03}", f"c{int(row['art2']):03}"
            if (b, a) in seen or a == b:
                continue
            seen.add((a, b))
            if not row["meanSimRating"]:
                continue
            pair = {"a": a, "b": b, "score": float(row["meanSimRating"])}
            if row["meanGoodR"]:
                pair["follow"] = float(row["meanGoodR"])
            o.write(json.dumps(pair) + "\n")
    (out / "scale.json").write_text(json.dumps({"max": 2.0, "very_similar": 1.5, "relevant": 0.5}) + "\n")


if __name__ == "__main__":
    main()
