"""Wizard drafts: the wizard's state saved as role specs, so nothing is lost.

One YAML spec per draft under ``$XDG_STATE_HOME/lambda-role-wizard/drafts/`` (by default
``~/.local/state/lambda-role-wizard/drafts/``), written atomically after every change. What is
not the spec -- the file an ``edit`` saves back to, the wizard step the user was on -- goes in
comment lines at the top (``# source: FILE``, ``# step: NAME``, ``# scan: PATH`` -- the code the
wizard's "scan my code" read last), so a draft stays a valid spec.
Domain code: no UI imports.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from wizard.atomic import write_text_atomic
from wizard.errors import UserError
from wizard.spec import RoleSpec, SpecContext, parse_yaml, spec_from_data
from wizard.text import count

SUFFIX = ".yaml"


def state_home() -> Path:
    raw = os.environ.get("XDG_STATE_HOME", "")
    # The XDG spec says a relative path is invalid and must be ignored.
    if raw and os.path.isabs(raw):
        return Path(raw)
    return Path.home() / ".local" / "state"


def drafts_dir() -> Path:
    return state_home() / "lambda-role-wizard" / "drafts"


@dataclass(frozen=True)
class Draft:
    """One saved draft: its id, file, when it was last saved and what it is for."""

    id: str
    path: Path
    modified: float
    function: str
    resources: int
    source: str | None = None  # the spec file an `edit` session saves back to
    step: str | None = None  # the wizard step it was left on (plain mode's drafts have none)
    scan: str | None = None  # the file or folder "scan my code" read last

    @property
    def saved(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.modified))

    @property
    def label(self) -> str:
        where = f" (editing {self.source})" if self.source else ""
        step = f", left on step {self.step}" if self.step else ""
        return (
            f"{self.function}: {count(self.resources, 'resource')}{step}, saved {self.saved}{where}"
        )


class DraftStore:
    """The drafts folder: save, list, load and discard drafts."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else drafts_dir()

    @staticmethod
    def new_id() -> str:
        return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)

    def path(self, draft_id: str) -> Path:
        if not draft_id or "/" in draft_id or draft_id.startswith("."):
            raise UserError(f"{draft_id!r} is not a draft id")
        return self.folder / f"{draft_id}{SUFFIX}"

    def save(
        self,
        draft_id: str,
        spec: RoleSpec,
        *,
        source: str | None = None,
        step: str | None = None,
        scan: str | None = None,
    ) -> Path:
        """Write the draft atomically; ``source`` records the file an edit saves back to,
        ``step`` the wizard step the user is on, ``scan`` the code "scan my code" read last
        (comment lines: the draft stays a spec)."""
        header = f"# lambda-role-wizard draft of {source}\n# source: {source}\n" if source else ""
        if step:
            header += f"# step: {step}\n"
        if scan and "\n" not in scan and "\r" not in scan:  # one comment line
            header += f"# scan: {scan}\n"
        text = header + spec.to_yaml()
        target = self.path(draft_id)
        try:
            write_text_atomic(target, text, create_folder=True)
        except OSError as exc:
            raise UserError(f"cannot save the draft: {exc.strerror}", where=str(target)) from None
        return target

    def list(self) -> list[Draft]:
        """Readable drafts, newest first; unreadable files are skipped."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                text = path.read_text(encoding="utf-8")
                spec = self._parse(text, str(path))
                modified = path.stat().st_mtime
            except (OSError, UnicodeDecodeError, UserError):
                continue
            found.append(
                Draft(
                    id=path.name[: -len(SUFFIX)],
                    path=path,
                    modified=modified,
                    function=spec.function,
                    resources=len(spec.resources),
                    source=_header(text, "source"),
                    step=_header(text, "step"),
                    scan=_header(text, "scan"),
                )
            )
        return sorted(found, key=lambda d: (d.modified, d.id), reverse=True)

    def load(self, draft_id: str) -> RoleSpec:
        path = self.path(draft_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError("no such draft", where=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the draft: {exc}", where=str(path)) from None
        return self._parse(text, str(path))

    def discard(self, draft_id: str) -> None:
        self.path(draft_id).unlink(missing_ok=True)

    def discard_all(self) -> int:
        drafts = self.list()
        for draft in drafts:
            draft.path.unlink(missing_ok=True)
        return len(drafts)

    @staticmethod
    def _parse(text: str, source: str) -> RoleSpec:
        data, lines = parse_yaml(text, source)
        return spec_from_data(data, SpecContext(source, lines))


def _header(text: str, key: str) -> str | None:
    """A ``# KEY: value`` line of the draft's comment header."""
    for line in text.splitlines()[:4]:
        if line.startswith(f"# {key}: "):
            return line[len(f"# {key}: ") :].strip() or None
    return None
