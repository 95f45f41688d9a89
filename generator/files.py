"""Writing generated files: whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from .limits import MAX_FILE_BYTES


class FileProblem(OSError):
    """A path wsgen will not read or write; `str()` says why in a few words, for a message
    that already names the path."""


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _regular_only(status: os.stat_result) -> None:
    # Only regular files are read or written (--force included): a FIFO would hang the read,
    # /dev/zero never ends, and a rename over a device node would replace it with a file.
    if stat.S_ISDIR(status.st_mode):
        raise FileProblem("it is a folder; give a file path")
    if not stat.S_ISREG(status.st_mode):
        kind = _KINDS.get(stat.S_IFMT(status.st_mode), "not a regular file")
        raise FileProblem(f"it is {kind}; wsgen reads and writes only regular files")


def check_target(path: Path) -> None:
    """Raise FileProblem (or OSError) unless `path` can be written: absent or a regular file,
    under a folder that exists or can be created (no file stands where a folder must be)."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        _regular_only(path.stat())
    for folder in path.parents:
        try:
            status = folder.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not stat.S_ISDIR(status.st_mode):
            raise FileProblem(f"{printable(str(folder))!r} is not a folder")
        # The temp file and the rename both need to write into it: known now, before any
        # other target is written, rather than halfway through.
        if not os.access(folder, os.W_OK | os.X_OK):
            raise FileProblem(f"folder {printable(str(folder))!r} is not writable")
        return


def write_atomically(path: Path, text: str) -> bool:
    """Write `text` to `path` through a temp file in the same folder and a rename, so a reader
    or a crash never sees half a file. Missing folders are created. The file keeps its mode; a
    new one gets what the umask allows. Returns False (and leaves the file and its mtime alone)
    when the file already holds exactly these bytes."""
    data = text.encode("utf-8")
    if read_bytes_if_any(path) == data:
        return False
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short temp name: ".<name>.tmp" would pass the 255-byte limit on a long file name.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".wsgen-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def read_bytes_if_any(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no file; FileProblem for anything but a regular
    file of at most MAX_FILE_BYTES. Opened without blocking, so a FIFO cannot hang it."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None  # check_target says which part of the path is not a folder
    except IsADirectoryError:
        raise FileProblem("it is a folder; give a file path") from None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a Unix socket cannot be opened: say what it is
            _regular_only(os.stat(path))
        raise
    try:
        _regular_only(os.fstat(handle))
    except OSError:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, no file wsgen wrote"
        )
    return data


def read_text_if_any(path: Path) -> str | None:
    """The file's text, or None when there is no file. Bytes that are not UTF-8 come back with
    replacement characters: such a file is certainly not one wsgen wrote, and saying so beats a
    decode error."""
    data = read_bytes_if_any(path)
    return None if data is None else data.decode("utf-8", errors="replace")


# C0 and C1 controls and DEL: a path or version read from a file could carry an escape
# sequence that rewrites the user's terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` for a terminal: control characters shown as escapes, never sent raw."""
    return _CONTROL.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def unified_diff(name: str, old: str | None, new: str) -> str:
    """A unified diff from the file's text to `new`, labelled so `patch -p0` applies it; a missing
    file diffs from /dev/null, as git shows a new file."""
    import difflib  # only --diff needs it; importing it costs every run start-up time

    old_label = name if old is not None else "/dev/null"
    lines = difflib.unified_diff(
        _lines(old or ""),
        _lines(new),
        fromfile=old_label,
        tofile=name,
    )
    # A last line without "\n" would glue itself to the next file's header.
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )


def _lines(text: str) -> list[str]:
    # str.splitlines also splits at U+2028, form feeds and lone CRs; a diff's lines are "\n" ones.
    parts = text.split("\n")
    return [f"{part}\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
