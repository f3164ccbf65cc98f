"""One Neo4j database, reached with the official Python driver.

:class:`Neo4jTarget` is the configuration (``SEMCRM_NEO4J_URI``, ``_USER``,
``_PASSWORD``, ``_DATABASE``); :meth:`Neo4jClient.connect` opens a driver,
checks that the server answers and that it supports what the projection
needs, and turns the driver's failures into :class:`Neo4jUnavailable` with
the URI in the message.

Writes go through :meth:`Neo4jClient.write`, a managed transaction
(``execute_write``): the driver retries it on transient errors (deadlocks,
leader changes, a dropped connection) with back-off for up to
``retry_seconds``, which is safe because every statement the sync sends is
idempotent. The number of retried attempts is counted in
:attr:`Neo4jClient.retries`.

The projection needs **Neo4j 5.26 or newer** (Aura, 5.26 LTS, 2025.x): labels
and relationship types are passed as parameters with dynamic labels
(``SET n:$(labels)``), so no name is ever spliced into Cypher text.
:meth:`connect` checks this with ``EXPLAIN`` and says so if the server is older.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, CypherSyntaxError, DriverError, Neo4jError

from semcrm.ontology.neo4j.errors import Neo4jNotConfigured, Neo4jUnavailable, SyncError
from semcrm.ontology.settings import Settings

_CAPABILITY = "EXPLAIN WITH ['Resource'] AS labels MATCH (n) SET n:$(labels)"


@dataclass(frozen=True)
class Neo4jTarget:
    """Where the projection lives."""

    uri: str
    user: str = "neo4j"
    password: str = ""
    database: str = "neo4j"

    @classmethod
    def from_settings(cls, settings: Settings, *, what: str = "this") -> Neo4jTarget:
        """The configured target; :class:`Neo4jNotConfigured` when ``neo4j_uri`` is empty."""
        if not settings.neo4j_uri.strip():
            raise Neo4jNotConfigured(what)
        return cls(
            uri=settings.neo4j_uri.strip(),
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database or "neo4j",
        )

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password else None

    @property
    def key(self) -> str:
        """A short stable name of the (URI, database) pair, for the sync-state file."""
        return hashlib.blake2b(f"{self.uri}\0{self.database}".encode(), digest_size=6).hexdigest()

    def __str__(self) -> str:
        return f"{self.uri} (database {self.database})"


class Neo4jClient:
    """An open driver bound to one database. Use as a context manager, or :meth:`close`."""

    def __init__(self, target: Neo4jTarget, driver: neo4j.Driver, *, retry_seconds: float = 60):
        self.target = target
        self.driver = driver
        self.retry_seconds = retry_seconds
        self.retries = 0

    @classmethod
    def connect(cls, target: Neo4jTarget, *, retry_seconds: float = 60) -> Neo4jClient:
        """Open and check a driver for ``target``."""
        try:
            driver = GraphDatabase.driver(
                target.uri,
                auth=target.auth,
                max_transaction_retry_time=retry_seconds,
                connection_acquisition_timeout=30,
                user_agent="semcrm/0.1",
                # "label does not exist" and similar hints are noise for generated queries
                notifications_min_severity="OFF",
            )
        except (ValueError, DriverError) as exc:
            raise Neo4jUnavailable(
                f"{target.uri} is not a Neo4j URI the driver accepts: {exc}"
            ) from exc
        client = cls(target, driver, retry_seconds=retry_seconds)
        try:
            driver.verify_connectivity()
            driver.execute_query(_CAPABILITY, database_=target.database)
        except AuthError as exc:
            driver.close()
            raise Neo4jUnavailable(
                f"Neo4j at {target} refused the login of user {target.user!r}: check "
                "SEMCRM_NEO4J_USER and SEMCRM_NEO4J_PASSWORD"
            ) from exc
        except CypherSyntaxError as exc:
            driver.close()
            raise Neo4jUnavailable(
                f"Neo4j at {target} does not support dynamic labels (SET n:$(labels)), which "
                "the projection needs: use Neo4j 5.26 or newer (`make neo4j` starts one)"
            ) from exc
        except (DriverError, Neo4jError, OSError) as exc:
            driver.close()
            raise Neo4jUnavailable(
                f"cannot reach Neo4j at {target}: {exc}; is it running? (`make neo4j` starts "
                "one and prints its URI)"
            ) from exc
        return client

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def session(self, *, read: bool = False, fetch_size: int = 1000) -> neo4j.Session:
        return self.driver.session(
            database=self.target.database,
            default_access_mode=neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS,
            fetch_size=fetch_size,
        )

    def write(self, query: str, name: str, **parameters: Any) -> list[dict[str, Any]]:
        """Run one write statement in a managed (retried) transaction; ``name`` says what it is
        for in error messages."""
        attempts = 0

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            nonlocal attempts
            attempts += 1
            return [record.data() for record in tx.run(query, parameters)]

        try:
            with self.session() as session:
                return session.execute_write(work)
        except (DriverError, Neo4jError) as exc:
            raise SyncError(f"writing {name} to Neo4j at {self.target} failed: {exc}") from exc
        finally:
            self.retries += max(0, attempts - 1)

    def write_together(
        self, statements: Sequence[tuple[str, dict[str, Any]]], name: str
    ) -> list[list[dict[str, Any]]]:
        """Several statements in one managed transaction (all or nothing); the records of each.
        A statement's parameters may be a callable of the earlier results, for a step that
        depends on what an earlier one returned."""
        attempts = 0

        def work(tx: neo4j.ManagedTransaction) -> list[list[dict[str, Any]]]:
            nonlocal attempts
            attempts += 1
            results: list[list[dict[str, Any]]] = []
            for query, parameters in statements:
                params = parameters(results) if callable(parameters) else parameters
                results.append([record.data() for record in tx.run(query, params)])
            return results

        try:
            with self.session() as session:
                return session.execute_write(work)
        except (DriverError, Neo4jError) as exc:
            raise SyncError(f"writing {name} to Neo4j at {self.target} failed: {exc}") from exc
        finally:
            self.retries += max(0, attempts - 1)

    def write_batches(
        self, query: str, name: str, rows: Sequence[Any], batch_size: int
    ) -> list[dict[str, Any]]:
        """:meth:`write` with ``$rows`` cut into batches of ``batch_size``, one transaction each."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(rows), batch_size):
            out.extend(self.write(query, name, rows=list(rows[start : start + batch_size])))
        return out

    def read(self, query: str, **parameters: Any) -> list[dict[str, Any]]:
        """A small read of the sync's own bookkeeping (retried like a write)."""
        try:
            with self.session(read=True) as session:
                return session.execute_read(
                    lambda tx: [record.data() for record in tx.run(query, parameters)]
                )
        except (DriverError, Neo4jError) as exc:
            raise Neo4jUnavailable(f"reading from Neo4j at {self.target} failed: {exc}") from exc

    def run_autocommit(self, query: str, name: str, **parameters: Any) -> None:
        """An auto-commit statement, for ``CALL { ... } IN TRANSACTIONS``."""
        try:
            with self.session() as session:
                session.run(query, parameters).consume()  # type: ignore[arg-type]
        except (DriverError, Neo4jError) as exc:
            raise SyncError(f"{name} on Neo4j at {self.target} failed: {exc}") from exc


__all__ = ["Neo4jClient", "Neo4jTarget"]
