"""How long a large review takes to write and to open in a browser (issue 15: 5,000 articles < 3 s).

Builds a SQLite store of N articles from the dev corpus's records (each copy with its own URL,
so that the store keeps them all), writes its review with ``incident-extract review``, then
opens the page in Debian's chromium with Playwright, a fresh browser each time, and reads the
page's own ``review-ready`` mark (index, charts and first page drawn) and its load event.

    .venv/bin/python bench/review_open.py                       # N = 5000, 3 openings
    .venv/bin/python bench/review_open.py --records out/dev.jsonl --articles 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from incident_extract.outputs import write_records
from incident_extract.records import process_inputs
from incident_extract.review import read_review_input

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEV_ARTICLES = ROOT.parent / "shared" / "corpus" / "dev" / "articles"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def base_records(records_file: Path | None) -> list:
    if records_file:
        return read_review_input(records_file)[0]
    return list(process_inputs([DEV_ARTICLES]))


def make_store(records: list, articles: int, path: Path) -> None:
    """``articles`` records cycling through ``records``, each copy with its own URL and path."""

    def copies():
        for index in range(articles):
            record = records[index % len(records)]
            source = record.source.model_copy(
                update={"url": f"https://bench.invalid/{index}", "path": f"copy-{index}/{record.source.path}"}
            )
            yield record.model_copy(update={"source": source})

    for _ in write_records(copies(), path):
        pass


def open_times(page_path: Path, openings: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        for _ in range(openings):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            started = time.perf_counter()
            page.goto(page_path.as_uri(), timeout=120_000)
            page.wait_for_selector("body[data-ready=true]", timeout=120_000)
            wall = time.perf_counter() - started
            ready = page.evaluate("performance.getEntriesByName('review-ready')[0].startTime")
            loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            started = time.perf_counter()
            page.select_option("#f-type", "ransomware")
            filtered = time.perf_counter() - started
            started = time.perf_counter()
            page.evaluate("location.hash = '#article-0'")
            page.wait_for_selector("#article-view:not([hidden])")
            article = time.perf_counter() - started
            if errors:
                raise SystemExit(f"page errors: {errors}")
            times.append({"ready_s": ready / 1000, "load_s": loaded / 1000, "wall_s": wall,
                          "filter_s": filtered, "article_s": article})  # fmt: skip
            browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--openings", type=int, default=3)
    parser.add_argument("--records", type=Path, help="JSONL records to copy (default: run the dev corpus)")
    args = parser.parse_args()
    records = base_records(args.records)
    with tempfile.TemporaryDirectory() as folder:
        store, page = Path(folder) / "store.sqlite", Path(folder) / "review.html"
        make_store(records, args.articles, store)
        started = time.perf_counter()
        command = [
            str(Path(sys.executable).with_name("incident-extract")),
            "review",
            str(store),
            "-o",
            str(page),
        ]
        subprocess.run(command, check=True, capture_output=True)
        write_s = time.perf_counter() - started
        size_mb = page.stat().st_size / 1e6
        times = open_times(page, args.openings)
    median = {key: statistics.median(run[key] for run in times) for key in times[0]}
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "articles": args.articles,
        "base_records": len(records),
        "review_command_s": round(write_s, 2),
        "page_mb": round(size_mb, 1),
        "openings": times,
        "median": {key: round(value, 3) for key, value in median.items()},
        "target_ready_s": 3.0,
    }
    out = BENCH_DIR / "results" / f"review-{args.articles}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{args.articles} articles: 'incident-extract review' {write_s:.1f} s, page {size_mb:.1f} MB; "
        f"opens in chromium: ready {median['ready_s']:.2f} s (target < 3 s), load event {median['load_s']:.2f} s, "
        f"type filter {median['filter_s']:.2f} s, article view {median['article_s']:.2f} s "
        f"(median of {args.openings}); wrote {out.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
