"""Write a file so that readers see the old bytes or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644  # what a fresh export gets; an existing file keeps its own mode


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The temporary file is flushed to disk and then renamed over ``path``
    (``os.replace`` is atomic on one file system), so an existing file is never
    half-overwritten. On any error the temporary file is removed, the old file
    is left as it was, and the error is raised again.
    """
    target = Path(path)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{target}: expected bytes to write, got {type(data).__name__}")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target}: folder {target.parent} does not exist")
    if target.exists() and not target.is_file():
        # A folder, device node, FIFO or socket is never replaced by an export.
        raise IsADirectoryError(f"{target}: not a regular file; an export only replaces a regular file")
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else NEW_FILE_MODE
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    # The rename itself is only durable once the folder entry reaches the disk.
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_problem(path: str | os.PathLike[str], data: bytes) -> str:
    """``atomic_write``, for a command: "" when written, else the one line to print (nothing changed)."""
    try:
        atomic_write(path, data)
    except OSError as err:
        return f"cannot write {path}: {err.strerror or err}; nothing was changed there"
    return ""
