"""The nightly watch measured on real articles served as local news sites (issue 13).

Two cases, each a site made by ``../shared/tools/news-site.py`` (real articles in pages with
menus, ads, related links and comments; one RSS feed whose items carry only the headline)
served on 127.0.0.1 and read by the batch, as a night would:

* **incidents**: the dev corpus. How many incident articles the batch skips (target: none),
  and micro F1 over the HTML pages against the same articles read as files (target: within 0.03).
* **general feed**: the off-topic corpus mixed with the clusters corpus (every article an
  incident). Share of off-topic items skipped before spaCy (target >= 90 %), false incidents
  (target <= 1), and the time of the project (relevance filter, then the pipeline) against raw
  spaCy over the same cleaned texts, the model loaded beforehand on both sides (target: at
  least 3x faster). The whole batch (fetching and trafilatura included) is timed too, against
  trafilatura plus raw spaCy.

    .venv/bin/python bench/watch.py            # both cases, a few minutes on 2 cores
    .venv/bin/python bench/watch.py --case general
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import spacy

from incident_extract.batch import BatchConfig, run_batch
from incident_extract.nlp.pipeline import load_pipeline
from incident_extract.outputs.sqlite_store import SQLiteStore
from incident_extract.records import extract_many
from incident_extract.settings import DEFAULT_SETTINGS
from incident_extract.sources import read_inputs
from incident_extract.store import record_json, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
NEWS_SITE = SHARED / "tools" / "news-site.py"
SCORER = SHARED / "eval" / "score.py"
RESULTS = Path(__file__).resolve().parent / "results"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def news_site(articles: Path, folder: Path):
    """Serve ``news-site.py``'s pages for ``articles`` on a free local port; yields the feed URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    subprocess.run(
        [sys.executable, str(NEWS_SITE), str(articles), str(folder), "--base", base],
        check=True,
        capture_output=True,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{base}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def night(feed_url: str, folder: Path, nlp) -> tuple[dict, list, dict[str, str]]:
    """One batch over the feed into a fresh store: (summary, records, skipped item -> reason)."""
    config = BatchConfig.model_validate(
        {
            "feeds": [{"url": feed_url}],
            "store": {"sqlite": folder / "veille.sqlite"},
            "fetch": {"per_host_delay": 0, "trust_env": False},
        }
    )
    with SQLiteStore(config.store.sqlite) as store:
        summary = run_batch(
            config,
            nlp,
            record_sink=lambda record, _connection: store.write_in_transaction(record),
            connection=store.connection,
        )
        records = list(store.read_records())
        skipped = dict(
            store.connection.execute("SELECT item_url, reason FROM batch_seen WHERE status = 'skipped'")
        )
    return summary.model_dump(), records, skipped


def stem(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0].removesuffix(".html")


def score(gold: Path, predictions: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(predictions), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def incidents_case(nlp, work: Path) -> dict:
    """The dev corpus's .json articles as a news site, against the same files."""
    articles, gold = work / "articles", work / "gold"
    articles.mkdir()
    gold.mkdir()
    for path in sorted((CORPUS / "dev" / "articles").glob("*.json")):
        shutil.copy(path, articles)
        shutil.copy(CORPUS / "dev" / "gold" / path.name, gold)
    incident_ids = {
        p.stem for p in gold.glob("*.json") if json.loads(p.read_text(encoding="utf-8"))["is_incident"]
    }
    with news_site(articles, work / "site") as feed:
        started = time.perf_counter()
        summary, records, skipped = night(feed, work, nlp)
        seconds = time.perf_counter() - started
    site_jsonl = work / "site.jsonl"
    with site_jsonl.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record_json(record) + "\n")
        for url in skipped:  # skipped before spaCy: no incident
            handle.write(json.dumps({"source": {"url": url}, "text": "", "is_incident": False}) + "\n")
    settings = DEFAULT_SETTINGS.model_copy(update={"relevance_filter": True})
    files_jsonl = work / "files.jsonl"
    for _ in write_jsonl(
        extract_many(read_inputs([articles], settings), nlp=nlp, settings=settings, progress=False),
        files_jsonl,
    ):
        pass
    html, files = score(gold, site_jsonl), score(gold, files_jsonl)
    lost = sorted(stem(url) for url in skipped if stem(url) in incident_ids)
    failed = sorted(
        stem(r.source.url or "") for r in records if r.errors and stem(r.source.url or "") in incident_ids
    )
    return {
        "articles": len(list(articles.glob("*.json"))),
        "incident_articles": len(incident_ids),
        "items_skipped": len(skipped),
        "incident_articles_skipped": lost,
        "incident_articles_failed": failed,
        "micro_f1_html": html["micro"]["f1"],
        "micro_f1_files": files["micro"]["f1"],
        "gap": round(files["micro"]["f1"] - html["micro"]["f1"], 3),
        "attack_date_f1_html": html["fields"]["attack_date"]["f1"],
        "attack_date_f1_files": files["fields"]["attack_date"]["f1"],
        "batch_seconds": round(seconds, 1),
        "requests": summary["requests"],
        "targets_met": not lost and files["micro"]["f1"] - html["micro"]["f1"] <= 0.03,
    }


def general_case(nlp, work: Path) -> dict:
    """Off-topic news and incident reports in one general feed."""
    articles = work / "articles"
    articles.mkdir()
    off_topic = {p.stem for p in (CORPUS / "offtopic" / "articles").glob("*.json")}
    for folder in (CORPUS / "offtopic" / "articles", CORPUS / "clusters" / "articles"):
        for path in folder.glob("*.json"):
            shutil.copy(path, articles)
    with news_site(articles, work / "site") as feed:
        started = time.perf_counter()
        summary, records, skipped = night(feed, work, nlp)
        batch_seconds = time.perf_counter() - started
    false_incidents = sorted(
        stem(r.source.url or "") for r in records if r.is_incident and stem(r.source.url or "") in off_topic
    )
    skipped_off_topic = sum(stem(url) in off_topic for url in skipped)
    incidents_skipped = sorted(stem(url) for url in skipped if stem(url) not in off_topic)
    # the same pages' cleaned texts (trafilatura, timed apart), then raw spaCy against the
    # project over them (relevance filter, then the pipeline), the model loaded on both sides
    from incident_extract.clean import clean
    from incident_extract.sources import RawArticle

    no_filter = DEFAULT_SETTINGS.model_copy(update={"relevance_filter": False})
    pages = sorted((work / "site" / "pages").glob("*.html"))
    started = time.perf_counter()
    texts = [
        clean(RawArticle(html=page.read_text(encoding="utf-8"), kind="html"), no_filter).text
        for page in pages
    ]
    clean_seconds = time.perf_counter() - started
    raw = spacy.load(DEFAULT_SETTINGS.model)
    started = time.perf_counter()
    for _ in raw.pipe(texts, batch_size=DEFAULT_SETTINGS.batch_size):
        pass
    raw_seconds = time.perf_counter() - started
    with_filter = DEFAULT_SETTINGS.model_copy(update={"relevance_filter": True})
    started = time.perf_counter()
    for _ in extract_many(
        (RawArticle(text=text) for text in texts), nlp=nlp, settings=with_filter, progress=False
    ):
        pass
    project_seconds = time.perf_counter() - started
    # the same on the off-topic pages alone: a general feed with (nearly) no incident
    alone = [text for page, text in zip(pages, texts, strict=True) if page.stem in off_topic]
    started = time.perf_counter()
    for _ in raw.pipe(alone, batch_size=DEFAULT_SETTINGS.batch_size):
        pass
    raw_alone = time.perf_counter() - started
    started = time.perf_counter()
    for _ in extract_many(
        (RawArticle(text=text) for text in alone), nlp=nlp, settings=with_filter, progress=False
    ):
        pass
    project_alone = time.perf_counter() - started
    share = skipped_off_topic / len(off_topic)
    return {
        "items": summary["items_new"],
        "off_topic_items": len(off_topic),
        "off_topic_skipped_share": round(share, 3),
        "incident_items_skipped": incidents_skipped,
        "false_incidents": false_incidents,
        "raw_spacy_seconds": round(raw_seconds, 1),
        "project_seconds": round(project_seconds, 1),
        "speed_up": round(raw_seconds / project_seconds, 2),
        "off_topic_alone_speed_up": round(raw_alone / project_alone, 2),
        "clean_seconds": round(clean_seconds, 1),
        "batch_seconds": round(batch_seconds, 1),
        "batch_speed_up": round((raw_seconds + clean_seconds) / batch_seconds, 2),
        "targets_met": share >= 0.90 and len(false_incidents) <= 1 and raw_seconds / project_seconds >= 3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", choices=["incidents", "general", "all"], default="all")
    parser.add_argument("--save", action="store_true", help="write bench/results/watch.json")
    args = parser.parse_args()
    if not (CORPUS / "dev").is_dir() or not NEWS_SITE.is_file():
        sys.exit("../shared/corpus and ../shared/tools/news-site.py are needed beside the checkout")
    nlp = load_pipeline(DEFAULT_SETTINGS.model)
    results = {}
    for name, case in (("incidents", incidents_case), ("general", general_case)):
        if args.case in (name, "all"):
            with tempfile.TemporaryDirectory(prefix=f"watch-{name}-") as work:
                results[name] = case(nlp, Path(work))
            print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}", flush=True)
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "watch.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
