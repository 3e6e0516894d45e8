"""The one exception type for problems a user can cause and fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Bad input: the CLI prints ``str(err)`` as one line and exits with status 2.

    The message names where (file, line or JSON pointer) and what is wrong.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


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
        raise UserError(f"cannot read: {exc.strerror}", where=source) from None
