#!/usr/bin/env bash
# The product is what users install: build the wheel, install it (not editable) into a fresh
# virtual environment outside the checkout, and run the commands a new user runs first from
# another folder, then start the wizard from the installed package to its first steps.
#
#   .ci/installed_smoke.sh            # from anywhere; needs python3 and the package registry
#
# It works in a new temporary folder (mktemp -d) and removes it at the end, unless SMOKE_KEEP=1
# (CI, whose machine is thrown away: removing a venv's ~15,000 files can take a minute there).
# Every failure stops the script with "installed smoke: ..." naming the step.
set -Eeuo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# The demo commands start the shared sandbox server (a detached process): stop it on the way out.
cleanup() {
  if [ -x "$work/venv/bin/role-wizard" ]; then
    XDG_STATE_HOME="$work/state" "$work/venv/bin/role-wizard" demo stop >/dev/null 2>&1 || true
  fi
  if [ "${SMOKE_KEEP:-}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
step=""
trap 'echo "installed smoke: FAILED at: $step" >&2' ERR
run() { step="$*"; echo "+ $*"; "$@"; }
SECONDS=0

python="${PYTHON:-python3}"
run "$python" -m venv "$work/venv"
venv="$work/venv/bin"
run "$venv/pip" wheel --quiet --no-deps -w "$work/dist" "$repo"
# --no-compile: bytecode is written on first import instead (half the install time)
run "$venv/pip" install --quiet --no-compile "$work"/dist/*.whl

mkdir "$work/elsewhere"
cd "$work/elsewhere"  # not the checkout: nothing may be read from it
export XDG_STATE_HOME="$work/state"
rw="$venv/role-wizard"
run "$rw" --version
run "$rw" catalog kinds
run "$rw" init role.yaml
run "$rw" build role.yaml --format json --account 123456789012 --region us-east-1 -o role.json
run "$rw" build role.yaml --format cloudformation -o role.cfn.yaml
run "$rw" validate role.json
step="role-wizard diff AWSLambdaBasicExecutionRole AWSLambdaExecute (exit 1: access added)"
echo "+ $step"
status=0
"$rw" diff AWSLambdaBasicExecutionRole AWSLambdaExecute >/dev/null || status=$?
if [ "$status" -ne 1 ]; then
  echo "installed smoke: FAILED at: $step: exit status $status" >&2
  exit 1
fi
run "$rw" --demo discover dynamodb-table
run timeout 120 "$venv/python" "$repo/.ci/first_step.py" "$repo"
echo "installed smoke: the installed wheel works (${SECONDS}s)"
