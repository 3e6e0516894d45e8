"""Messages the wizard's workers and screens post, named for what happened (past tense)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class SpecChanged(Message):
    """The app's RoleSpec changed and was recomposed; screens refresh what they show."""


class DomainLoaded(Message):
    """The spec model, drafts and composer finished importing (after the first frame)."""


class StepsLoaded(Message):
    """The later steps' modules and the domain's caches are loaded (``prewarm``): their screens
    can be built in the background."""


class SessionDetected(Message):
    """The AWS session answered: its account and region."""

    def __init__(self, account: str, region: str) -> None:
        super().__init__()
        self.account = account
        self.region = region


class SessionFailed(Message):
    """No usable AWS session: the wizard works offline."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ResourcesDiscovered(Message):
    """One page of a kind's resources arrived (``done`` on the last one)."""

    def __init__(
        self,
        key: tuple[str, str, str],
        items: list[Any],
        done: bool,
        generation: int = 0,
        region: str = "",
    ) -> None:
        super().__init__()
        self.key = key  # (kind, bucket, prefix)
        self.items = items
        self.done = done
        self.generation = generation  # which listing of the key (a restarted one counts up)
        self.region = region  # where it was listed


class DiscoveryFailed(Message):
    """Listing a kind failed; the error shows in place of its list."""

    def __init__(
        self, key: tuple[str, str, str], error: str, generation: int = 0, region: str = ""
    ) -> None:
        super().__init__()
        self.key = key
        self.error = error
        self.generation = generation
        self.region = region


class ProvisionProgressed(Message):
    """A plan or apply step started or finished."""

    def __init__(self, text: str, done: int, total: int) -> None:
        super().__init__()
        self.text = text
        self.done = done
        self.total = total


class ProvisionFinished(Message):
    """A plan or apply ended: its result text, and whether it succeeded."""

    def __init__(self, what: str, text: str, ok: bool) -> None:
        super().__init__()
        self.what = what
        self.text = text
        self.ok = ok


class KeyRead(Message):
    """A chosen resource's encryption settings were read: ``kms_key`` is the customer managed
    key it is encrypted with ("" for none), ``error`` why they could not be read."""

    def __init__(self, entry: Any, kms_key: str, error: str = "") -> None:
        super().__init__()
        self.entry = entry
        self.kms_key = kms_key
        self.error = error


class TargetKeyRead(Message):
    """A dead-letter or destination target's encryption settings were read: ``kms_key`` is the
    customer managed key it is encrypted with ("" for none, None when nothing could read
    them), ``error`` why they could not be read."""

    def __init__(self, slot: str, arn: str, kms_key: str | None, error: str = "") -> None:
        super().__init__()
        self.slot = slot
        self.arn = arn
        self.kms_key = kms_key
        self.error = error


class ScanCounted(Message):
    """ "Scan my code" found the code files it reads; the scan itself goes on."""

    def __init__(self, files: int, generation: int) -> None:
        super().__init__()
        self.files = files
        self.generation = generation


class ScanFinished(Message):
    """ "Scan my code" ended: ``offer`` (a :class:`wizard.scan.offer.ScanOffer`), or ``error``
    (one line) when the path could not be scanned."""

    def __init__(self, offer: Any, error: str, generation: int) -> None:
        super().__init__()
        self.offer = offer
        self.error = error
        self.generation = generation
