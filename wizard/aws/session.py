"""One AWS session for a run: credentials, region and endpoint the way the AWS CLI finds them.

``--profile``/``AWS_PROFILE``, ``--region``/``AWS_REGION``/``AWS_DEFAULT_REGION``, the default
credential chain and ``AWS_ENDPOINT_URL`` (boto3 honours it natively, so a moto server or
LocalStack works with no special flag). Throttling is left to botocore's ``standard`` retry
mode. In demo mode the session points at the built-in sandbox and ignores the user's settings.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from wizard.errors import UserError

OFFLINE_HINT = (
    "build, validate, can and diff work offline; discover, plan, apply and audit need an AWS "
    "account (or --demo for the built-in sandbox)"
)
RETRY_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 8}, connect_timeout=10, read_timeout=60
)


@dataclass
class AwsSession:
    """A boto3 session plus the settings every client of this run shares."""

    session: boto3.Session
    region: str
    demo: bool = False
    endpoint_url: str | None = None
    config: Config = RETRY_CONFIG
    _clients: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str) -> Any:
        """A cached client (botocore clients are thread-safe)."""
        with self._lock:
            if service not in self._clients:
                kwargs: dict[str, Any] = {"region_name": self.region, "config": self.config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                self._clients[service] = self.session.client(service, **kwargs)
            return self._clients[service]

    @functools.cached_property
    def account(self) -> str:
        """The caller's account id, from STS."""
        try:
            return str(self.client("sts").get_caller_identity()["Account"])
        except botocore.exceptions.NoCredentialsError:
            raise UserError(f"no AWS credentials found; {OFFLINE_HINT}") from None
        except botocore.exceptions.ClientError as exc:
            raise UserError(f"AWS refused the credentials: {aws_error_message(exc)}") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise UserError(f"cannot reach AWS: {exc}") from None

    @property
    def partition(self) -> str:
        return self.session.get_partition_for_region(self.region)

    def in_region(self, region: str) -> AwsSession:
        """This session's credentials and endpoint pointed at ``region`` (itself when it points
        there already): listing a spec's resources reads the spec's region, not the profile's.
        The account is the same, so an account already read from STS is kept."""
        if region == self.region:
            return self
        other = dataclasses.replace(self, region=region, _clients={}, _lock=threading.Lock())
        if "account" in self.__dict__:  # functools.cached_property's slot
            other.__dict__["account"] = self.__dict__["account"]
        return other

    def for_threads(self, workers: int) -> AwsSession:
        """This session for ``workers`` threads calling at once: its clients use botocore's
        adaptive retry mode (a client-side rate limiter that backs off when AWS throttles,
        shared by the threads through the cached client) and a connection pool as large as
        the thread pool. Everything else (credentials, endpoint, timeouts) is kept."""
        attempts = (self.config.retries or {}).get("max_attempts", 8)
        config = self.config.merge(
            Config(
                retries={"mode": "adaptive", "max_attempts": attempts},
                max_pool_connections=max(workers, 10),
            )
        )
        return dataclasses.replace(self, config=config, _clients={}, _lock=threading.Lock())

    def assume(self, role_arn: str, session_name: str) -> AwsSession:
        """A session on the temporary credentials of ``role_arn`` (STS ``AssumeRole`` with this
        session's credentials), with this session's region, endpoint and client settings."""
        creds = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name)[
            "Credentials"
        ]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=self.region,
        )
        return AwsSession(
            session=session,
            region=self.region,
            demo=self.demo,
            endpoint_url=self.endpoint_url,
            config=self.config,
        )


def aws_error_message(exc: BaseException) -> str:
    """One line for a botocore error: the code and AWS's message."""
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "")
        code = err.get("Code", "Error")
        message = err.get("Message", "")
        return f"{op}: {code}: {message}".strip(": ")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def account_session(*, profile: str | None = None, region: str | None = None) -> AwsSession:
    """A session on the user's AWS account, as the AWS CLI's settings describe it."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.ProfileNotFound as exc:  # --profile or AWS_PROFILE
        missing = exc.kwargs.get("profile", profile)
        raise UserError(f"AWS profile {missing!r} is not in your AWS config") from None
    if session.get_credentials() is None:  # before the region: the hint says what works offline
        raise UserError(f"no AWS credentials found; {OFFLINE_HINT}")
    # The AWS CLI reads AWS_REGION before AWS_DEFAULT_REGION; boto3 reads only the latter.
    chosen = region or os.environ.get("AWS_REGION") or session.region_name
    if not chosen:
        raise UserError(
            "no AWS region: pass --region, set AWS_REGION, or set one in your AWS profile"
        )
    return AwsSession(session=session, region=chosen)
