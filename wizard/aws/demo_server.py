"""The demo sandbox's server process: one moto server that every ``--demo`` command shares.

Started on demand by :func:`wizard.aws.demo.sandbox_endpoint` as ``python -m
wizard.aws.demo_server --state-dir DIR --idle SECONDS``, detached from the command that started
it. It binds 127.0.0.1 on a free port, writes ``DIR/server.json`` (pid, port, a random token),
prints ``ready`` and serves until ``role-wizard demo stop``, or until it has had no request for
``--idle`` seconds while no demo command is running (each holds a shared lock on
``DIR/clients.lock`` for its lifetime).

In front of moto sits a small WSGI layer that
- seeds a service the first time a request for it arrives (the service and region are read
  from the request's SigV4 credential scope), so only the services looked at are seeded, and
  seeding is decided once, here, whatever process asked;
- runs the requests for one service one at a time, so commands running at once never
  interleave inside a moto backend (different services run side by side: IAM's first request,
  which loads AWS's managed policies, does not hold up the others);
- answers ``/_role_wizard/{status,reset,shutdown}`` for the ``demo`` commands (with the token).

Between it and moto, :class:`wizard.aws.demo_extras.DemoExtras` answers the few operations moto
lacks (Bedrock's model and inference-profile listings, AppConfig's applications and
environments) from demo data.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wizard.aws import demo
from wizard.aws.demo_extras import SCOPE_RE, DemoExtras

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# "Credential=AKID/20250101/us-east-1/dynamodb/aws4_request" in a SigV4 Authorization header.
_SCOPE_RE = SCOPE_RE


class SandboxApp:
    """moto's WSGI app behind the seeding, the one-at-a-time lock and the control paths."""

    def __init__(self, moto_app: WSGIApp, token: str, endpoint: Callable[[], str]) -> None:
        self.moto_app = moto_app
        self.token = token
        self.endpoint = endpoint  # known once the server is bound
        self.started = time.time()
        self.last_request = time.monotonic()
        self.stopping = threading.Event()
        self._service_locks: dict[str, threading.Lock] = {}  # signing name -> its lock
        self._seeded: set[tuple[str, str]] = set()  # (seed group, region or "global")
        self._seed_locks: dict[tuple[str, str], threading.RLock] = {}
        self._locks_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(demo.CONTROL_PATH):  # status does not count as use
            return self._control(path[len(demo.CONTROL_PATH) :], environ, start_response)
        self.last_request = time.monotonic()
        scope = _SCOPE_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group(3) if scope else ""
        if scope and scope.group(1) != demo.SEED_CREDENTIALS["aws_access_key_id"]:
            group = demo.SEED_GROUP_OF_SIGNING_NAME.get(service, service)
            if group in demo.SEEDERS:
                self.ensure_seeded(group, scope.group(2))
        with self._service_lock(service):
            # moto builds its whole response inside the call; the body is a list.
            return list(self.moto_app(environ, start_response))

    def _service_lock(self, service: str) -> threading.Lock:
        with self._locks_lock:
            return self._service_locks.setdefault(service, threading.Lock())

    # -- seeding ------------------------------------------------------------------------------

    def ensure_seeded(self, group: str, region: str) -> None:
        key = (group, "global" if group in demo.GLOBAL_GROUPS else region)
        if key in self._seeded:
            return
        with self._locks_lock:
            lock = self._seed_locks.setdefault(key, threading.RLock())
        with lock:
            if key in self._seeded:
                return
            try:
                for needed in demo.SEED_NEEDS.get(group, ()):
                    self.ensure_seeded(needed, region)
                demo.SEEDERS[group](region, demo.seeding_clients(self.endpoint(), region))
            except Exception:  # a seeding bug shows in server.log once, not as duplicates later
                logging.getLogger(__name__).exception("seeding %s in %s failed", group, region)
            finally:
                self._seeded.add(key)

    def seeded(self) -> list[list[str]]:
        return sorted([group, region] for group, region in self._seeded)

    # -- control ------------------------------------------------------------------------------

    def _control(self, name: str, environ: dict[str, Any], start_response: Callable[..., Any]):
        if environ.get("HTTP_X_ROLE_WIZARD_TOKEN") != self.token:
            return _reply(start_response, "403 Forbidden", {"error": "not this sandbox's token"})
        if name == "status":
            return _reply(start_response, "200 OK", self.status())
        if environ.get("REQUEST_METHOD") != "POST":
            return _reply(start_response, "405 Method Not Allowed", {"error": "POST only"})
        if name == "reset":
            from moto.moto_api._internal.models import moto_api_backend

            with contextlib.ExitStack() as stack:  # no request runs while moto resets
                with self._locks_lock:
                    locks = list(self._service_locks.values())
                for lock in locks:
                    stack.enter_context(lock)
                moto_api_backend.reset()
                extras_reset = getattr(self.moto_app, "reset", None)
                if extras_reset is not None:  # the demo extras' own state (DemoExtras)
                    extras_reset()
                self._seeded.clear()
                self.last_request = time.monotonic()
            return _reply(start_response, "200 OK", self.status())
        if name == "shutdown":
            self.stopping.set()
            return _reply(start_response, "200 OK", {"stopping": True})
        return _reply(start_response, "404 Not Found", {"error": f"no control path {name!r}"})

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "endpoint": self.endpoint(),
            "started": self.started,
            "idle_seconds": round(time.monotonic() - self.last_request, 1),
            "seeded": self.seeded(),
        }


def _reply(start_response: Callable[..., Any], status: str, body: Any) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _no_clients(state_dir: Path) -> bool:
    """Whether no demo command holds its shared lock on ``clients.lock``."""
    with open(state_dir / demo.CLIENTS_LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def _watch_idle(app: SandboxApp, state_dir: Path, idle: float) -> None:
    """Set ``app.stopping`` once nothing has asked for ``idle`` seconds and no demo command
    is running; the state file goes first, under the lock, so no command finds a dying server."""
    interval = max(0.05, min(idle / 4, 30.0))
    while not app.stopping.wait(interval):
        if time.monotonic() - app.last_request < idle or not _no_clients(state_dir):
            continue
        with demo.state_lock(state_dir):
            if time.monotonic() - app.last_request < idle or not _no_clients(state_dir):
                continue
            info = demo.read_state(state_dir)
            if info is not None and info.token == app.token:
                (state_dir / demo.STATE_FILE).unlink(missing_ok=True)
            app.stopping.set()


def serve(state_dir: Path, idle: float) -> None:
    from moto.core.config import default_user_config
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    for name in demo.SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ.update(demo.SANDBOX_ENV)
    # A real account has AWS's managed policies (AWSLambdaBasicExecutionRole, ...): the wizard
    # attaches them by ARN. moto leaves them out unless asked.
    default_user_config["iam"]["load_aws_managed_policies"] = True
    # A server-side error reaches the client as HTTP 500 (one line); no tracebacks on a terminal.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)

    token = secrets.token_hex(16)
    bound: list[str] = []
    app = SandboxApp(
        DemoExtras(DomainDispatcherApplication(create_backend_app), demo.DEMO_ACCOUNT),
        token,
        endpoint=lambda: bound[0],
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = False  # server_close() lets each request finish its response
    bound.append(f"http://127.0.0.1:{server.server_port}")
    demo.write_state(state_dir, demo.ServerInfo(os.getpid(), server.server_port, token))
    threading.Thread(target=_watch_idle, args=(app, state_dir, idle), daemon=True).start()
    threading.Thread(target=lambda: (app.stopping.wait(), server.shutdown()), daemon=True).start()
    # Tell the starter we are listening, then let go of its pipe.
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    server.serve_forever(poll_interval=0.05)
    server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m wizard.aws.demo_server")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--idle", type=float, required=True, help="seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    serve(args.state_dir, args.idle)


if __name__ == "__main__":
    main()
