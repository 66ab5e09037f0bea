"""Write records: JSONL (the output contract), atomically.

Lines go to a temporary file beside the target, renamed over it only when the run completes:
an interrupted run never leaves a half-written file, and the previous output stays intact.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .errors import OutputError
from .models import ArticleRecord


def check_writable(path: str | Path) -> Path:
    """Fail before any work when the output cannot be written (a temporary file is tried, since
    permissions alone do not tell: root may write anywhere but under /proc)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror}") from exc
    if path.is_dir():
        raise OutputError(f"output {path} is a folder")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"output folder {folder} is not writable")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write in output folder {folder}: {exc.strerror or exc}") from exc
    return path


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Open a temporary file beside ``path``; on success fsync and rename it over ``path``.

    The file gets the permissions a plain ``open`` would give (mkstemp's are owner-only), so
    that an output shared with analysts stays readable by them.
    """
    path = check_writable(path)
    remove_leftovers(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, mode, encoding=encoding, newline="" if "b" not in mode else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_leftovers(path: Path) -> list[Path]:
    """Delete the temporary files that killed runs (``kill -9``, power cut) left beside ``path``.

    Their names carry the writer's process id (``.out.jsonl.<pid>.<random>.tmp``); a file whose
    process is gone is a leftover, one whose process still runs belongs to a concurrent run.
    """
    removed = []
    prefix = f".{path.name}."
    for candidate in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = candidate.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it back at once
    os.umask(mask)
    return mask


UNSTORABLE = (OverflowError, ValueError, TypeError)
"""What a writer raises on one record's values (an integer past SQLite's 64 bits...), as
opposed to the output itself failing (disk full: ``OSError``, ``sqlite3.OperationalError``)."""


def unstorable(record: ArticleRecord, error: Exception) -> ArticleRecord:
    """The record to write instead of one a writer refused: the article, its text and why."""
    return ArticleRecord(
        source=record.source,
        text=record.text,
        errors=[*record.errors, f"cannot store this record: {error.__class__.__name__}: {error}"],
    )


def record_json(record: ArticleRecord) -> str:
    return record.model_dump_json(exclude_none=False)


def write_jsonl(records: Iterable[ArticleRecord], path: str | Path) -> Iterator[ArticleRecord]:
    """Write records as they come (streaming); yields each one after writing it."""
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(record_json(record) + "\n")
            yield record


def write_jsonl_stream(records: Iterable[ArticleRecord], handle: TextIO) -> Iterator[ArticleRecord]:
    """Write records to an open text stream (``-o -``: stdout), one line each, flushed as they come."""
    for record in records:
        handle.write(record_json(record) + "\n")
        handle.flush()
        yield record


def read_jsonl(path: str | Path) -> Iterator[ArticleRecord]:
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield ArticleRecord.model_validate_json(line)
