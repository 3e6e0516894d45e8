"""A seeded corpus of IAM identity policies for ``bench/bench_validate.py``.

About half the policies are tight (what the composer writes: named ARNs, the log group, a
scoped PassRole); the rest are over-privileged or broken in the ways linters look for:
service and global wildcards, unknown actions and prefixes, resource mismatches, unscoped
iam:PassRole, privilege-escalation combinations, data reads on every resource, unknown
condition operators and keys, grammar mistakes. Each policy carries the problems it was
built with (``planted``), so a run can tell a real finding from noise.

    python bench/corpus/generate.py [--count 1000] [--seed 7] [--out bench/.work/corpus]
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
WORDS = ("orders", "billing", "users", "events", "audit", "reports", "images", "sessions")


@dataclass
class Sample:
    name: str
    document: Any
    planted: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return json.dumps(self.document, indent=2)


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.account = "".join(rng.choice("0123456789") for _ in range(12))
        self.region = rng.choice(REGIONS)

    def name(self) -> str:
        return self.rng.choice(WORDS) + "-" + str(self.rng.randint(1, 999))

    # -- tight statements (what a least-privilege role holds)
    def logs(self) -> dict:
        fn = self.name()
        return {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{self.region}:{self.account}:log-group:/aws/lambda/{fn}:*",
        }

    def table(self) -> dict:
        arn = f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.name()}"
        actions = self.rng.sample(
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchGetItem",
            ],
            k=self.rng.randint(1, 4),
        )
        # the indexes only where an action can use them (Query): an ARN no action of the
        # statement fits is a resource-mismatch, which a tight statement does not have
        resources = [arn, arn + "/index/*"] if "dynamodb:Query" in actions else arn
        return {"Sid": "Table", "Effect": "Allow", "Action": sorted(actions), "Resource": resources}

    def bucket(self) -> dict:
        bucket, prefix = self.name(), self.rng.choice(WORDS)
        return {
            "Sid": "Objects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{bucket}/{prefix}/*",
        }

    def list_prefix(self) -> dict:
        return {
            "Sid": "ListPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{self.name()}",
            "Condition": {"StringLike": {"s3:prefix": [f"{self.rng.choice(WORDS)}/*"]}},
        }

    def queue(self) -> dict:
        return {
            "Sid": "Queue",
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": f"arn:aws:sqs:{self.region}:{self.account}:{self.name()}",
        }

    def key(self) -> dict:
        return {
            "Sid": "Key",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": f"arn:aws:kms:{self.region}:{self.account}:key/{self.rng.getrandbits(64):016x}",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{self.region}.amazonaws.com"}},
        }

    def secret(self) -> dict:
        return {
            "Sid": "Secret",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:{self.name()}-??????",
        }

    def tracing(self) -> dict:
        return {
            "Sid": "Tracing",
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        }

    def scoped_passrole(self) -> dict:
        return {
            "Sid": "PassOwnRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": f"arn:aws:iam::{self.account}:role/{self.name()}-role",
            "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        }

    def tight(self) -> list[dict]:
        makers = [
            self.table,
            self.bucket,
            self.list_prefix,
            self.queue,
            self.key,
            self.secret,
            self.tracing,
            self.scoped_passrole,
        ]
        return [self.logs()] + [m() for m in self.rng.sample(makers, k=self.rng.randint(1, 4))]

    # -- problems: (statement, planted codes)
    def problems(self) -> list[tuple[dict, set[str]]]:
        acct, reg, rng = self.account, self.region, self.rng
        table = f"arn:aws:dynamodb:{reg}:{acct}:table/{self.name()}"
        service = rng.choice(["s3", "dynamodb", "sqs", "lambda", "ec2", "kms"])
        typo_base = rng.choice(
            ["dynamodb:GetItem", "s3:GetObject", "sqs:SendMessage", "sns:Publish"]
        )
        prefix, action = typo_base.split(":")
        cut = rng.randint(1, len(action) - 2)
        typo = f"{prefix}:{action[:cut]}{action[cut + 1 :]}"
        return [
            (
                {"Effect": "Allow", "Action": f"{service}:*", "Resource": "*"},
                {"action-wildcard", "resource-wildcard"},
            ),
            (
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"action-wildcard", "resource-wildcard"},
            ),
            ({"Effect": "Allow", "Action": "dynamodb:*", "Resource": table}, {"action-wildcard"}),
            ({"Effect": "Allow", "Action": typo, "Resource": "*"}, {"unknown-action"}),
            (
                {"Effect": "Allow", "Action": "dynamodbx:GetItem", "Resource": table},
                {"unknown-service"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": f"arn:aws:sns:{reg}:{acct}:{self.name()}",
                },
                {"resource-mismatch"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.name()}",
                },
                {"resource-mismatch"},
            ),
            (
                {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"},
                {"resource-wildcard"},
            ),
            (
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                {"passrole-unscoped", "resource-wildcard"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": f"arn:aws:iam::{acct}:role/{self.name()}",
                },
                {"passrole-unscoped"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                    "Resource": "*",
                },
                {"passrole-unscoped", "privilege-escalation", "resource-wildcard"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": ["iam:PassRole", "ec2:RunInstances"],
                    "Resource": "*",
                },
                {"passrole-unscoped", "privilege-escalation", "resource-wildcard"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "iam:CreatePolicyVersion",
                    "Resource": f"arn:aws:iam::{acct}:policy/{self.name()}",
                },
                {"privilege-escalation"},
            ),
            (
                {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*"},
                {"privilege-escalation", "resource-wildcard"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "lambda:UpdateFunctionCode",
                    "Resource": f"arn:aws:lambda:{reg}:{acct}:function:*",
                },
                {"privilege-escalation"},
            ),
            (
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                {"data-exfiltration", "resource-wildcard"},
            ),
            (
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"},
                {"data-exfiltration"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": table,
                    "Condition": {"StringEqualsAnything": {"aws:SourceVpc": "vpc-1"}},
                },
                {"invalid-condition-operator"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": table,
                    "Condition": {"StringEquals": {"dynamodb:NoSuchKey": "x"}},
                },
                {"unknown-condition-key"},
            ),
            (
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.name()}/*",
                    "Condition": {"StringLike": {"s3:prefix": "home/*"}},
                },
                {"unknown-condition-key"},
            ),
            (
                {"Effect": "allow", "Action": "dynamodb:GetItem", "Resource": table},
                {"invalid-grammar"},
            ),
            ({"Effect": "Allow", "Action": "dynamodb:GetItem"}, {"invalid-grammar"}),
        ]


def generate(count: int = 1000, seed: int = 7) -> list[Sample]:
    """``count`` policies; the same ones for the same seed."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        gen = _Gen(rng)
        statements = gen.tight()
        planted: set[str] = set()
        if rng.random() < 0.55:
            problems = gen.problems()
            for statement, codes in rng.sample(problems, k=rng.randint(1, 3)):
                statements.append(statement)
                planted |= codes
        rng.shuffle(statements)
        for j, st in enumerate(statements):  # unique Sids (a duplicate is not what we plant)
            if "Sid" in st:
                st["Sid"] = f"{st['Sid']}{j}"
        document = {"Version": "2012-10-17", "Statement": statements}
        out.append(Sample(f"policy-{i:04d}.json", document, planted))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / ".work" / "corpus")
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for sample in generate(args.count, args.seed):
        (out / sample.name).write_text(sample.text + "\n", encoding="utf-8")
    print(f"wrote {args.count} policies to {out}")


if __name__ == "__main__":
    main()
