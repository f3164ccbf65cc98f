"""The Neo4j projection: the store's knowledge graph, asserted and derived, in Neo4j.

The RDF store stays the system of record; Neo4j holds a projection of it
that follows neosemantics (n10s) conventions, for analysts who work in Cypher
and Neo4j Browser. Modules, in the order data flows through them:

=================  ===================================================================
``reading``        which graphs are projected; tiers, derivations, facts per subject
``projection``     facts -> node and relationship rows (pure; n10s conventions)
``naming``         IRIs -> labels, types and keys (SHORTEN / IGNORE / KEEP)
``values``         literals -> typed property values
``state``          the digests the last sync pushed (SQLite in the data folder)
``writes``         every Cypher statement the sync sends
``sync``           incremental, idempotent sync; full rebuild; status
``client``         the driver for one target database
``query``          read-only Cypher for analysts (``POST /cypher``, ``semcrm cypher``)
``errors``         the exception hierarchy
=================  ===================================================================
"""

from __future__ import annotations

from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
from semcrm.ontology.neo4j.errors import (
    CypherFailed,
    CypherRefused,
    CypherTimeout,
    Neo4jError,
    Neo4jNotConfigured,
    Neo4jUnavailable,
    SyncError,
)
from semcrm.ontology.neo4j.projection import ProjectionConfig, project, project_subject
from semcrm.ontology.neo4j.query import CypherResult, check_read_only, run_cypher
from semcrm.ontology.neo4j.sync import SyncReport

# ``sync`` and ``status`` are not re-exported here: the name ``sync`` is the module's
# (``from semcrm.ontology.neo4j.sync import sync, status``).

__all__ = [
    "CypherFailed",
    "CypherRefused",
    "CypherResult",
    "CypherTimeout",
    "Neo4jClient",
    "Neo4jError",
    "Neo4jNotConfigured",
    "Neo4jTarget",
    "Neo4jUnavailable",
    "ProjectionConfig",
    "SyncError",
    "SyncReport",
    "check_read_only",
    "project",
    "project_subject",
    "run_cypher",
]
