"""Finding the report files in the raw folder, and saying why each thing found there is not one.

Nothing a user puts in the raw folder is skipped in silence: every entry that cannot become a report (an
unreadable file or folder, a broken symbolic link, a link loop, a hidden file, a FIFO) comes back as a
`RawFile` with an `error` sentence, which the ingest records as a `failed` reports row. Entries that are
the folder's own bookkeeping (`NOT_REPORTS`, `NAME.meta.json` overrides) are the only ones left out.

Hidden files (name starting with `.`, such as an editor's `.draft.txt` or macOS `._x.txt`) are recorded as
failed "hidden file, skipped" rather than ingested: they are usually leftovers, and a user who wants one read
renames it. A hidden folder is one failed row; its content is not walked.

File names that are not valid UTF-8 (a GBK-named file from a Windows zip) are read like any other; their
`source_path` shows each undecodable byte as `\\xNN`, since a name with surrogates cannot enter polars.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Files in the raw folder that are not reports (the folder's own bookkeeping), by exact name.
NOT_REPORTS = ("manifest.csv", ".gitkeep", ".gitignore", ".DS_Store", "README.md", "README.txt")
OVERRIDE_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class RawFile:
    """One entry of the raw folder; `error` says why it cannot become a report (None when it can)."""

    path: Path
    source_path: str  # relative to the raw folder, POSIX separators, printable (see printable_path)
    sha256: str  # of the bytes; of path and error when the bytes cannot be read (see failed_entry)
    error: str | None = None
    size: int | None = None  # the file's size and modification time when it was hashed (see discover_raw_files)
    mtime_ns: int | None = None

    @property
    def report_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class Entry:
    """A regular file found by the walk, or (with `error`) anything that cannot be read as one."""

    path: Path
    source_path: str
    error: str | None = None


def printable_path(rel: str) -> str:
    """A relative path as text polars and DuckDB accept: bytes that are not UTF-8 shown as `\\xNN`."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def failed_entry(path: Path, source_path: str, error: str) -> RawFile:
    """A RawFile for an entry whose bytes cannot be read: its id hashes the path and the problem, so
    the id is stable across runs and a different problem with the same path is not taken from the cache."""
    digest = hashlib.sha256(os.fsencode(source_path) + b"\0" + error.encode()).hexdigest()
    return RawFile(path, source_path, digest, error)


def _link_problem(path: str) -> str | None:
    """Why a symbolic link cannot be followed, or None when it can."""
    try:
        os.stat(path)
    except OSError as exc:
        try:
            target = printable_path(os.readlink(path))
        except OSError:  # replaced while we looked
            target = "an unknown target"
        if exc.errno == errno.ELOOP:
            return f"symbolic link loop (it points to {target}, which leads back to itself); skipped"
        if exc.errno == errno.ENOENT:
            return f"broken symbolic link (its target {target} does not exist); skipped"
        return f"symbolic link to {target} cannot be followed ({exc.strerror}); skipped"
    return None


def walk_raw_folder(raw_dir: Path) -> Iterator[Entry]:
    """Every regular file below raw_dir, and an Entry with an error for everything that cannot be one.

    Symbolic links are followed (a linked folder of reports is read), each real folder at most once, so a
    link loop ends with one recorded entry. An explicit stack, not recursion, so depth cannot overflow.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(os.fspath(raw_dir), "")]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:
                yield Entry(Path(folder), printable_path(rel_folder),
                            "symbolic link to a folder that is already read (a loop or a second link); skipped")
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Entry(Path(folder), printable_path(rel_folder or "."),
                        f"folder cannot be read ({exc.strerror}); the files in it are not ingested")
            continue
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            yield from _classify(entry, rel, stack)


def _classify(entry: os.DirEntry, rel: str, stack: list[tuple[str, str]]) -> Iterator[Entry]:
    path, shown = Path(entry.path), printable_path(rel) if not rel.isascii() else rel
    if entry.is_symlink() and (problem := _link_problem(entry.path)):
        yield Entry(path, shown, problem)
        return
    try:  # the directory listing already says a plain file or folder is one (no stat call); others are examined
        if entry.is_file(follow_symlinks=False):
            mode = stat.S_IFREG
        elif entry.is_dir(follow_symlinks=False):
            mode = stat.S_IFDIR
        else:
            mode = os.stat(entry.path).st_mode
    except OSError as exc:
        yield Entry(path, shown, f"cannot be examined ({exc.strerror}); skipped")
        return
    hidden = entry.name.startswith(".") and entry.name not in NOT_REPORTS
    if stat.S_ISDIR(mode):
        if hidden:
            yield Entry(path, shown, "hidden folder (its name starts with '.'); its files are not ingested")
        else:
            stack.append((entry.path, rel))
    elif not stat.S_ISREG(mode):
        yield Entry(path, shown, "not a regular file (a FIFO, socket or device); skipped")
    elif hidden:
        yield Entry(path, shown, "hidden file (its name starts with '.'); skipped, rename it to ingest it")
    else:
        yield Entry(path, shown)


def is_report_candidate(entry: Entry) -> bool:
    """Not the folder's bookkeeping: overrides and the names in NOT_REPORTS are read elsewhere or not at all."""
    name = entry.path.name
    return name not in NOT_REPORTS and not name.endswith(OVERRIDE_SUFFIX)


#: what a previous run knew of a file: source_path → (size, mtime_ns, sha256)
Known = dict[str, tuple[int, int, str]]


def discover_raw_files(raw_dir: Path, entries: Iterable[Entry] | None = None, known: Known | None = None,
                       ) -> list[RawFile]:
    """Every candidate report below raw_dir, sorted by source_path, with its content hash; entries that
    cannot be reports come with an `error` so the ingest records them (never raises for one bad entry).

    `entries`: the folder's walk, when the caller has it already (the overrides read the same walk).
    `known`: size, modification time and hash of each file as the last run saw it; a file whose size and
    modification time (nanoseconds) are unchanged is not read and hashed again, as git and rsync do, so a
    nightly run over an unchanged national corpus costs a stat per file, not a read of every byte."""
    known = known or {}
    files = []
    for entry in walk_raw_folder(raw_dir) if entries is None else entries:
        if entry.error:
            files.append(failed_entry(entry.path, entry.source_path, entry.error))
        elif is_report_candidate(entry):
            try:
                st = os.stat(entry.path)
                seen = known.get(entry.source_path)
                if seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns):
                    digest = seen[2]
                else:
                    digest = hashlib.sha256(entry.path.read_bytes()).hexdigest()
            except OSError as exc:
                files.append(failed_entry(entry.path, entry.source_path, f"cannot be read ({exc.strerror})"))
                continue
            files.append(RawFile(entry.path, entry.source_path, digest, size=st.st_size, mtime_ns=st.st_mtime_ns))
    return sorted(files, key=lambda f: f.source_path)
