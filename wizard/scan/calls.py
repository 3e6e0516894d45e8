"""What a reader reports: one AWS SDK call, in botocore's names.

Both readers speak this vocabulary so that the rest of the scan is one code path:

* ``service`` is botocore's service name (the folder under ``botocore/data``:
  ``dynamodb``, ``s3``, ``sqs``, ``secretsmanager``, ``bedrock-runtime``...).
* ``operation`` is the operation's name in that service model (``GetItem``,
  ``PutObject``, ``ListObjectsV2``). The JavaScript SDK v3 command
  ``GetItemCommand``, the v2 method ``getItem`` and boto3's ``get_item`` all
  become ``GetItem``.
* ``params`` holds the request members the reader could see, under the service
  model's member names (``TableName``, ``Bucket``, ``Key``, ``QueueUrl``,
  ``TopicArn``, ``SecretId``, ``Name``, ``FunctionName``, ``modelId``...).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Where:
    """The file and 1-based line a finding came from."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Value:
    """What the code passes for one request member, as far as it can be read.

    * a constant: ``text="Orders"``;
    * an f-string / template literal with a constant start: ``text="incoming/",
      prefix=True`` (only the start is known);
    * an environment variable: ``env="TABLE_NAME"`` (``os.environ[...]``,
      ``os.getenv``, ``process.env.X``), resolved later from a template or spec;
    * anything else: all fields empty — unresolved, reported with its place and
      never widened to ``*``.
    """

    text: str | None = None
    prefix: bool = False
    env: str | None = None

    @property
    def resolved(self) -> bool:
        return self.text is not None and not self.prefix


UNRESOLVED = Value()


@dataclass(frozen=True, slots=True)
class SdkCall:
    """One SDK operation the handler performs."""

    service: str
    operation: str
    where: Where
    params: dict[str, Value] = field(default_factory=dict, hash=False, compare=True)
    #: how the call was written when it is not a plain operation call:
    #: ``"paginator"``, ``"waiter"``, ``"upload_file"``, ``"batch_writer"``...
    via: str = ""
