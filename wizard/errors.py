"""The one exception type for problems a user can cause and fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# Every error line the tool prints is at most this long: a message quoting hostile input (a
# 25-million-character value, a 300-character file name) is cut here, in one place.
MAX_WHERE_CHARS = 240
MAX_MESSAGE_CHARS = 480

# C0/C1 control characters (and DEL): a newline, a NUL or a terminal escape in a file name or
# a quoted value must not break the one line or drive the terminal.
_ESCAPES = {
    c: chr(c).encode("unicode_escape").decode("ascii") for c in (*range(0x20), *range(0x7F, 0xA0))
}


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS, *, keep_end: bool = False) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control characters
    become escapes (``\\n``, ``\\x00``), and a longer text is cut, saying how long it was
    (escaped)."""
    if len(text) <= limit:
        text = text.translate(_ESCAPES)
        if len(text) <= limit:
            return text
    # Only the ends that are kept are escaped (an escape is never shorter than its character,
    # so ``limit`` characters of the text give at least ``limit`` escaped ones); the escaped
    # length is counted, not built: a 100-million-character value costs seconds, not minutes.
    size = len(text) + sum(
        count * (len(escape) - 1)
        for code, escape in _ESCAPES.items()
        if (count := text.count(chr(code)))
    )
    note = f" [... {size:,} characters]"
    keep = max(limit - len(note), 1)
    if keep_end:  # a file's place: its name's end and the line number matter most
        return "..." + text[-limit:].translate(_ESCAPES)[-(limit - 3) :]
    return text[:limit].translate(_ESCAPES)[:keep] + note


class UserError(Exception):
    """Bad input: the CLI prints ``str(err)`` as one line and exits with status 2.

    The message names where (file, line or JSON pointer) and what is wrong. Both are made one
    line of bounded length here, so no front can print a traceback-sized error.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = one_line(where, MAX_WHERE_CHARS, keep_end=True) if where else where
        self.detail = one_line(message)
        super().__init__(f"{self.where}: {self.detail}" if self.where else self.detail)


@contextmanager
def read_errors(source: str, what: str = "file") -> Iterator[None]:
    """Turn the OSError of reading ``source`` (a ``what``) into a one-line UserError."""
    try:
        yield
    except FileNotFoundError:
        raise UserError("no such file", where=source) from None
    except IsADirectoryError:
        raise UserError(f"is a folder, not a {what}", where=source) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", where=source) from None
