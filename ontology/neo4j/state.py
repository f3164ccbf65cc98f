"""What the last sync pushed: a digest per (graph, subject), kept beside the store.

The state is a SQLite file in the data folder, one per Neo4j target
(``<data>/neo4j/sync-<hash of URI and database>.sqlite``), so pointing semcrm
at another server never reuses the wrong state. It is written only after a
sync's last write to Neo4j succeeded, in one SQLite transaction; a sync that
fails half-way leaves the old state, and the next sync redoes the difference
(every write is idempotent, so redoing is safe).

The state also names the projection it describes (``projection_id``); the
same id is kept in Neo4j in the ``_SemcrmSync`` node. When the two differ
(a new or wiped server, a restored backup), the state no longer describes
what is in Neo4j and the sync rebuilds instead of trusting it. A lock file
keeps two syncs of one data folder from running at once.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from semcrm.ontology.neo4j.errors import SyncError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graphs (
    graph TEXT PRIMARY KEY, digest TEXT NOT NULL, subjects INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subjects (
    graph TEXT NOT NULL, subject TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (graph, subject)
) WITHOUT ROWID;
"""


class SyncState:
    """The sync state of one data folder for one Neo4j target. Use as a context manager."""

    def __init__(self, path: Path, *, lock: bool = True) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = None
        if lock:
            self._lock_file = (path.parent / (path.name + ".lock")).open("w")
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                self._lock_file.close()
                raise SyncError(
                    f"another `semcrm neo4j sync` is running on {path.parent.parent}; "
                    "wait for it to finish"
                ) from exc
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()

    def __enter__(self) -> SyncState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------

    def info(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def graph_digests(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT graph, digest FROM graphs"))

    def subject_digests(self, graph: str) -> dict[str, str]:
        return dict(
            self._db.execute("SELECT subject, digest FROM subjects WHERE graph = ?", (graph,))
        )

    # -- writing (one transaction per call) ----------------------------------------

    def save(
        self,
        info: Mapping[str, str],
        graphs: Mapping[str, tuple[str, Mapping[str, str]]],
        removed: Iterable[str] = (),
        *,
        reset: bool = False,
    ) -> None:
        """Record a finished sync: ``graphs`` maps a graph to (digest, {subject: digest});
        ``removed`` graphs are forgotten; ``reset`` forgets everything first."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if reset:
                db.execute("DELETE FROM graphs")
                db.execute("DELETE FROM subjects")
            for graph in removed:
                db.execute("DELETE FROM graphs WHERE graph = ?", (graph,))
                db.execute("DELETE FROM subjects WHERE graph = ?", (graph,))
            for graph, (digest, subjects) in graphs.items():
                db.execute("DELETE FROM subjects WHERE graph = ?", (graph,))
                db.executemany(
                    "INSERT INTO subjects (graph, subject, digest) VALUES (?, ?, ?)",
                    ((graph, s, d) for s, d in subjects.items()),
                )
                db.execute(
                    "INSERT OR REPLACE INTO graphs (graph, digest, subjects) VALUES (?, ?, ?)",
                    (graph, digest, len(subjects)),
                )
            db.executemany(
                "INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)", list(info.items())
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def state_path(data_dir: Path, target_key: str) -> Path:
    return data_dir / "neo4j" / f"sync-{target_key}.sqlite"


__all__ = ["SyncState", "state_path"]
