"""The Neo4j launcher (tools/neo4j), and the real Neo4j every ``test_neo4j_*`` module uses.

:func:`neo4j_uri` is the server of the whole run: ``$SEMCRM_NEO4J_URI`` when
set (``.ci/run`` starts one before ``make test``), otherwise one started
here with the launcher on a free port and a temporary data directory,
stopped when the test process exits. :func:`scratch_client` connects and
empties the database, and refuses to touch one that holds anything but a
semcrm projection. Neo4j is never mocked.

The tests below start their own, second server, to check the launcher
itself: the URI as the last line, a clean stop on SIGTERM, data kept across
a restart.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "neo4j" / "neo4j.sh"
_SERVER: dict[str, str] = {}


def _script(command: str, folder: Path, heap: str = "768m") -> subprocess.CompletedProcess:
    env = {**os.environ, "NEO4J_DIR": str(folder), "NEO4J_PORT": "0", "NEO4J_HEAP": heap}
    return subprocess.run(
        [str(SCRIPT), command], env=env, capture_output=True, text=True, timeout=900
    )


def neo4j_uri() -> str:
    """The Bolt URI of the run's Neo4j (started on first use when none is configured)."""
    configured = os.environ.get("SEMCRM_NEO4J_URI", "").strip()
    if configured:
        return configured
    if "uri" not in _SERVER:
        folder = Path(tempfile.mkdtemp(prefix="semcrm-test-neo4j-"))
        started = _script("start", folder)
        if started.returncode != 0:
            pytest.fail(
                "could not start Neo4j for the tests with tools/neo4j/neo4j.sh (needs Java 17+ "
                f"and Maven); set SEMCRM_NEO4J_URI to a scratch server instead:\n{started.stderr}"
            )
        _SERVER["uri"] = started.stdout.strip().splitlines()[-1]
        _SERVER["dir"] = str(folder)
        atexit.register(_stop_own_server)
    return _SERVER["uri"]


def _stop_own_server() -> None:
    folder = Path(_SERVER["dir"])
    _script("stop", folder)
    shutil.rmtree(folder, ignore_errors=True)


def scratch_client() -> Neo4jClient:
    """A client of the run's Neo4j with its database emptied."""
    client = Neo4jClient.connect(Neo4jTarget(neo4j_uri()))
    foreign = client.read(
        "MATCH (n) WHERE NOT (n:Resource OR n:_SemcrmSync OR n:_NsPrefDef OR n:_GraphConfig) "
        "RETURN count(n) AS n"
    )[0]["n"]
    if foreign:
        client.close()
        pytest.fail(
            f"the Neo4j at {neo4j_uri()} holds {foreign} nodes that are not a semcrm projection; "
            "the Neo4j tests delete everything in their database, so point SEMCRM_NEO4J_URI at a "
            "scratch server (`make neo4j`)"
        )
    client.run_autocommit(
        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", "emptying"
    )
    return client


def dump(client: Neo4jClient) -> tuple[dict, dict]:
    """The whole projection, comparable: {uri: (labels, props)}, {(uri, type, uri): props}."""
    from semcrm.ontology.neo4j.query import to_json

    nodes = {
        row["uri"]: (sorted(row["labels"]), to_json(row["props"]))
        for row in client.read(
            "MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
        )
    }
    edges = {
        (row["s"], row["t"], row["o"]): to_json(row["props"])
        for row in client.read(
            "MATCH (a:Resource)-[r]->(b:Resource) "
            "RETURN a.uri AS s, type(r) AS t, b.uri AS o, properties(r) AS props"
        )
    }
    return nodes, edges


# -- the launcher itself ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A second server, started by the launcher script for these tests only."""
    folder = tmp_path_factory.mktemp("launcher")
    started = _script("start", folder, heap="512m")
    yield folder, started
    _script("stop", folder)


@pytest.mark.slow
def test_neo4j_launcher_prints_the_bolt_uri_as_its_last_line_once_neo4j_answers(own_server):
    folder, started = own_server
    assert started.returncode == 0, started.stderr
    last = started.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"bolt://127\.0\.0\.1:[0-9]+", last)
    with Neo4jClient.connect(Neo4jTarget(last)) as client:
        assert client.read("RETURN 1 + 1 AS two") == [{"two": 2}]
    assert (folder / "neo4j.pid").is_file()
    assert (folder / ".gitignore").read_text() == "*\n"


@pytest.mark.slow
def test_neo4j_launcher_reports_neo4j_5_26_community_edition(own_server):
    _, started = own_server
    uri = started.stdout.strip().splitlines()[-1]
    with Neo4jClient.connect(Neo4jTarget(uri)) as client:
        component = client.read("CALL dbms.components() YIELD versions, edition RETURN *")[0]
    assert component["versions"][0].startswith("5.26.")
    assert component["edition"] == "community"


@pytest.mark.slow
def test_neo4j_launcher_stops_cleanly_on_sigterm_and_keeps_the_data_for_the_next_start(
    own_server,
):
    folder, started = own_server
    uri = started.stdout.strip().splitlines()[-1]
    with Neo4jClient.connect(Neo4jTarget(uri)) as client:
        client.write("CREATE (:LauncherProbe {name: '测试节点 kept'})", "a probe node")
    pid = int((folder / "neo4j.pid").read_text())

    stopped = _script("stop", folder)

    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stderr
    assert not (folder / "neo4j.pid").exists()
    assert not _alive(pid)
    assert "semcrm-neo4j: stopped" in (folder / "neo4j.log").read_text()
    again = _script("start", folder, heap="512m")
    assert again.returncode == 0, again.stderr
    with Neo4jClient.connect(Neo4jTarget(again.stdout.strip().splitlines()[-1])) as client:
        names = client.read("MATCH (p:LauncherProbe) RETURN p.name AS name")
    assert names == [{"name": "测试节点 kept"}]


def test_neo4j_launcher_stop_without_a_server_says_so_and_succeeds(tmp_path):
    stopped = _script("stop", tmp_path)
    assert stopped.returncode == 0
    assert "not running" in stopped.stderr


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True
