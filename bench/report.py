"""Tables from a benchmark report: the same sections as fixed-width text (stdout) and Markdown.

Sections are built once as (title, headers, rows, notes) so that the console and the
Markdown file never disagree.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

Report = dict[str, Any]


@dataclass
class Section:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _by_key(report: Report, n: int) -> dict[str, dict[str, Any]]:
    """Each step's run at N; with repeats, the run of median duration, carrying the spread."""
    runs: dict[str, list[dict[str, Any]]] = {}
    for step in report["steps"]:
        if step["n"] == n:
            runs.setdefault(step["key"], []).append(step)
    chosen = {}
    for key, steps in runs.items():
        ok = sorted((s for s in steps if "error" not in s), key=lambda s: s["run_s"])
        if not ok:
            chosen[key] = steps[0]
            continue
        median = dict(ok[(len(ok) - 1) // 2])
        if len(ok) > 1:
            median["rate_spread"] = (ok[-1]["articles_per_s"], ok[0]["articles_per_s"])
        chosen[key] = median
    return chosen


def _run_s(step: dict[str, Any] | None) -> float | None:
    return None if not step or "error" in step else step.get("run_s")


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top and bottom else None


def _note(step: dict[str, Any]) -> str:
    if "error" in step:
        return "FAILED: " + step["error"].strip().splitlines()[-1][:120]
    notes = []
    if "rate_spread" in step:
        notes.append("runs: {:.1f}-{:.1f} articles/s".format(*step["rate_spread"]))
    if "mode" in step:
        notes.append(step["mode"])
    if step.get("worker_peak_rss_mb"):
        notes.append(f"largest Dask worker peak {step['worker_peak_rss_mb']:.0f} MB")
    elif step.get("children_peak_rss_mb"):
        notes.append(f"largest worker peak {step['children_peak_rss_mb']:.0f} MB")
    if "incident_articles" in step:
        notes.append(f"{step['incident_articles']}/{step['articles']} incident articles")
    if step.get("error_articles"):
        notes.append(f"{step['error_articles']} failed articles")
    if "same_text_as_plain" in step:
        same = step["same_text_as_plain"]
        same = round(same * step["n"]) if isinstance(same, float) else same  # older results: a share
        notes.append(f"text identical to plain text: {same}/{step['n']}")
    if "text_chars" in step:
        notes.append(
            f"HTML {step['html_chars'] / step['n'] / 1000:.1f} kB -> text {step['text_chars'] / step['n'] / 1000:.1f} kB"
        )
    return "; ".join(notes)


def sections(report: Report) -> list[Section]:
    machine, config = report["machine"], report["config"]
    sizes: list[int] = config["sizes"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items() if v)
    corpus = config["corpus"]
    out = [
        Section(
            "Machine and set-up",
            notes=[
                f"{machine['date']}; {machine['cpu_count']} CPUs ({machine['cpus_usable']} usable), "
                f"{machine['cpu_model']}, {machine['memory']}; Python {machine['python']}; {machine['platform']}",
                f"{versions}; sources sha256 {machine.get('source_sha256', '-')}",
                f"corpus: {corpus['bases']} real articles varied into N ({corpus['distinct_texts']} distinct texts "
                f"for the largest N), mean {corpus['mean_text_chars']:.0f} characters of text, "
                f"{corpus['mean_html_chars'] / 1000:.1f} kB of HTML; nlp.pipe batch size {config['batch_size']}; "
                "each step in a fresh process; throughput excludes imports and model load",
            ],
        )
    ]
    out[0].notes.append(
        f"load average when the run started: {_f(machine.get('loadavg'), 2)}; "
        "CPU % = CPU time of the step's processes / wall time of its run (100 = one full core)"
    )
    starved = [
        f"{s['label']} (N={s['n']}: {s['run_cpu_share']:.0%})"
        for s in report["steps"]
        if s.get("run_cpu_share", 1) < 0.9 and not s.get("several_processes")
    ]
    if starved:
        out[0].notes.append(
            "WARNING: these single-process steps did not get a full core (other work on the machine?), "
            "their rates are too low: " + ", ".join(starved)
        )
    codes = {s.get("source_sha256") for s in report["steps"]} - {None}
    if len(codes) > 1:
        first = {}
        for s in report["steps"]:
            first.setdefault(s.get("source_sha256"), f"{s['label']} (N={s['n']})")
        out[0].notes.append(
            "WARNING: src/ changed during the run, steps measured different code: "
            + "; ".join(f"{code} from {where}" for code, where in first.items())
        )
    if config.get("repeat", 1) > 1:
        out[0].notes.append(f"each step ran {config['repeat']} times: tables show the run of median duration")
    if config.get("jobs", 1) > 1:
        out[0].notes.append(
            f"single-process steps ran {config['jobs']} at a time (quick mode): their rates are a few % "
            "below a run alone; steps using several processes ran alone"
        )
    labels: dict[str, str] = {}
    for n in sizes:
        steps = _by_key(report, n)
        section = Section(
            f"N = {n:,}: throughput and memory",
            [
                "step",
                "import s",
                "load s",
                "run s",
                "articles/s",
                "CPU %",
                "RSS after load MB",
                "peak RSS MB",
                "notes",
            ],
        )
        for key, step in steps.items():
            labels[key] = step["label"]
            section.rows.append(
                [
                    step["label"],
                    _f(step.get("import_s"), 2),
                    _f(step.get("load_s"), 2),
                    _f(step.get("run_s"), 1),
                    _f(step.get("articles_per_s"), 1),
                    _f(100 * step["run_cpu_share"] if "run_cpu_share" in step else None, 0),
                    _f(step.get("rss_after_load_mb"), 0),
                    _f(step.get("peak_rss_mb"), 0),
                    _note(step),
                ]
            )
        out.append(section)
    out.append(_ratios(report, sizes))
    out.append(_growth(report, sizes, labels))
    out.append(_loads(report))
    out.append(_startup(report))
    if report.get("profile") and "error" not in report["profile"]:
        out.append(_profile(report["profile"]))
    out.extend(_comparisons(report))
    if report.get("estimate"):
        out.append(_estimate(report["estimate"]))
    return out


RATIOS = [
    (
        "project / raw spaCy, time per article (b / a)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("a_raw"))),
    ),
    (
        "project / raw spaCy -lemmatizer (same model components)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("a_raw_nolemma"))),
    ),
    (
        "project HTML / (raw trafilatura + project text), d / (c + b)",
        lambda s: _ratio(
            _run_s(s.get("d_project_html")),
            (_run_s(s.get("c_trafilatura")) or 0) + (_run_s(s.get("b_project")) or 0),
        ),
    ),
    (
        "speed-up of the project with several processes (b / w)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("w_project"))),
    ),
    (
        "speed-up of the Dask backfill (b / backfill)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("x_backfill"))),
    ),
    (
        "speed-up with the bench's article pool (b / pool)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("w_project_pool"))),
    ),
    (
        "speed-up with the bench's nlp.pipe(n_process) (b / npipe)",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("w_project_npipe"))),
    ),
    (
        "speed-up of raw spaCy with nlp.pipe(n_process)",
        lambda s: _ratio(_run_s(s.get("a_raw")), _run_s(s.get("a_raw_np"))),
    ),
    (
        "raw spaCy: speed-up from dropping the parser (-lemmatizer vs -lemmatizer -parser)",
        lambda s: _ratio(_run_s(s.get("a_raw_nolemma")), _run_s(s.get("a_raw_noparser"))),
    ),
    (
        "project: speed-up from dropping the parser",
        lambda s: _ratio(_run_s(s.get("b_project")), _run_s(s.get("b_project_noparser"))),
    ),
]


def _ratios(report: Report, sizes: list[int]) -> Section:
    section = Section("Ratios", ["ratio", *(f"N={n:,}" for n in sizes)])
    for label, compute in RATIOS:
        values = [compute(_by_key(report, n)) for n in sizes]
        if any(v is not None for v in values):
            section.rows.append([label, *(_f(v, 2) for v in values)])
    section.notes.append(
        "ratios of run times (load excluded): > 1 means the first is slower, or a real speed-up"
    )
    return section


def _growth(report: Report, sizes: list[int], labels: dict[str, str]) -> Section:
    section = Section("Growth with N: articles/s | peak RSS MB", ["step", *(f"N={n:,}" for n in sizes)])
    for key, label in labels.items():
        cells = []
        for n in sizes:
            step = _by_key(report, n).get(key)
            ok = step and "error" not in step
            cells.append(f"{step['articles_per_s']:.1f} | {step['peak_rss_mb']:.0f}" if ok else "-")
        section.rows.append([label, *cells])
    return section


def _loads(report: Report) -> Section:
    section = Section(
        "Model load in a fresh process (median over the runs above)",
        ["pipeline", "import s", "load s", "RSS after load MB", "components"],
    )
    seen: dict[str, list[dict[str, Any]]] = {}
    for step in report["steps"]:
        if "error" not in step and step.get("load_s", 0) > 0.01 and step["key"] in LOAD_LABELS:
            seen.setdefault(step["key"], []).append(step)
    for key, label in LOAD_LABELS.items():
        if steps := seen.get(key):
            section.rows.append(
                [
                    label,
                    _f(statistics.median(s["import_s"] for s in steps), 2),
                    _f(statistics.median(s["load_s"] for s in steps), 2),
                    _f(statistics.median(s["rss_after_load_mb"] for s in steps), 0),
                    ", ".join(c.replace("incident_extract_", "ie_") for c in steps[0].get("components", [])),
                ]
            )
    return section


LOAD_LABELS = {
    "a_raw": "raw spacy.load('fr_core_news_md')",
    "a_raw_nolemma": "raw spacy.load(exclude=[lemmatizer])",
    "a_raw_noparser": "raw spacy.load(exclude=[lemmatizer, parser])",
    "b_project": "project load_pipeline()",
    "b_project_noparser": "project components on spacy.load(exclude=[lemmatizer, parser])",
}


def _startup(report: Report) -> Section:
    section = Section("Start-up: wall time of the whole command", ["command", "median s", "min s", "runs"])
    for item in report["startup"]:
        if item.get("runs_s"):
            section.rows.append(
                [item["label"], _f(item["median_s"], 2), _f(item["min_s"], 2), str(len(item["runs_s"]))]
            )
        if item.get("error"):
            section.notes.append(f"{item['label']}: FAILED: {item['error'].strip()[-200:]}")
    return section


def _profile(profile: dict[str, Any]) -> Section:
    section = Section(
        f"Where the project's time goes ({profile['n']} articles, one process, batched like nlp.pipe)",
        ["stage", "seconds", "share", "ms/article"],
    )
    total = profile["total_s"]
    for name, seconds in sorted(profile["seconds"].items(), key=lambda kv: -kv[1]):
        section.rows.append(
            [name, _f(seconds, 2), f"{seconds / total:.0%}", _f(1000 * seconds / profile["n"], 1)]
        )
    section.notes.append(f"total {total:.1f} s, {profile['articles_per_s']:.1f} articles/s")
    return section


COMPARISON_LABELS = {
    "parser": "project without the parser vs with it",
    "workers": "several processes vs one",
    "backfill": "Dask backfill vs one process",
    "pool": "article pool vs one process",
    "npipe": "nlp.pipe(n_process) vs one process",
    "html_vs_text": "HTML pages vs plain texts",
}


def _comparisons(report: Report) -> list[Section]:
    sections_ = []
    for n, found in report.get("comparisons", {}).items():
        if not found:
            continue
        section = Section(
            f"Same records? (N = {int(n):,})",
            [
                "comparison",
                "identical incidents",
                "same content (rule ids aside)",
                "is_incident differs",
                "articles with a different field",
            ],
        )
        for name, diff in found.items():
            fields = (
                ", ".join(f"{k} {v}" for k, v in diff["articles_with_field_differences"].items()) or "none"
            )
            section.rows.append(
                [
                    COMPARISON_LABELS.get(name, name),
                    f"{diff['identical_incidents']}/{diff['articles']}",
                    f"{diff['same_content']}/{diff['articles']}" if "same_content" in diff else "-",
                    str(diff["is_incident_differs"]),
                    fields,
                ]
            )
        section.notes.append("the last two columns compare content: rule ids (the audit trail) are set aside")
        sections_.append(section)
    return sections_


def _estimate(estimate: dict[str, Any]) -> Section:
    section = Section(
        f"Estimate for N = {estimate['n']:,} (linear, from N = {estimate['from_n']:,})", ["step", "minutes"]
    )
    for step in estimate["steps"].values():
        section.rows.append([step["label"], _f(step["seconds"] / 60, 1)])
    section.notes.append(f"whole run at N = {estimate['n']:,}: about {estimate['total_s'] / 60:.0f} minutes")
    return section


TEXT_COLUMNS = {"notes", "components", "articles with a different field"}


def _left(headers: list[str], i: int) -> bool:
    return i == 0 or headers[i] in TEXT_COLUMNS


def _render_text(section: Section) -> str:
    lines = [section.title, "=" * len(section.title)]
    if section.headers:
        table = [section.headers, *section.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(section.headers))]
        for k, row in enumerate(table):
            cells = [
                cell.ljust(widths[i]) if _left(section.headers, i) else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ]
            lines.append("  ".join(cells).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
    lines.extend(section.notes)
    return "\n".join(lines)


def text_report(report: Report) -> str:
    return (
        "\n\n".join(_render_text(s) for s in sections(report))
        + f"\n\nbenchmark took {report['bench_wall_s']:.0f} s"
    )


def _render_markdown(section: Section) -> str:
    lines = [f"## {section.title}", ""]
    if section.headers:
        lines.append("| " + " | ".join(section.headers) + " |")
        lines.append(
            "| "
            + " | ".join("---" if _left(section.headers, i) else "---:" for i in range(len(section.headers)))
            + " |"
        )
        lines.extend(
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in section.rows
        )
        lines.append("")
    lines.extend(f"{note}  " for note in section.notes)
    return "\n".join(lines).rstrip()


def markdown_report(report: Report) -> str:
    config = report["config"]
    mode = "quick" if config["quick"] else "sizes " + ", ".join(map(str, config["sizes"]))
    head = f"# incident-extract benchmark ({mode})\n\nWritten by `bench/bench.py`; see `bench/README.md` for what each line measures.\n\n"
    return (
        head
        + "\n\n".join(_render_markdown(s) for s in sections(report))
        + f"\n\nBenchmark took {report['bench_wall_s']:.0f} s.\n"
    )
