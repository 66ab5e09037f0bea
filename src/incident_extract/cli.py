"""Command line: a thin typer layer over the library functions.

The one place where library errors become exit codes: 0 when the run ran (even if some
articles failed: their lines carry ``errors``), 2 with a one-line message when it could not run.
"""

from __future__ import annotations

import itertools
import logging
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from . import __version__
from .batch import BatchEvent, BatchSummary, run_batch_file
from .errors import IncidentExtractError
from .fetch import Fetcher, FetchSettings
from .nlp.pipeline import load_pipeline, save_pipeline
from .outputs import OutputFormat, check_output, resolve_format, write_records
from .records import extract_many
from .settings import DEFAULT_SETTINGS
from .sources import check_inputs, iter_paths, read_path
from .web import read_urls

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn French news about cyberattacks into structured incident records.",
)
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"incident-extract {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
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


@app.command()
def run(
    inputs: Annotated[
        list[str], typer.Argument(help="Article files or folders (.html .htm .txt .json .jsonl).")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Output file: .jsonl, .csv (+ .items.csv), .sqlite or .db; see --format."
        ),
    ],
    format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="Output format, overriding the suffix (stix: a .json bundle)."),
    ] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV: start with a UTF-8 BOM so that Excel reads the accents.")
    ] = False,
    csv_delimiter: Annotated[str, typer.Option(help="CSV: cell separator; ';' suits a French Excel.")] = ",",
    model: Annotated[
        str, typer.Option(help="spaCy model name or saved pipeline folder.")
    ] = DEFAULT_SETTINGS.model,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Articles per nlp.pipe batch.")
    ] = DEFAULT_SETTINGS.batch_size,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes for the NLP (each loads the model; 2 on a 2-core machine).")
    ] = DEFAULT_SETTINGS.workers,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
) -> None:
    """Extract incidents from articles and write one record per article (JSONL, CSV, SQLite or STIX)."""
    settings = DEFAULT_SETTINGS.model_copy(
        update={"model": model, "batch_size": batch_size, "workers": workers}
    )
    started = time.perf_counter()
    urls = [item for item in inputs if "://" in item]  # pages or feeds, told apart by their content
    inputs = [item for item in inputs if "://" not in item]
    try:
        check_inputs(inputs)
        output_format = resolve_format(output, format)
        written = check_output(output, output_format, csv_delimiter=csv_delimiter)
        paths = list(iter_paths(inputs))
        nlp = load_pipeline(settings.model)
    except (IncidentExtractError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc
    articles = incidents = errors = 0
    fetcher = Fetcher(FetchSettings()) if urls else None
    raws = itertools.chain(
        (article for path in paths for article in read_path(path, settings)),
        read_urls(urls, fetcher) if fetcher else (),
    )
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not progress,
        transient=True,
    ) as bar:
        task = bar.add_task("extracting", total=len(paths) + len(urls))
        seen_paths: set[str] = set()
        try:
            records = extract_many(raws, nlp=nlp, settings=settings)
            for record in write_records(
                records, output, output_format, excel=excel, csv_delimiter=csv_delimiter
            ):
                articles += 1
                incidents += len(record.incidents)
                errors += bool(record.errors)
                file_path = (record.source.path or "").rsplit(":", 1)[0]
                if file_path not in seen_paths:
                    seen_paths.add(file_path)
                    bar.advance(task)
        except IncidentExtractError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(code=2) from exc
        finally:
            if fetcher:
                fetcher.close()
    seconds = time.perf_counter() - started
    err.print(
        f"{articles} articles, {incidents} incidents, {errors} errors, {seconds:.1f} s; "
        f"wrote {', '.join(map(str, written))}"
    )


@app.command()
def batch(
    config: Annotated[
        Path, typer.Argument(help="Batch configuration: [[feeds]] url/name, [store] sqlite/jsonl.")
    ],
    model: Annotated[
        str, typer.Option(help="spaCy model name or saved pipeline folder.")
    ] = DEFAULT_SETTINGS.model,
    progress: Annotated[bool, typer.Option(help="Show progress on stderr.")] = True,
) -> None:
    """The nightly job: read the feeds, process only new items, store them exactly once."""
    settings = DEFAULT_SETTINGS.model_copy(update={"model": model})
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  disable=not progress, transient=True) as bar:  # fmt: skip
        task = bar.add_task("reading feeds")

        def show(event: BatchEvent) -> None:
            bar.update(task, description=f"{event.stage} {event.status}: {event.url[:70]}")

        try:
            summary = run_batch_file(config, progress=show, settings=settings)
        except IncidentExtractError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(code=2) from exc
    err.print(summary_lines(summary))


def summary_lines(summary: BatchSummary) -> str:
    """The one-screen end-of-batch summary."""
    errors = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.errors_by_kind.items())) or "none"
    return "\n".join(
        [
            f"feeds: {summary.feeds_ok} ok, {summary.feeds_not_modified} not modified, {summary.feeds_failed} failed",
            f"items: {summary.items_new} new, {summary.items_already_seen} already seen, "
            f"{summary.items_skipped} skipped by the pre-filter, {summary.items_processed} processed, "
            f"{summary.items_failed} failed",
            f"incidents: {summary.incidents} in {summary.incident_articles} articles",
            f"errors by kind: {errors}",
            f"{summary.requests} requests, {summary.seconds:.1f} s",
        ]
    )


@app.command("build-model")
def build_model(
    path: Annotated[Path, typer.Argument(help="Folder to write the pipeline to (e.g. models/incident_fr).")],
    model: Annotated[str, typer.Option(help="Trained spaCy model to start from.")] = DEFAULT_SETTINGS.model,
) -> None:
    """Save the full pipeline so that ``spacy.load(PATH)`` gives the same pipeline."""
    save_pipeline(path, model)
    err.print(f"saved pipeline to {path}")


def main() -> None:
    app()
