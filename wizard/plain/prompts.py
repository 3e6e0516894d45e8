"""The questionary I/O wrapper every plain-mode step asks through.

``input=``/``output=`` go to every prompt, so tests drive the whole flow with prompt_toolkit's
``create_pipe_input()`` and ``DummyOutput()``. Ctrl-C (or the end of input) at any prompt raises
:class:`Interrupted` carrying the spec typed so far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import questionary
from questionary import Choice

from wizard.spec import RoleSpec

BY_HAND = "\0by-hand"  # a list's "type it" choice (questionary turns a None value into the title)
Validator = Callable[[str], bool | str]


class Interrupted(Exception):
    """Ctrl-C (or end of input) at a prompt. ``spec`` is what was typed so far, if anything."""

    def __init__(self, spec: RoleSpec | None, *, ended: bool = False) -> None:
        super().__init__("input ended" if ended else "interrupted")
        self.spec = spec
        self.ended = ended  # end of input (Ctrl-D, a closed pipe) rather than Ctrl-C


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Prompter:
    """Questions and notes: ``echo`` is where notes and the review are printed."""

    spec: RoleSpec | None = None

    def __init__(self, *, input: Any = None, output: Any = None, echo: TextIO | None = None):
        self.prompt_kwargs = {k: v for k, v in (("input", input), ("output", output)) if v}
        self.echo = echo if echo is not None else sys.stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.echo, flush=True)

    def _ask(self, question: questionary.Question) -> Any:
        try:
            answer = question.unsafe_ask()
        except KeyboardInterrupt:
            raise Interrupted(self.spec) from None
        except EOFError:
            raise Interrupted(self.spec, ended=True) from None
        if answer is None:
            raise Interrupted(self.spec)
        return answer

    def text(
        self,
        message: str,
        *,
        default: str = "",
        validate: Validator | None = None,
        instruction: str | None = None,
    ) -> str:
        question = questionary.text(
            message,
            default=default,
            validate=validate,
            instruction=instruction,
            **self.prompt_kwargs,
        )
        return str(self._ask(question)).strip()

    def confirm(self, message: str, *, default: bool) -> bool:
        return bool(self._ask(questionary.confirm(message, default=default, **self.prompt_kwargs)))

    def select(
        self, message: str, choices: Sequence[Choice], *, default: Any = None, search: bool = False
    ) -> Any:
        question = questionary.select(
            message,
            choices=list(choices),
            default=default,
            use_search_filter=search,
            use_jk_keys=not search,
            **self.prompt_kwargs,
        )
        return self._ask(question)

    def checkbox(self, message: str, choices: Sequence[Choice], *, instruction: str) -> list[Any]:
        question = questionary.checkbox(
            message,
            choices=list(choices),
            use_search_filter=True,
            use_jk_keys=False,
            instruction=instruction,
            **self.prompt_kwargs,
        )
        return list(self._ask(question))

    def ask_path(self, message: str, default: str) -> Path:
        def validate(value: str) -> bool | str:
            value = value.strip()
            if not value:
                return "enter a file name"
            if Path(value).is_dir():
                return f"{value} is a folder"
            return True

        while True:
            path = Path(self.text(message, default=default, validate=validate))
            if not path.exists() or self.confirm(f"{path} exists. Overwrite it?", default=False):
                return path

    def write(self, path: Path, text: str) -> bool:
        """Write ``text`` atomically; on failure say why (the caller asks for another path)."""
        from wizard.atomic import write_text_atomic

        try:
            write_text_atomic(path, text)
        except OSError as exc:
            self.say(f"cannot write {path}: {exc.strerror or exc}")
            return False
        return True
