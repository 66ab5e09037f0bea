"""One measured step, run in a fresh process by ``bench.py``.

A fresh process per step makes the peak resident memory (``ru_maxrss``) belong to that step
alone, and makes every step pay its own imports and model load, which are timed apart from
the throughput. Usage (internal): ``python bench/steps.py KIND --corpus FILE --n N --out RESULT.json``.
The result is a JSON object written to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import multiprocessing as mp
import os
import resource
import shutil
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from corpus import BenchArticle, read_corpus

MODEL = "fr_core_news_md"
Result = dict[str, Any]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far, in MB (``ru_maxrss`` is in kB on Linux, in bytes on macOS)."""
    return resource.getrusage(who).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children: compared with wall time it shows whether
    a step had its core to itself (other work on a shared machine slows it down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Times the phases of a step: imports, model load, then the run over the articles."""

    def __init__(self) -> None:
        self.result: Result = {}
        self._last = time.perf_counter()
        self._cpu = cpu_seconds()

    def lap(self, name: str) -> float:
        now, cpu = time.perf_counter(), cpu_seconds()
        self.result[f"{name}_s"] = seconds = now - self._last
        if name == "load":
            self.result["rss_after_load_mb"] = peak_rss_mb()
        if name == "run":
            self.result["run_cpu_s"] = cpu - self._cpu
        self._last, self._cpu = now, cpu
        return seconds


def _published(article: BenchArticle) -> dt.date:
    return dt.date.fromisoformat(article.published)


def text_raws(articles: list[BenchArticle]) -> list:
    """Plain-text inputs: the text is final (headline included), so no title is passed."""
    from incident_extract.sources import RawArticle

    return [RawArticle(id=a.id, url=a.url, published=_published(a), text=a.text) for a in articles]


def html_raws(articles: list[BenchArticle]) -> list:
    """HTML inputs: title, site and date come from the page, as for a saved ``.html`` file."""
    from incident_extract.sources import RawArticle

    return [RawArticle(id=a.id, url=a.url, html=a.html, kind="html") for a in articles]


def project_pipeline(exclude: list[str] | None) -> Any:
    """The project's pipeline; with ``exclude``, the same components on a model missing more parts."""
    from incident_extract.nlp.pipeline import MODEL_EXCLUDE, add_components, load_pipeline

    if not exclude:
        return load_pipeline(MODEL)
    import spacy

    return add_components(spacy.load(MODEL, exclude=sorted({*MODEL_EXCLUDE, *exclude})))


def write_records(records: Iterable, out: Path) -> dict[str, int]:
    """Consume records through the project's JSONL writer, counting what came out."""
    from incident_extract.store import write_jsonl

    counts = {"articles": 0, "incident_articles": 0, "incidents": 0, "error_articles": 0}
    for record in write_jsonl(records, out):
        counts["articles"] += 1
        counts["incident_articles"] += record.is_incident
        counts["incidents"] += len(record.incidents)
        counts["error_articles"] += bool(record.errors)
    return counts


def step_raw_spacy(articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path) -> Result:
    """(a) The trained model alone: ``spacy.load`` + ``nlp.pipe`` over the same texts."""
    clock = Clock()
    import spacy

    clock.lap("import")
    nlp = spacy.load(MODEL, exclude=options.get("exclude", []))
    clock.lap("load")
    texts = [a.text for a in articles]
    tokens = sum(
        len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=options.get("n_process", 1))
    )
    mp.active_children()  # reap spaCy's worker processes so that RUSAGE_CHILDREN counts them
    clock.lap("run")
    return clock.result | {"components": nlp.pipe_names, "tokens": tokens}


def step_project_text(articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path) -> Result:
    """(b) The project's extraction of plain texts, records written to JSONL."""
    clock = Clock()
    from incident_extract.records import extract_many
    from incident_extract.settings import DEFAULT_SETTINGS

    clock.lap("import")
    nlp = project_pipeline(options.get("exclude"))
    clock.lap("load")
    settings = DEFAULT_SETTINGS.model_copy(update={"batch_size": batch_size})
    raws = text_raws(articles)
    out = workdir / f"{options['output']}.jsonl"
    counts = write_records(extract_many(raws, nlp=nlp, settings=settings, progress=False), out)
    clock.lap("run")
    return clock.result | counts | {"components": nlp.pipe_names, "output": str(out)}


def step_trafilatura(articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path) -> Result:
    """(c) trafilatura ``extract`` alone, with the options the project gives ``bare_extraction``."""
    clock = Clock()
    import trafilatura

    clock.lap("import")
    clock.lap("load")
    chars = 0
    for article in articles:
        text = trafilatura.extract(
            article.html, url=article.url, with_metadata=True, include_comments=False, include_tables=False
        )
        chars += len(text or "")
    clock.lap("run")
    return clock.result | {"html_chars": sum(len(a.html) for a in articles), "text_chars": chars}


def step_project_html(articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path) -> Result:
    """(d) The project's HTML path: trafilatura inside ``clean``, then the same extraction."""
    clock = Clock()
    from incident_extract.records import extract_many
    from incident_extract.settings import DEFAULT_SETTINGS

    clock.lap("import")
    nlp = project_pipeline(None)
    clock.lap("load")
    settings = DEFAULT_SETTINGS.model_copy(update={"batch_size": batch_size})
    out = workdir / f"{options['output']}.jsonl"
    counts = write_records(extract_many(html_raws(articles), nlp=nlp, settings=settings, progress=False), out)
    clock.lap("run")
    return clock.result | counts | {"output": str(out), "same_text_as_plain": _same_texts(out, articles)}


def _same_texts(out: Path, articles: list[BenchArticle]) -> int:
    """Pages whose cleaned text equals the plain text: the template is stripped cleanly."""
    with out.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    return sum(t == a.text for t, a in zip(texts, articles, strict=False))


# --- several processes ---------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}
"""The pipeline and settings, set in the parent before the pool forks: workers inherit them."""


def _extract_chunk(chunk: list) -> list:
    from incident_extract.records import extract_many

    return list(extract_many(chunk, nlp=_WORKER["nlp"], settings=_WORKER["settings"], progress=False))


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def library_workers_option() -> tuple[str, str] | None:
    """How the library asks for several processes, if it does: a Settings field or a parameter."""
    from incident_extract.records import extract_many
    from incident_extract.settings import Settings

    for name in ("workers", "n_process"):
        if name in Settings.model_fields:
            return "settings", name
        if name in inspect.signature(extract_many).parameters:
            return "parameter", name
    return None


def step_project_workers(
    articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path
) -> Result:
    """The project's extraction of plain texts on several processes, records written in order.

    ``how``: ``library`` uses the library's own option when it has one, else falls back to
    ``npipe``, the bench's copy of ``extract_many`` passing ``n_process`` to ``nlp.pipe`` (Docs
    travel between processes as bytes). ``pool``, bench-side too: the pipeline is loaded once, a
    fork pool runs ``extract_many`` on chunks of articles and only articles and records travel,
    written by the parent in input order. The two bench-side designs are measured whatever the
    library does, so that they can be compared.
    """
    clock = Clock()
    from incident_extract.records import extract_many
    from incident_extract.settings import DEFAULT_SETTINGS

    clock.lap("import")
    nlp = project_pipeline(None)
    clock.lap("load")
    workers, how = options.get("workers", 2), options.get("how", "library")
    settings = DEFAULT_SETTINGS.model_copy(update={"batch_size": batch_size})
    raws = text_raws(articles)
    out = workdir / f"{options['output']}.jsonl"
    library = library_workers_option() if how == "library" else None
    if library and library[0] == "settings":
        mode = f"library: Settings.{library[1]}={workers}"
        records = extract_many(
            raws, nlp=nlp, settings=settings.model_copy(update={library[1]: workers}), progress=False
        )
        counts = write_records(records, out)
    elif library:
        mode = f"library: extract_many({library[1]}={workers})"
        counts = write_records(extract_many(raws, nlp=nlp, settings=settings, **{library[1]: workers}), out)
    elif how in ("library", "npipe"):
        mode = f"bench-side: extract_many copy with nlp.pipe(n_process={workers})"
        counts = write_records(extract_many_n_process(raws, nlp, settings, workers), out)
    else:
        chunk_size = options.get("chunk_size", 2 * batch_size)
        mode = (
            f"bench-side: fork pool of {workers} processes, extract_many on chunks of {chunk_size} articles"
        )
        _WORKER.update(nlp=nlp, settings=settings)
        with mp.get_context("fork").Pool(workers) as pool:
            records = chain.from_iterable(pool.imap(_extract_chunk, _chunks(raws, chunk_size)))
            counts = write_records(records, out)
            pool.close()
            pool.join()
    mp.active_children()  # reap spaCy's workers (library mode) so that their CPU time counts
    clock.lap("run")
    return clock.result | counts | {"mode": mode, "workers": workers, "output": str(out)}


def step_project_backfill(
    articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path
) -> Result:
    """``incident-extract backfill`` on a LocalCluster of ``workers`` Dask worker processes.

    The texts are one JSONL file cut into shards of ``shard_size`` lines (Parquet + JSONL per
    shard); the relevance filter is off so that every article is extracted, as in (b). ``load``
    is the cluster start and the pipeline load on every worker (the worker plugin); ``run`` is
    from the first shard submitted to the last one written. Peak RSS: the largest worker's.
    """
    clock = Clock()
    from incident_extract.backfill import quiet_dask_logs, run_backfill
    from incident_extract.settings import DEFAULT_SETTINGS
    from incident_extract.store import read_jsonl, write_jsonl

    quiet_dask_logs()
    clock.lap("import")
    source = workdir / f"{options['output']}-input.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(
                json.dumps({"id": a.id, "url": a.url, "published": a.published, "text": a.text}) + "\n"
            )
    out_dir = workdir / f"{options['output']}-backfill"
    shutil.rmtree(out_dir, ignore_errors=True)  # a repeat (--repeat) would resume a finished backfill
    workers, shard_size = options.get("workers", 2), options.get("shard_size", 50)
    settings = DEFAULT_SETTINGS.model_copy(update={"batch_size": batch_size})
    summary = run_backfill(
        [source],
        out_dir,
        workers=workers,
        shard_size=shard_size,
        settings=settings,
        relevance=False,
        jsonl=True,
    )
    # CPU time: the workers' during the run (the scheduler and client here are idle by comparison)
    clock.result |= {"load_s": summary.start_seconds, "run_s": summary.seconds}
    clock.result["run_cpu_s"] = summary.worker_cpu_seconds
    out = workdir / f"{options['output']}.jsonl"  # the shards' JSONL, for the records comparison
    shards = sorted((out_dir / "jsonl").glob("*.jsonl"))
    for _ in write_jsonl((record for path in shards for record in read_jsonl(path)), out):
        pass
    return clock.result | {
        "articles": summary.articles,
        "incident_articles": summary.incident_articles,
        "incidents": summary.incidents,
        "error_articles": summary.failed,
        "mode": f"Dask LocalCluster, {workers} worker processes x 1 thread, shards of {shard_size} lines",
        "workers": workers,
        "worker_peak_rss_mb": max(summary.worker_peak_rss_mb.values(), default=None),
        "output": str(out),
    }


def extract_many_n_process(articles: Iterable, nlp: Any, settings: Any, n_process: int) -> Iterator:
    """``records.extract_many``'s single-process loop with ``n_process`` passed on to ``nlp.pipe``:
    spaCy's own multi-process design (Docs shipped as bytes), measured against the article pool."""
    from incident_extract.records import extract_piped

    return extract_piped(articles, nlp, settings, n_process=n_process)


def step_profile(articles: list[BenchArticle], options: dict, batch_size: int, workdir: Path) -> Result:
    """Seconds per pipeline component (batched as ``nlp.pipe`` does), plus cleaning and records."""
    from incident_extract.clean import clean
    from incident_extract.records import article_doc, to_record
    from incident_extract.settings import DEFAULT_SETTINGS
    from incident_extract.store import record_json

    nlp = project_pipeline(None)
    settings = DEFAULT_SETTINGS.model_copy(update={"batch_size": batch_size})
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = call()
        spent[name] += time.perf_counter() - start
        return value

    for chunk in _chunks(text_raws(articles), batch_size):
        cleaned = timed("clean (language check...)", lambda c=chunk: [clean(raw, settings) for raw in c])
        docs = timed("tokenizer", lambda c=cleaned: [article_doc(nlp, a) for a in c])
        for name, component in nlp.pipeline:
            if hasattr(component, "pipe"):
                docs = timed(name, lambda p=component, d=docs: list(p.pipe(d, batch_size=batch_size)))
            else:
                docs = timed(name, lambda p=component, d=docs: [p(doc) for doc in d])
        timed(
            "records (validate + JSON)",
            lambda d=docs, c=cleaned: [record_json(to_record(doc, a)) for doc, a in zip(d, c, strict=True)],
        )
    total = sum(spent.values())
    return {"seconds": dict(spent), "total_s": total, "articles_per_s": len(articles) / total}


STEPS: dict[str, Callable[[list[BenchArticle], dict, int, Path], Result]] = {
    "raw_spacy": step_raw_spacy,
    "project_text": step_project_text,
    "trafilatura": step_trafilatura,
    "project_html": step_project_html,
    "project_workers": step_project_workers,
    "project_backfill": step_project_backfill,
    "profile": step_profile,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=sorted(STEPS))
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--options", default="{}", help="JSON object of step options")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    articles = read_corpus(args.corpus, args.n)
    started = time.perf_counter()
    try:
        result = STEPS[args.kind](articles, json.loads(args.options), args.batch_size, args.workdir)
    except Exception:
        result = {"error": traceback.format_exc(limit=6)}
    result |= {
        "wall_s": time.perf_counter() - started,
        "peak_rss_mb": peak_rss_mb(),
        "children_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
    }
    if "run_s" in result:
        result["articles_per_s"] = args.n / result["run_s"]
        result["run_cpu_share"] = result["run_cpu_s"] / result["run_s"]
    result["loadavg_after"] = os.getloadavg()[0]
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
