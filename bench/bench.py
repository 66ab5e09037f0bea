"""Benchmark incident-extract against the libraries it is built on, on the same texts.

Answers three questions in one run: what the project's rules cost on top of raw spaCy
(``project / raw``), whether the HTML path costs more than trafilatura plus the text path, and
what two processes and start-up cost. Each step runs in a fresh process (``steps.py``) so that
its peak memory and model load are its own. See ``bench/README.md``.

    .venv/bin/python bench/bench.py --quick          # N=200, core steps, under two minutes
    .venv/bin/python bench/bench.py --sizes 100 1000 # + extra steps (parser, n_process, profile)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from corpus import load_bases, make_corpus, write_corpus
from report import markdown_report, text_report

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable
ESTIMATE_N = 10_000


@dataclass(frozen=True)
class StepSpec:
    """One line of the tables: a ``steps.py`` kind with its options."""

    key: str
    label: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


def plan(workers: int, extras: bool) -> list[StepSpec]:
    """Core steps (a)-(d) and the multi-process run; extras inform the parser and design choices."""
    steps = [
        StepSpec("a_raw", "(a) raw spaCy, all components", "raw_spacy"),
        StepSpec("b_project", "(b) project, text -> JSONL", "project_text", {"output": "b_project"}),
        StepSpec("c_trafilatura", "(c) raw trafilatura extract", "trafilatura"),
        StepSpec(
            "d_project_html", "(d) project, HTML -> JSONL", "project_html", {"output": "d_project_html"}
        ),
    ]
    if workers > 1:
        steps.append(
            StepSpec(
                "w_project",
                f"(b) project, {workers} processes",
                "project_workers",
                {"workers": workers, "how": "library", "output": "w_project"},
            )
        )
        steps.append(
            StepSpec(
                "x_backfill",
                f"(b) project, backfill on {workers} Dask workers",
                "project_backfill",
                {"workers": workers, "output": "x_backfill"},
            )
        )
    if extras:
        steps += [
            StepSpec("a_raw_nolemma", "raw spaCy -lemmatizer", "raw_spacy", {"exclude": ["lemmatizer"]}),
            StepSpec(
                "a_raw_noparser",
                "raw spaCy -lemmatizer -parser",
                "raw_spacy",
                {"exclude": ["lemmatizer", "parser"]},
            ),
            StepSpec(
                "b_project_noparser",
                "project -parser, text -> JSONL",
                "project_text",
                {"exclude": ["parser"], "output": "b_project_noparser"},
            ),
        ]
        if workers > 1:
            steps += [
                StepSpec(
                    "w_project_pool",
                    f"project, {workers}-process article pool (bench)",
                    "project_workers",
                    {"workers": workers, "how": "pool", "output": "w_project_pool"},
                ),
                StepSpec(
                    "w_project_npipe",
                    f"project, nlp.pipe(n_process={workers}) (bench)",
                    "project_workers",
                    {"workers": workers, "how": "npipe", "output": "w_project_npipe"},
                ),
                StepSpec(
                    "a_raw_np",
                    f"raw spaCy, nlp.pipe(n_process={workers})",
                    "raw_spacy",
                    {"n_process": workers},
                ),
            ]
    return steps


def run_step(spec: StepSpec, corpus: Path, n: int, batch_size: int, workdir: Path) -> dict[str, Any]:
    """Run one step in a fresh interpreter; a failure becomes a result with ``error``."""
    out = workdir / f"{spec.key}-{n}.json"
    options = dict(spec.options)
    if "output" in options:
        options["output"] = f"{options['output']}-{n}"
    command = [
        PYTHON,
        str(BENCH_DIR / "steps.py"),
        spec.kind,
        f"--corpus={corpus}",
        f"--n={n}",
        f"--batch-size={batch_size}",
        f"--options={json.dumps(options)}",
        f"--workdir={workdir}",
        f"--out={out}",
    ]
    source = source_fingerprint()  # others may edit src/ during a long run: say which code ran
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300 + 2 * n, check=False)
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        if done.returncode and "error" not in result:
            result["error"] = done.stderr[-2000:] or f"exit code {done.returncode}"
    except subprocess.TimeoutExpired:
        result = {"error": f"timed out after {300 + 2 * n} s"}
    result |= {"key": spec.key, "label": spec.label, "kind": spec.kind, "n": n, "source_sha256": source}
    result["process_wall_s"] = time.perf_counter() - started
    return result


def busy_share(seconds: float = 2.0) -> float | None:
    """Share of all CPUs busy over ``seconds`` (from /proc/stat); None where there is no /proc."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields[:8]) - idle, sum(fields[:8])

    try:
        busy0, total0 = sample()
        time.sleep(seconds)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_for_idle(max_wait: float, threshold: float = 0.25) -> float:
    """On a shared machine, wait (at most ``max_wait`` s) until others leave the CPUs idle, so a
    step does not share its core. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < max_wait:
        share = busy_share()
        if share is None or share < threshold:
            break
    return time.perf_counter() - started


def uses_several_cores(spec: StepSpec) -> bool:
    return spec.kind in ("project_workers", "project_backfill") or spec.options.get("n_process", 1) > 1


STEP_COST = {"project_text": 3, "project_html": 3, "raw_spacy": 1, "trafilatura": 0}


def run_size(
    steps: list[StepSpec], corpus: Path, n: int, batch_size: int, workdir: Path, jobs: int, idle_wait: float
) -> list[dict[str, Any]]:
    """All steps at one N. With ``jobs`` > 1, single-process steps share the CPUs, longest first
    (quick mode: on 2 cores this costs them 5-10 % of speed); multi-process steps always run alone."""
    done: dict[str, dict[str, Any]] = {}

    def one(spec: StepSpec) -> None:
        waited = wait_for_idle(idle_wait) if idle_wait and jobs == 1 else 0.0
        result = run_step(spec, corpus, n, batch_size, workdir)
        result |= {
            "concurrent_jobs": jobs,
            "several_processes": uses_several_cores(spec),
            "waited_idle_s": waited,
        }
        done[spec.key] = result
        print(f"N={n:>6}  {spec.label}: {_progress(result)}", file=sys.stderr, flush=True)

    shared = [s for s in steps if not uses_several_cores(s)]
    if jobs > 1:
        if idle_wait:
            wait_for_idle(idle_wait)  # once: the steps then keep the CPUs busy themselves
        shared.sort(key=lambda s: STEP_COST.get(s.kind, 1), reverse=True)
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for future in as_completed([pool.submit(one, spec) for spec in shared]):
            future.result()
    for spec in steps:
        if uses_several_cores(spec):
            one(spec)
    return [done[spec.key] for spec in steps]


def time_command(command: list[str], repeats: int) -> dict[str, Any]:
    """Wall time of a whole command, the way a user waits for it."""
    runs, error = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        runs.append(time.perf_counter() - started)
        if done.returncode:
            error = done.stderr[-500:]
    return {
        "command": " ".join(Path(c).name if c == PYTHON or c.startswith("/") else c for c in command),
        "runs_s": runs,
        "median_s": statistics.median(runs),
        "min_s": min(runs),
        "error": error,
    }


def measure_startup(one_text: str, workdir: Path, repeats: int, idle_wait: float) -> list[dict[str, Any]]:
    """CLI on one article vs a bare model load: what a user pays before the first record."""
    article = workdir / "one-article.txt"
    article.write_text(one_text, encoding="utf-8")
    cli = Path(PYTHON).parent / "incident-extract"
    commands = {
        "raw: python -c 'import spacy; spacy.load(...)'": [
            PYTHON,
            "-c",
            "import spacy; spacy.load('fr_core_news_md')",
        ],
        "CLI: incident-extract run ONE.txt -o tmp.jsonl --no-progress": [
            str(cli),
            "run",
            str(article),
            "-o",
            str(workdir / "one.jsonl"),
            "--no-progress",
        ],
        "CLI: incident-extract --version (imports, no model)": [str(cli), "--version"],
    }
    results = []
    for label, command in commands.items():
        if not Path(command[0]).exists():
            results.append({"label": label, "error": f"{command[0]} not found"})
            continue
        if idle_wait:
            wait_for_idle(idle_wait)
        results.append({"label": label} | time_command(command, repeats))
    return results


def without_rules(value: Any) -> Any:
    """A record's content without its rule ids: a rule id names the audit trail, not the finding
    (without the parser, « X +role.sujet_passif » becomes plain « X »)."""
    if isinstance(value, dict):
        return {k: without_rules(v) for k, v in value.items() if k != "rule"}
    if isinstance(value, list):
        return [without_rules(v) for v in value]
    return value


def compare_outputs(left: Path, right: Path) -> dict[str, Any]:
    """How two runs' records differ: whole incidents, their content (rule ids aside),
    ``is_incident``, and which incident fields carry the content differences."""

    def load(path: Path) -> dict[str, dict]:
        with path.open(encoding="utf-8") as handle:
            return {(r := json.loads(line))["source"]["id"]: r for line in handle if line.strip()}

    a, b = load(left), load(right)
    fields: dict[str, int] = {}
    same = same_content = incident_flag = 0
    for key, record in a.items():
        other = b.get(key, {"incidents": [], "is_incident": None})
        same += record["incidents"] == other["incidents"]
        mine, theirs = without_rules(record["incidents"]), without_rules(other["incidents"])
        same_content += mine == theirs
        incident_flag += record["is_incident"] != other["is_incident"]
        for name in {name for incident in mine + theirs for name in incident}:
            if [i.get(name) for i in mine] != [i.get(name) for i in theirs]:
                fields[name] = fields.get(name, 0) + 1
    return {
        "articles": len(a),
        "identical_incidents": same,
        "same_content": same_content,
        "is_incident_differs": incident_flag,
        "articles_with_field_differences": dict(sorted(fields.items(), key=lambda kv: -kv[1])),
    }


COMPARISONS = {
    "parser": ("b_project", "b_project_noparser"),
    "workers": ("b_project", "w_project"),
    "backfill": ("b_project", "x_backfill"),
    "pool": ("b_project", "w_project_pool"),
    "npipe": ("b_project", "w_project_npipe"),
    "html_vs_text": ("b_project", "d_project_html"),
}


def comparisons(results: list[dict[str, Any]], n: int) -> dict[str, Any]:
    outputs = {r["key"]: Path(r["output"]) for r in results if r["n"] == n and r.get("output")}
    return {
        name: compare_outputs(outputs[left], outputs[right])
        for name, (left, right) in COMPARISONS.items()
        if left in outputs and right in outputs and outputs[left].exists() and outputs[right].exists()
    }


def machine_info() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read_lines("/proc/cpuinfo")
            if line.startswith("model name")
        ),
        platform.processor() or None,
    )
    memory = next(
        (line.split(":", 1)[1].strip() for line in _read_lines("/proc/meminfo") if "MemTotal" in line), None
    )
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "source_sha256": source_fingerprint(),
        "versions": {
            name: version(name)
            for name in (
                "incident-extract",
                "spacy",
                "fr-core-news-md",
                "thinc",
                "numpy",
                "trafilatura",
                "pydantic",
            )
        },
    }


def source_fingerprint(root: Path = BENCH_DIR.parent / "src") -> str:
    """A hash of the project's sources and rules: ties figures to a code state without git."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".cfg"):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def estimate(results: list[dict[str, Any]], sizes: list[int], target: int = ESTIMATE_N) -> dict[str, Any]:
    """Seconds a run at ``target`` articles would take, from the largest measured N (linear)."""
    if target in sizes:
        return {}
    largest = max(sizes)
    rates: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if r["n"] == largest and r.get("articles_per_s"):
            rates.setdefault(r["key"], []).append(r)
    steps = {}
    for key, runs in rates.items():
        rate = statistics.median(r["articles_per_s"] for r in runs)
        seconds = runs[0].get("import_s", 0) + runs[0].get("load_s", 0) + target / rate
        steps[key] = {"label": runs[0]["label"], "seconds": seconds}
    return {
        "n": target,
        "from_n": largest,
        "steps": steps,
        "total_s": sum(s["seconds"] for s in steps.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="N=200, steps (a)-(d) two at a time, no extras, one start-up run: a check in under two minutes",
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers of articles (default 100 1000 10000)")
    parser.add_argument(
        "--workers", type=int, help="processes for the multi-process step (default 2; 1: no such step)"
    )
    parser.add_argument("--jobs", type=int, help="single-process steps run at once (default 1; quick: 2)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of every step; tables show the median run (noisy machines)",
    )
    parser.add_argument("--batch-size", type=int, default=16, help="nlp.pipe batch size, for every step")
    parser.add_argument(
        "--extras",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="extra steps: no parser, n_process on raw spaCy, article pool, profile (default: on unless --quick)",
    )
    parser.add_argument(
        "--startup-repeats", type=int, help="runs of each start-up command (default 3, quick 1)"
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="on a shared machine, wait up to SECONDS before each step for the CPUs to be idle",
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder for latest.json/.md")
    parser.add_argument(
        "--render", type=Path, metavar="RESULT.json", help="print a saved result again, no run"
    )
    parser.add_argument("--keep-temp", action="store_true", help="keep the corpus and outputs (path printed)")
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads(args.render.read_text(encoding="utf-8"))
        print(text_report(report))
        args.render.with_suffix(".md").write_text(markdown_report(report), encoding="utf-8")
        return 0
    sizes = sorted(set(args.sizes or ([200] if args.quick else [100, 1000, 10_000])))
    extras = (not args.quick) if args.extras is None else args.extras
    repeats = args.startup_repeats or (1 if args.quick else 3)
    workers = args.workers if args.workers is not None else 2
    jobs = args.jobs or (2 if args.quick else 1)
    started = time.perf_counter()
    machine = machine_info()  # before the run: the load average says whether the machine is idle
    workdir = Path(tempfile.mkdtemp(prefix="incident-bench-"))
    try:
        bases = load_bases()
        articles = make_corpus(max(sizes), bases)
        corpus = write_corpus(articles, workdir / "corpus.jsonl")
        steps = plan(workers, extras)
        results: list[dict[str, Any]] = []
        compared: dict[int, dict[str, Any]] = {}
        for n in sizes:
            for repeat in range(args.repeat):  # repeats interleaved: drift hits every step alike
                for result in run_size(steps, corpus, n, args.batch_size, workdir, jobs, args.wait_idle):
                    results.append(result | {"repeat": repeat})
            compared[n] = comparisons(results, n)
        if not args.keep_temp:
            for result in results:
                result.pop("output", None)  # the temporary folder is about to go
        profile = None
        if extras:
            n = min(200, max(sizes))
            print(f"profile on {n} articles ...", file=sys.stderr)
            if args.wait_idle:
                wait_for_idle(args.wait_idle)
            profile = run_step(
                StepSpec("profile", "per-component profile", "profile"), corpus, n, args.batch_size, workdir
            )
        print("start-up ...", file=sys.stderr)
        startup = measure_startup(articles[0].text, workdir, repeats, args.wait_idle)
        report = {
            "machine": machine,
            "config": {
                "sizes": sizes,
                "quick": args.quick,
                "extras": extras,
                "workers": workers,
                "jobs": jobs,
                "batch_size": args.batch_size,
                "repeat": args.repeat,
                "startup_repeats": repeats,
                "wait_idle_s": args.wait_idle,
                "corpus": {
                    "bases": len(bases),
                    "distinct_texts": len({a.text for a in articles}),
                    "mean_text_chars": statistics.mean(len(a.text) for a in articles),
                    "mean_html_chars": statistics.mean(len(a.html) for a in articles),
                },
            },
            "steps": results,
            "comparisons": {str(n): c for n, c in compared.items()},
            "profile": profile,
            "startup": startup,
            "estimate": estimate(results, sizes),
            "bench_wall_s": time.perf_counter() - started,
        }
    finally:
        if args.keep_temp:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    args.results.mkdir(parents=True, exist_ok=True)
    name = "quick" if args.quick else "sizes-" + "-".join(map(str, sizes))
    for stem in ("latest", name):  # the JSON first: a report bug must not lose a long run
        (args.results / f"{stem}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    for stem in ("latest", name):
        (args.results / f"{stem}.md").write_text(markdown_report(report), encoding="utf-8")
    print(text_report(report))
    print(f"\nwrote {args.results}/latest.json, latest.md ({name}.json, {name}.md)")
    return 1 if any("error" in r for r in results) else 0


def _progress(result: dict[str, Any]) -> str:
    if "error" in result:
        return "FAILED: " + result["error"].strip().splitlines()[-1][:200]
    rate = result.get("articles_per_s")
    return f"{rate:.1f} articles/s, peak {result['peak_rss_mb']:.0f} MB ({result['process_wall_s']:.0f} s)"


if __name__ == "__main__":
    sys.exit(main())
