"""Atomic file writes: a half-written file never replaces a good one.

Only regular files are written: a target that exists as anything else (a symlink, a FIFO, a
device such as ``/dev/full``, a folder) is refused, never replaced or written through, and the
folder must exist already. Every refusal is an :class:`OSError` whose ``strerror`` says what is
wrong in words, so callers turn it into one line as they do any other write error.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class WriteRefused(OSError):
    """A target the tool will not write (not a regular file, no such folder)."""


class TargetExists(WriteRefused):
    """``replace=False`` and the target is already there."""


def _what(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def write_text_atomic(
    path: str | os.PathLike[str],
    text: str,
    *,
    replace: bool = True,
    create_folder: bool = False,
) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    ``replace=False`` refuses an existing target (atomically: the file is linked into place only
    if the name is free). ``create_folder`` makes missing folders (for the tool's own state,
    such as drafts); a path a user names must be in a folder that exists.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if create_folder:
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise WriteRefused(
            errno.ENOENT, f"the folder {str(folder)!r} does not exist; create it first"
        )
    try:
        current = os.lstat(target)
    except FileNotFoundError:
        current = None
    if current is not None:
        if not replace:
            raise TargetExists(errno.EEXIST, "already exists")
        if not stat.S_ISREG(current.st_mode):
            raise WriteRefused(
                errno.EEXIST,
                f"exists and is {_what(current.st_mode)}, not a regular file; refusing to "
                "replace it (write to a new name)",
            )
    fd, tmp = tempfile.mkstemp(prefix=".rw-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if current is not None:
            os.chmod(tmp, current.st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if replace:
            os.replace(tmp, target)  # replaces the name: never writes through a link
        else:
            try:
                os.link(tmp, target)  # fails if the name was taken meanwhile
            except FileExistsError:
                raise TargetExists(errno.EEXIST, "already exists") from None
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
