"""Read-only Cypher for analysts: the engine behind ``POST /cypher`` and ``semcrm cypher``.

Two guards, so a write never reaches the data even if one of them is fooled:

1. :func:`check_read_only` refuses, before anything is sent, a query with a
   clause that writes or administers (``CREATE``, ``MERGE``, ``SET``,
   ``DELETE``, ``REMOVE``, ``DROP``, ``FOREACH``, ``LOAD CSV``, ``CALL ... IN
   TRANSACTIONS``, ``USE``, ``GRANT``/``DENY``/``REVOKE``, ``ALTER``,
   ``START``/``STOP``, ``TERMINATE``, ``SHOW`` other than indexes, constraints,
   functions and procedures) or a procedure outside the schema-reading ones.
   Words inside strings, comments and backtick names, property keys
   (``n.set``), labels (``n:Create``), map keys and parameters do not count.
2. The query runs in a transaction of a session in **READ access mode**, which
   the server enforces (and which routes to a reader in a cluster); if Neo4j
   refuses a write there, the answer is the same :class:`CypherRefused`.

Each query has a server-side transaction timeout and a row limit: at most
``limit`` rows come back, with ``truncated`` set when there were more (the
rest are never fetched; closing the transaction stops the query). Values
come back as JSON: nodes as ``{"element_id", "labels", "properties"}``,
relationships with ``type``, ``start`` and ``end``, paths as their nodes and
relationships, temporal values as ISO 8601 text, points as coordinates.
"""

from __future__ import annotations

import base64
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import ClientError, CypherSyntaxError, DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from semcrm.ontology.neo4j.client import Neo4jClient
from semcrm.ontology.neo4j.errors import (
    CypherFailed,
    CypherRefused,
    CypherTimeout,
    Neo4jUnavailable,
)

_STRIP = re.compile(
    r"//[^\n]*|/\*[\s\S]*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`"
)
_WORD = re.compile(r"(?<![\w.:$])([A-Za-z_]\w*)(?!\s*:(?!:))")
_WRITES = frozenset(
    [
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "FOREACH",
        "LOAD",
        "USE",
        "GRANT",
        "DENY",
        "REVOKE",
        "ALTER",
        "RENAME",
        "START",
        "STOP",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
    ]
)
_SHOWABLE = re.compile(
    r"\bSHOW\s+(?:(?:ALL|RANGE|TEXT|POINT|LOOKUP|FULLTEXT|VECTOR|UNIQUE|NODE|RELATIONSHIP|"
    r"KEY|EXIST|EXISTENCE|PROPERTY|BUILTIN|USER|DEFINED)\s+)*"
    r"(?:INDEX|INDEXES|CONSTRAINT|CONSTRAINTS|FUNCTION|FUNCTIONS|PROCEDURE|PROCEDURES)\b",
    re.I,
)
_PROCEDURE = re.compile(r"\bCALL\s+([A-Za-z_]\w*(?:\s*\.\s*\w+)*)", re.I)
_READ_PROCEDURES = frozenset(
    name.lower()
    for name in (
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "dbms.components",
    )
)


@dataclass
class CypherResult:
    """Columns and rows of one read-only query."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "rows": self.rows,
            "count": len(self.rows),
            "truncated": self.truncated,
            "seconds": round(self.seconds, 3),
        }


def check_read_only(query: str) -> None:
    """Raise :class:`CypherRefused` unless ``query`` only reads."""
    code = _STRIP.sub(" ", query)
    head = query.strip().splitlines()[0][:80] if query.strip() else ""
    if not code.strip():
        raise CypherFailed("the query is empty: send a Cypher query such as MATCH (n) RETURN n")
    for match in _WORD.finditer(code):
        word = match.group(1).upper()
        if word in _WRITES:
            raise CypherRefused(
                f"{word} is not allowed: this endpoint runs read-only Cypher (query starts "
                f"{head!r}); the projection is written only by `semcrm neo4j sync`"
            )
        if word == "SHOW" and not _SHOWABLE.match(code, match.start()):
            raise CypherRefused(
                "only SHOW INDEXES, CONSTRAINTS, FUNCTIONS and PROCEDURES are allowed here"
            )
    if re.search(r"\bIN\s+TRANSACTIONS\b", code, re.I):
        raise CypherRefused("CALL { ... } IN TRANSACTIONS is not allowed: it exists to write")
    for match in _PROCEDURE.finditer(code):
        name = re.sub(r"\s+", "", match.group(1)).lower()
        if name not in _READ_PROCEDURES:
            raise CypherRefused(
                f"procedure {match.group(1)!r} is not allowed here; the procedures this endpoint "
                f"runs are {', '.join(sorted(_READ_PROCEDURES))} (and CALL {{ ... }} subqueries)"
            )


def run_cypher(
    client: Neo4jClient,
    query: str,
    parameters: dict[str, Any] | None = None,
    *,
    limit: int = 10000,
    timeout: float = 30.0,
) -> CypherResult:
    """Run ``query`` read-only with ``parameters``; at most ``limit`` rows, within ``timeout``."""
    check_read_only(query)
    return _run_read(client, query, parameters or {}, limit=limit, timeout=timeout)


def _run_read(
    client: Neo4jClient, query: str, parameters: dict[str, Any], *, limit: int, timeout: float
) -> CypherResult:
    started = time.perf_counter()
    try:
        with (
            client.session(read=True, fetch_size=max(1, min(limit + 1, 1000))) as session,
            session.begin_transaction(timeout=timeout) as tx,
        ):
            result = tx.run(query, parameters)
            columns = list(result.keys())
            out = CypherResult(columns)
            for record in result:
                if len(out.rows) >= limit:
                    out.truncated = True
                    break
                out.rows.append({key: to_json(value) for key, value in record.items()})
            tx.rollback()
    except CypherSyntaxError as exc:
        raise CypherFailed(f"not valid Cypher: {exc.message}") from exc
    except ClientError as exc:
        code = exc.code or ""
        if code.endswith("AccessMode") or "Forbidden" in code:
            raise CypherRefused(
                f"Neo4j refused to run this in read-only mode: {exc.message}; this endpoint only "
                "reads"
            ) from exc
        if "TransactionTimedOut" in code:
            raise CypherTimeout(
                f"the query ran longer than {timeout:g} s and was stopped; narrow it (a LIMIT, a "
                "label, an indexed uri) or ask for a longer timeout"
            ) from exc
        raise CypherFailed(f"Neo4j rejected the query: {exc.message}") from exc
    except (DriverError, Neo4jError) as exc:
        if "TransactionTimedOut" in (getattr(exc, "code", "") or ""):
            raise CypherTimeout(f"the query ran longer than {timeout:g} s and was stopped") from exc
        raise Neo4jUnavailable(f"Neo4j at {client.target} could not run the query: {exc}") from exc
    out.seconds = time.perf_counter() - started
    return out


def to_json(value: Any) -> Any:
    """A driver value as plain JSON."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, Node):
        return {
            "element_id": value.element_id,
            "labels": sorted(value.labels),
            "properties": {k: to_json(v) for k, v in value.items()},
        }
    if isinstance(value, Relationship):
        return {
            "element_id": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node is not None else None,
            "end": value.end_node.element_id if value.end_node is not None else None,
            "properties": {k: to_json(v) for k, v in value.items()},
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json(n) for n in value.nodes],
            "relationships": [to_json(r) for r in value.relationships],
        }
    if isinstance(value, Date | DateTime | Time | Duration):
        return value.iso_format()
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


__all__ = ["CypherResult", "check_read_only", "run_cypher", "to_json"]
