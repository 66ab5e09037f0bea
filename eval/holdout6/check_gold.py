#!/usr/bin/env python3
"""Validate the held-out set 6 gold files and print item counts.

    python3 check_gold.py            # validate, then print the counts table (Markdown)

Checks: key set and order as in the dev gold files, vocabulary ids from
../../../shared/spec/RECORD.md, item shapes, ISO dates, empty lists for non-incidents,
one article per gold file, article format fields, and that every name item
(or one of its aliases) occurs in the article text. Standard library only.
"""

import datetime
import html
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
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
VOCAB = {
    "attack_types": "ransomware phishing intrusion data_theft ddos defacement malware account_takeover fraud supply_chain",
    "systems": "information_system website online_platform email telephony business_software database workstations backups industrial payment other",
    "data_leaked": "name birth_date civil_status social_security_number address email phone contact bank_details payment_card health_data id_document insurance_info credentials financial_documents other",
    "authorities": "ANSSI CNIL ARS PARQUET JUSTICE GENDARMERIE POLICE DGS HFDS ANS CYBERMALVEILLANCE CSIRT PREFECTURE MINISTRY EU OTHER",
    "sectors": "health insurance finance public_administration education research industry retail transport energy telecom media defense legal other",
}
VOCAB = {k: set(v.split()) for k, v in VOCAB.items()}
NAME_FIELDS = ["victims", "threat_actors", "responders", "locations"]
LIST_FIELDS = NAME_FIELDS + list(VOCAB)
ORDER = [
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


def fold(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", s).strip()


def article_text(path):
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        d = json.loads(raw)
        return (d.get("title") or "") + "\n" + d["text"]
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return raw


def main():
    errors, warnings = [], []
    golds = {}
    for gp in sorted((HERE / "gold").glob("*.json")):
        g = json.loads(gp.read_text(encoding="utf-8"))
        gid = g.get("id")
        golds[gid] = g

        def err(message: str, name: str = gp.name) -> None:
            errors.append(f"{name}: {message}")

        if gid != gp.stem:
            err("id does not match file name")
        if list(g) != KEYS:
            err(f"keys {list(g)}")
            continue
        if not isinstance(g["is_incident"], bool) or not isinstance(g["notes"], str) or not g["notes"]:
            err("is_incident must be bool, notes a non-empty string")
        for f in LIST_FIELDS:
            if not isinstance(g[f], list):
                err(f"{f} not a list")
                continue
            for it in g[f]:
                if f in NAME_FIELDS:
                    if set(it) != {"name", "aliases", "optional"} or not isinstance(it["aliases"], list):
                        err(f"{f} item shape {it}")
                else:
                    if set(it) != {"id", "optional"}:
                        err(f"{f} item shape {it}")
                    elif it["id"] not in VOCAB[f]:
                        err(f"{f}: unknown id {it['id']!r}")
                if not isinstance(it.get("optional"), bool):
                    err(f"{f}: optional must be bool in {it}")
            keys = [fold(it.get("name") or it.get("id") or "") for it in g[f]]
            if len(keys) != len(set(keys)):
                err(f"{f}: duplicate items")
        for d in ([g["attack_date"]] if g["attack_date"] else []) + g["attack_date_alternatives"]:
            try:
                datetime.date.fromisoformat(d)
            except (TypeError, ValueError):
                err(f"bad date {d!r}")
        if g["attack_date_alternatives"] and not g["attack_date"]:
            err("alternatives without attack_date")
        pa = g["people_affected"]
        if pa is not None and (not isinstance(pa, int) or isinstance(pa, bool) or pa <= 0):
            err(f"people_affected {pa!r}")
        if not g["is_incident"]:
            if any(g[f] for f in LIST_FIELDS) or g["attack_date"] or g["attack_date_alternatives"] or pa:
                err("non-incident with items")
        else:
            if not any(not it["optional"] for it in g["victims"]):
                err("incident without a required victim")
            if not any(not it["optional"] for it in g["attack_types"]):
                err("incident without a required attack type")
        arts = list((HERE / "articles").glob(f"{gid}.*"))
        if len(arts) != 1:
            err(f"expected one article, found {arts}")
            continue
        art = arts[0]
        if art.suffix == ".json":
            d = json.loads(art.read_text(encoding="utf-8"))
            if set(d) != {"id", "url", "title", "published", "text"} or d["id"] != gid:
                err("article json fields/id")
            if d["published"] is not None:
                datetime.date.fromisoformat(d["published"])
        elif art.suffix == ".html":
            s = art.read_text(encoding="utf-8")
            for needle in ('property="article:published_time"', 'property="og:title"', "<article"):
                if needle not in s:
                    err(f"html lacks {needle}")
        text = fold(article_text(art))
        for f in NAME_FIELDS:
            for it in g[f]:
                if not any(fold(n) and fold(n) in text for n in [it["name"], *it["aliases"]]):
                    (warnings if it["optional"] else errors).append(
                        f"{gp.name}: {f} {it['name']!r} not found in article text"
                    )
    if len(golds) != 40:
        errors.append(f"{len(golds)} gold files, expected 40")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    if errors:
        return 1
    inc = [g for g in golds.values() if g["is_incident"]]
    print(f"OK: {len(golds)} gold files, {len(inc)} incidents, {len(golds) - len(inc)} non-incidents\n")
    print("| field | required | optional |")
    print("| --- | ---: | ---: |")
    for f in ORDER:
        req = sum(1 for g in golds.values() for it in g[f] if not it["optional"])
        opt = sum(1 for g in golds.values() for it in g[f] if it["optional"])
        print(f"| {f} | {req} | {opt} |")
    nd = sum(1 for g in inc if g["attack_date"])
    na = sum(1 for g in inc if g["attack_date_alternatives"])
    npa = sum(1 for g in inc if g["people_affected"])
    print(
        f"\nIncidents with attack_date: {nd} of {len(inc)} ({na} with alternatives); "
        f"with people_affected: {npa} of {len(inc)}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
