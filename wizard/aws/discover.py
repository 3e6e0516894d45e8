"""Resource discovery: list the account's resources of a catalog kind, page by page.

Each kind's list operation comes from ``catalogs/kinds.yaml`` (its ``discovery`` hint). Pages
stream: :meth:`Discoverer.pages` yields each API page as soon as it arrives, so a screen can show
the first page while the rest is fetched; the pages are kept for the run (until
:meth:`Discoverer.invalidate` drops them), and two threads asking for the same listing share one
set of API calls. :meth:`Discoverer.list_many` lists kinds in parallel and reports an error
(AccessDenied on ``kms:ListKeys``, say) for that kind only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import botocore.exceptions

from wizard.aws.session import OFFLINE_HINT, AwsSession, aws_error_message
from wizard.catalog.kinds import Kind, catalog, render
from wizard.entries import SECRET_FIELD
from wizard.errors import UserError

# Page sizes sent to each list operation (the API's maximum, or 100 where a screen wants its
# first page soon). SQS returns a NextToken only when MaxResults is sent.
_PAGE_SIZE: dict[str, int] = {
    "list_tables": 100,
    "list_queues": 1000,
    "describe_log_groups": 50,
    "list_keys": 1000,
    "list_secrets": 100,
    "describe_parameters": 50,
    "list_streams": 100,
    "list_event_buses": 100,
    "list_state_machines": 1000,
    "list_functions": 50,
    "list_objects_v2": 1000,
    "list_work_groups": 50,
    "list_delivery_streams": 10000,
    "list_inference_profiles": 1000,
    "list_applications": 50,
    "list_environments": 50,
    "list_configuration_profiles": 50,
    "describe_db_instances": 100,
    "describe_db_clusters": 100,
    "describe_db_proxies": 100,
}
# Operations botocore has no paginator for: (request token, response token, page-size key).
_MANUAL_TOKENS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("events", "list_event_buses"): ("NextToken", "NextToken", "Limit"),
    ("dynamodbstreams", "list_streams"): (
        "ExclusiveStartStreamArn",
        "LastEvaluatedStreamArn",
        "Limit",
    ),
    ("athena", "list_work_groups"): ("NextToken", "NextToken", "MaxResults"),
}
# Name-prefix filters the API applies itself (names are filtered here too).
_PREFIX_PARAM: dict[str, str] = {
    "sqs-queue": "QueueNamePrefix",
    "log-group": "logGroupNamePrefix",
    "eventbridge-bus": "NamePrefix",
}
_SQS_HOST_REGION = re.compile(r"^(?:sqs\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.")


class DiscoveryError(Exception):
    """Listing one kind failed; ``message`` is one line (the AWS error code and message)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.message = message
        super().__init__(f"{kind}: {message}")


@dataclass(frozen=True, slots=True)
class Discovered:
    """One resource found in the account, with a little context in ``detail``."""

    kind: str
    name: str
    arn: str
    detail: dict[str, str] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "arn": self.arn, **self.detail}


_Key = tuple[str, str | None, str | None]


class _Listing:
    """The pages of one listing, fetched on demand by whichever reader needs the next one."""

    def __init__(self, fetch: Iterator[list[Discovered]], on_error: Callable[[], None]) -> None:
        self._fetch = fetch
        self._on_error = on_error
        self._pages: list[list[Discovered]] = []
        self._done = False
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    def page(self, index: int) -> list[Discovered] | None:
        """Page ``index`` (fetching it if no one has yet), or None past the last page."""
        if index < len(self._pages):
            return self._pages[index]
        with self._lock:
            while index >= len(self._pages):
                if self._error is not None:
                    raise self._error
                if self._done:
                    return None
                try:
                    self._pages.append(next(self._fetch))
                except StopIteration:
                    self._done = True
                except BaseException as exc:
                    self._error = exc
                    self._on_error()
                    raise
            return self._pages[index]


class RegionalDiscoverers:
    """One :class:`Discoverer` a region over one session's credentials, each made on first use
    (``make``, :class:`Discoverer` by default) and kept for the run with its cached listings.

    A spec's resources are listed from the spec's region (:meth:`for_region`), whatever region
    the session was opened in: a table listed from us-east-1 and named in a spec for eu-west-1
    would become an ARN of a table that may not exist there."""

    def __init__(self, aws: AwsSession, make: Callable[[AwsSession], Any] | None = None) -> None:
        self.aws = aws
        self._make: Callable[[AwsSession], Any] = make or Discoverer
        self._by_region: dict[str, Any] = {}
        self._lock = threading.Lock()

    def for_region(self, region: str | None = None) -> Any:
        """The discoverer listing ``region`` (the session's own when None)."""
        chosen = region or self.aws.region
        with self._lock:
            if chosen not in self._by_region:
                self._by_region[chosen] = self._make(self.aws.in_region(chosen))
            return self._by_region[chosen]

    def made(self, region: str | None = None) -> Any:
        """The discoverer already made for ``region``, or None (nothing to invalidate)."""
        with self._lock:
            return self._by_region.get(region or self.aws.region)


class Discoverer:
    """Lists resources of catalog kinds through one :class:`AwsSession`, cached for the run."""

    def __init__(self, aws: AwsSession, *, max_workers: int = 8) -> None:
        self.aws = aws
        self.max_workers = max_workers
        self._listings: dict[_Key, _Listing] = {}
        self._lock = threading.Lock()
        self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="discover-bg")
        self._streams: Future[dict[str, Discovered]] | None = None
        self._table_streams: dict[str, str | None] = {}
        self._aliases: dict[str, str] | None = None
        # (kind, ARN, secret) -> customer key ARN (the secret: a kind keyed by its secret's key)
        self._kms_keys: dict[tuple[str, str, str], str] = {}
        self._key_arns: dict[str, str] = {}  # key id, alias or ARN -> customer key ARN or ""
        self._arn_makers: dict[str, Callable[[str], str]] = {}
        self._partition_future = self._background.submit(lambda: aws.partition)

    # -- public API ---------------------------------------------------------------------------

    def supports(self, kind: str) -> bool:
        """Whether ``kind`` has a list operation (``custom`` has none)."""
        known = catalog().kinds.get(kind)
        return known is not None and known.discovery is not None

    def pages(
        self, kind: str, *, bucket: str | None = None, prefix: str | None = None
    ) -> Iterator[list[Discovered]]:
        """Each API page of ``kind``'s resources as soon as it is fetched.

        ``prefix`` keeps names that start with it. For ``s3-prefix``, no ``bucket`` lists the
        buckets; a ``bucket`` lists the prefixes one level below ``prefix`` in that bucket.
        """
        listing = self._listing(kind, bucket or None, prefix or None)
        index = 0
        while (page := listing.page(index)) is not None:
            yield page
            index += 1

    def list(
        self, kind: str, *, bucket: str | None = None, prefix: str | None = None
    ) -> list[Discovered]:
        """All of ``kind``'s resources (every page)."""
        return [item for page in self.pages(kind, bucket=bucket, prefix=prefix) for item in page]

    def list_many(
        self, kinds: Iterable[str], *, prefix: str | None = None
    ) -> dict[str, list[Discovered] | DiscoveryError]:
        """Several kinds listed in parallel; a kind that fails maps to its :class:`DiscoveryError`.

        Problems that are not one kind's (no credentials at all) raise :class:`UserError`.
        """
        kinds = list(dict.fromkeys(kinds))
        out: dict[str, list[Discovered] | DiscoveryError] = {}
        if not kinds:
            return out
        workers = max(1, min(self.max_workers, len(kinds)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="discover") as pool:
            futures = {kind: pool.submit(self.list, kind, prefix=prefix) for kind in kinds}
            for kind, future in futures.items():
                try:
                    out[kind] = future.result()
                except DiscoveryError as exc:
                    out[kind] = exc
        return out

    def invalidate(self, kind: str, bucket: str | None = None, prefix: str | None = None) -> bool:
        """Drop the cached listing that ``pages(kind, bucket=..., prefix=...)`` would read, so
        the next read lists afresh (a "rediscover"); readers already iterating it keep theirs.

        Data derived from a kind's listing goes with it: the table -> stream map and the
        described stream ARNs (``dynamodb-table``, ``dynamodb-stream``), the key aliases
        (``kms-key``). Returns whether a listing was cached.
        """
        key: _Key = (kind, bucket or None, prefix or None)
        with self._lock:
            dropped = self._listings.pop(key, None) is not None
            if kind == "dynamodb-table":  # its stream ARNs come from the stream listing
                self._listings.pop(("dynamodb-stream", None, None), None)
            if kind in ("dynamodb-table", "dynamodb-stream"):
                self._streams = None
                self._table_streams.clear()
            if kind == "kms-key":
                self._aliases = None
                self._key_arns.clear()
            self._kms_keys = {k: v for k, v in self._kms_keys.items() if k[0] != kind}
        return dropped

    def with_kms_key(self, item: Discovered) -> Discovered:
        """``item`` with ``detail["kms_key"]``: the ARN of the customer managed KMS key the
        resource is encrypted with, or "" (not encrypted, an AWS owned or AWS managed key such
        as ``alias/aws/sqs``, which needs no grant). One read of the resource's encryption
        settings where its listing lacked them (SQS and SNS attributes, DescribeTable for a table
        and its stream, S3
        GetBucketEncryption, DescribeStreamSummary), and DescribeKey to turn an alias or key
        id into the key's ARN; both cached for the run. A kind that reads a credentials secret
        (``mq-broker``, ``rds-data-cluster``: its ``secret`` field) is encrypted with that
        secret's key (DescribeSecret), so it needs ``detail["secret"]`` (the field as typed).
        Kinds without ``encryption`` in the catalog, one whose secret is not known yet, and a
        prefix inside a bucket already read, come back as they are."""
        kind = catalog().kinds.get(item.kind)
        if kind is None or not kind.encryption or "kms_key" in item.detail:
            return item
        secret = str(item.detail.get(SECRET_FIELD) or "") if SECRET_FIELD in kind.fields else ""
        if SECRET_FIELD in kind.fields and not secret:
            return item  # its key is the secret's: asked again once the secret is typed
        key = (item.kind, item.arn, secret)
        if key not in self._kms_keys:
            try:
                key_id = self._encryption_key_id(item)
                self._kms_keys[key] = self._customer_key_arn(key_id, item) if key_id else ""
            except botocore.exceptions.NoCredentialsError:
                raise UserError(f"no AWS credentials found; {OFFLINE_HINT}") from None
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
                raise DiscoveryError(item.kind, aws_error_message(exc)) from None
        return replace(item, detail={**item.detail, "kms_key": self._kms_keys[key]})

    def target_kms_key(self, kind: str, arn: str) -> str:
        """The customer managed key a dead-letter or destination target (a queue, topic or
        bucket, named by ``arn``; ``kind`` the catalog kind its ARN names) is encrypted with,
        or "": :meth:`with_kms_key` read on it, the same rules as a resource entry's (an AWS
        managed key, or one that cannot be described and is no key ARN, needs no grant)."""
        name, detail = arn.rsplit(":", 1)[-1], {}
        if kind == "s3-prefix":  # arn:aws:s3:::BUCKET
            name = arn.split(":::", 1)[-1].split("/", 1)[0]
            detail = {"bucket": name, "prefix": ""}
        return self.with_kms_key(Discovered(kind, name, arn, detail)).detail.get("kms_key", "")

    def _encryption_key_id(self, item: Discovered) -> str:
        """The key id, alias or ARN the resource names for its encryption ("" for none)."""
        if "kms_key_id" in item.detail:  # the listing had it (log groups, parameters, secrets)
            return item.detail["kms_key_id"]
        if item.kind == "secretsmanager-secret":
            return self._secret_key_id(item.arn or item.name)
        if item.detail.get(SECRET_FIELD):  # mq-broker, rds-data-cluster: their secret's key
            return self._secret_key_id(item.detail[SECRET_FIELD])
        client = self.aws.client
        if item.kind == "sqs-queue":
            url = item.detail.get("url")
            if not url:  # the ARN names the owner, which may be another account
                owner = item.arn.split(":")[4] if item.arn.count(":") >= 5 else ""
                extra = {"QueueOwnerAWSAccountId": owner} if owner else {}
                url = client("sqs").get_queue_url(QueueName=item.name, **extra)["QueueUrl"]
            attrs = client("sqs").get_queue_attributes(
                QueueUrl=url, AttributeNames=["KmsMasterKeyId"]
            )
            return str(attrs.get("Attributes", {}).get("KmsMasterKeyId", ""))
        if item.kind == "sns-topic":
            attrs = client("sns").get_topic_attributes(TopicArn=item.arn)
            return str(attrs.get("Attributes", {}).get("KmsMasterKeyId", ""))
        if item.kind in ("dynamodb-table", "dynamodb-stream"):  # a stream is its table's key's
            name = item.detail.get("table") or item.name
            table = client("dynamodb").describe_table(TableName=name)["Table"]
            return str(table.get("SSEDescription", {}).get("KMSMasterKeyArn", ""))
        if item.kind == "kinesis-stream":
            summary = client("kinesis").describe_stream_summary(StreamName=item.name)
            described = summary["StreamDescriptionSummary"]
            return (
                str(described.get("KeyId", "")) if described.get("EncryptionType") == "KMS" else ""
            )
        if item.kind == "s3-prefix":
            return self._bucket_key_id(item.detail.get("bucket") or item.name)
        return ""

    def _secret_key_id(self, secret: str) -> str:
        """The key a secret (its name or ARN) is encrypted with: DescribeSecret's KmsKeyId,
        "" for the AWS managed key aws/secretsmanager (no KmsKeyId; no grant needed)."""
        described = self.aws.client("secretsmanager").describe_secret(SecretId=secret)
        return str(described.get("KmsKeyId") or "")

    def _bucket_key_id(self, bucket: str) -> str:
        try:
            found = self.aws.client("s3").get_bucket_encryption(Bucket=bucket)
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ServerSideEncryptionConfigurationNotFoundError":
                return ""
            raise
        rules = found.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        for rule in rules:
            default = rule.get("ApplyServerSideEncryptionByDefault", {})
            if default.get("SSEAlgorithm", "").startswith("aws:kms"):
                # aws:kms without a key id is the AWS managed key aws/s3: no grant needed
                return str(default.get("KMSMasterKeyID", ""))
        return ""

    def _customer_key_arn(self, key_id: str, item: Discovered) -> str:
        """The key's ARN when it is customer managed, else "" (DescribeKey; an AWS managed
        key ``alias/aws/...`` needs no grant). A key that cannot be described is kept when
        it is already a key ARN, and otherwise left out (its grant must be written by hand)."""
        if key_id.startswith("alias/aws/") or ":alias/aws/" in key_id:
            return ""
        if key_id not in self._key_arns:
            region = item.arn.split(":")[3] if item.arn.count(":") >= 5 else ""
            try:
                meta = self.aws.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]
            except botocore.exceptions.ClientError:
                found = key_id if re.fullmatch(r"arn:[^:]+:kms:[^:]+:\d{12}:key/.+", key_id) else ""
            else:
                found = str(meta["Arn"]) if meta.get("KeyManager") == "CUSTOMER" else ""
            if found and region and found.split(":")[3] != region:
                found = ""  # not a key the resource's Region can use
            self._key_arns[key_id] = found
        return self._key_arns[key_id]

    def table_stream_arn(self, table: str) -> str | None:
        """A table's latest stream ARN from ``describe_table`` (for when a listing lacked it)."""
        if table not in self._table_streams:
            try:
                described = self.aws.client("dynamodb").describe_table(TableName=table)
            except botocore.exceptions.ClientError as exc:
                raise DiscoveryError("dynamodb-table", aws_error_message(exc)) from None
            except botocore.exceptions.NoCredentialsError:
                raise UserError(f"no AWS credentials found; {OFFLINE_HINT}") from None
            except botocore.exceptions.BotoCoreError as exc:
                raise DiscoveryError("dynamodb-table", aws_error_message(exc)) from None
            self._table_streams[table] = described["Table"].get("LatestStreamArn")
        return self._table_streams[table]

    # -- listings -----------------------------------------------------------------------------

    def _listing(self, kind: str, bucket: str | None, prefix: str | None) -> _Listing:
        spec = catalog().kind(kind)
        if spec.discovery is None:
            raise DiscoveryError(kind, "nothing to discover: enter its actions and ARNs by hand")
        if bucket is not None and kind != "s3-prefix":
            raise UserError(f"a bucket narrows s3-prefix only, not {kind}")
        key: _Key = (kind, bucket, prefix)
        with self._lock:
            listing = self._listings.get(key)
            if listing is None:

                def forget(key: _Key = key) -> None:
                    with self._lock:  # not a newer listing that replaced this one
                        if self._listings.get(key) is listing:
                            del self._listings[key]

                listing = _Listing(self._fetch(kind, spec, bucket, prefix), forget)
                self._listings[key] = listing
            return listing

    def _fetch(
        self, kind: str, spec: Kind, bucket: str | None, prefix: str | None
    ) -> Iterator[list[Discovered]]:
        """The pages of one listing, AWS errors turned into :class:`DiscoveryError`."""
        try:
            if kind == "s3-prefix" and bucket is not None:
                yield from self._s3_prefixes(bucket, prefix or "")
                return
            if kind == "dynamodb-table":  # names only: the ARNs need the account id (STS)
                self._background.submit(lambda: self.aws.account)  # alongside the first page
                self._start_stream_listing()
            convert = self._converter(kind, spec)
            for raw in self._raw_pages(kind, spec, prefix):
                page = convert(raw)
                if prefix:
                    page = [item for item in page if item.name.startswith(prefix)]
                yield page
        except botocore.exceptions.NoCredentialsError:
            raise UserError(f"no AWS credentials found; {OFFLINE_HINT}") from None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise DiscoveryError(kind, aws_error_message(exc)) from None

    def _raw_pages(self, kind: str, spec: Kind, prefix: str | None) -> Iterator[dict[str, Any]]:
        hint = spec.discovery
        assert hint is not None
        params: dict[str, Any] = {}
        if prefix and kind in _PREFIX_PARAM:
            params[_PREFIX_PARAM[kind]] = prefix
        if kind == "firehose-stream":
            yield from self._firehose_pages()
            return
        if kind == "bedrock-model":
            yield from self._bedrock_pages()
            return
        if kind == "appconfig-profile":
            yield from self._appconfig_pages()
            return
        if kind == "rds-db-user":
            for operation in ("describe_db_instances", "describe_db_clusters"):
                yield from self._api_pages("rds", operation, {})
            yield from self._rds_proxy_pages()
            return
        yield from self._api_pages(hint.client, hint.operation, params)

    def _bedrock_pages(self) -> Iterator[dict[str, Any]]:
        """The foundation models invoked on demand (ListFoundationModels: one page, the API
        does not page), then the system-defined cross-Region inference profiles
        (ListInferenceProfiles, paged)."""
        client = self.aws.client("bedrock")
        yield client.list_foundation_models(byInferenceType="ON_DEMAND")
        yield from self._api_pages(
            "bedrock", "list_inference_profiles", {"typeEquals": "SYSTEM_DEFINED"}
        )

    def _appconfig_pages(self) -> Iterator[dict[str, Any]]:
        """One page per page of applications: each application's environments and
        configuration profiles (ListEnvironments, ListConfigurationProfiles, every page), as
        ``{"Triples": [(application, environment, profile), ...]}``."""
        for raw in self._api_pages("appconfig", "list_applications", {}):
            triples = []
            for app in raw.get("Items", []):
                ask = {"ApplicationId": app["Id"]}
                envs = [
                    env
                    for page in self._api_pages("appconfig", "list_environments", ask)
                    for env in page.get("Items", [])
                ]
                profiles = [
                    profile
                    for page in self._api_pages("appconfig", "list_configuration_profiles", ask)
                    for profile in page.get("Items", [])
                ]
                triples += [(app, env, profile) for env in envs for profile in profiles]
            yield {"Triples": triples}

    def _rds_proxy_pages(self) -> Iterator[dict[str, Any]]:
        """DescribeDBProxies' pages; a Region or partition without RDS Proxy lists none."""
        try:
            yield from self._api_pages("rds", "describe_db_proxies", {})
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in ("InvalidAction", "UnknownOperationException", "NotImplemented"):
                raise

    def _firehose_pages(self) -> Iterator[dict[str, Any]]:
        """ListDeliveryStreams pages on the last name seen (``HasMoreDeliveryStreams``), not a
        token: botocore has no paginator for it."""
        call = self.aws.client("firehose").list_delivery_streams
        params: dict[str, Any] = {"Limit": _PAGE_SIZE["list_delivery_streams"]}
        while True:
            raw = call(**params)
            yield raw
            names = raw.get("DeliveryStreamNames", [])
            if not raw.get("HasMoreDeliveryStreams") or not names:
                return
            params = {**params, "ExclusiveStartDeliveryStreamName": names[-1]}

    def _api_pages(
        self, service: str, operation: str, params: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Raw response pages: botocore's paginator where it has one, else a token loop."""
        client = self.aws.client(service)
        size = _PAGE_SIZE.get(operation)
        manual = _MANUAL_TOKENS.get((service, operation))
        if manual is None:
            config = {"PageSize": size} if size else {}
            yield from client.get_paginator(operation).paginate(**params, PaginationConfig=config)
            return
        request_token, response_token, size_key = manual
        call = getattr(client, operation)
        if size:
            params = {**params, size_key: size}
        while True:
            raw = call(**params)
            yield raw
            token = raw.get(response_token)
            if not token:
                return
            params = {**params, request_token: token}

    # -- per-kind conversion ------------------------------------------------------------------

    def _converter(self, kind: str, spec: Kind) -> Callable[[dict[str, Any]], list[Discovered]]:
        hint = spec.discovery
        assert hint is not None
        special = {
            "dynamodb-table": self._tables,
            "dynamodb-stream": self._streams_page,
            "s3-prefix": self._buckets,
            "sqs-queue": self._queues,
            "sns-topic": self._topics,
            "kms-key": self._keys,
            "kinesis-stream": self._kinesis,
            "log-group": self._log_groups,
            "ssm-parameter": self._parameters,
            "lambda-function": self._functions,
            "secretsmanager-secret": self._secrets,
            "firehose-stream": self._named("firehose-stream", "DeliveryStreamNames"),
            "ses-identity": self._named("ses-identity", "Identities", "identity"),
            "athena-workgroup": self._named("athena-workgroup", "WorkGroups", "workgroup"),
            "apigateway-websocket": self._websocket_apis,
            "efs-access-point": self._access_points,
            "sts-role": self._roles,
            "bedrock-model": self._bedrock,
            "appconfig-profile": self._appconfig,
            "cloudwatch-metrics": self._namespaces(),
            "rds-db-user": self._databases,
        }.get(kind)
        if special is not None:
            return special
        name_key, arn_key = hint.name_key or "Name", hint.arn_key or "Arn"

        def generic(raw: dict[str, Any]) -> list[Discovered]:
            return [
                Discovered(kind, str(item[name_key]), str(item[arn_key]))
                for item in raw.get(hint.result_key, [])
            ]

        return generic

    @property
    def _partition(self) -> str:
        """The region's partition (botocore loads its endpoint data, ~90 ms, the first time:
        that happens in the background while the first page is fetched)."""
        return self._partition_future.result()

    def _arn_maker(self, kind: str, field_name: str = "name") -> Callable[[str], str]:
        """``name -> ARN`` from the kind's ARN template (the account from STS if needed)."""
        maker = self._arn_makers.get(kind)
        if maker is None:
            template = catalog().kind(kind).arn or ""
            values = {"Partition": self._partition, "Region": self.aws.region}
            if "${Account}" in template:
                values["Account"] = self.aws.account
            head, placeholder = render(template, values), "${" + field_name + "}"
            maker = self._arn_makers[kind] = lambda name: head.replace(placeholder, name)
        return maker

    def _named(
        self, kind: str, result_key: str, field_name: str = "name"
    ) -> Callable[[dict[str, Any]], list[Discovered]]:
        """A converter for a listing of names (or of items with a ``Name``): the ARN from the
        kind's template."""

        def convert(raw: dict[str, Any]) -> list[Discovered]:
            arn = self._arn_maker(kind, field_name)
            names = [str(n["Name"] if isinstance(n, dict) else n) for n in raw.get(result_key, [])]
            return [Discovered(kind, name, arn(name)) for name in names]

        return convert

    def _websocket_apis(self, raw: dict[str, Any]) -> list[Discovered]:
        """GetApis' WebSocket APIs (HTTP APIs have no @connections), named by id, any stage."""
        arn = self._arn_maker("apigateway-websocket", "api_id")
        return [
            Discovered(
                "apigateway-websocket",
                str(api["ApiId"]),
                arn(str(api["ApiId"])).replace("${stage}", "*"),
                {"title": str(api.get("Name", ""))},
            )
            for api in raw.get("Items", [])
            if api.get("ProtocolType") == "WEBSOCKET"
        ]

    def _access_points(self, raw: dict[str, Any]) -> list[Discovered]:
        """Each access point with its file system: the entry's two fields."""
        arn = self._arn_maker("efs-access-point", "file_system_id")
        out = []
        for point in raw.get("AccessPoints", []):
            point_id, fs_id = str(point["AccessPointId"]), str(point["FileSystemId"])
            detail = {"file_system_id": fs_id, "access_point_id": point_id, "title": fs_id}
            if point.get("Name"):
                detail["title"] = f"{point['Name']} on {fs_id}"
            out.append(Discovered("efs-access-point", point_id, arn(fs_id), detail))
        return out

    def _bedrock(self, raw: dict[str, Any]) -> list[Discovered]:
        """Foundation models by id (on demand only: a model AWS serves only through an
        inference profile or provisioned throughput cannot be invoked by its own ARN), and
        system-defined inference profiles, each filling ``model``, ``inference_profile`` and
        ``regions``: the Regions of the models the profile routes to (``models[].modelArn``)."""
        out = []
        for model in raw.get("modelSummaries", []):
            if "ON_DEMAND" not in model.get("inferenceTypesSupported", ["ON_DEMAND"]):
                continue
            title = " ".join(str(model.get(k, "")) for k in ("providerName", "modelName"))
            detail = {"title": title.strip()} if title.strip() else {}
            out.append(
                Discovered("bedrock-model", str(model["modelId"]), str(model["modelArn"]), detail)
            )
        for profile in raw.get("inferenceProfileSummaries", []):
            if profile.get("status", "ACTIVE") != "ACTIVE":
                continue
            arns = [str(m["modelArn"]) for m in profile.get("models", []) if m.get("modelArn")]
            parsed = [_foundation_model(arn) for arn in arns]
            models = {model for _region, model in parsed if model}
            regions = list(dict.fromkeys(region for region, model in parsed if model))
            if len(models) != 1 or not regions:  # a profile over several models: typed
                continue
            profile_id = str(profile["inferenceProfileId"])
            detail = {
                "model": models.pop(),
                "inference_profile": profile_id,
                "regions": ",".join(regions),
                "title": f"{profile.get('inferenceProfileName', '')} ({', '.join(regions)})",
            }
            out.append(
                Discovered("bedrock-model", profile_id, str(profile["inferenceProfileArn"]), detail)
            )
        return out

    def _appconfig(self, raw: dict[str, Any]) -> list[Discovered]:
        """One item per (application, environment, configuration profile), named by their
        names; the three ids fill the entry."""
        arn = self._arn_maker("appconfig-profile", "application_id")
        out = []
        for app, env, profile in raw.get("Triples", []):
            ids = {
                "application_id": str(app["Id"]),
                "environment_id": str(env["Id"]),
                "profile_id": str(profile["Id"]),
            }
            name = f"{app.get('Name') or ids['application_id']}/{env.get('Name') or ids['environment_id']}/{profile.get('Name') or ids['profile_id']}"
            found = arn(ids["application_id"])
            found = found.replace("${environment_id}", ids["environment_id"])
            found = found.replace("${profile_id}", ids["profile_id"])
            title = "/".join(ids.values())
            out.append(Discovered("appconfig-profile", name, found, {**ids, "title": title}))
        return out

    def _namespaces(self) -> Callable[[dict[str, Any]], list[Discovered]]:
        """A converter for ListMetrics pages: each custom namespace once, on the page it first
        shows on (``AWS/...`` are AWS's own, which PutMetricData refuses)."""
        seen: set[str] = set()

        def convert(raw: dict[str, Any]) -> list[Discovered]:
            out = []
            for metric in raw.get("Metrics", []):
                namespace = str(metric.get("Namespace", ""))
                if not namespace or namespace.startswith("AWS/") or namespace in seen:
                    continue
                seen.add(namespace)
                out.append(Discovered("cloudwatch-metrics", namespace, ""))
            return out

        return convert

    def _databases(self, raw: dict[str, Any]) -> list[Discovered]:
        """Databases by resource id (what ``rds-db:connect`` names, not the identifier): a DB
        instance's DbiResourceId (not an Aurora cluster's member: its users connect through
        the cluster's id), an Aurora cluster's DbClusterResourceId, an RDS Proxy's prx- id
        (the end of its ARN). The user is typed: AWS cannot list a database's users."""
        out = []
        for db in raw.get("DBInstances", []):
            if db.get("DBClusterIdentifier") or not db.get("DbiResourceId"):
                continue
            name, what = str(db["DBInstanceIdentifier"]), f"instance, {db.get('Engine', '')}"
            out.append(
                _database(str(db["DbiResourceId"]), str(db["DBInstanceArn"]), name, what, db)
            )
        for db in raw.get("DBClusters", []):
            if not db.get("DbClusterResourceId"):
                continue
            name, what = str(db["DBClusterIdentifier"]), f"cluster, {db.get('Engine', '')}"
            out.append(
                _database(str(db["DbClusterResourceId"]), str(db["DBClusterArn"]), name, what, db)
            )
        for proxy in raw.get("DBProxies", []):
            arn = str(proxy.get("DBProxyArn", ""))
            proxy_id = arn.rpartition(":")[2]
            if not proxy_id.startswith("prx-"):
                continue
            name = str(proxy.get("DBProxyName", proxy_id))
            out.append(
                _database(proxy_id, arn, name, f"proxy, {proxy.get('EngineFamily', '')}", {})
            )
        return out

    def _roles(self, raw: dict[str, Any]) -> list[Discovered]:
        """The account's roles, each named with its path (``team/reader``) as the kind's
        ``role`` field is, and its account."""
        out = []
        for role in raw.get("Roles", []):
            name = f"{str(role.get('Path', '/')).strip('/')}/{role['RoleName']}".lstrip("/")
            detail = {"account_id": str(role["Arn"]).split(":")[4]}
            out.append(Discovered("sts-role", name, str(role["Arn"]), detail))
        return out

    def _tables(self, raw: dict[str, Any]) -> list[Discovered]:
        arn = self._arn_maker("dynamodb-table")
        streams = self._stream_map()
        out = []
        for name in raw.get("TableNames", []):
            stream = streams.get(name)
            detail = {"stream_arn": stream.arn} if stream is not None else {}
            out.append(Discovered("dynamodb-table", name, arn(name), detail))
        return out

    def _start_stream_listing(self) -> None:
        """List the account's table streams alongside the tables (one call, not one per table)."""
        with self._lock:
            if self._streams is None:
                self._streams = self._background.submit(self._all_streams)

    def _all_streams(self) -> dict[str, Discovered]:
        return {item.detail["table"]: item for item in self.list("dynamodb-stream")}

    def _stream_map(self) -> dict[str, Discovered]:
        """Table name -> its stream, or {} when the streams cannot be listed (the tables can)."""
        if self._streams is None:
            return {}
        try:
            return self._streams.result()
        except (DiscoveryError, UserError):
            return {}

    def _streams_page(self, raw: dict[str, Any]) -> list[Discovered]:
        out = []
        for item in raw.get("Streams", []):
            table, label = str(item["TableName"]), str(item.get("StreamLabel", ""))
            detail = {"table": table, "label": label}
            out.append(Discovered("dynamodb-stream", table, str(item["StreamArn"]), detail))
        return out

    def _buckets(self, raw: dict[str, Any]) -> list[Discovered]:
        partition = self._partition
        out = []
        for item in raw.get("Buckets", []):
            name = str(item["Name"])
            detail = {"bucket": name, "prefix": ""}
            if item.get("BucketRegion"):
                detail["region"] = str(item["BucketRegion"])
            out.append(Discovered("s3-prefix", name, f"arn:{partition}:s3:::{name}", detail))
        return out

    def _s3_prefixes(self, bucket: str, prefix: str) -> Iterator[list[Discovered]]:
        """The prefixes one level below ``prefix`` in ``bucket`` (``Delimiter='/'``)."""
        partition = self._partition
        params = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/"}
        parent = prefix[: prefix.rfind("/") + 1]
        for raw in self._api_pages("s3", "list_objects_v2", params):
            page = []
            for item in raw.get("CommonPrefixes", []):
                sub = str(item["Prefix"])
                detail = {"bucket": bucket, "prefix": sub, "parent": parent}
                page.append(
                    Discovered("s3-prefix", sub, f"arn:{partition}:s3:::{bucket}/{sub}*", detail)
                )
            yield page

    def _queues(self, raw: dict[str, Any]) -> list[Discovered]:
        """Queue ARNs from the URLs: ``https://sqs.REGION.amazonaws.com/ACCOUNT/NAME``."""
        partition = self._partition
        out = []
        for url in raw.get("QueueUrls", []):
            rest = url.split("://", 1)[-1]
            host, _, path = rest.partition("/")
            account, _, name = path.rstrip("/").rpartition("/")
            account = account.rpartition("/")[2]
            match = _SQS_HOST_REGION.match(host)
            region = match.group(1) if match else self.aws.region
            arn = f"arn:{partition}:sqs:{region}:{account}:{name}"
            out.append(Discovered("sqs-queue", name, arn, {"url": url}))
        return out

    def _topics(self, raw: dict[str, Any]) -> list[Discovered]:
        return [
            Discovered("sns-topic", str(t["TopicArn"]).rsplit(":", 1)[-1], str(t["TopicArn"]))
            for t in raw.get("Topics", [])
        ]

    def _keys(self, raw: dict[str, Any]) -> list[Discovered]:
        aliases = self._key_aliases()
        out = []
        for key in raw.get("Keys", []):
            key_id = str(key["KeyId"])
            detail = {"alias": aliases[key_id]} if key_id in aliases else {}
            out.append(Discovered("kms-key", key_id, str(key["KeyArn"]), detail))
        return out

    def _key_aliases(self) -> dict[str, str]:
        """Key id -> its first alias name (none when ListAliases is not allowed)."""
        if self._aliases is not None:
            return self._aliases
        aliases: dict[str, str] = {}
        try:
            for raw in self._api_pages("kms", "list_aliases", {}):
                for alias in raw.get("Aliases", []):
                    if alias.get("TargetKeyId"):
                        aliases.setdefault(str(alias["TargetKeyId"]), str(alias["AliasName"]))
        except botocore.exceptions.ClientError:
            aliases = {}
        self._aliases = aliases
        return aliases

    def _kinesis(self, raw: dict[str, Any]) -> list[Discovered]:
        summaries = raw.get("StreamSummaries")
        if summaries:
            return [
                Discovered("kinesis-stream", str(s["StreamName"]), str(s["StreamARN"]))
                for s in summaries
            ]
        arn = self._arn_maker("kinesis-stream")
        return [Discovered("kinesis-stream", n, arn(n)) for n in raw.get("StreamNames", [])]

    def _log_groups(self, raw: dict[str, Any]) -> list[Discovered]:
        arn = None
        out = []
        for group in raw.get("logGroups", []):
            name = str(group["logGroupName"])
            found = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
            if not found:
                arn = arn or self._arn_maker("log-group")
                found = arn(name)
            detail = {"kms_key_id": str(group["kmsKeyId"])} if group.get("kmsKeyId") else {}
            out.append(Discovered("log-group", name, str(found), detail))
        return out

    def _parameters(self, raw: dict[str, Any]) -> list[Discovered]:
        head = f"arn:{self._partition}:ssm:{self.aws.region}:"
        out = []
        for param in raw.get("Parameters", []):
            name = str(param["Name"])
            arn = param.get("ARN") or f"{head}{self.aws.account}:parameter/{name.lstrip('/')}"
            detail = {"path": name[: name.rfind("/") + 1]} if "/" in name else {}
            if param.get("Type"):
                detail["type"] = str(param["Type"])
            if param.get("Type") == "SecureString":
                detail["kms_key_id"] = str(param.get("KeyId") or "alias/aws/ssm")
            out.append(Discovered("ssm-parameter", name, str(arn), detail))
        return out

    def _secrets(self, raw: dict[str, Any]) -> list[Discovered]:
        out = []
        for secret in raw.get("SecretList", []):
            # no KmsKeyId: the AWS managed key aws/secretsmanager (no grant needed)
            detail = {"kms_key_id": str(secret.get("KmsKeyId") or "")}
            out.append(
                Discovered("secretsmanager-secret", str(secret["Name"]), str(secret["ARN"]), detail)
            )
        return out

    def _functions(self, raw: dict[str, Any]) -> list[Discovered]:
        out = []
        for fn in raw.get("Functions", []):
            detail = {"runtime": str(fn["Runtime"])} if fn.get("Runtime") else {}
            out.append(
                Discovered(
                    "lambda-function", str(fn["FunctionName"]), str(fn["FunctionArn"]), detail
                )
            )
        return out


def _foundation_model(arn: str) -> tuple[str, str]:
    """(Region, model id) of ``arn:PARTITION:bedrock:REGION::foundation-model/MODEL``, or
    ("", "") for any other ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[2] != "bedrock" or not parts[5].startswith("foundation-model/"):
        return "", ""
    return parts[3], parts[5].removeprefix("foundation-model/")


def _database(
    resource_id: str, arn: str, name: str, what: str, described: dict[str, Any]
) -> Discovered:
    """A database listed for ``rds-db-user``: named by its resource id, titled by its name;
    one whose IAM database authentication is off says so (a token cannot connect to it)."""
    title = f"{name} ({what.rstrip(', ')})"
    if described.get("IAMDatabaseAuthenticationEnabled") is False:
        title += ", IAM authentication off"
    detail = {"title": title, "identifier": name}
    return Discovered("rds-db-user", resource_id, arn, detail)
