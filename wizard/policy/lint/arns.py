"""ARN grammar: what IAM Access Analyzer rejects in a Resource entry, and policy variables'
own grammar."""

from __future__ import annotations

import functools
import re

from wizard.catalog.reference import ResourceType, reference
from wizard.policy.patterns import _VAR_RE

_TYPE_FORMATS: dict[int, tuple[str, ...]] = {}  # id(ResourceType) -> its ARN formats


def type_formats(rt: ResourceType) -> tuple[str, ...]:
    """A resource type's ARN formats. The reference joins a few alternatives into one string
    ("arn:...:/apis/${ApiId}/stages/${StageName}, arn:...:/restapis/${RestApiId}/stages/...",
    in API Gateway, Lex and Greengrass): they are split here."""
    found = _TYPE_FORMATS.get(id(rt))
    if found is None:
        found = tuple(
            part.strip() for fmt in rt.arn_formats for part in fmt.split(", ") if part.strip()
        )
        _TYPE_FORMATS[id(rt)] = found
    return found


# --------------------------------------------------------------------------- ARN grammar

# What IAM Access Analyzer's policy checks reject in a Resource element (Invalid ARN prefix,
# Missing ARN field, Invalid partition, Invalid ARN service case, Invalid ARN Region, Invalid ARN
# account, ARN Region/account not allowed, Missing ARN Region), and policy variables' own
# grammar (Missing brace in variable, Empty variable, Unsupported space in variable, Missing
# quote in variable, Variable unsupported in version).
PARTITIONS = frozenset(
    ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
)
_REGION_RE = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")
_ACCOUNT_RE = re.compile(r"^(?:\d{12}|aws)$")
_OLD_VERSION_VARIABLE = (
    'policy variables need "Version": "2012-10-17"; under 2008-10-17 ${...} is literal text'
)


def _open(segment: str) -> bool:
    """Whether an ARN segment holds a wildcard or a variable (so its text is not checked)."""
    return "*" in segment or "?" in segment or "$" in segment


_REGIONS_SEEN: set[str] = set()  # Regions that matched _REGION_RE
_SHAPES: dict[tuple[str, str, str], str | None] = {}


def _arn_problem(res: str) -> str | None:
    """What makes a Resource entry something other than "*" or a well-formed ARN; None if
    nothing. Wildcards and variables are allowed in every segment.

    The usual ARN (a known partition, a lower-case service, a Region or none or "*", an
    account ID or none or "*", no variable) is decided by string operations and a dict; the
    rest goes the long way round (:func:`_arn_problem_slowly`, cached)."""
    if res == "*":
        return None
    parts = res.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[1] in PARTITIONS and "$" not in res:
        _, _, service, region, account, _ = parts
        if not service.islower() or "*" in service or "?" in service:
            return _arn_problem_slowly(res)
        if region == "*":
            r_state = "open"
        elif not region:
            r_state = ""
        elif region in _REGIONS_SEEN:
            r_state = "set"
        else:
            return _arn_problem_slowly(res)
        if account == "*":
            a_state = "open"
        elif not account:
            a_state = ""
        elif account == "aws" or (len(account) == 12 and account.isdigit()):
            a_state = "set"
        else:
            return _arn_problem_slowly(res)
        key = (service, r_state, a_state)
        try:
            return _SHAPES[key]
        except KeyError:
            found = _SHAPES[key] = _shape_problem(service, r_state, a_state)
            return found
    return _arn_problem_slowly(res)


@functools.lru_cache(maxsize=65536)
def _arn_problem_slowly(res: str) -> str | None:
    if res.startswith("${"):
        return None
    if not res.startswith("arn:"):
        if res[:4].lower() == "arn:":
            return 'an ARN starts with "arn:" in lower case'
        return 'not "*" or an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)'
    bare = _VAR_RE.sub("$", res) if "${" in res else res  # ${aws:username} holds a colon
    parts = bare.split(":", 5)
    if len(parts) < 6:
        return (
            f"an ARN has 6 fields (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), this one "
            f"{len(parts)}"
        )
    _, partition, service, region, account, _resource = parts
    if not _open(partition) and partition not in PARTITIONS:
        return f"unknown partition {partition!r} (aws, aws-cn, aws-us-gov ...)"
    if not service:
        return "the ARN names no service"
    if "*" in service or "?" in service:
        # IAM User Guide, "Policy elements: Resource" (Using wildcards in resource ARNs):
        # "You can't use a wildcard in the service segment that identifies the AWS product."
        return (
            f"the service segment {service!r} holds a wildcard, which IAM does not allow: "
            "name the service (arn:aws:s3:::..., arn:aws:dynamodb:...)"
        )
    if not _open(service) and service != service.lower():
        return f"the service {service!r} is written in lower case in ARNs"
    if region and not _open(region):
        if not _REGION_RE.match(region):
            return f"{region!r} is not a Region (us-east-1, eu-west-1 ...)"
        _REGIONS_SEEN.add(region)
    if account and not _open(account) and not _ACCOUNT_RE.match(account):
        return f"{account!r} is not an account ID (12 digits)"
    if _open(service):
        return None
    return _shape_problem(
        service,
        "open" if _open(region) else ("set" if region else ""),
        "open" if _open(account) else ("set" if account else ""),
    )


@functools.lru_cache(maxsize=4096)
def _shape_problem(service: str, region: str, account: str) -> str | None:
    """Whether a service's ARNs take a Region and an account ID as this one has them ("set",
    "" for none, "open" for a wildcard or variable)."""
    shape = _service_arn_shape(service)
    if shape is None:
        return None
    regional, global_, accountless = shape
    if global_ and region == "set":
        return f"{service} ARNs have no Region: leave that field empty"
    if regional and not region:
        return f"{service} ARNs name a Region: the Region field is empty"
    if accountless and account == "set":
        return f"{service} ARNs have no account ID: leave that field empty"
    return None


@functools.lru_cache(maxsize=1024)
def _service_arn_shape(service: str) -> tuple[bool, bool, bool] | None:
    """For a service's own ARNs (the reference's formats that start arn:...:SERVICE:): whether
    every one names a Region, whether none does, whether none names an account. None when the
    reference knows no such format."""
    svc = reference().service(service)
    if svc is None:
        return None
    regions, accounts = set(), set()
    for rt in svc.resource_types.values():
        for fmt in type_formats(rt):
            parts = fmt.split(":", 5)
            if len(parts) == 6 and parts[2] == service:
                regions.add(parts[3])
                accounts.add(parts[4])
    if not regions:
        return None
    return ("" not in regions, regions == {""}, accounts == {""})


def _variable_problem(text: str) -> str | None:
    """What is wrong with the policy variables (``${...}``) of a resource or condition value."""
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos + 2)
        if end == -1:
            return "a policy variable has no closing brace: ${name}"
        body = text[pos + 2 : end]
        name, comma, default = body.partition(",")
        if not name.strip():
            return "an empty policy variable ${}"
        if name != name.strip() or " " in name:
            return f"a space in the policy variable ${{{body}}}"
        if comma:
            value = default.strip()
            if len(value) < 2 or value[0] != "'" or value[-1] != "'":
                return f"a policy variable's default is in single quotes: ${{{name}, 'default'}}"
        pos = text.find("${", end + 1)
    return None
