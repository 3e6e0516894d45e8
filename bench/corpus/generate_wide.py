"""A wide, seeded generator of IAM policies for cross-checking ``role-wizard validate``.

``bench/corpus/generate.py`` makes the benchmark's corpus: Lambda-shaped identity policies with
a dozen kinds of problem. This one is for finding where the linter and an independent tool
(parliament; AWS IAM Access Analyzer's documented checks) disagree, so it reaches much further:

- tight statements over many services (EC2, IAM, STS, S3 buckets, objects and access points,
  KMS keys and aliases, CloudWatch Logs groups and streams, SSM parameters with paths,
  Secrets Manager, Lambda functions/versions/aliases/layers, Step Functions, EventBridge,
  API Gateway and execute-api, CloudWatch, ECR, Glue, DynamoDB tables/indexes/streams, SQS,
  SNS, CloudFormation, X-Ray), each written from the Service Authorization Reference with the
  condition keys those actions document, global keys (with ``IfExists`` and set operators)
  and policy variables;
- over-privileged statements: service and global wildcards, wildcards in every ARN segment,
  NotAction/NotResource, unscoped ``iam:PassRole``, escalation combinations, data reads on
  every resource;
- broken ones: unknown services and actions (typos), unknown condition keys and operators
  (typos), ARNs of another service or resource type, malformed ARNs, and grammar mistakes of
  every kind: Version missing, wrong or not a string; Effect in the wrong case or missing;
  Principal in an identity policy; duplicate Sids; Sids with spaces; wrong types; empty lists;
  unknown elements; duplicate JSON keys; Action and NotAction together;
- trust policies: service principals with and without ``aws:SourceAccount``, accounts,
  ``"*"``, web identity (GitHub OIDC, Cognito) and SAML federation, and their mistakes.

Every sample says what it is: ``tight`` ones are valid and least-privilege, so the linter must
find nothing at warning level or above on them; ``planted`` names the finding codes a broken
one must get. ``python bench/corpus/generate_wide.py --count 20`` prints a few.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1")
WORDS = ("orders", "billing", "users", "events", "audit", "reports", "images", "sessions")

Statement = dict[str, Any]


@dataclass
class Sample:
    """One policy: its document (or raw text), its type, and what it is known to hold."""

    name: str
    document: Any
    type: str = "identity"  # identity | trust
    tight: bool = True  # valid and least-privilege: no finding at warning level or above
    planted: set[str] = field(default_factory=set)  # codes the linter must report
    raw: str | None = None  # text that JSON cannot round-trip (duplicate keys)
    kinds: list[str] = field(default_factory=list)  # the generator's names of its statements

    @property
    def text(self) -> str:
        return self.raw if self.raw is not None else json.dumps(self.document, indent=2)


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.account = "".join(rng.choice("0123456789") for _ in range(12))
        self.region = rng.choice(REGIONS)

    # -- small helpers
    def word(self) -> str:
        return self.rng.choice(WORDS)

    def name(self) -> str:
        return f"{self.word()}-{self.rng.randint(1, 999)}"

    def hexid(self, n: int = 17) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def arn(self, service: str, resource: str, region: str | None = None, account=None) -> str:
        reg = self.region if region is None else region
        acct = self.account if account is None else account
        return f"arn:aws:{service}:{reg}:{acct}:{resource}"

    def some(self, items: list[str], low: int = 1, high: int | None = None) -> list[str]:
        k = self.rng.randint(low, min(high or len(items), len(items)))
        return sorted(self.rng.sample(items, k=k))

    def one_or_list(self, items: list[str]) -> str | list[str]:
        return items[0] if len(items) == 1 and self.rng.random() < 0.5 else items

    def global_condition(self) -> dict[str, dict[str, Any]]:
        """A condition on global keys, in the many forms IAM accepts."""
        rng = self.rng
        choices: list[Callable[[], dict[str, dict[str, Any]]]] = [
            lambda: {"Bool": {"aws:SecureTransport": rng.choice(["true", True])}},
            lambda: {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
            lambda: {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}},
            lambda: {"NotIpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}},
            lambda: {"StringEquals": {"aws:RequestedRegion": self.region}},
            lambda: {"StringEquals": {"aws:ResourceAccount": self.account}},
            lambda: {"StringEquals": {"aws:PrincipalTag/team": self.word()}},
            lambda: {"StringEqualsIfExists": {"aws:ResourceTag/env": "prod"}},
            lambda: {"StringLike": {"aws:userid": "AROA*:${aws:username}"}},
            lambda: {"StringEquals": {"aws:ResourceTag/owner": "${aws:PrincipalTag/owner}"}},
            lambda: {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
            lambda: {"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}},
            lambda: {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
            lambda: {"DateLessThanIfExists": {"aws:TokenIssueTime": "2030-01-01"}},
            lambda: {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
            lambda: {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": 900}},
            lambda: {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            lambda: {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}},
            lambda: {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
            lambda: {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{self.account}:role/app-*"}},
            lambda: {"Null": {"aws:ResourceTag/env": "false"}},
            lambda: {"StringEqualsIgnoreCase": {"aws:PrincipalType": "AssumedRole"}},
            lambda: {"Bool": {"aws:ViaAWSService": "false"}},
            lambda: {"StringEquals": {"aws:sourceVpc": "vpc-11223344"}},  # key names: any case
        ]
        out: dict[str, dict[str, Any]] = {}
        for make in rng.sample(choices, k=rng.randint(1, 2)):
            for op, keys in make().items():
                out.setdefault(op, {}).update(keys)
        return out

    def maybe_global(self, st: Statement, p: float = 0.3) -> Statement:
        if self.rng.random() < p:
            cond = st.setdefault("Condition", {})
            for op, keys in self.global_condition().items():
                cond.setdefault(op, {}).update(keys)
        return st

    # ------------------------------------------------------------------ tight statements
    def tight_makers(self) -> dict[str, Callable[[], Statement]]:
        r, a = self.region, self.account
        rng = self.rng

        def s(action: Any, resource: Any, cond: dict | None = None) -> Statement:
            st: Statement = {"Effect": "Allow", "Action": action, "Resource": resource}
            if cond:
                st["Condition"] = cond
            return st

        def ec2_instances() -> Statement:
            ids = [self.arn("ec2", f"instance/i-{self.hexid()}") for _ in range(rng.randint(1, 2))]
            return s(
                self.some(["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]),
                self.one_or_list(ids),
                rng.choice([None, {"StringEquals": {"ec2:ResourceTag/team": self.word()}}]),
            )

        def ec2_tag_on_create() -> Statement:
            return s(
                "ec2:CreateTags",
                self.arn("ec2", rng.choice(["instance/*", "volume/*", "*/*"])),
                {"StringEquals": {"ec2:CreateAction": "RunInstances"}},
            )

        def ec2_run() -> Statement:
            return s(
                "ec2:RunInstances",
                [
                    f"arn:aws:ec2:{r}::image/ami-{self.hexid()}",
                    self.arn("ec2", f"subnet/subnet-{self.hexid(8)}"),
                    self.arn("ec2", f"security-group/sg-{self.hexid(8)}"),
                    self.arn("ec2", "network-interface/*"),
                    self.arn("ec2", "volume/*"),
                    self.arn("ec2", "instance/*"),
                ],
                {"StringEquals": {"ec2:InstanceType": ["t3.micro", "t3.small"]}},
            )

        def ec2_describe() -> Statement:
            return s(
                self.some(["ec2:DescribeInstances", "ec2:DescribeVpcs", "ec2:DescribeSubnets"]), "*"
            )

        def ec2_volume() -> Statement:
            return s(
                "ec2:AttachVolume",
                [
                    self.arn("ec2", f"instance/i-{self.hexid()}"),
                    self.arn("ec2", f"volume/vol-{self.hexid()}"),
                ],
            )

        def iam_read_role() -> Statement:
            path = rng.choice(["", "service-role/", "app/team/"])
            return s(
                self.some(["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]),
                f"arn:aws:iam::{a}:role/{path}{self.name()}",
            )

        def iam_list() -> Statement:
            return s(self.some(["iam:ListRoles", "iam:ListPolicies", "iam:ListUsers"]), "*")

        def iam_own_user() -> Statement:
            return s(
                ["iam:GetUser", "iam:ListAccessKeys", "iam:ChangePassword"],
                f"arn:aws:iam::{a}:user/${{aws:username}}",
            )

        def passrole() -> Statement:
            service = rng.choice(["lambda", "ec2", "states", "glue", "ecs-tasks"])
            return s(
                "iam:PassRole",
                f"arn:aws:iam::{a}:role/{self.name()}",
                {"StringEquals": {"iam:PassedToService": f"{service}.amazonaws.com"}},
            )

        def create_role_with_boundary() -> Statement:
            return s(
                ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
                f"arn:aws:iam::{a}:role/app/*",
                {"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{a}:policy/boundary"}},
            )

        def slr() -> Statement:
            return s(
                "iam:CreateServiceLinkedRole",
                f"arn:aws:iam::{a}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*",
                {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
            )

        def sts_assume() -> Statement:
            other = "".join(rng.choice("0123456789") for _ in range(12))
            return s("sts:AssumeRole", f"arn:aws:iam::{other}:role/{self.name()}")

        def sts_identity() -> Statement:
            return s("sts:GetCallerIdentity", "*")

        def s3_objects() -> Statement:
            bucket = self.name()
            prefix = rng.choice(["", f"{self.word()}/", f"{self.word()}/{self.word()}/"])
            return s(
                self.some(
                    ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging"]
                ),
                f"arn:aws:s3:::{bucket}/{prefix}*",
            )

        def s3_home() -> Statement:
            return s(
                ["s3:GetObject", "s3:PutObject"],
                f"arn:aws:s3:::{self.name()}/home/${{aws:username}}/*",
            )

        def s3_list_prefix() -> Statement:
            return s(
                "s3:ListBucket",
                f"arn:aws:s3:::{self.name()}",
                {"StringLike": {"s3:prefix": [f"{self.word()}/*", ""]}},
            )

        def s3_bucket_read() -> Statement:
            return s(
                self.some(["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"]),
                [f"arn:aws:s3:::{self.name()}", f"arn:aws:s3:::{self.name()}"],
            )

        def s3_put_encrypted() -> Statement:
            return s(
                "s3:PutObject",
                f"arn:aws:s3:::{self.name()}/*",
                rng.choice(
                    [
                        {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
                        {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                        {"StringEquals": {"s3:RequestObjectTag/classification": "internal"}},
                    ]
                ),
            )

        def s3_tagged_objects() -> Statement:
            return s(
                "s3:GetObject",
                f"arn:aws:s3:::{self.name()}/*",
                {"StringEquals": {"s3:ExistingObjectTag/public": "yes"}},
            )

        def s3_access_point() -> Statement:
            ap = self.name()
            return s(
                ["s3:GetObject", "s3:PutObject"],
                self.arn("s3", f"accesspoint/{ap}/object/{self.word()}/*"),
            )

        def s3_access_point_list() -> Statement:
            return s("s3:ListBucket", self.arn("s3", f"accesspoint/{self.name()}"))

        def s3_via_access_point() -> Statement:
            return s(
                "s3:GetObject",
                f"arn:aws:s3:::{self.name()}/*",
                {"StringEquals": {"s3:DataAccessPointAccount": a}},
            )

        def s3_list_all() -> Statement:
            return s("s3:ListAllMyBuckets", "*")

        def kms_key() -> Statement:
            crypto = self.some(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"])
            st = s(
                crypto + (["kms:DescribeKey"] if rng.random() < 0.5 else []),
                self.arn("kms", f"key/{self.hexid(8)}-{self.hexid(4)}-{self.hexid(4)}"),
            )
            if rng.random() < 0.2:  # an encryption context: the cryptographic operations only
                st["Action"] = crypto
                st["Condition"] = {
                    "StringEquals": {
                        "kms:EncryptionContext:aws:lambda:FunctionArn": self.arn(
                            "lambda", "function:fn"
                        )
                    }
                }
                return st
            conds = [
                {"StringEquals": {"kms:ViaService": f"s3.{r}.amazonaws.com"}},
                {"StringEquals": {"kms:CallerAccount": a}},
                {"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/app-*"}},
                None,
            ]
            cond = rng.choice(conds)
            if cond:
                st["Condition"] = cond
            return st

        def kms_alias_admin() -> Statement:
            return s(
                ["kms:CreateAlias", "kms:DeleteAlias"],
                [self.arn("kms", f"alias/{self.name()}"), self.arn("kms", "key/*")],
            )

        def kms_list() -> Statement:
            return s(["kms:ListAliases", "kms:ListKeys"], "*")

        def logs_write() -> Statement:
            group = rng.choice([f"/aws/lambda/{self.name()}", f"/ecs/{self.name()}", self.name()])
            return s(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                self.one_or_list(
                    [
                        self.arn("logs", f"log-group:{group}:*"),
                        self.arn("logs", f"log-group:{group}:log-stream:*"),
                    ][: rng.randint(1, 2)]
                ),
            )

        def logs_group() -> Statement:
            return s(
                self.some(
                    ["logs:CreateLogGroup", "logs:FilterLogEvents", "logs:DescribeLogStreams"]
                ),
                self.arn("logs", f"log-group:/aws/lambda/{self.name()}"),
            )

        def logs_describe() -> Statement:
            return s("logs:DescribeLogGroups", "*")

        def ssm_params() -> Statement:
            path = f"{self.word()}/{rng.choice(['prod', 'dev'])}"
            return s(
                self.some(["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]),
                rng.choice(
                    [
                        self.arn("ssm", f"parameter/{path}"),
                        self.arn("ssm", f"parameter/{path}/*"),
                        [
                            self.arn("ssm", f"parameter/{path}"),
                            self.arn("ssm", f"parameter/{path}/*"),
                        ],
                    ]
                ),
            )

        def ssm_describe() -> Statement:
            return s("ssm:DescribeParameters", "*")

        def secret() -> Statement:
            stage = rng.random() < 0.25  # secretsmanager:VersionStage: GetSecretValue's key only
            st = s(
                ["secretsmanager:GetSecretValue"]
                + ([] if stage else ["secretsmanager:DescribeSecret"]),
                self.arn(
                    "secretsmanager",
                    f"secret:{self.word()}/{self.name()}-" + rng.choice(["??????", "AbC123"]),
                ),
            )
            if stage:
                st["Condition"] = {"StringEquals": {"secretsmanager:VersionStage": "AWSCURRENT"}}
                return st
            cond = rng.choice(
                [
                    None,
                    {"StringEquals": {"secretsmanager:ResourceTag/app": self.word()}},
                    {"StringEquals": {"aws:ResourceTag/app": self.word()}},
                ]
            )
            if cond:
                st["Condition"] = cond
            return st

        def lambda_invoke() -> Statement:
            fn = self.name()
            qual = rng.choice(["", ":prod", ":3", ":*", ":$LATEST"])
            res = [self.arn("lambda", f"function:{fn}{qual}")]
            if qual == ":*":
                res.insert(0, self.arn("lambda", f"function:{fn}"))
            return s(["lambda:InvokeFunction"], self.one_or_list(res))

        def lambda_layer() -> Statement:
            layer = self.name()
            return rng.choice(
                [
                    s(
                        "lambda:GetLayerVersion",
                        self.arn("lambda", f"layer:{layer}:{rng.randint(1, 9)}"),
                    ),
                    s("lambda:PublishLayerVersion", self.arn("lambda", f"layer:{layer}")),
                    s("lambda:GetLayerVersion", self.arn("lambda", f"layer:{layer}:*")),
                ]
            )

        def lambda_manage() -> Statement:
            return s(
                self.some(
                    [
                        "lambda:GetFunction",
                        "lambda:UpdateAlias",
                        "lambda:PublishVersion",
                        "lambda:GetFunctionConfiguration",
                    ]
                ),
                self.arn("lambda", f"function:{self.name()}"),
            )

        def lambda_esm() -> Statement:
            return s(
                "lambda:CreateEventSourceMapping",  # lambda:FunctionArn: Create/Update/Delete only
                "*",
                {"ArnLike": {"lambda:FunctionArn": self.arn("lambda", f"function:{self.name()}")}},
            )

        def states() -> Statement:
            sm = self.name()
            return rng.choice(
                [
                    s("states:StartExecution", self.arn("states", f"stateMachine:{sm}")),
                    s(
                        ["states:DescribeExecution", "states:StopExecution"],
                        self.arn("states", f"execution:{sm}:*"),
                    ),
                ]
            )

        def events() -> Statement:
            bus = self.name()
            return rng.choice(
                [
                    s("events:PutEvents", self.arn("events", f"event-bus/{bus}")),
                    s(
                        "events:PutEvents",
                        self.arn("events", "event-bus/default"),
                        {"StringEquals": {"events:source": f"com.example.{self.word()}"}},
                    ),
                    s(
                        ["events:PutRule", "events:PutTargets"],
                        [
                            self.arn("events", f"rule/{bus}/*"),
                            self.arn("events", f"rule/{self.name()}"),
                        ],
                    ),
                ]
            )

        def apigateway() -> Statement:
            api = self.hexid(10)
            return rng.choice(
                [
                    s("apigateway:GET", f"arn:aws:apigateway:{r}::/restapis/{api}/*"),
                    s(
                        ["apigateway:GET", "apigateway:PATCH"],
                        f"arn:aws:apigateway:{r}::/restapis/{api}/stages/prod",
                    ),
                    s("execute-api:Invoke", self.arn("execute-api", f"{api}/prod/GET/orders/*")),
                    s("execute-api:Invoke", self.arn("execute-api", f"{api}/*/POST/*")),
                ]
            )

        def lex_and_stages() -> Statement:
            # formats the reference joins with ", " (two ARN shapes for one resource type)
            api = self.hexid(10)
            return rng.choice(
                [
                    s(
                        "lex:RecognizeText",
                        self.arn("lex", f"bot-alias/{self.hexid(10).upper()}/TSTALIASID"),
                    ),
                    s(
                        "apigateway:DELETE",
                        f"arn:aws:apigateway:{r}::/restapis/{api}/authorizers/{self.hexid(6)}",
                    ),
                    s("apigateway:PATCH", f"arn:aws:apigateway:{r}::/apis/{api}/stages/prod"),
                ]
            )

        def cloudwatch() -> Statement:
            return rng.choice(
                [
                    s(
                        "cloudwatch:PutMetricData",
                        "*",
                        {"StringEquals": {"cloudwatch:namespace": f"App/{self.word()}"}},
                    ),
                    s(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], "*"),
                    s(
                        ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"],
                        self.arn("cloudwatch", f"alarm:{self.name()}"),
                    ),
                ]
            )

        def ecr() -> Statement:
            repo = rng.choice([self.name(), f"{self.word()}/{self.name()}"])
            return rng.choice(
                [
                    s("ecr:GetAuthorizationToken", "*"),
                    s(
                        [
                            "ecr:BatchGetImage",
                            "ecr:GetDownloadUrlForLayer",
                            "ecr:BatchCheckLayerAvailability",
                        ],
                        self.arn("ecr", f"repository/{repo}"),
                    ),
                ]
            )

        def glue() -> Statement:
            db, tbl = self.word(), self.word()
            return s(
                ["glue:GetTable", "glue:GetTables", "glue:GetDatabase", "glue:GetPartitions"],
                [
                    self.arn("glue", "catalog"),
                    self.arn("glue", f"database/{db}"),
                    self.arn("glue", f"table/{db}/{tbl}"),
                ],
            )

        def dynamodb() -> Statement:
            table = self.name()
            return rng.choice(
                [
                    s(
                        self.some(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]),
                        self.arn("dynamodb", f"table/{table}"),
                    ),
                    s(  # indexes take Query and Scan only
                        self.some(["dynamodb:Query", "dynamodb:Scan"]),
                        [
                            self.arn("dynamodb", f"table/{table}"),
                            self.arn("dynamodb", f"table/{table}/index/*"),
                        ],
                    ),
                    s(
                        [
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:DescribeStream",
                        ],
                        self.arn("dynamodb", f"table/{table}/stream/*"),
                    ),
                    s(
                        ["dynamodb:GetItem", "dynamodb:Query"],
                        self.arn("dynamodb", f"table/{table}"),
                        {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}},
                    ),
                    s("dynamodb:ListStreams", "*"),
                ]
            )

        def sqs() -> Statement:
            return s(
                self.some(
                    [
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                    ]
                ),
                self.arn("sqs", self.name() + rng.choice(["", ".fifo"])),
            )

        def sns() -> Statement:
            topic = self.name()
            return rng.choice(
                [
                    s("sns:Publish", self.arn("sns", topic)),
                    s(
                        "sns:Subscribe",
                        self.arn("sns", topic),
                        {"StringEquals": {"sns:Protocol": "sqs"}},
                    ),
                ]
            )

        def cloudformation() -> Statement:
            return s(
                ["cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents"],
                self.arn("cloudformation", f"stack/{self.name()}/*"),
            )

        def xray() -> Statement:
            return s(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*")

        def deny_guard() -> Statement:
            return rng.choice(
                [
                    {
                        "Effect": "Deny",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*", "organizations:*"],
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": [r]}},
                    },
                    {
                        "Effect": "Deny",
                        "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"],
                        "Resource": "*",
                    },
                    {
                        "Effect": "Deny",
                        "Action": "s3:*",
                        "NotResource": [
                            f"arn:aws:s3:::{self.name()}",
                            f"arn:aws:s3:::{self.name()}/*",
                        ],
                    },
                ]
            )

        return {name: fn for name, fn in locals().items() if callable(fn) and name not in ("s",)}

    # ------------------------------------------------------------------ problems
    def problem_makers(self) -> dict[str, Callable[[], tuple[Statement, set[str]]]]:
        r, a, rng = self.region, self.account, self.rng
        table = self.arn("dynamodb", f"table/{self.name()}")

        def typo(action: str) -> str:
            prefix, name = action.split(":")
            cut = rng.randint(1, len(name) - 2)
            return f"{prefix}:{name[:cut]}{name[cut + 1 :]}"

        def allow(action: Any, resource: Any, **extra: Any) -> Statement:
            return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}

        def service_star():
            svc = rng.choice(["s3", "ec2", "iam", "kms", "logs", "ssm", "glue", "ecr", "states"])
            return allow(f"{svc}:*", "*"), {"action-wildcard", "resource-wildcard"}

        def star_star():
            return allow("*", "*"), {"action-wildcard", "resource-wildcard"}

        def get_star_on_star():
            svc = rng.choice(["s3", "dynamodb", "ssm", "secretsmanager"])
            return allow(f"{svc}:Get*", "*"), {"resource-wildcard"}

        def scopable_on_star():
            act = rng.choice(
                [
                    "dynamodb:PutItem",
                    "sqs:SendMessage",
                    "lambda:InvokeFunction",
                    "ec2:StartInstances",
                    "sns:Publish",
                ]
            )
            return allow(act, "*"), {"resource-wildcard"}

        def typo_action():
            base = rng.choice(
                [
                    "ec2:DescribeInstances",
                    "s3:GetObject",
                    "kms:Decrypt",
                    "logs:PutLogEvents",
                    "states:StartExecution",
                ]
            )
            return allow(typo(base), "*"), {"unknown-action"}

        def unknown_service():
            act = rng.choice(
                ["ec3:RunInstances", "lamda:InvokeFunction", "dynamo:GetItem", "s4:GetObject"]
            )
            return allow(act, "*"), {"unknown-service"}

        def wildcard_matching_nothing():
            return allow(rng.choice(["s3:Fly*", "ec2:*Banana", "kms:Re?ncrypt"]), "*"), {
                "unknown-action"
            }

        def other_service_arn():
            return (
                allow("sqs:SendMessage", self.arn("sns", self.name())),
                {"resource-mismatch"},
            )

        def object_action_on_bucket():
            return allow("s3:GetObject", f"arn:aws:s3:::{self.name()}"), {"resource-mismatch"}

        def bucket_action_on_object():
            return allow("s3:ListBucket", f"arn:aws:s3:::{self.name()}/*"), {"resource-mismatch"}

        def s3_with_region():
            return allow("s3:GetObject", f"arn:aws:s3:{r}:{a}:{self.name()}/*"), {
                "resource-mismatch"
            }

        def kms_crypto_on_alias():
            return allow("kms:Decrypt", self.arn("kms", f"alias/{self.name()}")), {
                "resource-mismatch"
            }

        def lambda_layer_on_function():
            return (
                allow("lambda:GetLayerVersion", self.arn("lambda", f"function:{self.name()}")),
                {"resource-mismatch"},
            )

        def logs_stream_action_on_group():
            # PutLogEvents acts on a log-stream: the group ARN (no :* or :log-stream:) misses it
            return (
                allow(
                    "logs:PutLogEvents", self.arn("logs", f"log-group:/aws/lambda/{self.name()}")
                ),
                {"resource-mismatch"},
            )

        def iam_with_region():
            return (  # IAM ARNs have no Region: an ARN-grammar error
                allow("iam:GetRole", f"arn:aws:iam:{r}:{a}:role/{self.name()}"),
                {"invalid-grammar"},
            )

        def star_only_action_on_arn():
            act = rng.choice(
                ["ec2:DescribeInstances", "s3:ListAllMyBuckets", "sts:GetCallerIdentity"]
            )
            return allow(act, self.arn("ec2", f"instance/i-{self.hexid()}")), {"resource-mismatch"}

        def passrole_star():
            return allow("iam:PassRole", "*"), {"passrole-unscoped", "resource-wildcard"}

        def passrole_no_condition():
            return (
                allow("iam:PassRole", f"arn:aws:iam::{a}:role/{self.name()}"),
                {"passrole-unscoped"},
            )

        def passrole_lambda_escalation():
            return (
                allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
                {"passrole-unscoped", "privilege-escalation", "resource-wildcard"},
            )

        def attach_role_policy():
            return (
                allow("iam:AttachRolePolicy", f"arn:aws:iam::{a}:role/*"),
                {"privilege-escalation"},
            )

        def create_policy_version():
            return (
                allow("iam:CreatePolicyVersion", f"arn:aws:iam::{a}:policy/{self.name()}"),
                {"privilege-escalation"},
            )

        def update_any_function():
            return (
                allow("lambda:UpdateFunctionCode", self.arn("lambda", "function:*")),
                {"privilege-escalation"},
            )

        def secrets_everywhere():
            return (
                allow("secretsmanager:GetSecretValue", self.arn("secretsmanager", "secret:*")),
                {"data-exfiltration"},
            )

        def all_objects():
            return allow("s3:GetObject", "arn:aws:s3:::*/*"), {"data-exfiltration"}

        def not_action_allow():
            return (
                {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
                {"action-wildcard", "resource-wildcard"},
            )

        def bad_operator():
            op = rng.choice(
                [
                    "StringEqual",
                    "StringEqualsIfExist",
                    "ForAnyValues:StringLike",
                    "NumericLessThen",
                    "Boolean",
                    "ArnMatch",
                ]
            )
            return (
                allow("dynamodb:GetItem", table, Condition={op: {"aws:SourceVpc": "vpc-1"}}),
                {"invalid-condition-operator"},
            )

        def null_if_exists():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={"NullIfExists": {"aws:TokenIssueTime": "true"}},
                ),
                {"invalid-condition-operator"},
            )

        def unknown_global_key():
            key = rng.choice(
                [
                    "aws:SourceIpAddress",
                    "aws:RequestedRegions",
                    "aws:PrincipleTag/team",
                    "aws:MFAPresent",
                ]
            )
            return (
                allow("dynamodb:GetItem", table, Condition={"StringEquals": {key: "x"}}),
                {"unknown-condition-key"},
            )

        def unknown_service_key():
            key, act, res = rng.choice(
                [
                    ("s3:prefx", "s3:ListBucket", f"arn:aws:s3:::{self.name()}"),
                    ("ec2:InstanceTyp", "ec2:RunInstances", self.arn("ec2", "instance/*")),
                    ("kms:ViaServices", "kms:Decrypt", self.arn("kms", "key/abc")),
                    ("dynamodb:LeadingKey", "dynamodb:Query", table),
                ]
            )
            return (
                allow(act, res, Condition={"StringLike": {key: "x*"}}),
                {"unknown-condition-key"},
            )

        def key_of_other_action():
            return (
                allow(
                    "s3:GetObject",
                    f"arn:aws:s3:::{self.name()}/*",
                    Condition={"StringLike": {"s3:prefix": "home/*"}},
                ),
                {"unknown-condition-key"},
            )

        def key_of_other_service():
            return (
                allow(
                    "sqs:SendMessage",
                    self.arn("sqs", self.name()),
                    Condition={"StringEquals": {"s3:prefix": "a"}},
                ),
                {"unknown-condition-key"},
            )

        def bool_not_boolean():
            return (
                allow(
                    "dynamodb:GetItem", table, Condition={"Bool": {"aws:SecureTransport": "yes"}}
                ),
                {"invalid-grammar"},
            )

        def effect_case():
            return {
                "Effect": rng.choice(["allow", "ALLOW", "Permit"]),
                "Action": "dynamodb:GetItem",
                "Resource": table,
            }, {"invalid-grammar"}

        def no_effect():
            return {"Action": "dynamodb:GetItem", "Resource": table}, {"invalid-grammar"}

        def no_resource():
            return {"Effect": "Allow", "Action": "dynamodb:GetItem"}, {"invalid-grammar"}

        def no_action():
            return {"Effect": "Allow", "Resource": table}, {"invalid-grammar"}

        def action_and_not_action():
            return (
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "NotAction": "s3:*",
                    "Resource": table,
                },
                {"invalid-grammar"},
            )

        def resource_and_not_resource():
            return (
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": table,
                    "NotResource": "*",
                },
                {"invalid-grammar"},
            )

        def principal_in_identity():
            return (
                allow("dynamodb:GetItem", table, Principal={"AWS": f"arn:aws:iam::{a}:root"}),
                {"invalid-grammar"},
            )

        def action_wrong_type():
            return allow(rng.choice([42, {"s3": "GetObject"}, True, None]), table), {
                "invalid-grammar"
            }

        def action_entry_wrong_type():
            return allow(["dynamodb:GetItem", 7], table), {"invalid-grammar"}

        def empty_action():
            return allow([], table), {"invalid-grammar"}

        def empty_resource():
            return allow("dynamodb:GetItem", []), {"invalid-grammar"}

        def resource_wrong_type():
            return allow("dynamodb:GetItem", rng.choice([{"arn": table}, 12, False])), {
                "invalid-grammar"
            }

        def not_an_arn():
            return allow(
                "s3:GetObject", rng.choice(["my-bucket/*", "s3://bucket/key", "table/Orders"])
            ), {"invalid-grammar"}

        def short_arn():
            return allow("dynamodb:GetItem", f"arn:aws:dynamodb:{r}:{a}"), {"invalid-grammar"}

        def action_without_prefix():
            return allow(
                rng.choice(["GetObject", "s3GetObject", "s3:Get Object", "s3::GetObject"]), "*"
            ), {"invalid-grammar"}

        def unknown_element():
            key = rng.choice(["Actions", "Resources", "effect", "Conditions", "Principals"])
            st = allow("dynamodb:GetItem", table)
            st[key] = "x"
            return st, {"invalid-grammar"}

        def condition_not_object():
            return allow("dynamodb:GetItem", table, Condition=["aws:SecureTransport"]), {
                "invalid-grammar"
            }

        def condition_empty_values():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={"StringEquals": {"aws:RequestedRegion": []}},
                ),
                {"invalid-grammar"},
            )

        def condition_value_object():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={"StringEquals": {"aws:RequestedRegion": {"a": 1}}},
                ),
                {"invalid-grammar"},
            )

        def condition_operator_empty():
            return allow("dynamodb:GetItem", table, Condition={"StringEquals": {}}), {
                "invalid-grammar"
            }

        def sid_not_alnum():
            return allow(
                "dynamodb:GetItem",
                table,
                Sid=rng.choice(["read table", "read-table", "read_table"]),
            ), {"invalid-grammar"}

        def bad_partition():
            return allow(
                "sqs:SendMessage", f"arn:{rng.choice(['amazon', 'aws-eu', 'AWS'])}:sqs:{r}:{a}:q"
            ), {"invalid-grammar"}

        def service_upper_case():
            return allow("sqs:SendMessage", f"arn:aws:SQS:{r}:{a}:q"), {"invalid-grammar"}

        def bad_region():
            return allow(
                "sqs:SendMessage",
                f"arn:aws:sqs:{rng.choice(['useast1', 'us-east', 'US-EAST-1'])}:{a}:q",
            ), {"invalid-grammar"}

        def bad_account():
            return allow(
                "sqs:SendMessage",
                f"arn:aws:sqs:{r}:{rng.choice(['12345', 'acct', '1234567890123'])}:q",
            ), {"invalid-grammar"}

        def missing_region():
            return allow("lambda:InvokeFunction", f"arn:aws:lambda::{a}:function:{self.name()}"), {
                "invalid-grammar"
            }

        def arn_too_short():
            return allow(
                "s3:GetObject", rng.choice(["arn:aws:s3:*", "arn:aws:s3", "Arn:aws:s3:::b/*"])
            ), {"invalid-grammar"}

        def variable_unclosed():
            return allow("s3:GetObject", f"arn:aws:s3:::{self.name()}/${{aws:username/*"), {
                "invalid-grammar"
            }

        def variable_empty_or_spaced():
            return allow(
                "s3:GetObject",
                f"arn:aws:s3:::{self.name()}/" + rng.choice(["${}/*", "${aws: username}/*"]),
            ), {"invalid-grammar"}

        def variable_in_numeric():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:username}"}},
                ),
                {"invalid-grammar"},
            )

        def bool_two_values():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={"Bool": {"aws:SecureTransport": ["true", "false"]}},
                ),
                {"invalid-grammar"},
            )

        def value_of_wrong_type():
            op, key, value = rng.choice(
                [
                    ("NumericLessThan", "aws:MultiFactorAuthAge", "an hour"),
                    ("DateGreaterThan", "aws:CurrentTime", "yesterday"),
                    ("IpAddress", "aws:SourceIp", "10.0.0.300/8"),
                ]
            )
            return allow("dynamodb:GetItem", table, Condition={op: {key: value}}), {
                "invalid-grammar"
            }

        def condition_key_twice():
            return (
                allow(
                    "dynamodb:GetItem",
                    table,
                    Condition={
                        "StringEquals": {
                            "aws:RequestedRegion": r,
                            "aws:requestedregion": "us-east-1",
                        }
                    },
                ),
                {"invalid-grammar"},
            )

        def sid_wrong_type():
            return allow("dynamodb:GetItem", table, Sid=rng.choice([1, ["a"], None])), {
                "invalid-grammar"
            }

        return {
            name: fn
            for name, fn in locals().items()
            if callable(fn) and name not in ("typo", "allow")
        }

    # ------------------------------------------------------------------ documents
    def identity(self, problems: int) -> Sample:
        rng = self.rng
        makers = self.tight_makers()
        kinds = rng.sample(sorted(makers), k=rng.randint(1, 5))
        statements = [self.maybe_global(makers[k]()) for k in kinds]
        planted: set[str] = set()
        if problems:
            pm = self.problem_makers()
            for k in rng.sample(sorted(pm), k=problems):
                st, codes = pm[k]()
                statements.append(st)
                planted |= codes
                kinds.append(k)
        order = list(range(len(statements)))
        rng.shuffle(order)
        statements = [statements[i] for i in order]
        kinds = [kinds[i] for i in order]
        for j, st in enumerate(statements):
            if "Sid" not in st and rng.random() < 0.5:
                st["Sid"] = f"S{j}{self.word().capitalize()}"
        document: dict[str, Any] = {"Version": "2012-10-17", "Statement": statements}
        if len(statements) == 1 and rng.random() < 0.2:
            document["Statement"] = statements[0]
        sample = Sample("", document, "identity", not planted, planted, kinds=kinds)
        if problems and rng.random() < 0.35:
            self.break_document(sample)
        return sample

    def break_document(self, sample: Sample) -> None:
        """A mistake at the document level (grammar only)."""
        rng = self.rng
        doc = sample.document
        statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        choice = rng.choice(
            [
                "no-version",
                "bad-version",
                "number-version",
                "duplicate-sid",
                "empty-statements",
                "statement-string",
                "unknown-top",
                "duplicate-json-key",
                "id-not-string",
                "no-statement",
            ]
        )
        sample.kinds.append(choice)
        sample.planted.add("invalid-grammar")
        sample.tight = False
        if choice == "no-version":
            del doc["Version"]
        elif choice == "bad-version":
            doc["Version"] = rng.choice(
                ["2012-10-18", "2012-10-17 ", "latest", "2008-10-17T00:00:00Z"]
            )
        elif choice == "number-version":
            doc["Version"] = rng.choice([2012, 20121017, None])
        elif choice == "duplicate-sid":
            if len(statements) < 2:
                statements.append(dict(statements[0]))
                doc["Statement"] = statements
            statements[0]["Sid"] = "Same"
            statements[1]["Sid"] = "Same"
        elif choice == "empty-statements":
            doc["Statement"] = []
            sample.planted = {"invalid-grammar"}
        elif choice == "statement-string":
            doc["Statement"] = "Allow everything"
            sample.planted = {"invalid-grammar"}
        elif choice == "unknown-top":
            doc[rng.choice(["Statements", "version", "Description"])] = "x"
        elif choice == "duplicate-json-key":
            text = json.dumps(doc, indent=2)
            sample.raw = text.replace('"Version": ', '"Version": "2012-10-17",\n  "Version": ', 1)
            if sample.raw == text:
                sample.raw = '{"Statement": [], "Statement": []}'
                sample.planted = {"invalid-grammar"}
        elif choice == "id-not-string":
            doc["Id"] = rng.choice([1, ["a"], {"x": 1}])
        elif choice == "no-statement":
            del doc["Statement"]
            sample.planted = {"invalid-grammar"}

    def trust(self) -> Sample:
        """A role trust policy, tight or with one known problem."""
        rng = self.rng
        a = self.account
        service = rng.choice(
            ["lambda", "ec2", "ecs-tasks", "states", "events", "glue", "scheduler"]
        )
        kind = rng.choice(
            [
                "service",
                "service",
                "service-arn",
                "account",
                "role",
                "github",
                "cognito",
                "saml",
                "external-id",
                "service-no-source",
                "star",
                "aws-star",
                "not-principal",
                "principal-bad-key",
                "principal-wildcard-arn",
                "principal-bad-service",
                "principal-canonical-user",
                "resource-in-trust",
                "non-sts-action",
                "no-principal",
            ]
        )
        planted: set[str] = set()
        st: Statement = {"Effect": "Allow", "Action": "sts:AssumeRole"}
        if kind == "service":
            st["Principal"] = {"Service": f"{service}.amazonaws.com"}
            st["Condition"] = {"StringEquals": {"aws:SourceAccount": a}}
        elif kind == "service-arn":
            st["Principal"] = {"Service": [f"{service}.amazonaws.com"]}
            st["Condition"] = {
                "ArnLike": {"aws:SourceArn": f"arn:aws:{service}:{self.region}:{a}:*"},
                "StringEquals": {"aws:SourceAccount": a},
            }
        elif kind == "account":
            st["Principal"] = {"AWS": rng.choice([a, f"arn:aws:iam::{a}:root"])}
        elif kind == "role":
            st["Principal"] = {"AWS": [f"arn:aws:iam::{a}:role/{self.name()}"]}
            st["Action"] = ["sts:AssumeRole", "sts:TagSession"]
        elif kind == "github":
            st["Principal"] = {
                "Federated": f"arn:aws:iam::{a}:oidc-provider/token.actions.githubusercontent.com"
            }
            st["Action"] = "sts:AssumeRoleWithWebIdentity"
            st["Condition"] = {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/app:*"},
            }
        elif kind == "cognito":
            st["Principal"] = {"Federated": "cognito-identity.amazonaws.com"}
            st["Action"] = "sts:AssumeRoleWithWebIdentity"
            st["Condition"] = {
                "StringEquals": {
                    "cognito-identity.amazonaws.com:aud": f"{self.region}:1234abcd-12ab-34cd-56ef-1234567890ab"
                },
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            }
        elif kind == "saml":
            st["Principal"] = {"Federated": f"arn:aws:iam::{a}:saml-provider/Okta"}
            st["Action"] = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
            st["Condition"] = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        elif kind == "external-id":
            other = "".join(rng.choice("0123456789") for _ in range(12))
            st["Principal"] = {"AWS": f"arn:aws:iam::{other}:root"}
            st["Condition"] = {"StringEquals": {"sts:ExternalId": self.hexid(12)}}
        elif kind == "service-no-source":
            st["Principal"] = {"Service": f"{service}.amazonaws.com"}
            planted = {"trust-missing-source-account"}
        elif kind == "star":
            st["Principal"] = "*"
            planted = {"trust-principal-wildcard"}
        elif kind == "aws-star":
            st["Principal"] = {"AWS": "*"}
            planted = {"trust-principal-wildcard"}
        elif kind == "not-principal":
            st["NotPrincipal"] = {"AWS": f"arn:aws:iam::{a}:root"}
            planted = {"invalid-grammar"}
        elif kind == "principal-bad-key":
            st["Principal"] = {rng.choice(["Aws", "Services", "User"]): f"arn:aws:iam::{a}:root"}
            planted = {"invalid-grammar"}
        elif kind == "principal-wildcard-arn":
            st["Principal"] = {"AWS": f"arn:aws:iam::{a}:role/*"}
            planted = {"invalid-grammar"}
        elif kind == "principal-bad-service":
            st["Principal"] = {
                "Service": rng.choice(["lambda", "*.amazonaws.com", "arn:aws:lambda"])
            }
            planted = {"invalid-grammar"}
        elif kind == "principal-canonical-user":
            st["Principal"] = {"CanonicalUser": self.hexid(64)}
            planted = {"invalid-grammar"}
        elif kind == "resource-in-trust":
            st["Principal"] = {"AWS": f"arn:aws:iam::{a}:root"}
            st["Resource"] = "*"
            planted = {"invalid-grammar"}
        elif kind == "non-sts-action":
            st["Principal"] = {"AWS": f"arn:aws:iam::{a}:root"}
            st["Action"] = ["sts:AssumeRole", "s3:GetObject"]
            planted = {"invalid-grammar"}
        elif kind == "no-principal":
            # detected as an identity policy without a Principal; with the trust type forced
            # it is a trust statement that names nobody
            st["Condition"] = {"StringEquals": {"aws:SourceAccount": a}}
            planted = {"invalid-grammar"}
        if rng.random() < 0.5:
            st["Sid"] = rng.choice(["TrustLambda", "Trust-1", "allow assume"])
        return Sample(
            "",
            {"Version": "2012-10-17", "Statement": [st]},
            "trust",
            not planted,
            planted,
            kinds=[f"trust-{kind}"],
        )


def generate(
    count: int = 1000, seed: int = 11, *, broken: float = 0.5, trust: float = 0.15
) -> list[Sample]:
    """``count`` samples (the same for the same seed): about ``trust`` of them trust policies,
    about ``broken`` of the identity policies with one to three problems."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        gen = _Gen(rng)
        if rng.random() < trust:
            sample = gen.trust()
        else:
            sample = gen.identity(rng.randint(1, 3) if rng.random() < broken else 0)
        sample.name = f"wide-{seed}-{i:05d}.json"
        out.append(sample)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    for sample in generate(args.count, args.seed):
        print(
            f"# {sample.name} {sample.type} tight={sample.tight} planted={sorted(sample.planted)}"
        )
        print(f"# kinds: {', '.join(sample.kinds)}")
        print(sample.text)


if __name__ == "__main__":
    main()
