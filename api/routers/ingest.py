"""``POST /ingest?name=FILE``: ingest one record sent as the request body, then reason.

Ingest writes, so it needs the ``write`` action (admin, as shipped) and therefore
authentication: with the ``auth`` setting off the endpoint refuses (403), since an open API
must not take writes from anyone who can reach it; use ``semcrm ingest`` there. The record
goes through the same readers, de-identification and extraction as ``semcrm ingest``; the
derived facts are brought up to date, and SPARQL's workers move to a new snapshot.

Answer: the ingest report (``interactions``, ``rejected``, ...) and ``reasoning``.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, Query, Request

from semcrm.api.access.auth import CallerDep, get_access
from semcrm.api.access.errors import AccessDenied
from semcrm.ontology.errors import SemcrmError

router = APIRouter(tags=["ingest"])
_WRITE = threading.Lock()
MAX_BYTES = 50 * 1024 * 1024


class IngestRefused(SemcrmError):
    """The request cannot be ingested as sent (no name, an empty or too large body)."""


@router.post(
    "/ingest",
    responses={403: {"description": "no write action, or auth is off"}},
)
async def ingest_record(
    request: Request,
    caller: CallerDep,
    name: Annotated[str, Query(description="the file name, whose extension picks the reader")],
) -> dict:
    """Ingest one record (the body) and re-derive the facts."""
    from starlette.concurrency import run_in_threadpool

    if caller is None:
        raise AccessDenied(
            "POST /ingest writes, so it needs authentication: set auth to keys and use a key "
            "whose role performs write, or run `semcrm ingest` on the server"
        )
    policy = get_access(request).policy
    if not caller.may(policy.action("write")):
        raise AccessDenied(f"{caller.principal} (key {caller.key_id}) may not perform write")
    filename = PurePath(name).name
    if not filename or filename in (".", ".."):
        raise IngestRefused("name the record file, e.g. ?name=call-2031-05-06.txt")
    body = await request.body()
    if not body:
        raise IngestRefused("the request body is empty: send the record's bytes")
    if len(body) > MAX_BYTES:
        raise IngestRefused(f"the record is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return await run_in_threadpool(_ingest, request, filename, body)


def _ingest(request: Request, filename: str, body: bytes) -> dict:
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.loader import load_ontology
    from semcrm.reasoning.maintain import reason

    state = request.app.state
    store = state.store
    with _WRITE, tempfile.TemporaryDirectory(prefix="semcrm-ingest-") as folder:
        path = Path(folder) / filename
        path.write_bytes(body)
        ontology = load_ontology(state.settings.ontology_dirs)
        changes = store.track_asserted_changes()
        report = ingest([path], store, ontology)
        reasoning = None
        if store.derived_facts_stale():
            reasoning = reason(store, ontology, changes).to_dict()
        store.flush()
        state.query_pool.refresh()
    return {**report.to_dict(), "reasoning": reasoning}
