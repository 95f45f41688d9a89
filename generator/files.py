"""Writing generated files: whole or not at all."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> bool:
    """Write `text` to `path` through a temp file in the same folder and a rename, so a reader
    or a crash never sees half a file. Returns False (and leaves the file and its mtime alone)
    when the file already holds exactly these bytes."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp creates the file 0600; a generated source file is as readable as any other.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def read_text_if_any(path: Path) -> str | None:
    """The file's text, or None when there is no file. Bytes that are not UTF-8 come back with
    replacement characters: such a file is certainly not one wsgen wrote, and saying so beats a
    decode error."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None


def unified_diff(name: str, old: str | None, new: str) -> str:
    """A unified diff from the file's text to `new`, labelled so `patch -p0` applies it; a missing
    file diffs from /dev/null, as git shows a new file."""
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
