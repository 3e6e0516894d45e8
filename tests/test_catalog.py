"""The service-action catalog (catalogs/kinds.yaml) checked against the AWS IAM reference and
against the AWS SAM policy templates and AWS managed policies each profile names."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from wizard.catalog.kinds import Catalog, Profile, StatementTemplate, catalog, render
from wizard.catalog.reference import Action, reference
from wizard.spec import ResolvedResource, RoleSpec, resolve_resources
from wizard.targets import resolve_target, target_key_values

ACCOUNT = "123456789012"
REGION = "eu-west-1"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# Facts: the action lists of the AWS SAM policy templates (samtranslator
# policy_templates_data/policy_templates.json, aws-sam-translator 1.x) and of the AWS managed
# policies the catalog names. Copied here so the suite does not depend on those packages.
REFERENCE_POLICIES: dict[str, list[str]] = {
    # AWS SAM policy templates
    "DynamoDBReadPolicy": ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
    "DynamoDBCrudPolicy": ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"],
    "DynamoDBWritePolicy": ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    "DynamoDBStreamReadPolicy": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
    "S3ReadPolicy": ["s3:GetBucketLocation", "s3:GetLifecycleConfiguration", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
    "S3WritePolicy": ["s3:PutLifecycleConfiguration", "s3:PutObject", "s3:PutObjectAcl"],
    "S3CrudPolicy": ["s3:DeleteObject", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:PutLifecycleConfiguration", "s3:PutObject", "s3:PutObjectAcl"],
    "SQSPollerPolicy": ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    "SQSSendMessagePolicy": ["sqs:SendMessage*"],
    "SNSPublishMessagePolicy": ["sns:Publish"],
    "KMSDecryptPolicy": ["kms:Decrypt"],
    "KMSEncryptPolicy": ["kms:Encrypt"],
    # Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys": uploading an
    # SSE-KMS object needs kms:GenerateDataKey on the key, downloading it (and multipart
    # uploads) kms:Decrypt; SQS and SNS server-side encryption need the same pair of a producer.
    "SSE-KMS data keys": ["kms:Decrypt", "kms:GenerateDataKey"],
    # Lambda Developer Guide: the execution role's permissions for a dead-letter queue or topic,
    # destinations and on-failure destinations ("Capturing records of Lambda asynchronous
    # invocations", "Capturing discarded batches ..."), and for a destination encrypted with a
    # KMS key (SQS and SNS kms:Decrypt and kms:GenerateDataKey, S3 kms:GenerateDataKey).
    "Lambda Developer Guide": ["sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction", "events:PutEvents", "s3:PutObject", "s3:ListBucket", "kms:Decrypt", "kms:GenerateDataKey"],
    "AWSSecretsManagerGetSecretValuePolicy": ["secretsmanager:GetSecretValue"],
    "SSMParameterReadPolicy": ["ssm:DescribeParameters", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
    "KinesisStreamReadPolicy": ["kinesis:DescribeLimits", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListStreams"],
    "KinesisCrudPolicy": ["kinesis:AddTagsToStream", "kinesis:CreateStream", "kinesis:DecreaseStreamRetentionPeriod", "kinesis:DeleteStream", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:IncreaseStreamRetentionPeriod", "kinesis:ListTagsForStream", "kinesis:MergeShards", "kinesis:PutRecord", "kinesis:PutRecords", "kinesis:RemoveTagsFromStream", "kinesis:SplitShard"],
    "EventBridgePutEventsPolicy": ["events:PutEvents"],
    "StepFunctionsExecutionPolicy": ["states:StartExecution"],
    "LambdaInvokePolicy": ["lambda:InvokeFunction"],
    # AWS CDK grants (aws-cdk-lib: aws-s3 lib/perms.ts, aws-sqs lib/queue-base.ts)
    "CDK Bucket.grantPut": ["s3:Abort*", "s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
    "CDK Bucket.grantReadWrite": ["s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
    "CDK Queue.grantSendMessages": ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
    "SESCrudPolicy": ["ses:GetIdentityVerificationAttributes", "ses:SendEmail", "ses:SendRawEmail", "ses:VerifyEmailIdentity"],
    "FirehoseWritePolicy": ["firehose:PutRecord", "firehose:PutRecordBatch"],
    "CloudWatchPutMetricPolicy": ["cloudwatch:PutMetricData"],
    # AWS CDK grants (aws-cdk-lib and aws-bedrock-alpha) where SAM has no template.
    "CDK bedrock grantInvoke": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
    "WebSocketApi.grantManageConnections": ["execute-api:ManageConnections"],
    "GraphqlApi.grantQuery": ["appsync:GraphQL"],
    "GraphqlApi.grantMutation": ["appsync:GraphQL"],
    "Role.grantAssumeRole": ["sts:AssumeRole"],
    "ScheduleGroup.grantWriteSchedules": ["scheduler:CreateSchedule", "scheduler:UpdateSchedule"],
    "grantReadSchedules": ["scheduler:GetSchedule", "scheduler:ListSchedules"],
    "grantDeleteSchedules": ["scheduler:DeleteSchedule"],
    "Role.grantPassRole": ["iam:PassRole"],
    "AthenaQueryPolicy": ["athena:ListWorkGroups", "athena:GetExecutionEngine", "athena:GetExecutionEngines", "athena:GetNamespace", "athena:GetCatalogs", "athena:GetNamespaces", "athena:GetTables", "athena:GetTable", "athena:StartQueryExecution", "athena:GetQueryResults", "athena:DeleteNamedQuery", "athena:GetNamedQuery", "athena:ListQueryExecutions", "athena:StopQueryExecution", "athena:GetQueryResultsStream", "athena:ListNamedQueries", "athena:CreateNamedQuery", "athena:GetQueryExecution", "athena:BatchGetNamedQuery", "athena:BatchGetQueryExecution", "athena:GetWorkGroup"],
    # Athena User Guide: the query results location's S3 actions, and the Glue Data Catalog reads
    # of fine-grained access to databases and tables.
    "Athena results location": ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:PutObject"],
    "Athena Glue reads": ["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetDatabases", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
    "ServerlessCluster.grantDataApiAccess": ["rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction", "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
    "AWSLambdaMSKExecutionRole": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    # Lambda Developer Guide, Amazon MSK with IAM access control: the event poller's reads.
    "Lambda MSK IAM access": ["kafka-cluster:AlterGroup", "kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration", "kafka-cluster:DescribeGroup", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
    # Lambda Developer Guide, Amazon MQ event source mapping: the execution role's permissions.
    "Lambda MQ execution role permissions": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "mq:DescribeBroker", "secretsmanager:GetSecretValue"],
    "EFSWriteAccessPolicy": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    "DatabaseInstance.grantConnect": ["rds-db:connect"],
    "Environment.grantReadConfig": ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"],
    # AWS managed policies (docs.aws.amazon.com/aws-managed-policy/latest/reference/)
    "AWSLambdaBasicExecutionRole": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    # Lambda Developer Guide, Kinesis "Configuring dedicated throughput consumers" (enhanced
    # fan-out): the execution role's actions on the consumer.
    "Lambda Kinesis enhanced fan-out": ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"],
    "AWSLambdaKinesisExecutionRole": ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "AWSLambdaVPCAccessExecutionRole": ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "AWSXrayWriteOnlyAccess": ["xray:GetSamplingRules", "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"],
    "CloudWatchLogsReadOnlyAccess": ["logs:Describe*", "logs:FilterLogEvents", "logs:Get*", "logs:List*", "logs:StartLiveTail", "logs:StartQuery", "logs:StopLiveTail", "logs:StopQuery", "logs:TestMetricFilter"],
}  # fmt: skip

# Each profile and feature -> the reference policies it must stay within (their union).
PROFILE_REFERENCES: dict[str, tuple[str, ...]] = {
    "dynamodb-table/read": ("DynamoDBReadPolicy",),
    "dynamodb-table/write": ("DynamoDBWritePolicy",),
    "dynamodb-table/read-write": ("DynamoDBCrudPolicy",),
    "dynamodb-stream/consume": ("DynamoDBStreamReadPolicy",),
    "s3-prefix/read": ("S3ReadPolicy",),
    "s3-prefix/write": ("S3WritePolicy", "CDK Bucket.grantPut"),
    "s3-prefix/read-write": ("S3CrudPolicy", "CDK Bucket.grantReadWrite"),
    "log-group/write": ("AWSLambdaBasicExecutionRole",),
    "log-group/read": ("CloudWatchLogsReadOnlyAccess",),
    "sqs-queue/send": ("SQSSendMessagePolicy", "CDK Queue.grantSendMessages"),
    "sqs-queue/consume": ("SQSPollerPolicy",),
    "sns-topic/publish": ("SNSPublishMessagePolicy",),
    "kms-key/decrypt": ("KMSDecryptPolicy",),
    "kms-key/encrypt": ("KMSEncryptPolicy",),
    "kms-key/encrypt-decrypt": ("KMSDecryptPolicy", "KMSEncryptPolicy"),
    "kms-key/data-key": ("SSE-KMS data keys",),
    "secretsmanager-secret/read": ("AWSSecretsManagerGetSecretValuePolicy",),
    "ssm-parameter/read": ("SSMParameterReadPolicy",),
    # Lambda's Kinesis event source mapping needs ListShards and SubscribeToShard, which SAM's
    # KinesisStreamReadPolicy lacks; the profile names the Lambda managed policy instead.
    "kinesis-stream/consume": ("AWSLambdaKinesisExecutionRole", "Lambda Kinesis enhanced fan-out"),
    "kinesis-stream/produce": ("KinesisCrudPolicy",),
    "eventbridge-bus/put-events": ("EventBridgePutEventsPolicy",),
    "stepfunctions-state-machine/start": ("StepFunctionsExecutionPolicy",),
    "lambda-function/invoke": ("LambdaInvokePolicy",),
    "bedrock-model/invoke": ("CDK bedrock grantInvoke",),
    "ses-identity/send": ("SESCrudPolicy",),
    "firehose-stream/put": ("FirehoseWritePolicy",),
    "cloudwatch-metrics/put": ("CloudWatchPutMetricPolicy",),
    "apigateway-websocket/post": ("WebSocketApi.grantManageConnections",),
    "apigateway-websocket/manage": ("WebSocketApi.grantManageConnections",),
    "appsync-api/query": ("GraphqlApi.grantQuery",),
    "appsync-api/mutate": ("GraphqlApi.grantMutation",),
    "appsync-api/query-mutate": ("GraphqlApi.grantQuery", "GraphqlApi.grantMutation"),
    "sts-role/assume": ("Role.grantAssumeRole",),
    "rds-db-user/connect": ("DatabaseInstance.grantConnect",),
    "mq-broker/consume": ("Lambda MQ execution role permissions",),
    "msk-cluster/consume": ("AWSLambdaMSKExecutionRole", "Lambda MSK IAM access"),
    "rds-data-cluster/execute": (
        "ServerlessCluster.grantDataApiAccess",
        "AWSSecretsManagerGetSecretValuePolicy",
    ),  # fmt: skip
    "athena-workgroup/query": ("AthenaQueryPolicy", "Athena results location", "Athena Glue reads"),
    "efs-access-point/read": ("EFSWriteAccessPolicy",),
    "efs-access-point/read-write": ("EFSWriteAccessPolicy",),
    "appconfig-profile/read": ("Environment.grantReadConfig",),
    "scheduler-group/manage": (
        "ScheduleGroup.grantWriteSchedules",
        "grantReadSchedules",
        "grantDeleteSchedules",
        "Role.grantPassRole",
    ),  # fmt: skip
    # The KMS statements of an encrypted resource (`encryption:` profiles, `kms_key` entries).
    **{
        f"{kind}/{profile}/kms": ("SSE-KMS data keys",)
        for kind, k in catalog().kinds.items()
        for profile in k.encryption
    },
    # The role-wide targets (`targets:`) and the key grants of encrypted ones.
    **{
        f"targets/{slot}/{kind}": ("Lambda Developer Guide",)
        for slot, t in catalog().targets.items()
        for kind in t.kinds
    },
    **{
        f"targets/{slot}/{kind}/kms": (
            "Lambda Developer Guide" if kind == "s3-prefix" else "SSE-KMS data keys",
        )
        for slot, t in catalog().targets.items()
        for kind, p in t.kinds.items()
        if p.encryption
    },
    "features/tracing": ("AWSXrayWriteOnlyAccess",),
    "features/vpc": ("AWSLambdaVPCAccessExecutionRole",),
}

# Sample resource entries: together they switch on every `when:` branch of every profile.
SAMPLES: dict[str, list[dict[str, str]]] = {
    "dynamodb-table": [{"name": "Orders"}, {"name": "Orders", "kms_key": KMS_KEY}],
    "dynamodb-stream": [
        {"table": "Orders"},
        {"table": "Orders", "label": "2024-01-01T00:00:00.000"},
        {"table": "Orders", "kms_key": KMS_KEY},
    ],
    "s3-prefix": [
        {"bucket": "uploads", "prefix": "incoming/"},
        {"bucket": "uploads"},
        {"bucket": "uploads", "prefix": "incoming/", "kms_key": KMS_KEY},
        {"bucket": "uploads", "key": "config/settings.json"},
        {"bucket": "uploads", "key": "config/settings.json", "kms_key": KMS_KEY},
    ],
    "log-group": [{"name": "/aws/lambda/other"}, {"name": "/aws/lambda/other", "kms_key": KMS_KEY}],
    "sqs-queue": [
        {"name": "orders-events"},
        {"name": "orders.fifo"},
        {"name": "orders-events", "kms_key": KMS_KEY},
    ],
    "sns-topic": [{"name": "alerts"}, {"name": "alerts", "kms_key": KMS_KEY}],
    "kms-key": [
        {"id": "1234abcd-12ab-34cd-56ef-1234567890ab"},
        {"id": "mrk-1234abcd12ab34cd56ef1234567890ab", "via": "s3,sqs"},
    ],
    "secretsmanager-secret": [{"name": "orders/db"}, {"name": "orders/db", "kms_key": KMS_KEY}],
    "ssm-parameter": [
        {"name": "/app/config/url"},
        {"name": "/app/config/"},
        {"name": "/app/config/url", "kms_key": KMS_KEY},
        {"name": "/app/config/", "kms_key": KMS_KEY},
    ],
    "kinesis-stream": [
        {"name": "clicks"},
        {"name": "clicks", "consumer": "fan-out-1", "kms_key": KMS_KEY},
    ],
    "eventbridge-bus": [{"name": "default"}],
    "stepfunctions-state-machine": [{"name": "checkout"}],
    "lambda-function": [{"name": "other-fn"}],
    "bedrock-model": [
        {"model": "anthropic.claude-3-haiku-20240307-v1:0"},
        {
            "model": "anthropic.claude-3-haiku-20240307-v1:0",
            "inference_profile": "us.anthropic.claude-3-haiku-20240307-v1:0",
            "regions": "us-east-1,us-east-2,us-west-2",
        },
    ],
    "ses-identity": [
        {"identity": "example.com"},
        {"identity": "noreply@example.com", "configuration_set": "transactional"},
    ],
    "firehose-stream": [{"name": "clickstream"}],
    "cloudwatch-metrics": [{"namespace": "MyApp/Orders"}],
    "apigateway-websocket": [{"api_id": "a1b2c3d4e5"}, {"api_id": "a1b2c3d4e5", "stage": "prod"}],
    "appsync-api": [{"api_id": "z5fq4exyhbba5ny4qucbtx4bum"}],
    "mq-broker": [
        {"broker_id": "b-1234abcd-56ef-78ab-90cd-1234567890ab", "secret": "mq/creds"},
        {
            "broker_id": "b-1234abcd-56ef-78ab-90cd-1234567890ab",
            "secret": "mq/creds",
            "kms_key": KMS_KEY,
        },
    ],
    "msk-cluster": [
        {"name": "orders"},
        {"name": "orders", "uuid": "5a6b7c8d-1234-5678-9abc-def012345678-2"},
    ],
    "rds-data-cluster": [
        {"cluster": "orders-db", "secret": "orders/db"},
        {"cluster": "orders-db", "secret": "orders/db", "kms_key": KMS_KEY},
    ],
    "athena-workgroup": [
        {"workgroup": "primary", "database": "sales", "results_bucket": "athena-out"},
        {
            "workgroup": "analytics",
            "database": "sales",
            "results_bucket": "athena-out",
            "results_prefix": "q/",
        },
    ],
    "rds-db-user": [{"resource_id": "db-ABCDEFGHIJKLMNOPQRSTUVWXY1", "user": "app_user"}],
    "efs-access-point": [
        {"file_system_id": "fs-0123456789abcdef0", "access_point_id": "fsap-0123456789abcdef0"}
    ],  # fmt: skip
    "appconfig-profile": [
        {"application_id": "abc1234", "environment_id": "env5678", "profile_id": "prf9012"}
    ],  # fmt: skip
    "scheduler-group": [
        {"target_role": "scheduler-invoke"},
        {"group": "reminders", "target_role": "app/scheduler-invoke"},
    ],
    "sts-role": [
        {"role": "reader", "account_id": "210987654321"},
        {"role": "team/reader", "account_id": ACCOUNT},
    ],  # fmt: skip
}

# Kinds AWS offers no list call for: typed only. Every kind has one today (Bedrock's models and
# inference profiles, AppConfig's nested listings, the databases of rds-db-user and the metric
# namespaces are listed by wizard/aws/discover.py; custom has none and is not a catalog kind).
TYPED_ONLY: set[str] = set()

# The profiles that may grant an sts: or iam: action: assuming exactly the role named, and
# passing exactly a schedule's target role (to EventBridge Scheduler only).
STS_PROFILES = {"sts-role/assume": {"sts:AssumeRole"}, "scheduler-group/manage": {"iam:PassRole"}}

# Management actions no resource profile may grant, whatever SAM does.
MANAGEMENT_ACTIONS = {
    "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable",
    "dynamodb:CreateBackup", "dynamodb:UpdateTimeToLive", "dynamodb:CreateGlobalTable",
    "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration",
    "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
    "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:AddPermission",
    "sqs:PurgeQueue", "sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes",
    "sns:AddPermission", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion",
    "kms:DisableKey", "secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret",
    "secretsmanager:PutResourcePolicy", "ssm:PutParameter", "ssm:DeleteParameter",
    "kinesis:CreateStream", "kinesis:DeleteStream", "kinesis:UpdateShardCount",
    "events:PutRule", "events:PutTargets", "events:PutPermission",
    "states:DeleteStateMachine", "states:UpdateStateMachine", "lambda:DeleteFunction",
    "lambda:AddPermission", "lambda:UpdateFunctionCode", "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy", "logs:PutResourcePolicy",
}  # fmt: skip


def _profiles(cat: Catalog) -> Iterator[tuple[str, Profile]]:
    for kind_name, kind in cat.kinds.items():
        for profile_name, profile in kind.profiles.items():
            if kind_name != "custom":
                yield f"{kind_name}/{profile_name}", profile
        for profile_name, profile in kind.encryption.items():
            yield f"{kind_name}/{profile_name}/kms", profile
    for slot, target in cat.targets.items():
        for kind_name, tprofile in target.kinds.items():
            yield f"targets/{slot}/{kind_name}", tprofile
            if tprofile.encryption:
                yield f"targets/{slot}/{kind_name}/kms", tprofile.encryption
    for name, profile in cat.features.items():
        yield f"features/{name}", profile


# A sample ARN of each kind a target may name.
TARGET_SAMPLES = {
    "sqs-queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq",
    "sns-topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:failures",
    "lambda-function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:next",
    "eventbridge-bus": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
    "s3-prefix": "arn:aws:s3:::failures",
}


def _target_values(group: str) -> list[dict[str, str]]:
    _targets, slot, kind_name, *kms = group.split("/")
    target = resolve_target(slot, TARGET_SAMPLES[kind_name])
    return [(target_key_values(target, KMS_KEY) if kms else target).values]


PROFILE_IDS = [name for name, _ in _profiles(catalog())]
TEMPLATE_IDS = [
    *(f"{name}/{t.sid}" for name, p in _profiles(catalog()) for t in p.statements),
    *(f"deployer/{t.sid}" for t in catalog().deployer.statements),
]


def _template(template_id: str) -> StatementTemplate:
    group, _, sid = template_id.rpartition("/")
    profile = catalog().deployer if group == "deployer" else dict(_profiles(catalog()))[group]
    return next(t for t in profile.statements if t.sid == sid)


def _sample_resolutions(kind_name: str, access: str) -> list[ResolvedResource]:
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACCOUNT,
            "region": REGION,
            "resources": [
                {"kind": kind_name, "access": access, **fields} for fields in SAMPLES[kind_name]
            ],
        }
    )
    return resolve_resources(spec)


def _rendered(template_id: str) -> list[str]:
    """Every resource the template renders to for the samples that switch it on."""
    group, _, _sid = template_id.rpartition("/")
    template = _template(template_id)
    base = {"Partition": "aws", "Region": REGION, "Account": ACCOUNT}
    if group == "deployer":
        values = [
            {
                **base,
                "role_arn": f"arn:aws:iam::{ACCOUNT}:role/fn-role",
                "function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn",
            }
        ]
    elif group.startswith("features/"):
        values = [base]
    elif group.startswith("targets/"):
        values = _target_values(group)
    else:
        kind_name, _, access = group.partition("/")
        kms = access.endswith("/kms")  # an encryption profile: the samples with a kms_key
        values = [
            each
            for r in _sample_resolutions(kind_name, access.removesuffix("/kms"))
            if template.applies(r.flags) and (not kms or "kms_key" in r.flags)
            for each in template.expansions(r.values)
        ]
    return sorted({render(res, v) for v in values for res in template.resources})


# --------------------------------------------------------------------------- ARN overlap

_SEGMENT_PLACEHOLDERS = ("${Partition}", "${Region}", "${Account}")


def _tokens_of_glob(arn: str) -> tuple[tuple[str, str], ...]:
    """A policy ARN: ``*`` any run, ``?`` one character, the rest literal."""
    out = []
    for ch in arn:
        out.append(("star", "") if ch == "*" else ("any", "") if ch == "?" else ("lit", ch))
    return tuple(out)


def _tokens_of_format(fmt: str) -> tuple[tuple[str, str], ...]:
    """A reference ARN format: account/region/partition match one segment ([^:]*), any other
    ``${Name}`` matches one or more characters."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(fmt):
        if fmt.startswith("${", i):
            end = fmt.index("}", i)
            if fmt[i : end + 1] in _SEGMENT_PLACEHOLDERS:
                out.append(("star", ":"))
            else:
                out += [("any", ""), ("star", "")]
            i = end + 1
        else:
            out.append(("lit", fmt[i]))
            i += 1
    return tuple(out)


def _overlap(a: tuple[tuple[str, str], ...], b: tuple[tuple[str, str], ...]) -> bool:
    """Whether some concrete string matches both token patterns."""

    @functools.cache
    def ok(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        ta = a[i] if i < len(a) else None
        tb = b[j] if j < len(b) else None
        if ta and ta[0] == "star" and ok(i + 1, j):
            return True
        if tb and tb[0] == "star" and ok(i, j + 1):
            return True
        if ta is None or tb is None or (ta[0] == "star" and tb[0] == "star"):
            return False
        if ta[0] == "lit" and tb[0] == "lit":
            fits = ta[1] == tb[1]
        elif ta[0] == "lit":
            fits = ta[1] not in tb[1]
        elif tb[0] == "lit":
            fits = tb[1] not in ta[1]
        else:
            fits = True
        return fits and ok(i if ta[0] == "star" else i + 1, j if tb[0] == "star" else j + 1)

    return ok(0, 0)


def _accepts(action: Action, arn: str) -> bool:
    """Some resource type of ``action`` describes at least one resource ``arn`` matches."""
    glob = _tokens_of_glob(arn)
    return any(
        _overlap(glob, _tokens_of_format(fmt))
        for rt in reference().resource_types_for(action)
        for fmt in rt.arn_formats
    )


def test_overlap_helper_tells_matching_arns_from_others():
    table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"
    fmt = _tokens_of_format
    assert _overlap(_tokens_of_glob("arn:aws:dynamodb:eu-west-1:123456789012:table/T"), fmt(table))
    assert not _overlap(_tokens_of_glob("arn:aws:sqs:eu-west-1:123456789012:T"), fmt(table))
    assert not _overlap(
        _tokens_of_glob("arn:aws:dynamodb:eu:west:1:123456789012:table/T"), fmt(table)
    )
    assert _overlap(_tokens_of_glob("arn:aws:logs:eu-west-1:1:log-group:/g:*"), fmt(stream))
    assert not _overlap(_tokens_of_glob("arn:aws:logs:eu-west-1:1:log-group:/g"), fmt(stream))


# --------------------------------------------------------------------------- the reference


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_action_exists_in_the_iam_reference_with_its_exact_name(template_id):
    for name in _template(template_id).actions:
        action = reference().action(name)
        assert action is not None, f"{template_id}: {name} is not in the IAM reference"
        assert action.full_name == name, f"{template_id}: spell {name} as {action.full_name}"


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_rendered_resource_is_accepted_by_each_action(template_id):
    template = _template(template_id)
    resources = _rendered(template_id)
    assert resources, f"{template_id}: no sample switches this statement on"
    for name in template.actions:
        action = reference().action(name)
        for arn in resources:
            if arn == "*":
                continue
            assert _accepts(action, arn), f"{template_id}: {name} takes no resource like {arn}"


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_star_resource_only_where_the_catalog_says_resource_wildcard(template_id):
    template = _template(template_id)
    assert ("*" in template.resources) == template.resource_wildcard
    if template.resource_wildcard:
        assert template.resources == ("*",)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_resource_wildcard_only_on_actions_without_resource_level_permissions(template_id):
    template = _template(template_id)
    for name in template.actions:
        # An action whose one resource type is optional (cloudwatch:PutMetricData) works on
        # no resource at all, so it too needs Resource "*".
        supports = reference().action(name).scopable
        assert supports != template.resource_wildcard, f"{template_id}: {name} " + (
            "supports resource-level permissions" if supports else "needs Resource '*'"
        )


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_catalog_actions_are_explicit_not_wildcards(template_id):
    assert not any("*" in a or "?" in a for a in _template(template_id).actions)


# --------------------------------------------------------------------------- tightness


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_no_profile_grants_resource_management(profile_id):
    profile = dict(_profiles(catalog()))[profile_id]
    for template in profile.statements:
        for name in template.actions:
            assert name not in MANAGEMENT_ACTIONS, f"{profile_id} grants {name}"
            if name not in STS_PROFILES.get(profile_id, ()):
                assert name.split(":")[0] not in ("iam", "sts", "organizations", "account")
            level = reference().action(name).access_level
            assert level not in ("Permissions management", "Tagging"), f"{name} is {level}"


def test_every_profile_names_a_reference_policy_in_this_test():
    assert set(PROFILE_IDS) == set(PROFILE_REFERENCES)


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_profile_summary_names_the_policy_it_is_compared_with(profile_id):
    summary = dict(_profiles(catalog()))[profile_id].summary
    for policy in PROFILE_REFERENCES[profile_id]:
        assert policy in summary, f"{profile_id}: the summary should name {policy}"


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_profile_is_no_looser_than_its_reference_policy(profile_id):
    allowed: set[str] = set()
    for policy in PROFILE_REFERENCES[profile_id]:
        for pattern in REFERENCE_POLICIES[policy]:
            # SAM lists a few API names that are no IAM action (sqs:DeleteMessageBatch):
            # they expand to nothing and allow nothing.
            allowed.update(a.full_name for a in reference().expand(pattern))
    granted = {a for t in dict(_profiles(catalog()))[profile_id].statements for a in t.actions}
    assert granted <= allowed, (
        f"{profile_id} grants {sorted(granted - allowed)} beyond its reference"
    )


def test_deployer_passes_only_to_lambda_and_deploys_only_lambda():
    statements = catalog().deployer.statements
    pass_role = [t for t in statements if "iam:PassRole" in t.actions]
    assert len(pass_role) == 1 and pass_role[0].actions == ("iam:PassRole",)
    assert pass_role[0].resources == ("${role_arn}",)
    assert pass_role[0].condition == {
        "StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com"]}
    }
    for template in statements:
        if template is not pass_role[0]:
            assert template.resources == ("${function_arn}",)
            assert all(a.startswith("lambda:") for a in template.actions)
            assert not set(template.actions) & MANAGEMENT_ACTIONS - {"lambda:UpdateFunctionCode"}


def test_envelope_denies_cover_escalation_paths():
    denied = {a for t in catalog().envelope_denies for a in t.actions}
    assert {"iam:*", "sts:AssumeRole", "organizations:*", "account:*"} <= denied
    assert all(t.resources == ("*",) for t in catalog().envelope_denies)
    # Only IAM and assuming a role are ever left out of a deny, for exact ARNs of kind entries.
    exempt = {t.actions for t in catalog().envelope_denies if t.except_granted}
    assert exempt == {("iam:*",), ("sts:AssumeRole",)}


def test_the_one_pass_role_grant_is_held_to_its_service():
    for profile_id, profile in _profiles(catalog()):
        for template in profile.statements:
            if "iam:PassRole" in template.actions:
                assert profile_id == "scheduler-group/manage"
                assert template.actions == ("iam:PassRole",)
                assert template.condition == {
                    "StringEquals": {"iam:PassedToService": ["scheduler.amazonaws.com"]}
                }


@pytest.mark.parametrize("kind_name", [k for k in catalog().kinds if k != "custom"])
def test_kind_default_access_and_discovery_are_set(kind_name):
    kind = catalog().kinds[kind_name]
    assert kind.default_access in kind.profiles
    assert (kind.discovery is None) == (kind_name in TYPED_ONLY)
    assert reference().service(kind.service) is not None
    if kind.arn is None:  # a kind named by condition only (a metrics namespace)
        assert kind.resource_type is None
        assert all(
            t.resources == ("*",) and t.condition
            for p in kind.profiles.values()
            for t in p.statements
        )
    else:
        assert reference().service(kind.service).resource_type(kind.resource_type) is not None


@pytest.mark.parametrize("kind_name", [k for k, kind in catalog().kinds.items() if kind.arn])
def test_kind_arn_forms_parse_back_what_they_render(kind_name):
    kind = catalog().kinds[kind_name]
    for resolved in _sample_resolutions(kind_name, kind.default_access):
        if any("*" in resolved.values.get(f, "") for f in kind.fields):
            continue  # a wildcard field (a stream's default label) is not given as an ARN
        rendered = render(kind.parse_forms[0], resolved.values)
        parsed = kind.parse_arn(rendered)
        assert parsed is not None, rendered
        assert all(resolved.values[k] == v for k, v in parsed.items() if k in resolved.values)
