"""Output under stress: a full disk is one line and rc 2, a killed run's temporary file is
removed by the next run (../shared/reviews/reliability.md, cases 52 and 55)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap

import pytest

from incident_extract.models import ArticleRecord, Source
from incident_extract.store import read_jsonl, write_jsonl

FRENCH = (
    "Le département du Finistère a été victime d'une attaque par rançongiciel dans la nuit de samedi. "
    "Les services sociaux fonctionnent en mode dégradé et une plainte a été déposée. "
)

HOLD_A_TEMPORARY_FILE = textwrap.dedent(
    """
    import sys, time
    from incident_extract.store import atomic_writer
    with atomic_writer(sys.argv[1]) as handle:
        handle.write("x" * 100_000)
        handle.flush()
        print("writing", flush=True)
        time.sleep(600)
    """
)


def writer(path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_TEMPORARY_FILE, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "writing"
    return process


def temporaries(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))


def test_the_next_run_removes_what_a_killed_run_left_and_spares_a_live_one(tmp_path):
    out = tmp_path / "records.jsonl"
    killed = writer(out)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    [leftover] = temporaries(out)
    live = writer(out)
    try:
        [live_file] = [name for name in temporaries(out) if name != leftover]
        record = ArticleRecord(source=Source(id="finistere"), text=FRENCH)
        assert [r.source.id for r in write_jsonl([record], out)] == ["finistere"]
        assert temporaries(out) == [live_file]  # the concurrent run's file is still being written
        assert [r.source.id for r in read_jsonl(out)] == ["finistere"]
    finally:
        live.kill()
        live.wait()


RUN_WITH_SMALL_FILES = textwrap.dedent(
    """
    import resource, signal, sys
    from incident_extract.clean import _identifier
    from incident_extract.cli import main
    _identifier()  # py3langid unpacks its model into a temporary file: done before the limit
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    sys.argv = ["incident-extract", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.model
@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_is_one_line_and_exit_code_2(tmp_path):
    """The process may write no file past 4 kB (as on a full disk, the write fails with an OS error)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(6):
        (folder / f"article-{number}.txt").write_text(FRENCH * (number + 1), encoding="utf-8")
    out = tmp_path / "records.jsonl"
    out.write_text("previous output\n", encoding="utf-8")
    command = [
        sys.executable,
        "-c",
        RUN_WITH_SMALL_FILES,
        "run",
        str(folder),
        "-o",
        str(out),
        "--no-progress",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"cannot write {out}: File too large" in " ".join(result.stderr.split())  # rich wraps at 80
    assert out.read_text(encoding="utf-8") == "previous output\n"  # the old output is intact
    assert temporaries(out) == []
