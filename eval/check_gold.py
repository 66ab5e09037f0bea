#!/usr/bin/env python3
"""Validate the gold files and articles of one held-out set written for the purpose (40 ids,
a two-letter prefix and 01-40, such as hj01-hj40):

    python3 eval/check_gold.py eval/holdout10

Standard library only; one script for every set, which differ only in their id prefix (read
from the set's gold files). Vocabularies are read from ../../shared/spec/RECORD.md (relative
to this file). Exits 1 and lists the problems when a check fails;
otherwise prints a Markdown table of required / optional gold items per field.
"""
from __future__ import annotations

import datetime
import html
import json
import re
import sys
from pathlib import Path

if len(sys.argv) != 2:
    sys.exit("usage: python3 eval/check_gold.py SET_FOLDER")
HERE = Path(sys.argv[1]).resolve()
SPEC = (Path(__file__).resolve().parent / "../../shared/spec/RECORD.md").resolve()
ARTICLES = HERE / "articles"
GOLD = HERE / "gold"

KEYS = ["id", "is_incident", "victims", "attack_date", "attack_date_alternatives", "attack_types",
        "systems", "data_leaked", "authorities", "threat_actors", "responders", "locations",
        "sectors", "people_affected", "notes"]
NAME_FIELDS = ["victims", "threat_actors", "responders", "locations"]
VOCAB_FIELDS = ["attack_types", "systems", "data_leaked", "authorities", "sectors"]
LIST_FIELDS = ["victims", "attack_types", "systems", "data_leaked", "authorities",
               "threat_actors", "responders", "locations", "sectors"]
# headers of the vocabulary paragraphs in RECORD.md
VOCAB_HEADERS = {
    "attack_types": r"`attack_types`:",
    "systems": r"`systems` categories:",
    "data_leaked": r"`data_leaked` ids:",
    "authorities": r"`authorities` ids:",
    "sectors": r"`sectors` ids:",
}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PREFIX = min((p.stem[:2] for p in GOLD.glob("*.json")), default="")
ID_RE = re.compile(rf"^{re.escape(PREFIX)}(0[1-9]|[1-3][0-9]|40)$")


def load_vocab() -> dict[str, set[str]]:
    text = SPEC.read_text(encoding="utf-8")
    sec = text.split("### Vocabularies", 1)
    if len(sec) != 2:
        sys.exit(f"cannot find '### Vocabularies' in {SPEC}")
    body = sec[1].split("\n## ", 1)[0]
    # paragraphs separated by blank lines; each starts with a header line
    vocab: dict[str, set[str]] = {}
    paras = re.split(r"\n\s*\n", body)
    for field, header in VOCAB_HEADERS.items():
        for para in paras:
            if re.match(r"\s*" + header, para):
                rest = re.sub(r"^\s*" + header, "", para, count=1)
                ids = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_-]*)`", rest))
                vocab[field] = ids
                break
        else:
            sys.exit(f"vocabulary for {field} not found in {SPEC}")
    return vocab


def iso_ok(v) -> bool:
    if not isinstance(v, str) or not ISO.match(v):
        return False
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def html_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?s)<[^>]+>", " ", raw)
    return html.unescape(raw)


def article_text(path: Path, gid: str, errs: list[str]) -> str:
    raw = path.read_text(encoding="utf-8")
    fmt = path.suffix.lstrip(".")
    if fmt == "json":
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errs.append(f"{path.name}: not JSON ({exc})")
            return ""
        if list(obj) != ["id", "url", "title", "published", "text"]:
            errs.append(f"{path.name}: keys {list(obj)} != id,url,title,published,text")
        if obj.get("id") != gid:
            errs.append(f"{path.name}: id {obj.get('id')!r} != {gid!r}")
        if obj.get("published") is not None and not iso_ok(obj.get("published")):
            errs.append(f"{path.name}: published {obj.get('published')!r} is not YYYY-MM-DD or null")
        if obj.get("title") is not None and not (isinstance(obj["title"], str) and obj["title"].strip()):
            errs.append(f"{path.name}: title must be a non-empty string or null")
        if not (isinstance(obj.get("url"), str) and obj["url"].startswith("http")):
            errs.append(f"{path.name}: url missing")
        text = obj.get("text")
        if not (isinstance(text, str) and len(text) > 300):
            errs.append(f"{path.name}: text missing or too short")
            return ""
        return text
    if fmt == "txt":
        if len(raw.strip()) < 300:
            errs.append(f"{path.name}: text too short")
        return raw
    if fmt == "html":
        m = re.search(r'<meta\s+property="article:published_time"\s+content="([^"]+)"', raw)
        if not m or not iso_ok(m.group(1)[:10]):
            errs.append(f"{path.name}: article:published_time missing or not ISO")
        if not re.search(r'<meta\s+property="og:title"\s+content="[^"]+"', raw):
            errs.append(f"{path.name}: og:title missing")
        if not re.search(r"(?is)<article\b.*?</article>", raw):
            errs.append(f"{path.name}: no <article> element")
        if not re.search(r"(?i)cookie", raw):
            errs.append(f"{path.name}: no cookie banner")
        for tag in ("nav", "footer"):
            if not re.search(rf"(?i)<{tag}\b", raw):
                errs.append(f"{path.name}: no <{tag}>")
        return html_text(raw)
    errs.append(f"{path.name}: unexpected format")
    return ""


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u2019", "'")).casefold()


def main() -> int:
    vocab = load_vocab()
    errs: list[str] = []
    counts = {f: [0, 0] for f in LIST_FIELDS + ["attack_date", "people_affected"]}
    n_inc = n_neg = 0
    formats: dict[str, int] = {}

    gold_files = sorted(GOLD.glob("*.json"))
    art_files = sorted(p for p in ARTICLES.iterdir() if p.is_file())
    art_by_stem: dict[str, list[Path]] = {}
    for p in art_files:
        art_by_stem.setdefault(p.stem, []).append(p)
    gold_ids = {p.stem for p in gold_files}
    for stem in sorted(set(art_by_stem) - gold_ids):
        errs.append(f"article {stem} has no gold file")
    if len(gold_files) != 40:
        errs.append(f"{len(gold_files)} gold files, expected 40")

    for gpath in gold_files:
        gid = gpath.stem
        if not ID_RE.match(gid):
            errs.append(f"{gpath.name}: unexpected id")
        try:
            g = json.loads(gpath.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            errs.append(f"{gpath.name}: not JSON ({exc})")
            continue
        if list(g) != KEYS:
            errs.append(f"{gid}: keys/order {list(g)} != {KEYS}")
            continue
        if g["id"] != gid:
            errs.append(f"{gid}: id field {g['id']!r}")
        arts = art_by_stem.get(gid, [])
        if len(arts) != 1:
            errs.append(f"{gid}: {len(arts)} article files (need exactly 1)")
            continue
        art = arts[0]
        formats[art.suffix.lstrip('.')] = formats.get(art.suffix.lstrip('.'), 0) + 1
        text = fold(article_text(art, gid, errs))

        if not isinstance(g["is_incident"], bool):
            errs.append(f"{gid}: is_incident not bool")
        if not (isinstance(g["notes"], str) and g["notes"].strip()):
            errs.append(f"{gid}: notes empty")

        # dates
        ad = g["attack_date"]
        if ad is not None and not iso_ok(ad):
            errs.append(f"{gid}: attack_date {ad!r} not ISO")
        alts = g["attack_date_alternatives"]
        if not isinstance(alts, list) or not all(iso_ok(a) for a in alts):
            errs.append(f"{gid}: attack_date_alternatives must be a list of ISO dates")
        elif ad is None and alts:
            errs.append(f"{gid}: alternatives without attack_date")
        elif ad in alts:
            errs.append(f"{gid}: attack_date repeated in alternatives")
        pa = g["people_affected"]
        if pa is not None and not (isinstance(pa, int) and not isinstance(pa, bool) and pa > 0):
            errs.append(f"{gid}: people_affected must be a positive int or null")

        # lists
        for field in LIST_FIELDS:
            items = g[field]
            if not isinstance(items, list):
                errs.append(f"{gid}: {field} not a list")
                continue
            seen = set()
            for it in items:
                if field in NAME_FIELDS:
                    if not (isinstance(it, dict) and list(it) == ["name", "aliases", "optional"]):
                        errs.append(f"{gid}: {field} item shape {it!r}")
                        continue
                    if not (isinstance(it["name"], str) and it["name"].strip()
                            and isinstance(it["aliases"], list) and all(isinstance(a, str) and a.strip() for a in it["aliases"])
                            and isinstance(it["optional"], bool)):
                        errs.append(f"{gid}: {field} item types {it!r}")
                        continue
                    key = it["name"].casefold()
                    if not any(fold(n) in text for n in [it["name"], *it["aliases"]]):
                        errs.append(f"{gid}: {field} name {it['name']!r} (or alias) not in article text")
                else:
                    if not (isinstance(it, dict) and list(it) == ["id", "optional"] and isinstance(it["optional"], bool)):
                        errs.append(f"{gid}: {field} item shape {it!r}")
                        continue
                    key = it["id"]
                    if it["id"] not in vocab[field]:
                        errs.append(f"{gid}: {field} id {it['id']!r} not in RECORD.md vocabulary")
                if key in seen:
                    errs.append(f"{gid}: duplicate {field} item {key!r}")
                seen.add(key)
                counts[field][1 if it["optional"] else 0] += 1

        if g["is_incident"]:
            n_inc += 1
            if not any(not v["optional"] for v in g["victims"]):
                errs.append(f"{gid}: incident without a required victim")
            if not any(not v["optional"] for v in g["attack_types"]):
                errs.append(f"{gid}: incident without a required attack type")
            if not g["sectors"]:
                errs.append(f"{gid}: incident without a sector")
            if ad:
                counts["attack_date"][0] += 1
                counts["attack_date"][1] += len(alts)
            if pa:
                counts["people_affected"][0] += 1
        else:
            n_neg += 1
            if any(g[f] for f in LIST_FIELDS) or ad is not None or alts or pa is not None:
                errs.append(f"{gid}: non-incident with non-empty fields")

    if errs:
        print("FAILED:")
        for e in errs:
            print(" -", e)
        return 1

    print(f"OK: {len(gold_files)} gold files, {n_inc} incidents, {n_neg} non-incidents; "
          + ", ".join(f"{k} {v}" for k, v in sorted(formats.items())) + "\n")
    print("| field | required | optional |")
    print("| --- | ---: | ---: |")
    tot = [0, 0]
    for f in LIST_FIELDS + ["attack_date", "people_affected"]:
        r, o = counts[f]
        label = f
        if f == "attack_date":
            label = "attack_date (optional = alternatives)"
        print(f"| {label} | {r} | {o} |")
        tot[0] += r
        tot[1] += o
    print(f"| **total** | {tot[0]} | {tot[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
