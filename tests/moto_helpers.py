"""moto helpers with no pytest in them, shared by ``tests/aws_fixtures.py``, the tests and
``bench/bench_discover.py`` and ``bench/bench_trail.py`` (which load this file by its path)."""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
KEY_SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}]
KEY_ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}]


def start_moto_server() -> tuple[Any, str]:
    """A moto ``ThreadedMotoServer`` started on 127.0.0.1 (a free port), and its URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def bulk_tables(count: int, name: str = "table-{:04d}", region: str = REGION) -> None:
    """``count`` on-demand tables (``name.format(i)``) made in moto's backend directly: the API
    path costs ~6 ms a table."""
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[ACCOUNT][region]
    for i in range(count):
        backend.create_table(
            name.format(i),
            schema=KEY_SCHEMA,
            throughput=None,
            attr=KEY_ATTRIBUTES,
            global_indexes=None,
            indexes=None,
            streams=None,
            billing_mode="PAY_PER_REQUEST",
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=None,
            warm_throughput=None,
        )


@contextlib.contextmanager
def child_server(argv: list[str]) -> Iterator[str]:
    """Run ``argv`` (a script that starts a moto server, prints its URL and serves until its
    stdin closes) as a child process, so client and server do not share a GIL; yields the URL
    and stops the child on the way out."""
    child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        endpoint = child.stdout.readline().strip()
        if not endpoint:
            raise RuntimeError(f"the moto server did not start: {' '.join(argv)}")
        yield endpoint
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)
