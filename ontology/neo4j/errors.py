"""What can go wrong between the store and Neo4j.

::

    SemcrmError                      (semcrm.ontology.errors)
     └── Neo4jError                  anything about the Neo4j projection
          ├── Neo4jNotConfigured     SEMCRM_NEO4J_URI is empty: say how to set it (API: 503)
          ├── Neo4jUnavailable       the server cannot be reached, refuses the login, or is
          │                          older than the 5.26 the projection needs (API: 503)
          ├── CypherRefused          a query that is not read-only (API: 403)
          ├── CypherFailed           Neo4j rejected a query: syntax, types, parameters (400)
          │    └── CypherTimeout     the query ran past its timeout and was stopped (504)
          └── SyncError              a sync could not finish; the sync state is left as
                                     it was, so the next sync redoes the unfinished work

Every message names its subject (the URI, the database, the query's first
line or the graph) and says what to do next.
"""

from __future__ import annotations

from semcrm.ontology.errors import SemcrmError


class Neo4jError(SemcrmError):
    """Base of every error about the Neo4j projection and Cypher."""


class Neo4jNotConfigured(Neo4jError):
    """No Neo4j is configured; the message says how to configure one."""

    def __init__(self, what: str = "this") -> None:
        # The next step depends on who asks: the server must be restarted to see the
        # setting, a command only needs it in its environment.
        then = (
            "then run `semcrm neo4j sync` and restart `semcrm serve`"
            if what.startswith(("POST ", "GET "))
            else "in the environment of this command"
        )
        super().__init__(
            f"Neo4j is not configured, so {what} is not available: set SEMCRM_NEO4J_URI "
            "(and SEMCRM_NEO4J_USER, SEMCRM_NEO4J_PASSWORD, SEMCRM_NEO4J_DATABASE if needed), "
            f"e.g. to the bolt://127.0.0.1:PORT that `make neo4j` prints, {then}"
        )


class Neo4jUnavailable(Neo4jError):
    """The configured Neo4j cannot be used (down, wrong credentials, too old)."""


class CypherRefused(Neo4jError):
    """The query would change the database, or uses a command this endpoint does not run."""


class CypherFailed(Neo4jError):
    """Neo4j rejected or could not finish the query."""


class CypherTimeout(CypherFailed):
    """The query ran longer than its timeout."""


class SyncError(Neo4jError):
    """A sync could not finish."""


__all__ = [
    "CypherFailed",
    "CypherRefused",
    "CypherTimeout",
    "Neo4jError",
    "Neo4jNotConfigured",
    "Neo4jUnavailable",
    "SyncError",
]
