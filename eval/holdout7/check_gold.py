#!/usr/bin/env python3
"""Validate the holdout7 gold files against RECORD.md's vocabularies and the dev gold shape.

    python3 check_gold.py            # checks, then prints the counts table
    python3 check_gold.py --markdown # same, table as Markdown (for README.md)

Checks: one article and one gold file per id hi01..hi40; article formats (.json keys,
.html metadata and <article>, .txt plain UTF-8); gold key set and key order; item shapes;
vocabulary ids; dates (ISO, weekday-free sanity: not after publication); people_affected;
non-incidents empty; every victim/actor/responder/location name and alias present in the
article text (case- and accent-folded). Exits 1 on any error. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ARTICLES = ROOT / "articles"
GOLD = ROOT / "gold"
IDS = [f"hi{i:02d}" for i in range(1, 41)]

KEYS = [
    "id",
    "is_incident",
    "victims",
    "attack_date",
    "attack_date_alternatives",
    "attack_types",
    "systems",
    "data_leaked",
    "authorities",
    "threat_actors",
    "responders",
    "locations",
    "sectors",
    "people_affected",
    "notes",
]
NAME_FIELDS = ["victims", "threat_actors", "responders", "locations"]
ID_FIELDS = ["attack_types", "systems", "data_leaked", "authorities", "sectors"]
LIST_FIELDS = [
    "victims",
    "attack_types",
    "systems",
    "data_leaked",
    "authorities",
    "threat_actors",
    "responders",
    "locations",
    "sectors",
]
VOCAB = {
    "attack_types": {
        "ransomware",
        "phishing",
        "intrusion",
        "data_theft",
        "ddos",
        "defacement",
        "malware",
        "account_takeover",
        "fraud",
        "supply_chain",
    },
    "systems": {
        "information_system",
        "website",
        "online_platform",
        "email",
        "telephony",
        "business_software",
        "database",
        "workstations",
        "backups",
        "industrial",
        "payment",
        "other",
    },
    "data_leaked": {
        "name",
        "birth_date",
        "civil_status",
        "social_security_number",
        "address",
        "email",
        "phone",
        "contact",
        "bank_details",
        "payment_card",
        "health_data",
        "id_document",
        "insurance_info",
        "credentials",
        "financial_documents",
        "other",
    },
    "authorities": {
        "ANSSI",
        "CNIL",
        "ARS",
        "PARQUET",
        "JUSTICE",
        "GENDARMERIE",
        "POLICE",
        "DGS",
        "HFDS",
        "ANS",
        "CYBERMALVEILLANCE",
        "CSIRT",
        "PREFECTURE",
        "MINISTRY",
        "EU",
        "OTHER",
    },
    "sectors": {
        "health",
        "insurance",
        "finance",
        "public_administration",
        "education",
        "research",
        "industry",
        "retail",
        "transport",
        "energy",
        "telecom",
        "media",
        "defense",
        "legal",
        "other",
    },
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_WORDS, MAX_WORDS = 60, 900

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'")
    return re.sub(r"[^0-9a-z]+", " ", s).strip()


def parse_date(s, where: str):
    if not isinstance(s, str) or not DATE_RE.match(s):
        err(f"{where}: not a YYYY-MM-DD date: {s!r}")
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        err(f"{where}: impossible date {s!r}")
        return None


def html_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?s)<[^>]+>", " ", raw)
    return html.unescape(raw)


def load_article(aid: str):
    """Return (format, text, published date or None, info dict)."""
    found = [p for p in ARTICLES.glob(f"{aid}.*")]
    if len(found) != 1:
        err(f"{aid}: expected exactly one article file, found {[p.name for p in found]}")
        return None, "", None, {}
    p = found[0]
    fmt = p.suffix.lstrip(".")
    raw = p.read_bytes().decode("utf-8")  # raises on non-UTF-8
    info = {"title_null": False, "published_null": False}
    published = None
    if fmt == "json":
        obj = json.loads(raw)
        if list(obj) != ["id", "url", "title", "published", "text"]:
            err(f"{aid}.json: keys {list(obj)} != id,url,title,published,text")
        if obj.get("id") != aid:
            err(f"{aid}.json: id field {obj.get('id')!r}")
        if not str(obj.get("url") or "").startswith("https://"):
            err(f"{aid}.json: url {obj.get('url')!r}")
        if obj.get("title") is None:
            info["title_null"] = True
        elif not isinstance(obj["title"], str) or not obj["title"].strip():
            err(f"{aid}.json: bad title")
        if obj.get("published") is None:
            info["published_null"] = True
        else:
            published = parse_date(obj["published"], f"{aid}.json published")
        text = obj.get("text") or ""
        if obj.get("title"):
            text = obj["title"] + "\n" + text
        body = obj.get("text") or ""
    elif fmt == "html":
        m = re.search(r'<meta property="article:published_time" content="([^"]+)"', raw)
        if not m:
            err(f"{aid}.html: no article:published_time")
        else:
            published = parse_date(m.group(1)[:10], f"{aid}.html published_time")
        if '<meta property="og:title"' not in raw:
            err(f"{aid}.html: no og:title")
        if "<article" not in raw or "</article>" not in raw:
            err(f"{aid}.html: no <article>")
        if "cookie" not in raw.lower():
            err(f"{aid}.html: no cookie banner")
        text = html_text(raw)
        am = re.search(r"(?s)<article\b.*?</article>", raw)
        body = html_text(am.group(0)) if am else text
    elif fmt == "txt":
        text = body = raw
        if re.search(r"\b20\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/20\d\d\b", raw):
            err(f"{aid}.txt: .txt files should carry no date line")
    else:
        err(f"{aid}: unknown format {fmt}")
        return fmt, "", None, info
    info["words"] = len(re.findall(r"\w+", body))
    if not MIN_WORDS <= info["words"] <= MAX_WORDS:
        err(f"{aid}: {info['words']} words, outside {MIN_WORDS}-{MAX_WORDS}")
    return fmt, text, published, info


def check_gold(aid: str, text: str, published) -> dict | None:
    p = GOLD / f"{aid}.json"
    if not p.exists():
        err(f"{aid}: no gold file")
        return None
    g = json.loads(p.read_text(encoding="utf-8"))
    if list(g) != KEYS:
        err(f"{aid}: gold keys {list(g)} != {KEYS}")
        return g
    if g["id"] != aid:
        err(f"{aid}: gold id {g['id']!r}")
    if not isinstance(g["is_incident"], bool):
        err(f"{aid}: is_incident not a bool")
    if not isinstance(g["notes"], str) or len(g["notes"].strip()) < 20:
        err(f"{aid}: notes missing or too short")
    ftext = fold(text)
    for f in LIST_FIELDS:
        if not isinstance(g[f], list):
            err(f"{aid}: {f} is not a list")
            continue
        seen = set()
        for k, it in enumerate(g[f]):
            where = f"{aid}.{f}[{k}]"
            if f in NAME_FIELDS:
                if not isinstance(it, dict) or list(it) != ["name", "aliases", "optional"]:
                    err(f"{where}: shape {it!r} (want name, aliases, optional)")
                    continue
                if not isinstance(it["name"], str) or not it["name"].strip():
                    err(f"{where}: empty name")
                    continue
                if not isinstance(it["aliases"], list) or not all(
                    isinstance(a, str) and a for a in it["aliases"]
                ):
                    err(f"{where}: aliases must be a list of strings")
                    continue
                for n in [it["name"], *it["aliases"]]:
                    if fold(n) not in ftext:
                        err(f"{where}: {n!r} not found in the article text")
                key = fold(it["name"])
            else:
                if not isinstance(it, dict) or list(it) != ["id", "optional"]:
                    err(f"{where}: shape {it!r} (want id, optional)")
                    continue
                if it["id"] not in VOCAB[f]:
                    err(f"{where}: {it['id']!r} not in the {f} vocabulary")
                key = it["id"]
            if not isinstance(it.get("optional"), bool):
                err(f"{where}: optional must be a bool")
            if key in seen:
                err(f"{where}: duplicate {key!r}")
            seen.add(key)
    ad = g["attack_date"]
    alts = g["attack_date_alternatives"]
    if not isinstance(alts, list):
        err(f"{aid}: attack_date_alternatives not a list")
        alts = []
    if ad is not None:
        d = parse_date(ad, f"{aid}.attack_date")
        if d and published and d > published:
            err(f"{aid}: attack_date {ad} after publication {published}")
        for a in alts:
            da = parse_date(a, f"{aid}.attack_date_alternatives")
            if a == ad:
                err(f"{aid}: alternative repeats attack_date")
            if da and published and da > published:
                err(f"{aid}: alternative {a} after publication {published}")
    elif alts:
        err(f"{aid}: alternatives without an attack_date")
    pa = g["people_affected"]
    if pa is not None and (not isinstance(pa, int) or isinstance(pa, bool) or pa <= 0):
        err(f"{aid}: people_affected must be null or a positive int, got {pa!r}")
    if g["is_incident"]:
        for f in ("victims", "attack_types"):
            if not any(not it.get("optional") for it in g[f] if isinstance(it, dict)):
                err(f"{aid}: incident without a required {f} item")
    else:
        if any(g[f] for f in LIST_FIELDS) or ad is not None or alts or pa is not None:
            err(f"{aid}: non-incident with non-empty fields")
    return g


def main() -> int:
    md = "--markdown" in sys.argv
    extra = sorted({p.stem for p in ARTICLES.iterdir()} - set(IDS)) + sorted(
        {p.stem for p in GOLD.iterdir()} - set(IDS)
    )
    if extra:
        err(f"unexpected files: {extra}")
    golds, fmts, infos = {}, {}, {}
    for aid in IDS:
        fmt, text, published, info = load_article(aid)
        fmts[aid], infos[aid] = fmt, info
        g = check_gold(aid, text, published)
        if g:
            golds[aid] = g
    if errors:
        print("\n".join(errors))
        print(f"FAILED: {len(errors)} error(s)")
        return 1

    # ---- counts
    inc = [g for g in golds.values() if g["is_incident"]]
    by = {}
    for aid, g in golds.items():
        k = "incident" if g["is_incident"] else "non-incident"
        by.setdefault((fmts[aid], k), 0)
        by[(fmts[aid], k)] += 1
    rows = []
    for f in LIST_FIELDS:
        req = sum(1 for g in inc for it in g[f] if not it["optional"])
        opt = sum(1 for g in inc for it in g[f] if it["optional"])
        rows.append((f, req, opt))
    n_date = sum(1 for g in inc if g["attack_date"])
    n_alt = sum(1 for g in inc if g["attack_date_alternatives"])
    n_people = sum(1 for g in inc if g["people_affected"])
    words = [infos[a]["words"] for a in IDS]
    title_null = [a for a in IDS if infos[a].get("title_null")]
    pub_null = [a for a in IDS if infos[a].get("published_null")]

    if md:
        print("| format | incident | non-incident | total |")
        print("| --- | ---: | ---: | ---: |")
        for fm in ("json", "txt", "html"):
            a, b = by.get((fm, "incident"), 0), by.get((fm, "non-incident"), 0)
            print(f"| `.{fm}` | {a} | {b} | {a + b} |")
        print(f"| total | {len(inc)} | {len(golds) - len(inc)} | {len(golds)} |")
        print()
        print("| field | required | optional |")
        print("| --- | ---: | ---: |")
        for f, r, o in rows:
            print(f"| `{f}` | {r} | {o} |")
        print(
            f"| `attack_date` (incidents with a date) | {n_date} of {len(inc)} | {n_alt} with alternatives |"
        )
        print(f"| `people_affected` (incidents with a count) | {n_people} of {len(inc)} | - |")
    else:
        print("OK: 40 articles, 40 gold files, no errors")
        print("formats: " + ", ".join(f"{fm}/{k}={n}" for (fm, k), n in sorted(by.items())))
        print(f"title null: {title_null}; published null: {pub_null}")
        print(f"words per article: min {min(words)}, max {max(words)}, mean {sum(words) // len(words)}")
        print(f"{'field':<18}{'required':>9}{'optional':>9}")
        for f, r, o in rows:
            print(f"{f:<18}{r:>9}{o:>9}")
        print(f"attack_date: {n_date} of {len(inc)} incidents ({n_alt} with alternatives)")
        print(f"people_affected: {n_people} of {len(inc)} incidents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
