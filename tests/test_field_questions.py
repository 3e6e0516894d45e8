"""One rule, one place: which fields a front asks for an entry, and how a field that is another's
alternative (the ``excludes`` of an S3 entry's exact ``key``) is asked. The wizard's Fields dialog
and plain mode both ask :func:`wizard.entries.field_questions`, for every kind of the catalog."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App
from textual.widgets import Input, Label

from wizard.catalog.kinds import catalog
from wizard.entries import field_questions, primary_field
from wizard.plain.resources import ask_rest
from wizard.spec import ResourceEntry, RoleSpec

SPEC = RoleSpec(function="orders-api", account="123456789012", region="us-east-1")
KINDS = [name for name, kind in catalog().kinds.items() if kind.fields]


class Answers:
    """Plain mode's prompter: records each question asked, answers from ``answers`` (else "")."""

    def __init__(self, answers: dict[str, str] | None = None) -> None:
        self.cat = catalog()
        self.spec_ = SPEC
        self.asked: list[str] = []
        self.said: list[str] = []
        self.answers = answers or {}

    def text(self, message: str, *, default: str = "", validate=None, **_: object) -> str:
        self.asked.append(message)
        return next((v for k, v in self.answers.items() if message.startswith(f"{k} ")), "")

    def say(self, text: str) -> None:
        self.said.append(text)


def plain_asks(kind_name: str, answers: dict[str, str] | None = None) -> list[str]:
    """The fields plain mode asks for a typed entry of the kind: its main field (asked first,
    as a name or an ARN), then the questions ``ask_rest`` puts."""
    kind = catalog().kinds[kind_name]
    main = primary_field(kind)
    assert main is not None
    prompter = Answers(answers)
    ask_rest(prompter, ResourceEntry(kind=kind_name, **{main: "x"}))  # type: ignore[arg-type]
    by_label = {f"{q.label}:": q.name for q in field_questions(kind_name)}
    return [main, *(by_label[message] for message in prompter.asked)]


def dialog_asks(kind_name: str) -> tuple[list[str], list[str]]:
    """The boxes of the wizard's Fields dialog for the kind (not the ARN box), and their labels."""
    from wizard.tui.screens.entry_modal import EntryFormModal

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(EntryFormModal(SPEC, kind_name, {}))

    async def run() -> tuple[list[str], list[str]]:
        app = Host()
        async with app.run_test(size=(120, 60)) as pilot:
            await pilot.pause()
            dialog = app.screen
            names = [
                (box.id or "").removeprefix("entry-")
                for box in dialog.query(Input)
                if box.id != "entry-arn"
            ]
            labels = [str(label.content) for label in dialog.query(".entry-label").results(Label)]
            return names, labels

    return asyncio.run(run())


@pytest.mark.parametrize("kind_name", KINDS)
def test_both_fronts_ask_the_same_fields_for_every_kind(kind_name):
    questions = field_questions(kind_name)
    names, labels = dialog_asks(kind_name)
    assert names == [q.name for q in questions]
    assert labels[-len(questions) :] == [q.label for q in questions]
    # plain mode, every answer left empty: every question is put, its main field first
    main = primary_field(catalog().kinds[kind_name])
    assert sorted(plain_asks(kind_name)) == sorted(names)
    assert plain_asks(kind_name)[0] == main


def test_an_alternative_is_presented_as_such_and_asked_only_while_what_it_replaces_is_empty():
    (key,) = [q for q in field_questions("s3-prefix") if q.name == "key"]
    assert key.instead_of == ("prefix",)
    assert key.label.startswith("key (optional, instead of prefix): ")
    assert key.wanted({"prefix": ""}) and not key.wanted({"prefix": "incoming/"})
    # plain mode: the exact key is asked when no prefix is given, not beside one
    assert "key" in plain_asks("s3-prefix")
    assert "key" not in plain_asks("s3-prefix", {"prefix": "incoming/"})
    # an ARN that names a prefix leaves the key unasked; a bucket's ARN asks both
    assert "key" not in [q.name for q in field_questions("s3-prefix", "arn:aws:s3:::b/in/*")]
    assert [q.name for q in field_questions("s3-prefix", "arn:aws:s3:::b")] == [
        "prefix",
        "key",
        "kms_key",
    ]
