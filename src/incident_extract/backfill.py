"""Backfill an archive on a Dask cluster: folders, JSONL shards and WARC files -> Parquet.

The inputs are cut into shards (a WARC file, a fixed number of lines of a JSONL file, a fixed
number of loose files); Dask distributed runs one task per shard on its workers. Each worker
loads the pipeline once (:class:`PipelinePlugin`), then for each shard reads its articles,
extracts them as ``run`` does (the relevance filter keeps spaCy away from off-topic ones),
writes the shard's Parquet
files under the output folder (``outputs/parquet_files.py``) and, last, the shard's manifest
entry. A shard is finished when its entry exists: a rerun skips finished shards, and a shard
whose worker died (Dask runs it again elsewhere) is rewritten under the same names by atomic
renames, so every article is written once. Without a scheduler address, a ``LocalCluster`` on
this machine is the cluster.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import InputError, MissingExtraError, OutputError
from .models import ArticleRecord
from .nlp.pipeline import load_pipeline
from .outputs.parquet_files import (
    article_row,
    article_schema,
    incident_schema,
    incident_table_rows,
    read_parquet_records,
    write_parquet,
)
from .records import extract_piped
from .relevance import RelevanceDecision, is_relevant_text
from .settings import DEFAULT_SETTINGS, INPUT_SUFFIXES, Settings
from .sources import read_json_object, read_path
from .sources.warc import is_warc, read_warc
from .store import atomic_writer, record_json

if TYPE_CHECKING:
    from distributed import Client

DEFAULT_SHARD_SIZE = 200
"""Articles per shard: small enough to spread 1,000 articles over several workers and to lose
little when a worker dies, large enough that per-task overhead (tens of ms) stays negligible."""


@dataclasses.dataclass(frozen=True)
class Shard:
    """One task: loose files, a range of lines of a JSONL file, or a WARC file."""

    kind: Literal["files", "jsonl", "warc"]
    paths: tuple[str, ...]
    first_line: int = 1
    """JSONL: number of the shard's first line (1-based, as in ``FILE.jsonl:LINE`` source paths)."""
    end_line: int | None = None
    """JSONL: number of the line after the shard's last one."""
    offset: int = 0
    """JSONL: byte offset of ``first_line``, so a worker seeks instead of reading what precedes."""

    @property
    def id(self) -> str:
        """Stable across runs for the same inputs: the name of the shard's files and manifest entry."""
        key = json.dumps(
            [self.kind, [os.path.abspath(p) for p in self.paths], self.first_line, self.end_line]
        )
        return f"{Path(self.paths[0]).name[:40]}-{self.first_line}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


@dataclasses.dataclass
class ArticleCounts:
    """What a shard, or the whole backfill, did with its articles."""

    articles: int = 0
    skipped: int = 0
    failed: int = 0
    incident_articles: int = 0
    incidents: int = 0
    seconds: float = 0.0

    def add(self, other: ArticleCounts) -> None:
        """Sum the article counts of ``other`` into this one (the seconds are the caller's)."""
        for name in ("articles", "skipped", "failed", "incident_articles", "incidents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclasses.dataclass(kw_only=True)
class ShardReport(ArticleCounts):
    """What a finished shard holds; also its manifest entry (``manifest/SHARD.json``)."""

    shard: str
    paths: list[str]
    worker_pid: int = 0
    files: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class BackfillSummary(ArticleCounts):
    """The whole backfill: its ``seconds`` run from the first shard submitted to the last one
    finished (cluster start and model load apart, in ``start_seconds``)."""

    shards: int = 0
    already_done: int = 0
    start_seconds: float = 0.0
    """Cluster start and pipeline load on every worker."""
    workers: int = 0
    worker_cpu_seconds: float = 0.0
    """CPU time the workers spent during ``seconds`` (a worker that died takes its share with it)."""
    worker_peak_rss_mb: dict[str, float] = dataclasses.field(default_factory=dict)
    dashboard: str | None = None
    failed_shards: dict[str, str] = dataclasses.field(default_factory=dict)
    """Shards whose task failed, with the error: not in the manifest, so a rerun tries them again."""


# --- planning (on the client) ----------------------------------------------------------------


def plan_shards(inputs: Iterable[str | Path], shard_size: int = DEFAULT_SHARD_SIZE) -> list[Shard]:
    """Cut the inputs into shards, in a stable order. Raises InputError for a missing input."""
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    shards: list[Shard] = []
    loose: list[str] = []
    for path in _input_files(inputs):
        shown = str(path)
        if is_warc(shown):
            shards.append(Shard("warc", (shown,)))
        elif path.suffix.lower() == ".jsonl":
            shards.extend(_jsonl_shards(path, shard_size))
        else:
            loose.append(shown)
    for start in range(0, len(loose), shard_size):
        shards.append(Shard("files", tuple(loose[start : start + shard_size])))
    return shards


def _input_files(inputs: Iterable[str | Path]) -> Iterator[Path]:
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix.lower() in INPUT_SUFFIXES or is_warc(p))
            )
        elif path.is_file():
            yield path
        else:
            raise InputError(f"input not found: {raw}")


def _jsonl_shards(path: Path, shard_size: int) -> Iterator[Shard]:
    """Ranges of ``shard_size`` lines, each with the byte offset where it starts."""
    shown = str(path)
    offset = first = 0
    number = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if (number - 1) % shard_size == 0:
                first, start = number, offset
            offset += len(line)
            if number % shard_size == 0:
                yield Shard("jsonl", (shown,), first, number + 1, start)
    if number % shard_size:
        yield Shard("jsonl", (shown,), first, number + 1, start)


# --- one shard (on a worker) -----------------------------------------------------------------


def read_shard(shard: Shard, settings: Settings = DEFAULT_SETTINGS) -> Iterator:
    """The shard's articles, as ``run`` would read them (same source paths)."""
    if shard.kind == "warc":
        yield from read_warc(shard.paths[0], settings)
    elif shard.kind == "jsonl":
        shown = shard.paths[0]
        with open(shown, "rb") as handle:
            handle.seek(shard.offset)
            for number, line in enumerate(handle, shard.first_line):
                if shard.end_line is not None and number >= shard.end_line:
                    break
                if line.strip():
                    yield read_json_object(line, f"{shown}:{number}", None)
    else:
        for path in shard.paths:
            yield from read_path(Path(path), settings)


def relevance_decision(record: ArticleRecord) -> RelevanceDecision:
    """The relevance filter's verdict on a record's text and title, as ``extract_piped`` made it
    (it is deterministic): says which records were kept away from spaCy, and why."""
    return is_relevant_text(record.text, record.source.title)


def article_status(record: ArticleRecord, relevance: bool) -> tuple[str, str]:
    """``skipped`` (off-topic, no spaCy), ``failed`` (``errors``) or ``processed``, with a reason."""
    if relevance and record.text and not record.is_incident:
        decision = relevance_decision(record)
        if not decision.keep:
            return "skipped", decision.reason
    if record.errors:
        return "failed", "; ".join(record.errors)
    return "processed", ""


def process_shard(
    shard: Shard,
    out_dir: str | Path,
    settings: Settings = DEFAULT_SETTINGS,
    relevance: bool = True,
    jsonl: bool = False,
) -> ShardReport:
    """Read, extract and write one shard, with the same records as ``run``; the manifest entry
    is written last."""
    started = time.perf_counter()
    out = Path(out_dir)
    nlp = load_pipeline(settings.model)  # loaded by the worker plugin: cached here
    one_process = settings.model_copy(update={"workers": 1, "relevance_filter": relevance})
    records = list(extract_piped(read_shard(shard, settings), nlp, one_process))
    statuses = [article_status(record, relevance) for record in records]
    report = ShardReport(shard=shard.id, paths=list(shard.paths), worker_pid=os.getpid())
    files = [out / "incidents" / f"{shard.id}.parquet", out / "articles" / f"{shard.id}.parquet"]
    write_parquet(list(incident_table_rows(records)), incident_schema(), files[0])
    rows = [article_row(record, *status) for record, status in zip(records, statuses, strict=True)]
    write_parquet(rows, article_schema(), files[1])
    if jsonl:
        files.append(out / "jsonl" / f"{shard.id}.jsonl")
        with atomic_writer(files[-1]) as handle:
            handle.writelines(record_json(r) + "\n" for r in records)
    report.articles = len(records)
    report.skipped = sum(status == "skipped" for status, _ in statuses)
    report.failed = sum(status == "failed" for status, _ in statuses)
    report.incident_articles = sum(r.is_incident for r in records)
    report.incidents = sum(len(r.incidents) for r in records)
    report.files = [str(f.relative_to(out)) for f in files]
    report.seconds = time.perf_counter() - started
    with atomic_writer(out / "manifest" / f"{shard.id}.json") as handle:
        json.dump(dataclasses.asdict(report), handle, ensure_ascii=False)
    return report


def check_shard_size(out: Path, shard_size: int) -> None:
    """Shards are named after their bounds: a rerun with another size would make new shards over
    the same articles and write them twice, so a folder keeps the size it was started with."""
    settings = out / "backfill.json"
    if settings.is_file():
        kept = json.loads(settings.read_text(encoding="utf-8")).get("shard_size")
        if kept != shard_size:
            raise OutputError(
                f"{out} was started with a shard size of {kept}: rerun with --shard-size {kept}, or use another folder"
            )
        return
    try:
        with atomic_writer(settings) as handle:
            json.dump({"shard_size": shard_size}, handle)
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc.strerror}") from exc


def remove_leftovers(out: Path) -> list[Path]:
    """Delete the temporary files of writes that never finished (a worker killed mid-write):
    hidden ``.NAME.tmp`` files that no reader looks at, removed so that they do not pile up.
    Called before a run starts: one backfill at a time per output folder."""
    leftovers = [path for path in out.glob("*/.*.tmp") if path.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def finished_shards(out_dir: str | Path) -> dict[str, ShardReport]:
    """The manifest: every finished shard's report, by shard id."""
    folder = Path(out_dir) / "manifest"
    if not folder.is_dir():
        return {}
    reports = {}
    for path in sorted(folder.glob("*.json")):
        report = ShardReport(**json.loads(path.read_text(encoding="utf-8")))
        reports[report.shard] = report
    return reports


# --- the cluster (on the client) -------------------------------------------------------------


def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtraError("backfill needs Dask: pip install 'incident-extract[dask]'") from exc
    return distributed


def quiet_dask_logs() -> None:
    """Dask logs every cluster event at INFO on stderr; keep its warnings and errors only."""
    _distributed()  # its logging set-up happens on import: set the level after it
    logging.getLogger("distributed").setLevel(logging.WARNING)


def pipeline_plugin(model: str):
    """A worker plugin that loads the pipeline when a worker starts (a restarted one too)."""
    distributed = _distributed()

    class PipelinePlugin(distributed.WorkerPlugin):
        name = "incident-extract-pipeline"

        def __init__(self, model: str) -> None:
            self.model = model

        def setup(self, worker: Any) -> None:
            load_pipeline(self.model)

    return PipelinePlugin(model)


def dashboard_link(client: Client) -> str | None:
    """The scheduler's dashboard address; None when it serves none (bokeh not installed there)."""
    try:
        return client.dashboard_link or None
    except KeyError:
        return None


def cpu_seconds() -> float:
    """This process's CPU time (run on each worker): with wall time, it tells whether the workers
    had their cores to themselves on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory (run on each worker)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
"""Dask settings for the workers of a LocalCluster (put the same in the Dask configuration of an
existing cluster's workers). Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` so that workers
hand freed memory back to the system at once; spaCy allocates and frees many arrays per batch,
and that setting cost 1.1 million page faults and 2.3 s of system time per 200 articles (about
20 % more CPU per article than ``run``); memory stays flat without it. The worker's sampling
profiler (every 10 ms, for the dashboard's profile page) cost about 8 % more."""


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, dashboard: str | None = ":8787"):
    """A client on the cluster at ``scheduler``, or on a new LocalCluster of ``workers``
    single-threaded processes (spaCy is run one article batch at a time per process)."""
    distributed = _distributed()
    if scheduler:
        with distributed.Client(scheduler) as client:
            yield client
        return
    import dask

    with (
        dask.config.set(WORKER_CONFIG),
        distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=dashboard,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def run_backfill(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    settings: Settings = DEFAULT_SETTINGS,
    relevance: bool = True,
    jsonl: bool = False,
    on_start: Callable[[BackfillSummary, int], None] | None = None,
    on_shard: Callable[[ShardReport], None] | None = None,
) -> BackfillSummary:
    """Process every unfinished shard of ``inputs`` on the cluster; returns the totals.

    ``client``: an existing Dask client (a notebook's); else one is made from ``scheduler`` or
    a LocalCluster. ``on_start(summary, shards_to_do)`` is called once the workers are ready;
    ``on_shard`` after each finished shard.
    """
    shards = plan_shards(inputs, shard_size)
    out = Path(out_dir)
    check_shard_size(out, shard_size)
    remove_leftovers(out)
    done = finished_shards(out)
    todo = [shard for shard in shards if shard.id not in done]
    summary = BackfillSummary(shards=len(shards), already_done=len(shards) - len(todo))
    if not todo:
        return summary  # nothing left: no cluster to start
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(connect(scheduler, workers))
        distributed = _distributed()
        client.register_plugin(pipeline_plugin(settings.model))
        summary.dashboard = dashboard_link(client)
        summary.workers = len(client.scheduler_info(n_workers=-1)["workers"])
        summary.start_seconds = time.perf_counter() - started
        if on_start:
            on_start(summary, len(todo))
        started, cpu_before = time.perf_counter(), client.run(cpu_seconds)
        futures = [
            client.submit(process_shard, shard, str(out), settings, relevance, jsonl, key=f"shard-{shard.id}")
            for shard in todo
        ]
        for future in distributed.as_completed(futures):
            if future.status == "error":  # a shard that raised, or killed its workers again and again
                summary.failed_shards[str(future.key).removeprefix("shard-")] = _one_line(future.exception())
                continue
            report = future.result()
            summary.add(report)
            if on_shard:
                on_shard(report)
        summary.seconds = time.perf_counter() - started
        cpu_after = client.run(cpu_seconds)
        summary.worker_cpu_seconds = sum(cpu_after[w] - cpu_before.get(w, 0.0) for w in cpu_after)
        summary.worker_peak_rss_mb = client.run(peak_rss_mb)
    return summary


def _one_line(error: BaseException | None) -> str:
    text = f"{type(error).__name__}: {error}" if error else "unknown error"
    return text.splitlines()[0][:300] if text else text


# --- reading a backfill back -----------------------------------------------------------------


def read_backfill(out_dir: str | Path) -> Iterator[ArticleRecord]:
    """Every record of the finished shards, shard by shard."""
    out = Path(out_dir)
    for shard in finished_shards(out):
        yield from read_parquet_records(out / "articles" / f"{shard}.parquet")


def load_backfill(out_dir: str | Path, store: str | Path) -> Iterator[ArticleRecord]:
    """Write the backfill's records into a SQLite store (idempotent) and rebuild its incident
    clusters, as ``run -o store.sqlite`` does; yields each record once committed."""
    from .outputs.sqlite_store import write_sqlite

    if not finished_shards(out_dir):
        raise InputError(f"no finished backfill shard in {out_dir} (no manifest/*.json)")
    yield from write_sqlite(read_backfill(out_dir), store)  # then rebuilds the incident clusters
