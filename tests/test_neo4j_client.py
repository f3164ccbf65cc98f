"""Reaching Neo4j: settings, connection failures that say what to do, retried writes."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from test_neo4j_launcher import scratch_client

from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
from semcrm.ontology.neo4j.errors import Neo4jNotConfigured, Neo4jUnavailable
from semcrm.ontology.settings import load_settings


def test_neo4j_target_comes_from_the_semcrm_neo4j_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SEMCRM_NEO4J_URI", "bolt://127.0.0.1:17687")
    monkeypatch.setenv("SEMCRM_NEO4J_USER", "analyst")
    monkeypatch.setenv("SEMCRM_NEO4J_PASSWORD", "not-a-real-secret")
    monkeypatch.setenv("SEMCRM_NEO4J_DATABASE", "crm")
    target = Neo4jTarget.from_settings(load_settings(data=str(tmp_path)))
    assert target == Neo4jTarget("bolt://127.0.0.1:17687", "analyst", "not-a-real-secret", "crm")
    assert target.auth == ("analyst", "not-a-real-secret")


def test_neo4j_without_a_uri_says_how_to_configure_one(monkeypatch, tmp_path):
    monkeypatch.delenv("SEMCRM_NEO4J_URI", raising=False)
    with pytest.raises(Neo4jNotConfigured, match="set SEMCRM_NEO4J_URI") as missing:
        Neo4jTarget.from_settings(load_settings(data=str(tmp_path)), what="the sync")
    assert "make neo4j" in str(missing.value)


def test_neo4j_not_configured_tells_a_command_and_the_server_their_own_next_step(
    monkeypatch, tmp_path
):
    """Regression: `semcrm neo4j status` was told to restart `semcrm serve`."""
    monkeypatch.delenv("SEMCRM_NEO4J_URI", raising=False)
    settings = load_settings(data=str(tmp_path))
    with pytest.raises(Neo4jNotConfigured) as command:
        Neo4jTarget.from_settings(settings, what="`semcrm neo4j status`")
    assert str(command.value).endswith("in the environment of this command")
    with pytest.raises(Neo4jNotConfigured) as server:
        Neo4jTarget.from_settings(settings, what="POST /cypher")
    assert str(server.value).endswith("and restart `semcrm serve`")


def test_neo4j_that_does_not_answer_is_unavailable_naming_the_uri():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and nothing listens once closed
    uri = f"bolt://127.0.0.1:{port}"
    with pytest.raises(Neo4jUnavailable, match=f"cannot reach Neo4j at {uri}"):
        Neo4jClient.connect(Neo4jTarget(uri), retry_seconds=1)


@pytest.mark.parametrize("uri", ["ftp://127.0.0.1:7687", "127.0.0.1:7687"])
def test_neo4j_uri_the_driver_cannot_read_is_unavailable_with_the_reason(uri):
    with pytest.raises(Neo4jUnavailable, match="not a Neo4j URI"):
        Neo4jClient.connect(Neo4jTarget(uri))


def test_neo4j_write_is_retried_after_a_transient_deadlock():
    """A concurrent transaction holds node x and waits for node y while our write holds y and
    then asks for x: Neo4j breaks the deadlock by failing ours with a transient error, and the
    managed transaction runs it again, which then succeeds."""
    client = scratch_client()
    try:
        _deadlock_then_retry(client)
    finally:
        client.write("MATCH (p:Probe) DELETE p", "removing the probes")
        client.close()


def _deadlock_then_retry(client: Neo4jClient) -> None:
    client.write("CREATE (:Probe {k: 'x', v: 0}), (:Probe {k: 'y', v: 0})", "probes")
    busy = _iterations_for(client, seconds=2.0)  # ours must still be busy when the other asks
    ready = threading.Event()

    def other() -> None:
        with client.session() as session, session.begin_transaction() as tx:
            tx.run("MATCH (x:Probe {k: 'x'}) SET x.v = x.v + 10").consume()
            ready.set()
            time.sleep(0.5)  # by now our write holds y and is busy
            tx.run("MATCH (y:Probe {k: 'y'}) SET y.v = y.v + 10").consume()
            tx.commit()

    thread = threading.Thread(target=other)
    thread.start()
    ready.wait(5)
    client.retries = 0
    client.write(
        "MATCH (y:Probe {k: 'y'}) SET y.v = y.v + 1 "
        "WITH y CALL (y) { UNWIND range(1, $busy) AS i RETURN count(i) AS busy } "
        "MATCH (x:Probe {k: 'x'}) SET x.v = x.v + 1",
        "the probe update",
        busy=busy,
    )
    thread.join(10)

    assert client.retries >= 1
    values = client.read("MATCH (p:Probe) RETURN p.k AS k, p.v AS v ORDER BY k")
    assert values == [{"k": "x", "v": 11}, {"k": "y", "v": 11}]  # both applied, ours once


def _iterations_for(client: Neo4jClient, seconds: float) -> int:
    """How many rows of UNWIND range(...) keep this Neo4j busy for about ``seconds``."""
    n = 200_000
    started = time.perf_counter()
    client.read("UNWIND range(1, $n) AS i RETURN count(i) AS c", n=n)
    elapsed = max(time.perf_counter() - started, 0.01)
    return int(n * seconds / elapsed)
