"""The kinds of issue #12: each composed role allows the calls its profile promises and denies
a neighbour (another model, identity, stream, namespace, API id, method or stage), judged by
the project's evaluator on the identity policy together with each boundary choice."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.evaluate import ALLOWED, Evaluator
from wizard.spec import RoleSpec

ACC = "123456789012"
REGION = "us-east-1"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = f"us.{MODEL}"
PROFILE_ARN = f"arn:aws:bedrock:{REGION}:{ACC}:inference-profile/{PROFILE}"
WS = f"arn:aws:execute-api:{REGION}:{ACC}:a1b2c3d4e5"
GQL = f"arn:aws:appsync:{REGION}:{ACC}:apis/z5fq4exyhbba5ny4qucbtx4bum"

DBUSER = f"arn:aws:rds-db:{REGION}:{ACC}:dbuser"
FS_ID, AP_ID = "fs-0123456789abcdef0", "fsap-0123456789abcdef0"
FS = f"arn:aws:elasticfilesystem:{REGION}:{ACC}:file-system/{FS_ID}"
AP = f"arn:aws:elasticfilesystem:{REGION}:{ACC}:access-point/{AP_ID}"
APPCFG = f"arn:aws:appconfig:{REGION}:{ACC}:application/abc1234"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACC}:secret"
ATHENA = f"arn:aws:athena:{REGION}:{ACC}:workgroup"
GLUE = f"arn:aws:glue:{REGION}:{ACC}"
MSK, MSK_UUID = f"arn:aws:kafka:{REGION}:{ACC}", "5a6b7c8d-1234-5678-9abc-def012345678-2"
MQ, MQ_ID = f"arn:aws:mq:{REGION}:{ACC}:broker", "b-1234abcd-56ef-78ab-90cd-1234567890ab"
TARGET_ROLE = f"arn:aws:iam::{ACC}:role/app/invoke"
Call = tuple[str, str, dict[str, str]]  # action, resource, request context


def call(action: str, resource: str, **context: str) -> Call:
    return action, resource, {k.replace("__", ":"): v for k, v in context.items()}


def model_arn(model: str = MODEL, region: str = REGION) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


INVOKE = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")


@dataclass
class Case:
    entry: dict
    allowed: list[Call]
    denied: list[Call] = field(default_factory=list)


CASES: dict[str, Case] = {
    "bedrock-model": Case(
        {"kind": "bedrock-model", "model": MODEL},
        [call(a, model_arn()) for a in INVOKE],
        [
            call("bedrock:InvokeModel", model_arn("amazon.titan-text-express-v1")),
            call("bedrock:InvokeModel", model_arn(region="us-west-2")),
            call("bedrock:InvokeModel", PROFILE_ARN),
        ],
    ),
    "bedrock-model-profile": Case(
        {
            "kind": "bedrock-model",
            "model": MODEL,
            "inference_profile": PROFILE,
            "regions": "us-east-1,us-east-2,us-west-2",
        },
        [
            *(call(a, PROFILE_ARN) for a in INVOKE),
            *(
                call(a, model_arn(region=r), bedrock__InferenceProfileArn=PROFILE_ARN)
                for a in INVOKE
                for r in ("us-east-1", "us-east-2", "us-west-2")
            ),
        ],
        [
            call("bedrock:InvokeModel", model_arn(region="us-east-2")),  # not through the profile
            call(
                "bedrock:InvokeModel",
                model_arn(region="eu-west-1"),
                bedrock__InferenceProfileArn=PROFILE_ARN,
            ),  # fmt: skip
            call("bedrock:InvokeModel", PROFILE_ARN.replace("us.", "eu.")),
            call(
                "bedrock:InvokeModel",
                model_arn("amazon.titan-text-express-v1"),
                bedrock__InferenceProfileArn=PROFILE_ARN,
            ),  # fmt: skip
        ],
    ),
    "ses-identity": Case(
        {"kind": "ses-identity", "identity": "example.com", "configuration_set": "tx"},
        [
            call("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACC}:identity/example.com"),
            call("ses:SendRawEmail", f"arn:aws:ses:{REGION}:{ACC}:identity/example.com"),
            call("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACC}:configuration-set/tx"),
        ],
        [
            call("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACC}:identity/example.org"),
            call("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACC}:configuration-set/other"),
            call("ses:VerifyEmailIdentity", f"arn:aws:ses:{REGION}:{ACC}:identity/example.com"),
        ],
    ),
    "firehose-stream": Case(
        {"kind": "firehose-stream", "name": "clicks"},
        [
            call("firehose:PutRecord", f"arn:aws:firehose:{REGION}:{ACC}:deliverystream/clicks"),
            call(
                "firehose:PutRecordBatch", f"arn:aws:firehose:{REGION}:{ACC}:deliverystream/clicks"
            ),  # fmt: skip
        ],
        [call("firehose:PutRecord", f"arn:aws:firehose:{REGION}:{ACC}:deliverystream/other")],
    ),
    "cloudwatch-metrics": Case(
        {"kind": "cloudwatch-metrics", "namespace": "MyApp/Orders"},
        [call("cloudwatch:PutMetricData", "*", cloudwatch__namespace="MyApp/Orders")],
        [
            call("cloudwatch:PutMetricData", "*", cloudwatch__namespace="MyApp/Other"),
            call("cloudwatch:PutMetricData", "*"),
            call("cloudwatch:GetMetricData", "*", cloudwatch__namespace="MyApp/Orders"),
        ],
    ),
    "apigateway-websocket-post": Case(
        {"kind": "apigateway-websocket", "api_id": "a1b2c3d4e5"},
        [call("execute-api:ManageConnections", f"{WS}/prod/POST/@connections/Lx9=")],
        [
            call("execute-api:ManageConnections", f"{WS}/prod/GET/@connections/Lx9="),
            call("execute-api:ManageConnections", f"{WS}/prod/DELETE/@connections/Lx9="),
            call(
                "execute-api:ManageConnections",
                WS.replace("a1b2c3d4e5", "z9y8x7w6v5") + "/prod/POST/@connections/Lx9=",
            ),  # fmt: skip
            call("execute-api:Invoke", f"{WS}/prod/POST/@connections/Lx9="),
        ],
    ),
    "apigateway-websocket-manage": Case(
        {
            "kind": "apigateway-websocket",
            "api_id": "a1b2c3d4e5",
            "stage": "prod",
            "access": "manage",
        },  # fmt: skip
        [
            call("execute-api:ManageConnections", f"{WS}/prod/{method}/@connections/Lx9=")
            for method in ("POST", "GET", "DELETE")
        ],
        [
            call("execute-api:ManageConnections", f"{WS}/dev/POST/@connections/Lx9="),
            call("execute-api:ManageConnections", f"{WS}/prod/POST/orders"),
        ],
    ),
    "appsync-api-query": Case(
        {"kind": "appsync-api", "api_id": "z5fq4exyhbba5ny4qucbtx4bum"},
        [call("appsync:GraphQL", f"{GQL}/types/Query/fields/getOrder")],
        [
            call("appsync:GraphQL", f"{GQL}/types/Mutation/fields/putOrder"),
            call("appsync:GraphQL", GQL.replace("z5fq", "a5fq") + "/types/Query/fields/getOrder"),
        ],
    ),
    "appsync-api-mutate": Case(
        {"kind": "appsync-api", "api_id": "z5fq4exyhbba5ny4qucbtx4bum", "access": "mutate"},
        [call("appsync:GraphQL", f"{GQL}/types/Mutation/fields/putOrder")],
        [call("appsync:GraphQL", f"{GQL}/types/Query/fields/getOrder")],
    ),
    "appsync-api-query-mutate": Case(
        {"kind": "appsync-api", "api_id": "z5fq4exyhbba5ny4qucbtx4bum", "access": "query-mutate"},
        [
            call("appsync:GraphQL", f"{GQL}/types/Query/fields/getOrder"),
            call("appsync:GraphQL", f"{GQL}/types/Mutation/fields/putOrder"),
        ],
        [call("appsync:GraphQL", f"{GQL}/types/Subscription/fields/onOrder")],
    ),
    "sts-role": Case(
        {"kind": "sts-role", "arn": "arn:aws:iam::210987654321:role/team/reader"},
        [call("sts:AssumeRole", "arn:aws:iam::210987654321:role/team/reader")],
        [
            call("sts:AssumeRole", "arn:aws:iam::210987654321:role/team/writer"),
            call("sts:AssumeRole", "arn:aws:iam::210987654321:role/reader"),
            call("sts:AssumeRole", f"arn:aws:iam::{ACC}:role/team/reader"),
            call("sts:AssumeRoleWithWebIdentity", "arn:aws:iam::210987654321:role/team/reader"),
            call("iam:PassRole", "arn:aws:iam::210987654321:role/team/reader"),
        ],
    ),
    "scheduler-group": Case(
        {"kind": "scheduler-group", "group": "reminders", "target_role": "app/invoke"},
        [
            *(
                call(f"scheduler:{a}", f"arn:aws:scheduler:{REGION}:{ACC}:schedule/reminders/r1")
                for a in ("CreateSchedule", "UpdateSchedule", "GetSchedule", "DeleteSchedule")
            ),
            call("iam:PassRole", TARGET_ROLE, iam__PassedToService="scheduler.amazonaws.com"),
        ],
        [
            call(
                "scheduler:CreateSchedule", f"arn:aws:scheduler:{REGION}:{ACC}:schedule/default/r1"
            ),  # fmt: skip
            call("iam:PassRole", TARGET_ROLE, iam__PassedToService="lambda.amazonaws.com"),
            call("iam:PassRole", TARGET_ROLE),
            call(
                "iam:PassRole",
                f"arn:aws:iam::{ACC}:role/admin",
                iam__PassedToService="scheduler.amazonaws.com",
            ),  # fmt: skip
            call("iam:DeleteRole", TARGET_ROLE),
        ],
    ),
    "rds-db-user": Case(
        {"kind": "rds-db-user", "resource_id": "db-ABCDEFGHIJKL", "user": "app_user"},
        [call("rds-db:connect", f"{DBUSER}:db-ABCDEFGHIJKL/app_user")],
        [
            call("rds-db:connect", f"{DBUSER}:db-ABCDEFGHIJKL/admin"),
            call("rds-db:connect", f"{DBUSER}:db-ZYXWVUTSRQPO/app_user"),
        ],
    ),
    "efs-access-point-read": Case(
        {"kind": "efs-access-point", "file_system_id": FS_ID, "access_point_id": AP_ID},
        [call("elasticfilesystem:ClientMount", FS, elasticfilesystem__AccessPointArn=AP)],
        [
            call("elasticfilesystem:ClientWrite", FS, elasticfilesystem__AccessPointArn=AP),
            call("elasticfilesystem:ClientMount", FS),  # not through the access point
            call(
                "elasticfilesystem:ClientMount", FS, elasticfilesystem__AccessPointArn=AP[:-1] + "1"
            ),  # fmt: skip
            call(
                "elasticfilesystem:ClientMount", FS[:-1] + "1", elasticfilesystem__AccessPointArn=AP
            ),  # fmt: skip
            call("elasticfilesystem:ClientRootAccess", FS, elasticfilesystem__AccessPointArn=AP),
        ],
    ),
    "efs-access-point-read-write": Case(
        {
            "kind": "efs-access-point",
            "file_system_id": FS_ID,
            "access_point_id": AP_ID,
            "access": "read-write",
        },  # fmt: skip
        [
            call("elasticfilesystem:ClientMount", FS, elasticfilesystem__AccessPointArn=AP),
            call("elasticfilesystem:ClientWrite", FS, elasticfilesystem__AccessPointArn=AP),
        ],
        [call("elasticfilesystem:ClientWrite", FS)],
    ),
    "appconfig-profile": Case(
        {
            "kind": "appconfig-profile",
            "application_id": "abc1234",
            "environment_id": "env5678",
            "profile_id": "prf9012",
        },  # fmt: skip
        [
            call(
                "appconfig:StartConfigurationSession",
                f"{APPCFG}/environment/env5678/configuration/prf9012",
            ),  # fmt: skip
            call(
                "appconfig:GetLatestConfiguration",
                f"{APPCFG}/environment/env5678/configuration/prf9012",
            ),  # fmt: skip
        ],
        [
            call(
                "appconfig:GetLatestConfiguration",
                f"{APPCFG}/environment/env0000/configuration/prf9012",
            ),  # fmt: skip
            call(
                "appconfig:GetLatestConfiguration",
                f"{APPCFG}/environment/env5678/configuration/prf0000",
            ),  # fmt: skip
        ],
    ),
    "rds-data-cluster": Case(
        {"kind": "rds-data-cluster", "cluster": "orders-db", "secret": "orders/db"},
        [
            *(
                call(f"rds-data:{a}", f"arn:aws:rds:{REGION}:{ACC}:cluster:orders-db")
                for a in (
                    "ExecuteStatement",
                    "BatchExecuteStatement",
                    "BeginTransaction",
                    "CommitTransaction",
                    "RollbackTransaction",
                )  # fmt: skip
            ),
            call("secretsmanager:GetSecretValue", f"{SECRET}:orders/db-AbC123"),
        ],
        [
            call("rds-data:ExecuteStatement", f"arn:aws:rds:{REGION}:{ACC}:cluster:billing-db"),
            call("secretsmanager:GetSecretValue", f"{SECRET}:billing/db-AbC123"),
            call("rds:DeleteDBCluster", f"arn:aws:rds:{REGION}:{ACC}:cluster:orders-db"),
        ],
    ),
    "athena-workgroup": Case(
        {
            "kind": "athena-workgroup",
            "workgroup": "analytics",
            "database": "sales",
            "results_bucket": "athena-out",
            "results_prefix": "q/",
        },  # fmt: skip
        [
            *(
                call(f"athena:{a}", f"{ATHENA}/analytics")
                for a in (
                    "StartQueryExecution",
                    "GetQueryExecution",
                    "GetQueryResults",
                    "StopQueryExecution",
                )  # fmt: skip
            ),
            call("glue:GetTable", f"{GLUE}:table/sales/orders"),
            call("glue:GetPartitions", f"{GLUE}:database/sales"),
            # a partitioned table's partitions in a batch (AmazonAthenaFullAccess's Glue reads)
            *(
                call("glue:BatchGetPartition", res)
                for res in (
                    f"{GLUE}:catalog",
                    f"{GLUE}:database/sales",
                    f"{GLUE}:table/sales/orders",
                )
            ),
            call("glue:GetDatabase", f"{GLUE}:catalog"),
            call("s3:PutObject", "arn:aws:s3:::athena-out/q/abc.csv"),
            call("s3:GetObject", "arn:aws:s3:::athena-out/q/abc.csv"),
            call("s3:ListBucket", "arn:aws:s3:::athena-out", s3__prefix="q/abc"),
            call("s3:GetBucketLocation", "arn:aws:s3:::athena-out"),
        ],
        [
            call("athena:StartQueryExecution", f"{ATHENA}/primary"),
            call("glue:GetTable", f"{GLUE}:table/hr/salaries"),
            call("glue:BatchGetPartition", f"{GLUE}:table/hr/salaries"),
            call("glue:BatchGetPartition", f"{GLUE}:database/hr"),
            call("glue:GetDatabase", f"{GLUE}:database/hr"),
            call("s3:PutObject", "arn:aws:s3:::athena-out/other/abc.csv"),
            call("s3:ListBucket", "arn:aws:s3:::athena-out", s3__prefix="other/"),
            call("s3:PutObject", "arn:aws:s3:::other-bucket/q/abc.csv"),
            call("glue:DeleteTable", f"{GLUE}:table/sales/orders"),
        ],
    ),
    "msk-cluster": Case(
        {"kind": "msk-cluster", "name": "orders", "uuid": MSK_UUID},
        [
            call("kafka:DescribeClusterV2", f"{MSK}:cluster/orders/{MSK_UUID}"),
            call("kafka:GetBootstrapBrokers", "*"),
            call("ec2:DescribeVpcs", "*"),
            call(
                "ec2:CreateNetworkInterface", f"arn:aws:ec2:{REGION}:{ACC}:network-interface/eni-1"
            ),
            call("ec2:CreateNetworkInterface", f"arn:aws:ec2:{REGION}:{ACC}:subnet/subnet-1"),
            call("kafka-cluster:Connect", f"{MSK}:cluster/orders/{MSK_UUID}"),
            call("kafka-cluster:ReadData", f"{MSK}:topic/orders/{MSK_UUID}/clicks"),
            call("kafka-cluster:AlterGroup", f"{MSK}:group/orders/{MSK_UUID}/lambda-esm"),
        ],
        [
            call("kafka:DescribeClusterV2", f"{MSK}:cluster/billing/{MSK_UUID}"),
            call("kafka-cluster:ReadData", f"{MSK}:topic/billing/{MSK_UUID}/clicks"),
            call("kafka-cluster:WriteData", f"{MSK}:topic/orders/{MSK_UUID}/clicks"),
            call("kafka-cluster:Connect", f"{MSK}:cluster/orders/{MSK_UUID[:-1]}3"),
            call(
                "ec2:CreateNetworkInterface", f"arn:aws:ec2:eu-west-1:{ACC}:network-interface/eni-1"
            ),
        ],
    ),
    "mq-broker": Case(
        {"kind": "mq-broker", "arn": f"{MQ}:orders-mq:{MQ_ID}", "secret": "mq/creds"},
        [
            call("mq:DescribeBroker", f"{MQ}:orders-mq:{MQ_ID}"),
            call("secretsmanager:GetSecretValue", f"{SECRET}:mq/creds-AbC123"),
            call("ec2:DescribeSubnets", "*"),
            call(
                "ec2:DeleteNetworkInterface", f"arn:aws:ec2:{REGION}:{ACC}:network-interface/eni-1"
            ),  # fmt: skip
        ],
        [
            call("mq:DescribeBroker", f"{MQ}:orders-mq:{MQ_ID[:-1]}f"),
            call("mq:RebootBroker", f"{MQ}:orders-mq:{MQ_ID}"),
            call("secretsmanager:GetSecretValue", f"{SECRET}:other/creds-AbC123"),
        ],
    ),
}


def _evaluator(entry: dict, boundary: str) -> Evaluator:
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACC,
            "region": REGION,
            "boundary": boundary,
            "logs": False,
            "resources": [entry],
        }
    )
    bundle = compose(spec)
    return Evaluator(
        [p.document for p in bundle.policies],
        bundle.boundary.document if bundle.boundary else None,
    )


@pytest.mark.parametrize("boundary", ["envelope", "strict", "none"])
@pytest.mark.parametrize("case", list(CASES))
def test_profile_allows_its_calls_and_denies_the_neighbours(case, boundary):
    ev = _evaluator(CASES[case].entry, boundary)
    for action, resource, context in CASES[case].allowed:
        result = ev.evaluate(action, resource, context)
        assert result.decision == ALLOWED, (action, resource, context, result.reason)
    for action, resource, context in CASES[case].denied:
        result = ev.evaluate(action, resource, context)
        assert result.decision != ALLOWED, (action, resource, context)


def test_every_issue12_kind_and_profile_has_a_case():
    from wizard.catalog.kinds import catalog

    covered = {(c.entry["kind"], c.entry.get("access")) for c in CASES.values()}
    for kind in {c.entry["kind"] for c in CASES.values()}:
        for profile in catalog().kinds[kind].profiles:
            default = profile == catalog().kinds[kind].default_access
            assert (kind, profile) in covered or (default and (kind, None) in covered), (
                kind,
                profile,
            )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"kind": "bedrock-model", "model": MODEL, "inference_profile": PROFILE},
            "needs 'regions'",
        ),
        (
            {"kind": "bedrock-model", "model": MODEL, "regions": "us-east-2"},
            "needs 'inference_profile'",
        ),  # fmt: skip
        ({"kind": "bedrock-model", "model": "anthropic.*"}, "not a valid"),
        ({"kind": "cloudwatch-metrics", "namespace": "AWS/Lambda"}, "not a valid"),
        ({"kind": "cloudwatch-metrics", "namespace": "App*"}, "not a valid"),
        ({"kind": "ses-identity", "identity": "*.example.com"}, "not a valid"),
        ({"kind": "apigateway-websocket", "api_id": "a1b2c3d4e5", "stage": "pr*"}, "not a valid"),
        ({"kind": "appsync-api", "api_id": "*"}, "not a valid"),
        ({"kind": "efs-access-point", "arn": FS}, "needs 'access_point_id' .* besides its 'arn'"),
        ({"kind": "rds-db-user", "resource_id": "db-*", "user": "app"}, "not a valid"),
        (
            {"kind": "cloudwatch-metrics", "arn": "arn:aws:cloudwatch:us-east-1:123456789012:x"},
            "has no ARN",
        ),  # fmt: skip
    ],
)
def test_wildcards_and_half_given_fields_are_refused(entry, message):
    with pytest.raises(UserError, match=message):
        compose(RoleSpec.model_validate({"function": "fn", "resources": [entry]}))


OTHER_ROLE = "arn:aws:iam::210987654321:role/other"


def test_the_envelope_denies_assuming_any_role_but_the_sts_role_entries():
    """The boundary itself (not only the identity policy) refuses other roles: a policy added
    to the role later cannot widen what it may assume."""
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACC,
            "resources": [
                {"kind": "sts-role", "role": "reader", "account_id": "210987654321"},
                {"kind": "sts-role", "role": "audit", "account_id": "333333333333"},
            ],
        }
    )
    boundary = compose(spec).boundary.document
    anything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}  # fmt: skip
    ev = Evaluator([anything], boundary)
    assert ev.evaluate("sts:AssumeRole", "arn:aws:iam::210987654321:role/reader").allowed
    assert ev.evaluate("sts:AssumeRole", "arn:aws:iam::333333333333:role/audit").allowed
    assert ev.evaluate("sts:AssumeRole", OTHER_ROLE).decision == "ExplicitlyDenied"


@pytest.mark.parametrize(
    "resource", [f"arn:aws:iam::{ACC}:role/other", f"arn:aws:iam::{ACC}:role/*"]
)
def test_the_envelope_still_refuses_a_custom_assume_role_beyond_the_entries(resource):
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACC,
            "resources": [
                {"kind": "sts-role", "role": "reader", "account_id": "210987654321"},
                {"kind": "custom", "actions": ["sts:AssumeRole"], "resources": [resource]},
            ],
        }
    )
    with pytest.raises(UserError, match="denied by the envelope boundary"):
        compose(spec)


def test_the_envelope_lets_through_only_passing_the_target_role_to_the_scheduler():
    """Even under an identity policy that allows everything, the envelope lets the role pass
    exactly the scheduler-group's target role, only to EventBridge Scheduler, and change no
    IAM resource at all."""
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACC,
            "resources": [{"kind": "scheduler-group", "target_role": "app/invoke"}],
        }
    )
    boundary = compose(spec).boundary.document
    anything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}  # fmt: skip
    ev = Evaluator([anything], boundary)
    to_scheduler = {"iam:PassedToService": "scheduler.amazonaws.com"}
    assert ev.evaluate("iam:PassRole", TARGET_ROLE, to_scheduler).allowed
    to_ec2 = {"iam:PassedToService": "ec2.amazonaws.com"}
    assert not ev.evaluate("iam:PassRole", TARGET_ROLE, to_ec2).allowed
    for action in ("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"):
        assert not ev.evaluate(action, TARGET_ROLE).allowed
    other = f"arn:aws:iam::{ACC}:role/admin"
    assert ev.evaluate("iam:PassRole", other, to_scheduler).decision == "ExplicitlyDenied"
    assert (
        ev.evaluate("iam:CreateUser", f"arn:aws:iam::{ACC}:user/x").decision == "ExplicitlyDenied"
    )
