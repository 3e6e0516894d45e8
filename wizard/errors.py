"""The one exception type for problems a user can cause and fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from wizard.lazyre import lazy

# Every error line the tool prints is at most this long: a message quoting hostile input (a
# 25-million-character value, a 300-character file name) is cut here, in one place.
MAX_WHERE_CHARS = 240
MAX_MESSAGE_CHARS = 480

# C0/C1 control characters (and DEL): a newline, a NUL or a terminal escape in a file name or
# a quoted value must not break the one line or drive the terminal.
_CONTROL = lazy(r"[\x00-\x1f\x7f-\x9f]")


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS, *, keep_end: bool = False) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control characters
    become escapes (``\\n``, ``\\x00``), and a longer text is cut, saying how long it was."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if len(text) <= limit:
        return text
    note = f" [... {len(text):,} characters]"
    keep = max(limit - len(note), 1)
    if keep_end:  # a file's place: its name's end and the line number matter most
        return "..." + text[-(limit - 3) :]
    return text[:keep] + note


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
