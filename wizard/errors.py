"""The one exception type for problems a user can cause and fix."""

from __future__ import annotations


class UserError(Exception):
    """Bad input: the CLI prints ``str(err)`` as one line and exits with status 2.

    The message names where (file, line or JSON pointer) and what is wrong.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)
