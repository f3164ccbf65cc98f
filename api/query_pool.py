"""SPARQL queries in worker processes, so a runaway query can be stopped.

Oxigraph cannot interrupt a running query, and one careless cartesian
product can take minutes and gigabytes. The API therefore never runs SPARQL
in its own process: it keeps a small pool of worker processes, each with
the store open **read-only on a snapshot**, and

* a query that runs past the timeout is stopped by killing its worker
  (a fresh worker takes its place) and answered with a timeout error;
* each worker's address space is capped (``RLIMIT_AS``), so a query that
  needs more memory fails in its worker and is answered with a clear error
  instead of starving the machine.

The snapshot is an Oxigraph backup of the data folder's store (hard links to
its immutable files, so it is fast and small), taken when the pool starts
and again whenever the API writes (:meth:`QueryPool.refresh`). Workers are
started with ``spawn``, never ``fork``: the store's background threads do not
survive a fork.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import queue
import shutil
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from semcrm.api.sparql import QueryFailed, QueryRefused, QueryResult, QueryTimeout, QueryTooLarge

log = logging.getLogger("semcrm.api.sparql")


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    limit: int
    #: When set, the query runs over only what this tier rank may read
    #: (:func:`semcrm.api.access.views.readable_view`, built once per worker and clearance).
    clearance: int | None = None
    policy: Any = None  # the AccessPolicy the clearance is read against
    #: False: protected fields (terms with a tier) are left out too (no read-field)
    fields: bool = True


def _worker(snapshot: str, memory_bytes: int, connection: Connection) -> None:
    """Runs in the worker process: open the snapshot, answer queries until told to stop."""
    import resource
    import signal

    import pyoxigraph as ox

    from semcrm.api.sparql import execute

    # Ctrl-C in the terminal reaches the whole process group; the server stops the
    # workers itself, so the interrupt must not print a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    store = ox.Store.read_only(snapshot)
    views: dict[tuple, ox.Store] = {}  # readable views of this snapshot, per scope
    connection.send(("ready", None))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            target = store
            if request.clearance is not None:
                from semcrm.api.access.views import readable_view

                key = (request.clearance, request.fields)
                if key not in views:
                    views[key] = readable_view(
                        store, request.policy, request.clearance, fields=request.fields
                    )
                target = views[key]
            result = execute(
                target,
                request.query,
                default_graphs=request.default_graphs,
                named_graphs=request.named_graphs,
                limit=request.limit,
            )
            connection.send(("ok", result.to_dict()))
        except QueryRefused as exc:
            connection.send(("refused", str(exc)))
        except QueryFailed as exc:
            connection.send(("failed", str(exc)))
        except MemoryError:
            connection.send(("memory", "out of memory"))
        except Exception as exc:  # report, never die silently
            connection.send(("failed", f"the query failed: {exc}"))


class _Worker:
    def __init__(self, context: Any, snapshot: Path, memory_bytes: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(str(snapshot), memory_bytes, child), daemon=True
        )
        self.process.start()
        child.close()
        self.snapshot = snapshot
        if not self.connection.poll(60):
            self.kill()
            raise QueryFailed("a SPARQL worker did not start within 60 s")
        kind, _ = self.connection.recv()
        if kind != "ready":
            raise QueryFailed("a SPARQL worker failed to open the store snapshot")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()


class QueryPool:
    """A fixed number of query workers over a snapshot of one store."""

    def __init__(
        self, store: Any, data_dir: Path, *, workers: int = 2, memory_mb: int = 2048
    ) -> None:
        self._store = store
        self._root = Path(data_dir) / "snapshots"
        self._size = max(1, workers)
        self._memory = memory_mb * 1024 * 1024
        self._context = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._generation = 0
        self._snapshot = self._take_snapshot()
        for _ in range(self._size):
            self._idle.put(_Worker(self._context, self._snapshot, self._memory))

    def _take_snapshot(self) -> Path:
        self._generation += 1
        target = self._root / f"{time.time_ns()}-{self._generation}"
        self._root.mkdir(parents=True, exist_ok=True)
        self._store.flush()
        self._store.oxigraph.backup(str(target))
        return target

    def refresh(self) -> None:
        """Take a new snapshot (after a write); workers move to it one by one."""
        with self._lock:
            self._snapshot = self._take_snapshot()

    def run(self, request: QueryRequest, timeout: float) -> QueryResult:
        worker = self._idle.get()
        sent = False
        try:
            if worker.snapshot != self._snapshot:
                worker.stop()
                worker = _Worker(self._context, self._snapshot, self._memory)
            worker.connection.send(request)
            sent = True
            if not worker.connection.poll(timeout):
                log.warning("SPARQL query stopped after %.1f s", timeout)
                worker.kill()
                worker, sent = _Worker(self._context, self._snapshot, self._memory), False
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped; "
                    "narrow it (fewer unbound patterns, a LIMIT) or raise SEMCRM_SPARQL_TIMEOUT"
                )
            try:
                kind, payload = worker.connection.recv()
            except EOFError:
                worker.kill()
                worker, sent = _Worker(self._context, self._snapshot, self._memory), False
                raise QueryTooLarge(
                    "the query stopped its worker process (it needed more than the "
                    f"{self._memory // (1024 * 1024)} MB a query may use, or crashed the query "
                    "engine); narrow it"
                ) from None
            sent = False  # the answer is read: the worker may serve the next query
        except BaseException:
            if sent:
                # The worker may still hold this query's answer; serving the next query
                # from it would hand that answer to another caller.
                worker.kill()
                worker = _Worker(self._context, self._snapshot, self._memory)
            raise
        finally:
            self._idle.put(worker)
        if kind == "ok":
            return QueryResult.from_dict(payload)
        if kind == "refused":
            raise QueryRefused(payload)
        if kind == "memory":
            raise QueryTooLarge(
                "the query needed more memory than a query may use "
                f"({self._memory // (1024 * 1024)} MB) and was stopped; narrow it"
            )
        raise QueryFailed(payload)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().stop()
        shutil.rmtree(self._root, ignore_errors=True)
