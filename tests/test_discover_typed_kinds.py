"""Discovery of the four kinds that were typed only (issue #12): Bedrock models and cross-Region
inference profiles, AppConfig profiles, CloudWatch metric namespaces and RDS databases for
IAM database users -- over HTTP, against moto behind the demo sandbox's extras layer
(:class:`wizard.aws.demo_extras.DemoExtras`: the Bedrock and AppConfig listings moto lacks),
with real botocore clients parsing every response."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from moto_helpers import ACCOUNT, REGION

from wizard.aws import demo_extras, discover
from wizard.aws.discover import Discoverer
from wizard.aws.session import AwsSession
from wizard.entries import check_entry, entry_from_discovered
from wizard.policy.compose import compose
from wizard.policy.evaluate import ALLOWED, Evaluator
from wizard.policy.gate import approve
from wizard.spec import ResourceEntry, RoleSpec

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = f"us.{MODEL}"


@pytest.fixture(scope="module")
def extras_server() -> Iterator[str]:
    """moto behind the demo extras, served on 127.0.0.1 (a free port) from a thread."""
    import logging

    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = demo_extras.DemoExtras(DomainDispatcherApplication(create_backend_app), ACCOUNT)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def world(extras_server: str, mock_env: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", extras_server)

    def make(region: str = REGION) -> tuple[AwsSession, Any]:
        session = boto3.Session(region_name=region)
        aws = AwsSession(session=session, region=region)
        return aws, (lambda service: session.client(service, endpoint_url=extras_server))

    return make


def _spec(entry: ResourceEntry, region: str = REGION) -> RoleSpec:
    return RoleSpec(function="fn", account=ACCOUNT, region=region, logs=False, resources=[entry])


def _evaluator(spec: RoleSpec) -> Evaluator:
    bundle = approve(compose(spec)).bundle  # the gate passes it
    return Evaluator(
        [p.document for p in bundle.policies],
        bundle.boundary.document if bundle.boundary else None,
    )


# -- Bedrock ----------------------------------------------------------------------------------


def test_bedrock_lists_on_demand_models_and_the_profile_with_its_regions(world) -> None:
    aws, _client = world()
    found = {item.name: item for item in Discoverer(aws).list("bedrock-model")}
    # the provisioned-throughput variant cannot be invoked on demand: not offered
    assert set(found) == {MODEL, "amazon.titan-text-express-v1", PROFILE}
    model = entry_from_discovered("bedrock-model", found[MODEL])
    assert model.field_values() == {"model": MODEL}
    assert found[MODEL].arn == f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL}"
    assert check_entry(_spec(model), model) is None

    profile = entry_from_discovered("bedrock-model", found[PROFILE])
    regions = ("us-east-1", "us-east-2", "us-west-2")
    assert profile.field_values() == {
        "model": MODEL,
        "inference_profile": PROFILE,
        "regions": ",".join(regions),
    }
    spec = _spec(profile)
    assert check_entry(spec, profile) is None
    ev = _evaluator(spec)
    profile_arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{PROFILE}"
    assert found[PROFILE].arn == profile_arn
    through = {"bedrock:InferenceProfileArn": profile_arn}
    for action in ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"):
        assert ev.evaluate(action, profile_arn).decision == ALLOWED
        for region in regions:
            arn = f"arn:aws:bedrock:{region}::foundation-model/{MODEL}"
            assert ev.evaluate(action, arn, through).decision == ALLOWED, region
            assert ev.evaluate(action, arn).decision != ALLOWED  # only through the profile
        elsewhere = f"arn:aws:bedrock:eu-west-1::foundation-model/{MODEL}"
        assert ev.evaluate(action, elsewhere, through).decision != ALLOWED
        other = "arn:aws:bedrock:us-east-2::foundation-model/amazon.titan-text-express-v1"
        assert ev.evaluate(action, other, through).decision != ALLOWED


def test_a_profiles_regions_are_those_it_routes_to_from_the_specs_region(world) -> None:
    """From US West (Oregon) the US Claude 3 Haiku profile routes to two Regions, not three."""
    aws, _client = world("us-west-2")
    item = next(i for i in Discoverer(aws).list("bedrock-model") if i.name == PROFILE)
    entry = entry_from_discovered("bedrock-model", item)
    assert entry.field_values()["regions"] == "us-east-1,us-west-2"
    assert check_entry(_spec(entry, "us-west-2"), entry) is None


def test_bedrock_profiles_page_and_the_responses_parse_as_botocore_models_them(
    world, monkeypatch
) -> None:
    aws, client = world()
    second = f"us.{MODEL.replace('haiku', 'sonnet')}"
    monkeypatch.setitem(
        demo_extras.INFERENCE_PROFILES,
        second,
        {
            **demo_extras.INFERENCE_PROFILES[PROFILE],
            "name": "second",
            "model": MODEL.replace("haiku", "sonnet"),
        },
    )
    monkeypatch.setitem(discover._PAGE_SIZE, "list_inference_profiles", 1)
    pages = list(Discoverer(aws).pages("bedrock-model"))
    assert [len(page) for page in pages] == [2, 1, 1]  # the models, then a profile a page
    assert {item.name for item in pages[1] + pages[2]} == {PROFILE, second}

    bedrock = client("bedrock")
    listed = bedrock.list_inference_profiles(maxResults=1, typeEquals="SYSTEM_DEFINED")
    assert listed["nextToken"] and len(listed["inferenceProfileSummaries"]) == 1
    assert listed["inferenceProfileSummaries"][0]["createdAt"].year == 2024  # a datetime
    assert not bedrock.list_inference_profiles(typeEquals="APPLICATION")[
        "inferenceProfileSummaries"
    ]
    by_amazon = bedrock.list_foundation_models(byProvider="Amazon")["modelSummaries"]
    assert {m["modelId"] for m in by_amazon} == {
        "amazon.titan-text-express-v1",
        "amazon.titan-text-express-v1:0:8k",
    }


# -- AppConfig --------------------------------------------------------------------------------


def _appconfig(client, tag: str, envs: int, profiles: int) -> tuple[str, list[str], list[str]]:
    appconfig = client("appconfig")
    app_id = appconfig.create_application(Name=f"orders-{tag}")["Id"]
    env_ids = [
        appconfig.create_environment(ApplicationId=app_id, Name=f"env{i}")["Id"]
        for i in range(envs)
    ]
    profile_ids = [
        appconfig.create_configuration_profile(
            ApplicationId=app_id, Name=f"flags{i}", LocationUri="hosted"
        )["Id"]
        for i in range(profiles)
    ]
    return app_id, env_ids, profile_ids


def test_appconfig_lists_each_application_environment_and_profile(world) -> None:
    aws, client = world()
    tag = uuid.uuid4().hex[:8]
    app_id, env_ids, profile_ids = _appconfig(client, tag, envs=2, profiles=1)
    _appconfig(client, f"{tag}-bare", envs=0, profiles=1)  # no environment: nothing to read
    found = {
        item.name: item
        for item in Discoverer(aws).list("appconfig-profile")
        if item.name.startswith(f"orders-{tag}")
    }
    assert set(found) == {f"orders-{tag}/env0/flags0", f"orders-{tag}/env1/flags0"}
    entry = entry_from_discovered("appconfig-profile", found[f"orders-{tag}/env1/flags0"])
    assert entry.field_values() == {
        "application_id": app_id,
        "environment_id": env_ids[1],
        "profile_id": profile_ids[0],
    }
    spec = _spec(entry)
    assert check_entry(spec, entry) is None
    ev = _evaluator(spec)
    arn = (
        f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/{app_id}"
        f"/environment/{env_ids[1]}/configuration/{profile_ids[0]}"
    )
    assert found[f"orders-{tag}/env1/flags0"].arn == arn
    assert ev.evaluate("appconfig:GetLatestConfiguration", arn).decision == ALLOWED
    neighbour = arn.replace(env_ids[1], env_ids[0])
    assert ev.evaluate("appconfig:GetLatestConfiguration", neighbour).decision != ALLOWED


def test_appconfig_pages_applications_and_environments(world, monkeypatch) -> None:
    aws, client = world()
    tag = uuid.uuid4().hex[:8]
    for i in range(3):
        _appconfig(client, f"{tag}-{i}", envs=2, profiles=1)
    monkeypatch.setitem(discover._PAGE_SIZE, "list_applications", 1)
    monkeypatch.setitem(discover._PAGE_SIZE, "list_environments", 1)
    pages = list(Discoverer(aws).pages("appconfig-profile"))
    mine = [[i.name for i in page if i.name.startswith(f"orders-{tag}")] for page in pages]
    assert [names for names in mine if names] == [
        [f"orders-{tag}-{i}/env0/flags0", f"orders-{tag}-{i}/env1/flags0"] for i in range(3)
    ]


def test_the_extras_refuse_an_unknown_application_as_aws_does(world) -> None:
    _aws, client = world()
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client("appconfig").list_environments(ApplicationId="nope123")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


# -- CloudWatch -------------------------------------------------------------------------------


def test_cloudwatch_offers_each_custom_namespace_once_across_pages(world) -> None:
    aws, client = world()
    tag = uuid.uuid4().hex[:8]
    cw = client("cloudwatch")
    first, second = f"Orders{tag}/Checkout", f"Orders{tag}/Refunds"
    for start in range(0, 510, 255):  # more than moto's 500 a page
        data = [{"MetricName": f"m{i}", "Value": 1.0} for i in range(start, start + 255)]
        cw.put_metric_data(Namespace=first, MetricData=data)
    cw.put_metric_data(Namespace=second, MetricData=[{"MetricName": "m", "Value": 1.0}])
    pages = list(Discoverer(aws).pages("cloudwatch-metrics"))
    assert len(pages) >= 2
    names = [item.name for page in pages for item in page]
    assert len(names) == len(set(names))
    assert {first, second} <= set(names)
    assert not [n for n in names if n.startswith("AWS/")]
    item = next(i for page in pages for i in page if i.name == second)
    entry = entry_from_discovered("cloudwatch-metrics", item)
    assert entry.field_values() == {"namespace": second}
    ev = _evaluator(_spec(entry))
    put = "cloudwatch:PutMetricData"
    assert ev.evaluate(put, "*", {"cloudwatch:namespace": second}).decision == ALLOWED
    assert ev.evaluate(put, "*", {"cloudwatch:namespace": first}).decision != ALLOWED


def test_aws_namespaces_are_not_offered() -> None:
    """PutMetricData refuses AWS/ namespaces (moto takes them; a listing page is AWS's shape)."""
    page = {"Metrics": [{"Namespace": "AWS/Lambda"}, {"Namespace": "MyApp"}]}
    convert = Discoverer.__new__(Discoverer)._namespaces()
    assert [i.name for i in convert(page)] == ["MyApp"]
    assert convert(page) == []  # seen on an earlier page


# -- RDS --------------------------------------------------------------------------------------


def test_rds_lists_instances_and_clusters_by_resource_id_and_asks_for_the_user(world) -> None:
    aws, client = world()
    tag = uuid.uuid4().hex[:8]
    rds = client("rds")
    common = {"MasterUsername": "orders", "MasterUserPassword": "password123"}
    instance = rds.create_db_instance(
        DBInstanceIdentifier=f"solo-{tag}",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        EnableIAMDatabaseAuthentication=True,
        **common,
    )["DBInstance"]
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=f"aurora-{tag}", Engine="aurora-postgresql", **common
    )["DBCluster"]
    rds.create_db_instance(  # a cluster's member: its users connect through the cluster's id
        DBInstanceIdentifier=f"member-{tag}",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier=f"aurora-{tag}",
    )
    found = {item.detail["identifier"]: item for item in Discoverer(aws).list("rds-db-user")}
    assert f"member-{tag}" not in found
    assert found[f"solo-{tag}"].name == instance["DbiResourceId"]
    assert found[f"aurora-{tag}"].name == cluster["DbClusterResourceId"]
    assert "IAM authentication off" in found[f"aurora-{tag}"].detail["title"]

    entry = entry_from_discovered("rds-db-user", found[f"aurora-{tag}"])
    assert entry.field_values() == {"resource_id": cluster["DbClusterResourceId"]}
    problem = check_entry(_spec(entry), entry)
    assert problem is not None and "'user'" in problem  # the wizard asks for it
    whole = ResourceEntry(kind="rds-db-user", **entry.field_values(), user="app")
    ev = _evaluator(_spec(whole))
    head = f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:{cluster['DbClusterResourceId']}"
    assert ev.evaluate("rds-db:connect", f"{head}/app").decision == ALLOWED
    assert ev.evaluate("rds-db:connect", f"{head}/admin").decision != ALLOWED


def test_rds_pages_instances(world, monkeypatch) -> None:
    aws, client = world()
    tag = uuid.uuid4().hex[:8]
    for i in range(21):  # MaxRecords is at least 20
        client("rds").create_db_instance(
            DBInstanceIdentifier=f"page-{tag}-{i}",
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="orders",
            MasterUserPassword="password123",
        )
    monkeypatch.setitem(discover._PAGE_SIZE, "describe_db_instances", 20)
    pages = list(Discoverer(aws).pages("rds-db-user"))
    assert len(pages) >= 3  # two of instances, then the clusters, then the proxies
    mine = [i for page in pages for i in page if i.detail["identifier"].startswith(f"page-{tag}")]
    assert len(mine) == 21


def test_an_rds_proxy_is_named_by_the_prx_id_ending_its_arn() -> None:
    """DescribeDBProxies' shape (RDS API Reference, DBProxy): moto names its proxies' ARNs by
    name, AWS by a prx- id, which is what rds-db:connect takes."""
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db-proxy:prx-0123456789abcdef0"
    page = {
        "DBProxies": [
            {"DBProxyName": "orders-proxy", "DBProxyArn": arn, "EngineFamily": "POSTGRESQL"},
            {"DBProxyName": "moto", "DBProxyArn": arn.replace("prx-0123456789abcdef0", "moto")},
        ]
    }
    found = Discoverer.__new__(Discoverer)._databases(page)
    assert [(i.name, i.detail["identifier"]) for i in found] == [
        ("prx-0123456789abcdef0", "orders-proxy")
    ]
    entry = entry_from_discovered("rds-db-user", found[0])
    assert entry.field_values() == {"resource_id": "prx-0123456789abcdef0"}
