"""PostgreSQL really stopping mid-run: 503 pages while it is down, normal pages once it is back.

This stops the machine's PostgreSQL cluster, so it runs only when asked:

    NEWSBOARD_PG_OUTAGE_TEST=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/nb_prod \\
        .venv/bin/python -m pytest -m pgoutage tests/test_pg_outage.py

NEWSBOARD_PG_CLUSTER names the cluster (default "15 main"). The cluster is started again in a
finally block whatever happens; other users of the server see a few seconds of outage.
"""

import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections
from django.urls import reverse

from tests.factories import WeeklyIssueFactory

pytestmark = [
    pytest.mark.pgoutage,
    pytest.mark.skipif(
        os.environ.get("NEWSBOARD_PG_OUTAGE_TEST") != "1",
        reason="stops the PostgreSQL server: set NEWSBOARD_PG_OUTAGE_TEST=1 to run it",
    ),
]


def pg_ctl(action):
    version, cluster = os.environ.get("NEWSBOARD_PG_CLUSTER", "15 main").split()
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            cluster,
            action,
            *(["-m", "fast"] * (action == "stop")),
        ],
        check=True,
        timeout=60,
    )


def wait_until_ready(seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError("PostgreSQL did not come back within 30 seconds")


def get(url):
    """Status and body of a GET through a real WSGI server, as a browser or load balancer sees it."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# A live server, not the test client: the client keeps Django from closing and health-checking
# connections between requests, which is exactly the recovery this test is about.
# transaction=True: the outage kills every connection, so no test transaction can wrap it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_are_503_while_postgresql_is_down_and_recover_by_themselves(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs the suite to run on PostgreSQL (DATABASE_URL)")
    WeeklyIssueFactory()
    pages = [reverse("items:home"), reverse("items:issue_list"), reverse("healthz")]
    assert [get(live_server.url + url)[0] for url in pages] == [200, 200, 200]
    try:
        pg_ctl("stop")
        for url in pages:
            status, body = get(live_server.url + url)
            assert status == 503, url
            assert "Traceback" not in body
    finally:
        pg_ctl("start")
        wait_until_ready()
        # This thread's own connection died with the server; teardown needs a fresh one.
        connections.close_all()
    assert [get(live_server.url + url)[0] for url in pages] == [200, 200, 200]
