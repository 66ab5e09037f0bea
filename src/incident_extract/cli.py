"""Command line: a thin typer layer over the library functions.

The one place where library errors become exit codes: 0 when the run ran (even if some
articles failed: their lines carry ``errors``), 2 with a one-line message when it could not run;
3 when ``batch --fail-on`` was given and what it watches failed (records and digest written).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from spacy.language import Language

from .backfill import (
    DEFAULT_SHARD_SIZE,
    BackfillSummary,
    ShardReport,
    load_backfill,
    quiet_dask_logs,
    run_backfill,
)
from .batch import BatchEvent, BatchSummary, load_batch_config, run_batch_file
from .clusters import Cluster, cluster
from .digest import build_digest, digest_markdown, write_digest
from .errors import IncidentExtractError, InputError
from .fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from .models import ArticleRecord
from .nlp.pipeline import load_pipeline, save_pipeline
from .outputs import DEFAULT_TLP, OutputFormat, check_output, read_records, resolve_format, write_records
from .outputs.datasette import datasette_metadata_yaml
from .outputs.sqlite_store import SQLiteStore
from .records import extract_many
from .relevance import is_relevant_text
from .review import in_period, read_review_input, write_review
from .settings import DEFAULT_SETTINGS, Settings
from .sources import ArticleInputs, read_input_list
from .store import check_writable
from .version import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn French news about cyberattacks into structured incident records.",
)
# soft_wrap: one message per line whatever the terminal width, so logs and grep see whole paths.
err = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"incident-extract {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log warnings and details on stderr.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = {"verbose": verbose}


SHOWN_FAILURES = 10
"""Failed inputs named in the summary without ``-v`` (all of them with it)."""


# run's options, named once so that its signature reads as a list
_Inputs = Annotated[
    list[str] | None,
    typer.Argument(
        help="Article files or folders (.html .htm .txt .json .jsonl), page URLs or RSS/Atom feed URLs.",
        show_default=False,
    ),
]
_Output = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="Output file: .jsonl, .csv (+ .items.csv), .sqlite or .db, .json (STIX); - for JSONL on stdout.",
    ),
]
_InputList = Annotated[
    Path | None,
    typer.Option("--input-list", "-i", help="A file of URLs, feeds or paths, one per line (# comments)."),
]
_Format = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format", "-f", help="Output format, overriding the suffix (misp: a .json of MISP events)."
    ),
]
_Tlp = Annotated[str, typer.Option(help="STIX and MISP: TLP marking, clear, green, amber or red.")]
_Excel = Annotated[
    bool, typer.Option("--excel", help="CSV: start with a UTF-8 BOM so that Excel reads the accents.")
]
_CsvDelimiter = Annotated[str, typer.Option(help="CSV: cell separator; ';' suits a French Excel.")]
_Model = Annotated[str, typer.Option(help="spaCy model name or saved pipeline folder.")]
_BatchSize = Annotated[int, typer.Option(min=1, help="Articles per nlp.pipe batch.")]
_Workers = Annotated[
    int, typer.Option(min=1, help="Processes for the NLP (each loads the model; 2 on a 2-core machine).")
]
_ShowProgress = Annotated[bool, typer.Option(help="Show a progress bar on stderr.")]
_Verbose = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Name every failed input in the summary, not only the first ten."),
]
_RelevanceFilter = Annotated[
    bool,
    typer.Option(
        help="Skip spaCy for articles whose cleaned text has no cyber-incident word (record: no incident)."
    ),
]
_Review = Annotated[
    Path | None,
    typer.Option(
        "--review", help="Also write an HTML review of this run's records (see the review command)."
    ),
]
WEB_OPTIONS = "Web (page and feed URLs)"
"""Help panel of ``run``'s fetch options (the batch reads the same from its ``[fetch]`` table)."""
_Timeout = Annotated[
    float | None,
    typer.Option(
        help="Seconds to wait for a connection, and for the next byte of an answer "
        f"(default: {DEFAULT_FETCH_SETTINGS.connect_timeout:g} to connect, "
        f"{DEFAULT_FETCH_SETTINGS.read_timeout:g} between bytes).",
        rich_help_panel=WEB_OPTIONS,
        show_default=False,
    ),
]
_UrlDeadline = Annotated[
    float,
    typer.Option(
        help="Most seconds one URL may cost, redirects and retries included.", rich_help_panel=WEB_OPTIONS
    ),
]
_Retries = Annotated[
    int, typer.Option(help="Extra attempts after a timeout or a 5xx answer.", rich_help_panel=WEB_OPTIONS)
]
_PerHostDelay = Annotated[
    float, typer.Option(help="Seconds between two requests to one host.", rich_help_panel=WEB_OPTIONS)
]
_PerHostConcurrency = Annotated[
    int, typer.Option(help="Requests at once to one host.", rich_help_panel=WEB_OPTIONS)
]
_UserAgent = Annotated[
    str, typer.Option(help="The User-Agent header of every request.", rich_help_panel=WEB_OPTIONS)
]
_FETCH = DEFAULT_FETCH_SETTINGS


@app.command()
def run(
    ctx: typer.Context,
    inputs: _Inputs = None,
    output: _Output = ...,  # type: ignore[assignment]
    input_list: _InputList = None,
    format: _Format = None,
    tlp: _Tlp = DEFAULT_TLP,
    excel: _Excel = False,
    csv_delimiter: _CsvDelimiter = ",",
    model: _Model = DEFAULT_SETTINGS.model,
    batch_size: _BatchSize = DEFAULT_SETTINGS.batch_size,
    workers: _Workers = DEFAULT_SETTINGS.workers,
    progress: _ShowProgress = True,
    verbose: _Verbose = False,
    relevance_filter: _RelevanceFilter = True,
    review: _Review = None,
    timeout: _Timeout = None,
    url_deadline: _UrlDeadline = _FETCH.url_deadline_seconds,
    retries: _Retries = _FETCH.retries,
    per_host_delay: _PerHostDelay = _FETCH.per_host_delay,
    per_host_concurrency: _PerHostConcurrency = _FETCH.per_host_concurrency,
    user_agent: _UserAgent = _FETCH.user_agent,
) -> None:
    """Extract incidents from articles, pages and feeds; write one record per article
    (JSONL, CSV, SQLite, STIX or MISP)."""
    settings = DEFAULT_SETTINGS.model_copy(
        update={
            "model": model,
            "batch_size": batch_size,
            "workers": workers,
            "relevance_filter": relevance_filter,
        }
    )
    web = {"url_deadline_seconds": url_deadline, "retries": retries, "per_host_delay": per_host_delay,
           "per_host_concurrency": per_host_concurrency, "user_agent": user_agent}  # fmt: skip
    if timeout is not None:
        web |= {"connect_timeout": timeout, "read_timeout": timeout}
    started = time.perf_counter()
    with _exit_on_error():
        items = [*(inputs or []), *(read_input_list(input_list) if input_list else [])]
        if not items:
            raise InputError("no input: give files, folders or URLs, or --input-list FILE")
        sources = ArticleInputs(items, settings, fetch_settings_from(web))
        out = _RunOutput(output, resolve_format(output, format), excel, csv_delimiter, tlp, review)
        written, skipped = out.check(), sources.unsupported()
        nlp = load_pipeline(settings.model)
    tally = _extract_and_write(sources, nlp, settings, out, progress=progress)
    written += _extra_outputs(out, tally, title=f"Incident review: {', '.join(items)}")
    verbose = verbose or bool((ctx.obj or {}).get("verbose"))
    _print_run_summary(tally, written, skipped, time.perf_counter() - started, verbose=verbose)


_FETCH_OPTIONS = {
    "connect_timeout": "--timeout",
    "read_timeout": "--timeout",
    "url_deadline_seconds": "--url-deadline",
    "retries": "--retries",
    "per_host_delay": "--per-host-delay",
    "per_host_concurrency": "--per-host-concurrency",
    "user_agent": "--user-agent",
}
"""``FetchSettings`` fields that ``run`` sets, with their options (to name them in an error)."""


def fetch_settings_from(options: dict[str, Any]) -> FetchSettings:
    """``run``'s web options over the polite defaults; a value out of range is an InputError
    that names its option (``invalid --timeout: Input should be greater than 0``)."""
    try:
        return FetchSettings.model_validate({**DEFAULT_FETCH_SETTINGS.model_dump(), **options})
    except ValidationError as exc:
        error = exc.errors()[0]
        field_name = str(error["loc"][0]) if error["loc"] else ""
        option = _FETCH_OPTIONS.get(field_name, field_name)
        raise InputError(f"invalid {option}: {error['msg']}") from None


@dataclass(frozen=True)
class _RunOutput:
    """Where and how ``run`` writes its records."""

    path: Path
    format: OutputFormat
    excel: bool
    csv_delimiter: str
    tlp: str
    review: Path | None

    def check(self) -> list[object]:
        """Fail before any work when an output cannot be written; the files to be written."""
        written: list[object] = list(
            check_output(self.path, self.format, csv_delimiter=self.csv_delimiter, tlp=self.tlp)
        )
        if self.review is not None:
            check_writable(self.review)
        return written

    def write(self, records: Iterable[ArticleRecord]) -> Iterator[ArticleRecord]:
        return write_records(
            records, self.path, self.format, excel=self.excel, csv_delimiter=self.csv_delimiter, tlp=self.tlp
        )


@dataclass
class _RunTally:
    """What the summary says of a run's records; the records themselves for ``--review``."""

    relevance_filter: bool
    keep: bool
    articles: int = 0
    incidents: int = 0
    off_topic: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    records: list[ArticleRecord] = field(default_factory=list)

    def add(self, record: ArticleRecord) -> None:
        self.articles += 1
        self.incidents += len(record.incidents)
        if self.keep:
            self.records.append(record)
        if record.errors:
            source = record.source
            self.failures.append((source.path or source.url or source.id or "?", "; ".join(record.errors)))
        self.off_topic += self.relevance_filter and _skipped_as_off_topic(record)


def _extract_and_write(
    sources: ArticleInputs, nlp: Language, settings: Settings, out: _RunOutput, *, progress: bool
) -> _RunTally:
    """Every article through the pipeline and the writer; the bar follows the inputs read."""
    tally = _RunTally(settings.relevance_filter, keep=out.review is not None)
    # OSError: disk full while writing, and the like
    with _progress(progress, counted=True) as bar, _exit_on_error(lambda exc: _one_line(exc, out.path)):
        task = bar.add_task("extracting", total=sources.total)
        for record in out.write(extract_many(sources, nlp=nlp, settings=settings, progress=False)):
            tally.add(record)
            bar.update(task, completed=sources.done)
    return tally


def _extra_outputs(out: _RunOutput, tally: _RunTally, *, title: str) -> list[object]:
    """What comes after the records: the SQLite store's cluster count, the review page."""
    extra: list[object] = []
    if out.format == OutputFormat.SQLITE:
        extra.append(f"{_cluster_count(out.path)} incident clusters")
    if out.review is not None:
        extra.append(write_review(tally.records, out.review, title=title).path)
    return extra


def _cluster_count(store_path: Path) -> int:
    """The incident clusters ``write_records`` rebuilt once all records were in the store."""
    try:
        with SQLiteStore(store_path) as store:
            return store.connection.execute("SELECT count(*) FROM cluster_summary").fetchone()[0]
    except (IncidentExtractError, sqlite3.Error) as exc:  # the records are written: say so
        err.print(
            f"[red]error:[/red] records written to {store_path}, but its clusters not rebuilt: {escape(str(exc))}"
        )
        raise typer.Exit(code=2) from exc


def _print_run_summary(
    tally: _RunTally, written: list[object], skipped: list[Path], seconds: float, *, verbose: bool
) -> None:
    not_read = f", {tally.off_topic} off-topic (no NLP)" if tally.off_topic else ""
    err.print(
        f"{tally.articles} articles, {tally.incidents} incidents, {len(tally.failures)} errors{not_read}, "
        f"{seconds:.1f} s; wrote {', '.join(map(str, written)) or 'stdout'}",
        soft_wrap=True,
    )
    err.print(escape(failure_lines(tally.failures, skipped, verbose=verbose)), soft_wrap=True, end="")


@contextlib.contextmanager
def _exit_on_error(
    describe: Callable[[Exception], str] = str,
    errors: tuple[type[Exception], ...] = (IncidentExtractError, OSError),
) -> Iterator[None]:
    """The CLI's boundary: one of ``errors`` becomes one red line on stderr and exit code 2."""
    try:
        yield
    except errors as exc:
        err.print(f"[red]error:[/red] {escape(describe(exc))}")
        raise typer.Exit(code=2) from exc


def _progress(enabled: bool, *, counted: bool) -> Progress:
    """A transient bar on stderr: spinner, description and time; with ``counted``, a bar and M/N."""
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if counted:
        columns += [BarColumn(), MofNCompleteColumn()]
    return Progress(*columns, TimeElapsedColumn(), console=err, disable=not enabled, transient=True)


def _skipped_as_off_topic(record: ArticleRecord) -> bool:
    """Was this record's article kept away from spaCy by the relevance filter?"""
    return (
        not record.errors
        and not record.is_incident
        and not is_relevant_text(record.text, record.source.title).keep
    )


def failure_lines(failures: list[tuple[str, str]], skipped: list[Path], *, verbose: bool) -> str:
    """The summary's list of failed inputs and unsupported files: all with ``-v``, else the first ten."""
    limit = None if verbose else SHOWN_FAILURES
    lines = []
    if failures:
        lines.append(f"inputs with errors ({len(failures)}):")
        lines.extend(f"  {name}: {reason}" for name, reason in failures[:limit])
        if limit is not None and len(failures) > limit:
            lines.append(f"  ... and {len(failures) - limit} more (-v lists them all)")
    if skipped:
        names = ", ".join(str(path) for path in skipped[:limit])
        more = f" and {len(skipped) - limit} more" if limit is not None and len(skipped) > limit else ""
        lines.append(f"unsupported files skipped ({len(skipped)}): {names}{more}")
    return "".join(line + "\n" for line in lines)


class FailOn(StrEnum):
    FEED_ERRORS = "feed-errors"
    ITEM_ERRORS = "item-errors"


FAILED_EXIT_CODE = 3
"""``batch --fail-on``: the batch ran (records stored, digest written) but something it was told
to watch failed; cron mails it, a systemd unit shows ``failed``."""


@app.command("review")
def review_command(
    records: Annotated[
        Path, typer.Argument(help="Records to review: a .jsonl file or a SQLite store (.sqlite, .db).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path(
        "review.html"
    ),
    title: Annotated[str | None, typer.Option(help="Page title (default: the records file's name).")] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Only articles whose attack (else publication) date is on or after."
        ),
    ] = None,
    until: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Only articles whose attack (else publication) date is on or before."
        ),
    ] = None,
) -> None:
    """Write one offline HTML page to check records: index, charts, evidence highlighted in each text."""
    try:
        loaded, problems = read_review_input(records)
        loaded = list(in_period(loaded, since and since.date(), until and until.date()))
        summary = write_review(
            loaded, output, title=title or f"Incident review: {records.name}", load_errors=problems
        )
    except (IncidentExtractError, OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    for problem in problems:
        err.print(f"[yellow]skipped[/yellow] {escape(str(records))}: {escape(problem)}")
    err.print(
        f"{summary.articles} articles, {summary.incidents} incidents, {summary.errors} with errors"
        + (f", {summary.unreadable} unreadable lines" if summary.unreadable else "")
        + f"; wrote {summary.path}"
    )


@app.command()
def batch(
    config: Annotated[
        Path, typer.Argument(help="Batch configuration: \\[\\[feeds]] url/name, \\[store] sqlite/jsonl.")
    ],
    model: Annotated[
        str, typer.Option(help="spaCy model name or saved pipeline folder.")
    ] = DEFAULT_SETTINGS.model,
    progress: Annotated[bool, typer.Option(help="Show progress on stderr.")] = True,
    digest: Annotated[
        bool, typer.Option(help="Write the night's digest (Markdown and HTML) beside the store.")
    ] = True,
    digest_stdout: Annotated[bool, typer.Option(help="Also print the digest (Markdown) on stdout.")] = False,
    fail_on: Annotated[
        list[FailOn] | None,
        typer.Option(help=f"Exit with code {FAILED_EXIT_CODE} when a feed (or an item) failed; repeatable."),
    ] = None,
) -> None:
    """The nightly job: read the feeds, process only new items, store them exactly once, write the digest."""
    settings = DEFAULT_SETTINGS.model_copy(update={"model": model})
    written_keys: list[str] = []
    with _progress(progress, counted=False) as bar, _exit_on_error(_one_line):
        task = bar.add_task("reading feeds")

        def show(event: BatchEvent) -> None:
            bar.update(task, description=f"{event.stage} {event.status}: {event.url[:70]}")

        summary = run_batch_file(config, progress=show, settings=settings, written_keys=written_keys)
    err.print(summary_lines(summary))
    if digest or digest_stdout:
        _night_digest(config, summary, set(written_keys), write=digest, stdout=digest_stdout)
    watched = set(fail_on or ())
    if (FailOn.FEED_ERRORS in watched and summary.feeds_failed) or (
        FailOn.ITEM_ERRORS in watched and summary.items_failed
    ):
        err.print(f"[red]failed:[/red] {summary.feeds_failed} feeds, {summary.items_failed} items")
        raise typer.Exit(code=FAILED_EXIT_CODE)


@app.command()
def clusters(
    inputs: Annotated[
        list[Path], typer.Argument(help="Records: .jsonl, .csv or .sqlite outputs of run or batch.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSONL file: one line per incident cluster.")
    ],
) -> None:
    """Group the records' incidents that report the same incident; one JSON line per cluster."""
    try:
        records = [record for path in inputs for record in read_records(path)]
        check_output(output, OutputFormat.JSONL)
    except (IncidentExtractError, OSError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    groups = cluster(records)
    partial = output.with_name(output.name + ".part")
    with partial.open("w", encoding="utf-8") as handle:
        for group in groups:
            handle.write(cluster_json(group) + "\n")
    partial.replace(output)
    err.print(
        f"{len(records)} records, {sum(len(g.members) for g in groups)} incidents, {len(groups)} clusters; wrote {output}"
    )


def _night_digest(
    config: Path, summary: BatchSummary, written_keys: set[str], *, write: bool, stdout: bool
) -> None:
    """The digest of the night's new records, written beside the store and/or printed."""
    store_path = load_batch_config(config).store.sqlite
    # the night's records are committed whatever happens here
    no_digest = _exit_on_error(
        lambda exc: f"records stored, but no digest: {exc}", (IncidentExtractError, sqlite3.Error)
    )
    with no_digest, SQLiteStore(store_path) as store:
        night = build_digest(store.connection, written_keys, summary)
    err.print(f"digest: {len(night.new)} new incidents, {len(night.grew)} grew")
    if write:
        with _exit_on_error(lambda exc: f"records stored, but the digest not written: {exc}", (OSError,)):
            markdown, html = write_digest(night, store_path)
        err.print(f"wrote {markdown}, {html}")
    if stdout:
        typer.echo(digest_markdown(night))


def cluster_json(group: Cluster) -> str:
    """One cluster as a JSON line: merged fields, then each member (article, incident index, URL)."""
    earliest = group.earliest_date
    return json.dumps(
        {
            "cluster_id": group.cluster_id,
            "victim": group.victim,
            "victims": group.victims,
            "earliest_date": earliest.isoformat() if earliest else None,
            "attack_types": group.attack_types,
            "sources": group.sources,
            "members": [
                {"article": m.article_key, "incident_index": m.incident_index, "url": m.url, "title": m.title}
                for m in group.members
            ],
        },
        ensure_ascii=False,
    )


def _one_line(exc: Exception, output: Path | None = None) -> str:
    """An OSError (disk full, quota...) as one line naming the file, without a traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename or output
        return (
            f"cannot write {where}: {exc.strerror}" if where else f"cannot write the output: {exc.strerror}"
        )
    return str(exc)


def summary_lines(summary: BatchSummary) -> str:
    """The one-screen end-of-batch summary."""
    errors = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.errors_by_kind.items())) or "none"
    return "\n".join(
        [
            f"feeds: {summary.feeds_ok} ok, {summary.feeds_not_modified} not modified, {summary.feeds_failed} failed",
            f"items: {summary.items_new} new, {summary.items_already_seen} already seen, "
            f"{summary.items_skipped} off-topic (no NLP), {summary.items_processed} processed, "
            f"{summary.items_failed} failed",
            f"incidents: {summary.incidents} in {summary.incident_articles} articles",
            f"errors by kind: {errors}",
            f"{summary.requests} requests, {summary.seconds:.1f} s",
        ]
    )


@app.command("datasette-metadata")
def datasette_metadata(
    store: Annotated[
        Path, typer.Argument(help="The SQLite store datasette will open (its name keys the metadata).")
    ],
) -> None:
    """Print the metadata.yml for datasette (canned queries, facets, full-text search) to stdout:
    ``datasette STORE -m metadata.yml``."""
    typer.echo(datasette_metadata_yaml(store), nl=False)


@app.command()
def backfill(
    inputs: Annotated[
        list[str], typer.Argument(help="Folders, article files, JSONL shards and WARC/WARC.gz files.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output folder: Parquet per shard and the manifest.")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786); default: a LocalCluster here."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="LocalCluster worker processes (default: one per CPU).")
    ] = None,
    shard_size: Annotated[
        int,
        typer.Option(min=1, help="Articles (JSONL lines, loose files) per shard; a WARC file is one shard."),
    ] = DEFAULT_SHARD_SIZE,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Also write each shard's records as JSONL.")] = False,
    relevance_filter: Annotated[
        bool,
        typer.Option(
            help="Skip spaCy for articles whose cleaned text has no cyber-incident word (as run does)."
        ),
    ] = True,
    model: Annotated[
        str, typer.Option(help="spaCy model name or saved pipeline folder (as the workers see it).")
    ] = DEFAULT_SETTINGS.model,
    progress: Annotated[bool, typer.Option(help="Show a progress bar over shards on stderr.")] = True,
) -> None:
    """Backfill an archive on a Dask cluster: one Parquet file per shard, finished shards skipped on rerun."""
    settings = DEFAULT_SETTINGS.model_copy(update={"model": model})
    with _progress(progress, counted=True) as bar, _exit_on_error():
        task = bar.add_task("starting the cluster", total=None)

        def started(summary: BackfillSummary, todo: int) -> None:
            dashboard = summary.dashboard or "none (the scheduler needs bokeh to serve it)"
            err.print(f"Dask dashboard: {dashboard} ({summary.workers} workers)")
            bar.update(task, description="shards", total=todo)

        def finished(report: ShardReport) -> None:
            bar.advance(task)

        if not logging.getLogger().isEnabledFor(logging.INFO):  # --verbose shows Dask's INFO logs
            quiet_dask_logs()
        summary = run_backfill(inputs, output, scheduler=scheduler, workers=workers, shard_size=shard_size,
                               settings=settings, relevance=relevance_filter, jsonl=jsonl,
                               on_start=started, on_shard=finished)  # fmt: skip
    _print_backfill_summary(summary, output)


def _print_backfill_summary(summary: BackfillSummary, output: Path) -> None:
    """The end-of-backfill summary; exit code 1 when shards failed (a rerun retries them)."""
    if summary.already_done == summary.shards:
        err.print(f"nothing to do: all {summary.shards} shards of these inputs are in {output}/manifest")
        return
    memory = max(summary.worker_peak_rss_mb.values(), default=0)
    err.print(
        f"shards: {summary.shards - summary.already_done} done now, {summary.already_done} done before\n"
        f"articles: {summary.articles}, {summary.skipped} skipped (not relevant), {summary.failed} failed\n"
        f"incidents: {summary.incidents} in {summary.incident_articles} articles\n"
        f"{summary.seconds:.1f} s on {summary.workers} workers (+ {summary.start_seconds:.1f} s start-up)\n"
        f"peak memory per worker: {memory:.0f} MB; wrote {output}"
    )
    if summary.failed_shards:
        for shard, error in summary.failed_shards.items():
            err.print(f"[red]shard failed:[/red] {shard}: {error}")
        err.print(f"{len(summary.failed_shards)} shards failed: run the same command again to retry them")
        raise typer.Exit(code=1)


@app.command()
def load(
    backfill_dir: Annotated[Path, typer.Argument(help="A backfill's output folder.")],
    into: Annotated[Path, typer.Option("--into", help="SQLite store to add the records to.")],
) -> None:
    """Bring a backfill's records into the analyst's SQLite store (re-loading replaces, never doubles)."""
    started = time.perf_counter()
    articles = incidents = 0
    try:
        for record in load_backfill(backfill_dir, into):
            articles += 1
            incidents += len(record.incidents)
    except IncidentExtractError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc
    err.print(
        f"{articles} articles, {incidents} incidents loaded into {into} ({time.perf_counter() - started:.1f} s)"
    )


@app.command("build-model")
def build_model(
    path: Annotated[Path, typer.Argument(help="Folder to write the pipeline to (e.g. models/incident_fr).")],
    model: Annotated[str, typer.Option(help="Trained spaCy model to start from.")] = DEFAULT_SETTINGS.model,
    parser: Annotated[
        bool,
        typer.Option(
            "--parser/--no-parser",
            help="Keep the model's dependency parser: the victims' dependency patterns apply too (slower).",
        ),
    ] = False,
) -> None:
    """Save the full pipeline so that ``spacy.load(PATH)`` gives the same pipeline; ``run --model PATH``,
    ``batch`` and ``backfill`` take it."""
    save_pipeline(path, model, parser=parser)
    err.print(f"saved pipeline to {path}" + (" (with the dependency parser)" if parser else ""))


def main() -> None:
    app()
