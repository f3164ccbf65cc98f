"""The Cypher the sync sends: every statement, in one place, each with its parameters.

All names (labels, relationship types) and values travel as parameters; no
statement is ever built from data. Each statement is idempotent, so a batch
the driver retries, or a sync redone after a failure, gives the same graph.

Nodes are keyed on ``uri`` under the constraint n10s itself uses
(``n10s_unique_uri``: one ``Resource`` per IRI), which is also the index every
``MATCH``/``MERGE`` below starts from. A full rebuild starts from an empty
projection and uses ``CREATE``; an incremental sync uses ``MERGE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from semcrm.ontology.neo4j.client import Neo4jClient
from semcrm.ontology.neo4j.projection import EdgeRow, NodeRow

NODE_BATCH = 1000
EDGE_BATCH = 2000

CONSTRAINT = (
    "CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:Resource) REQUIRE r.uri IS UNIQUE"
)

CREATE_NODES = """
UNWIND $rows AS row
CREATE (n:Resource)
SET n = row.props
SET n:$(row.labels)
"""

MERGE_NODES = """
UNWIND $rows AS row
MERGE (n:Resource {uri: row.uri})
SET n = row.props
WITH n, row, [l IN labels(n) WHERE l <> 'Resource' AND NOT l IN row.labels] AS stale
REMOVE n:$(stale)
SET n:$(row.labels)
"""

CREATE_EDGES = """
UNWIND $rows AS row
MATCH (a:Resource {uri: row.source})
MATCH (b:Resource {uri: row.target})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
"""

MERGE_EDGES = """
UNWIND $rows AS row
MATCH (a:Resource {uri: row.source})
MERGE (b:Resource {uri: row.target})
MERGE (a)-[r:$(row.type)]->(b)
SET r = row.props
"""

# Outgoing relationships of a re-projected subject that its facts no longer give.
DELETE_STALE_EDGES = """
UNWIND $rows AS row
MATCH (a:Resource {uri: row.uri})-[r]->(b:Resource)
WHERE NOT [type(r), b.uri] IN row.keep
DELETE r
RETURN DISTINCT b.uri AS target
"""

# A node no graph says anything about, and that nothing points to any more.
DELETE_ORPHANS = """
UNWIND $rows AS uri
MATCH (n:Resource {uri: uri})
WHERE n._graphs IS NULL AND NOT EXISTS { (n)--() }
DELETE n
RETURN count(*) AS deleted
"""

WIPE = """
MATCH (n:Resource)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""

# The bookkeeping nodes: the sync marker, n10s's prefix table and graph config.
READ_BOOKKEEPING = """
OPTIONAL MATCH (m:_SemcrmSync)
OPTIONAL MATCH (p:_NsPrefDef)
RETURN m.id AS id, m.synced AS synced, properties(p) AS prefixes
LIMIT 1
"""
DELETE_MARKER = "MATCH (m:_SemcrmSync) DELETE m"
WRITE_BOOKKEEPING = """
MERGE (m:_SemcrmSync)
SET m.id = $id, m.synced = datetime(), m.store = $store, m.graphs = $graphs
MERGE (p:_NsPrefDef)
SET p += $prefixes
WITH $config AS config
WHERE config IS NOT NULL
MERGE (c:_GraphConfig)
SET c = config
"""


def ensure_schema(client: Neo4jClient) -> None:
    client.write(CONSTRAINT, "the n10s_unique_uri constraint")


def create_nodes(client: Neo4jClient, nodes: Sequence[NodeRow]) -> None:
    client.write_batches(CREATE_NODES, "new nodes", [_node(n) for n in nodes], NODE_BATCH)


def merge_nodes(client: Neo4jClient, nodes: Sequence[NodeRow]) -> None:
    client.write_batches(MERGE_NODES, "changed nodes", [_node(n) for n in nodes], NODE_BATCH)


def create_edges(client: Neo4jClient, edges: Sequence[EdgeRow]) -> None:
    client.write_batches(CREATE_EDGES, "new relationships", [_edge(e) for e in edges], EDGE_BATCH)


def merge_edges(client: Neo4jClient, edges: Sequence[EdgeRow]) -> None:
    client.write_batches(
        MERGE_EDGES, "changed relationships", [_edge(e) for e in edges], EDGE_BATCH
    )


def delete_stale_edges(client: Neo4jClient, keep: Mapping[str, list[list[str]]]) -> set[str]:
    """Delete the outgoing relationships of each subject that are not in its ``keep`` list of
    [type, target uri]; returns the targets that lost a relationship."""
    rows = [{"uri": uri, "keep": pairs} for uri, pairs in keep.items()]
    found = client.write_batches(DELETE_STALE_EDGES, "stale relationships", rows, NODE_BATCH)
    return {row["target"] for row in found}


def delete_orphans(client: Neo4jClient, uris: Sequence[str]) -> int:
    found = client.write_batches(DELETE_ORPHANS, "orphan nodes", list(uris), EDGE_BATCH)
    return sum(row["deleted"] for row in found)


def fits_one_transaction(nodes: Sequence[NodeRow], edges: Sequence[EdgeRow]) -> bool:
    return len(nodes) <= NODE_BATCH and len(edges) <= EDGE_BATCH


def apply_change(
    client: Neo4jClient,
    nodes: Sequence[NodeRow],
    keep: Mapping[str, list[list[str]]],
    edges: Sequence[EdgeRow],
    vanished: Sequence[str],
) -> int:
    """A change small enough for one transaction, applied atomically: nodes set, stale
    relationships deleted, relationships merged, orphans deleted. Returns nodes deleted."""

    def orphans(results: list[list[dict[str, Any]]]) -> dict[str, Any]:
        lost = {row["target"] for row in results[1]}
        return {"rows": sorted(lost | set(vanished))}

    results = client.write_together(
        [
            (MERGE_NODES, {"rows": [_node(n) for n in nodes]}),
            (DELETE_STALE_EDGES, {"rows": [{"uri": u, "keep": k} for u, k in keep.items()]}),
            (MERGE_EDGES, {"rows": [_edge(e) for e in edges]}),
            (DELETE_ORPHANS, orphans),
        ],
        "the change",
    )
    return sum(row["deleted"] for row in results[3])


def wipe(client: Neo4jClient) -> None:
    """Delete the whole projection (nodes labelled Resource), in batches."""
    client.write(DELETE_MARKER, "the sync marker")
    client.run_autocommit(WIPE, "deleting the old projection")


def read_bookkeeping(client: Neo4jClient) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The sync marker (or None) and the stored namespace -> prefix table (n10s keeps
    prefix -> namespace in ``_NsPrefDef``; inverted here)."""
    rows = client.read(READ_BOOKKEEPING)
    row = rows[0] if rows else {}
    marker = {"id": row["id"], "synced": row["synced"]} if row.get("id") else None
    stored = row.get("prefixes") or {}
    return marker, {namespace: prefix for prefix, namespace in stored.items()}


def write_bookkeeping(
    client: Neo4jClient,
    projection_id: str,
    store: str,
    graphs: int,
    prefixes: Mapping[str, str],
    config: Mapping[str, Any] | None,
) -> None:
    """Marker, prefixes (namespace -> prefix, stored inverted) and, after a rebuild, the
    graph config, in one transaction."""
    client.write(
        WRITE_BOOKKEEPING,
        "the sync marker",
        id=projection_id,
        store=store,
        graphs=graphs,
        prefixes={prefix: namespace for namespace, prefix in prefixes.items()},
        config=dict(config) if config is not None else None,
    )


def _node(node: NodeRow) -> dict[str, Any]:
    return {"uri": node.uri, "labels": node.labels, "props": node.props}


def _edge(edge: EdgeRow) -> dict[str, Any]:
    return {"source": edge.source, "type": edge.type, "target": edge.target, "props": edge.props}


__all__ = [
    "apply_change",
    "create_edges",
    "create_nodes",
    "delete_orphans",
    "delete_stale_edges",
    "ensure_schema",
    "fits_one_transaction",
    "merge_edges",
    "merge_nodes",
    "read_bookkeeping",
    "wipe",
    "write_bookkeeping",
]
