"""The few operations the demo sandbox answers itself, because moto (5.2.1) lacks them.

A WSGI layer in front of moto's app (:class:`DemoExtras`). It answers only:

- Bedrock ``ListFoundationModels`` and ``ListInferenceProfiles``, from the demo data below;
- AppConfig ``ListApplications`` (from the applications moto keeps: moto has CreateApplication
  but no list call), ``CreateEnvironment`` and ``ListEnvironments`` (moto has no environments:
  they are kept here).

Every other request goes to moto untouched. The responses follow botocore's service models
(``bedrock/2023-04-20``, ``appconfig/2019-10-09``: rest-json, the members and paging tokens they
name), so botocore parses them as it parses AWS's; tests/test_demo_extras.py proves that with
real clients over HTTP.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# "Credential=AKID/20250101/us-east-1/bedrock/aws4_request" in a SigV4 Authorization header.
SCOPE_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")

# -- demo data: Bedrock -----------------------------------------------------------------------

# Model ids, names and inference types: Amazon Bedrock User Guide, "Supported foundation models
# in Amazon Bedrock" (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html).
# amazon.titan-text-express-v1:0:8k is the provisioned-throughput variant (no on-demand use).
FOUNDATION_MODELS: tuple[dict[str, Any], ...] = (
    {
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "modelName": "Claude 3 Haiku",
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": ["ON_DEMAND"],
        "modelLifecycle": {"status": "ACTIVE"},
    },
    {
        "modelId": "amazon.titan-text-express-v1",
        "modelName": "Titan Text G1 - Express",
        "providerName": "Amazon",
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": ["FINE_TUNING", "CONTINUED_PRE_TRAINING"],
        "inferenceTypesSupported": ["ON_DEMAND"],
        "modelLifecycle": {"status": "ACTIVE"},
    },
    {
        "modelId": "amazon.titan-text-express-v1:0:8k",
        "modelName": "Titan Text G1 - Express",
        "providerName": "Amazon",
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": ["FINE_TUNING", "CONTINUED_PRE_TRAINING"],
        "inferenceTypesSupported": ["PROVISIONED"],
        "modelLifecycle": {"status": "ACTIVE"},
    },
)

# The US cross-Region (system-defined) inference profile for Claude 3 Haiku: source Region ->
# the destination Regions it routes to. Amazon Bedrock User Guide, "Supported Regions and models
# for inference profiles"
# (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html): called
# from US East (Ohio) it may route to us-east-1, us-east-2 or us-west-2, from US West (Oregon)
# only to us-east-1 and us-west-2; us-east-1 routes as Ohio does.
CLAUDE_HAIKU_US = "us.anthropic.claude-3-haiku-20240307-v1:0"
INFERENCE_PROFILES: dict[str, dict[str, Any]] = {
    CLAUDE_HAIKU_US: {
        "name": "US Anthropic Claude 3 Haiku",
        "description": "Routes requests to Anthropic Claude 3 Haiku in us-east-1, us-east-2 "
        "and us-west-2.",
        "model": "anthropic.claude-3-haiku-20240307-v1:0",
        "routes": {
            "us-east-1": ("us-east-1", "us-east-2", "us-west-2"),
            "us-east-2": ("us-east-1", "us-east-2", "us-west-2"),
            "us-west-2": ("us-east-1", "us-west-2"),
        },
    },
}
_CREATED = 1724112000  # 2024-08-20, seconds (rest-json timestamps)


def foundation_models(region: str, query: dict[str, str]) -> dict[str, Any]:
    """ListFoundationModels' body in ``region``, filtered as the request's query asks."""
    out = []
    for model in FOUNDATION_MODELS:
        if "byProvider" in query and model["providerName"].lower() != query["byProvider"].lower():
            continue
        if query.get("byInferenceType", "") not in ("", *model["inferenceTypesSupported"]):
            continue
        if query.get("byOutputModality", "") not in ("", *model["outputModalities"]):
            continue
        if query.get("byCustomizationType", "") not in ("", *model["customizationsSupported"]):
            continue
        arn = f"arn:aws:bedrock:{region}::foundation-model/{model['modelId']}"
        out.append({"modelArn": arn, **model})
    return {"modelSummaries": out}


def inference_profiles(region: str, account: str) -> list[dict[str, Any]]:
    """The system-defined inference profiles callable from ``region``, as AWS lists them."""
    out = []
    for profile_id, profile in INFERENCE_PROFILES.items():
        routes = profile["routes"].get(region)
        if routes is None:
            continue
        models = [
            {"modelArn": f"arn:aws:bedrock:{dest}::foundation-model/{profile['model']}"}
            for dest in routes
        ]
        out.append(
            {
                "inferenceProfileName": profile["name"],
                "description": profile["description"],
                "createdAt": _CREATED,
                "updatedAt": _CREATED,
                "inferenceProfileArn": (
                    f"arn:aws:bedrock:{region}:{account}:inference-profile/{profile_id}"
                ),
                "models": models,
                "inferenceProfileId": profile_id,
                "status": "ACTIVE",
                "type": "SYSTEM_DEFINED",
            }
        )
    return out


# -- the layer --------------------------------------------------------------------------------


class _BadRequest(Exception):
    def __init__(self, status: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DemoExtras:
    """moto's app with the operations above answered here (everything else passes through)."""

    def __init__(self, app: WSGIApp, account: str = "123456789012") -> None:
        self.app = app
        self.account = account
        self._environments: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (region, app)
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget the environments (moto's reset forgets the applications)."""
        with self._lock:
            self._environments.clear()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        scope = SCOPE_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if scope is None:
            return self.app(environ, start_response)
        region, service = scope.group(2), scope.group(3)
        method = environ.get("REQUEST_METHOD", "GET")
        path = unquote(environ.get("PATH_INFO", "")).rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        handler = self._route(service, method, path)
        if handler is None:
            return self.app(environ, start_response)
        try:
            with self._lock:
                status, body = handler(region, path, query, environ)
        except _BadRequest as exc:
            return _json(
                start_response,
                exc.status,
                {"Message": exc.message, "message": exc.message},
                [("x-amzn-ErrorType", exc.code)],
            )
        return _json(start_response, status, body)

    def _route(self, service: str, method: str, path: str) -> Callable[..., Any] | None:
        if service == "bedrock" and method == "GET":
            return {
                "/foundation-models": self._list_foundation_models,
                "/inference-profiles": self._list_inference_profiles,
            }.get(path)
        if service == "appconfig":
            if path == "/applications" and method == "GET":
                return self._list_applications
            if re.fullmatch(r"/applications/[^/]+/environments", path):
                return {"GET": self._list_environments, "POST": self._create_environment}.get(
                    method
                )
        return None

    # -- Bedrock ------------------------------------------------------------------------------

    def _list_foundation_models(self, region, path, query, environ) -> tuple[str, Any]:
        return "200 OK", foundation_models(region, query)

    def _list_inference_profiles(self, region, path, query, environ) -> tuple[str, Any]:
        found = inference_profiles(region, self.account)
        if query.get("type"):
            found = [p for p in found if p["type"] == query["type"]]
        page, token = _page(found, query, "maxResults", "nextToken", 1000)
        return "200 OK", {"inferenceProfileSummaries": page, **_token("nextToken", token)}

    # -- AppConfig ----------------------------------------------------------------------------

    def _applications(self, region: str) -> dict[str, Any]:
        from moto.appconfig.models import appconfig_backends

        return appconfig_backends[self.account][region].applications

    def _application(self, region: str, path: str) -> str:
        app_id = path.split("/")[2]
        if app_id not in self._applications(region):
            raise _BadRequest(
                "404 Not Found", "ResourceNotFoundException", f"Application {app_id} not found"
            )
        return app_id

    def _list_applications(self, region, path, query, environ) -> tuple[str, Any]:
        apps = [
            {
                "Id": a.id,
                "Name": a.name,
                **({"Description": a.description} if a.description else {}),
            }
            for a in self._applications(region).values()
        ]
        page, token = _page(apps, query, "max_results", "next_token", 50)
        return "200 OK", {"Items": page, **_token("NextToken", token)}

    def _list_environments(self, region, path, query, environ) -> tuple[str, Any]:
        app_id = self._application(region, path)
        envs = self._environments.get((region, app_id), [])
        page, token = _page(envs, query, "max_results", "next_token", 50)
        return "200 OK", {"Items": page, **_token("NextToken", token)}

    def _create_environment(self, region, path, query, environ) -> tuple[str, Any]:
        app_id = self._application(region, path)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        name = str(body.get("Name", ""))
        if not 1 <= len(name) <= 64:
            raise _BadRequest("400 Bad Request", "BadRequestException", "Name: 1-64 characters")
        env = {
            "ApplicationId": app_id,
            "Id": secrets.token_hex(4)[:7],  # AppConfig ids: [a-z0-9]{4,7}
            "Name": name,
            "State": "READY_FOR_DEPLOYMENT",
            "Monitors": list(body.get("Monitors", [])),
        }
        if body.get("Description"):
            env["Description"] = str(body["Description"])
        self._environments.setdefault((region, app_id), []).append(env)
        return "201 Created", env


def _page(
    items: list[Any], query: dict[str, str], size_key: str, token_key: str, most: int
) -> tuple[list[Any], str | None]:
    """One page of ``items``: the request's size (at most ``most``) from its token's offset."""
    try:
        size = max(1, min(most, int(query.get(size_key) or most)))
        start = int(query.get(token_key) or 0)
    except ValueError:
        raise _BadRequest(
            "400 Bad Request", "ValidationException", "bad page size or token"
        ) from None
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _token(key: str, token: str | None) -> dict[str, str]:
    return {key: token} if token else {}


def _json(
    start_response: Callable[..., Any],
    status: str,
    body: Any,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            *(headers or []),
        ],
    )
    return [data]
