"""The review of the dev corpus in a real browser: Debian's chromium driven by Playwright.

Skipped, with the reason in pytest's summary, when ``/usr/bin/chromium`` is absent (``.ci/run``
installs it; ``make test`` says so). Playwright (its Python package) never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from incident_extract.records import process_inputs
from incident_extract.review import write_review
from incident_extract.review.highlight import record_spans
from incident_extract.review.render import record_rows

from .conftest import DEV_CORPUS, ROOT

pytestmark = [pytest.mark.model, pytest.mark.browser]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "out" / "screenshots"
PAGE_SIZE = 100
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, headless and kept from calling home, for this module only.

    Module-scoped on purpose: Playwright's sync API runs an event loop in the main thread while
    it is started, and later tests (datasette's) need ``asyncio.run`` there.
    """
    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not executable:
        pytest.skip(f"{CHROMIUM} is absent: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser context (no shared history or storage) and its page, per test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def dev_review(nlp, tmp_path_factory):
    if not (DEV_CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus/dev is not beside the checkout")
    records = list(process_inputs([DEV_CORPUS / "articles"], nlp=nlp))
    path = tmp_path_factory.mktemp("review") / "dev-review.html"
    write_review(records, path, title="Incident review: dev corpus")
    rows = [row for index, record in enumerate(records) for row in record_rows(record, index)]
    return records, rows, path


@pytest.fixture
def review(page, dev_review):
    """The page opened, with every console error and uncaught exception collected."""
    records, rows, path = dev_review
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]")
    yield page, records, rows
    assert problems == [], problems


def visible_rows(page) -> int:
    return page.locator("#index-table tbody tr").count()


def shown_count(page) -> int:
    return int(page.locator("#count").inner_text().split(" of ")[0])


def test_every_evidence_span_is_highlighted_where_its_offsets_say(review):
    page, records, _ = review
    checked = 0
    for index, record in enumerate(records):
        page.evaluate(f"location.hash = '#article-{index}'")
        page.wait_for_selector(f"#ie-title-{index}")
        shown = page.evaluate(
            """() => {
                const box = document.querySelector('#article [data-text]');
                const spans = {};
                for (const mark of box.querySelectorAll('mark[data-items]')) {
                    for (const id of mark.dataset.items.split(' ')) {
                        spans[id] ??= {start: Number(mark.dataset.start), text: ''};
                        spans[id].text += mark.textContent;
                    }
                }
                return {text: box.textContent, spans};
            }"""
        )
        assert shown["text"] == record.text, record.source.path
        expected = {
            span.item_id: {"start": span.start, "text": span.row.evidence_text}
            for span in record_spans(record)
        }
        assert shown["spans"] == expected, record.source.path
        checked += len(expected)
    assert checked > 500  # the dev corpus has hundreds of items: a vacuous pass is not a pass


def test_filters_and_search_change_the_visible_rows(review):
    page, _, rows = review
    assert shown_count(page) == len(rows)
    assert visible_rows(page) == min(PAGE_SIZE, len(rows))

    page.select_option("#f-type", "ransomware")
    ransomware = [row for row in rows if "ransomware" in row["types"]]
    assert 0 < len(ransomware) < len(rows)
    assert shown_count(page) == len(ransomware) == visible_rows(page)
    assert all(
        "ransomware" in text for text in page.locator("#index-table tbody td:nth-child(3)").all_inner_texts()
    )

    page.select_option("#f-sector", "health")
    both = [row for row in ransomware if "health" in row["sectors"]]
    assert shown_count(page) == len(both) == visible_rows(page)

    page.click("#f-reset")
    expect(page.locator("#count")).to_have_text(re.compile(f"^{len(rows)} of"))
    page.select_option("#f-status", "none")
    assert shown_count(page) == sum(row["status"] == "none" for row in rows) > 0

    page.click("#f-reset")
    page.fill("#f-from", "2024-01-01")
    page.dispatch_event("#f-from", "change")
    page.fill("#f-to", "2024-12-31")
    page.dispatch_event("#f-to", "change")
    in_2024 = [row for row in rows if (row["attack_date"] or row["published"] or "").startswith("2024")]
    assert shown_count(page) == len(in_2024) > 0

    page.click("#f-reset")
    victim = next(row["victims"][0] for row in rows if row["victims"] and len(row["victims"][0]) > 8)
    page.fill("#f-search", victim.upper())  # the search ignores case (and accents)
    expect(page.locator("#count")).not_to_have_text(re.compile(f"^{len(rows)} of"))
    # the count is written before the rows: wait for the rows themselves (this raced under load)
    expect(page.locator("#index-table tbody tr").filter(has_text=victim).first).to_be_visible()
    assert 0 < visible_rows(page) < len(rows)
    texts = page.locator("#index-table tbody tr").all_inner_texts()
    matching = [i for i, row in enumerate(rows) if victim.lower() in " ".join(row["victims"]).lower()]
    assert len(texts) >= len(matching) and any(victim in text for text in texts)


def test_sorting_by_attack_date(review):
    page, _, rows = review
    page.click("#index-table th[data-key=attack_date] button")
    first = page.locator("#index-table tbody tr td:nth-child(2)").first.inner_text()
    assert first == min(row["attack_date"] for row in rows if row["attack_date"])
    assert page.get_attribute("#index-table th[data-key=attack_date]", "aria-sort") == "ascending"
    page.click("#index-table th[data-key=attack_date] button")
    first = page.locator("#index-table tbody tr td:nth-child(2)").first.inner_text()
    assert first == max(row["attack_date"] for row in rows if row["attack_date"])


def test_charts_are_drawn_from_the_incidents(review):
    page, _, rows = review
    incidents = [row for row in rows if row["incident"] is not None]
    stacks = Counter(
        ((row["attack_date"] or row["published"])[:7], kind)
        for row in incidents
        if row["attack_date"] or row["published"]
        for kind in (row["types"] or ["unknown"])
    )
    assert page.locator("#chart-months svg rect").count() == len(stacks)
    sectors = {sector for row in incidents for sector in row["sectors"]}
    assert page.locator("#chart-sectors svg rect").count() == min(12, len(sectors)) > 0
    places = {place for row in incidents for place in row["places"]}
    assert page.locator("#chart-places svg rect").count() == min(12, len(places)) > 0
    regions = Counter(region for row in incidents for region in row["regions"])
    assert page.locator("#chart-regions svg rect").count() == min(12, len(regions)) > 0
    top_region, count = regions.most_common(1)[0]
    assert page.locator("#chart-regions svg rect title").first.text_content() == f"{top_region}: {count}"
    page.select_option("#f-type", "ransomware")  # the charts follow the filters
    assert page.locator("#chart-months svg rect[data-type=ransomware]").count() == len(
        [key for key in stacks if key[1] == "ransomware"]
    )
    assert page.locator("#chart-months svg rect:not([data-type=ransomware])").count() > 0  # other types too


def test_keyboard_opens_an_article_and_focus_shows_rule_and_value(review):
    page, records, _ = review
    index = next(i for i, record in enumerate(records) if record.incidents)
    link = page.locator(f"#index-table a[href='#article-{index}']").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#article-view:not([hidden])")
    page.keyboard.press("Tab")  # from the focused heading: the links, then the first highlighted span
    for _ in range(10):
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
        page.keyboard.press("Tab")
    tip = page.evaluate("getComputedStyle(document.activeElement, '::after').content")
    assert "rule " in tip and "incident 1" in tip
    item = page.locator("#article tr[data-item]").last  # an item beside the text: Enter goes to its span
    item.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.dataset.items || ''").split()
    assert item.get_attribute("data-item") in focused
    page.go_back()  # the browser's Back button returns to the index
    page.wait_for_selector("#index-view:not([hidden])")


def test_readable_on_a_phone(review):
    page, _, _ = review
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator("#index-table tbody tr").nth(2)
    row.locator("td").first.click()  # the source link is off-screen: the whole row opens the article
    page.wait_for_selector("#article-view:not([hidden])")
    article = row.get_attribute("data-article")
    assert page.url.endswith(f"#article-{article}")
    assert page.locator("#article h2").get_attribute("id") == f"ie-title-{article}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "review-phone.png")


def test_screenshots_for_the_readme(review):
    page, records, _ = review
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "review.png")
    index = max(
        range(len(records)), key=lambda i: len(record_spans(records[i])) if records[i].incidents else -1
    )
    page.evaluate(f"location.hash = '#article-{index}'")
    page.wait_for_selector("#article-view:not([hidden])")
    page.screenshot(path=SCREENSHOTS / "review-article.png")
    assert (SCREENSHOTS / "review.png").stat().st_size > 10_000
