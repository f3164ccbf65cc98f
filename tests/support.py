"""Helpers shared by several test modules (imported as ``support``; tests/ is on sys.path)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def serve(data: Path, *, startup: float = 30, **settings: object) -> Iterator[str]:
    """The real FastAPI app over ``data``, served by uvicorn on a free loopback port
    (``settings`` override semcrm settings, e.g. ``sparql_timeout=2``; ``startup``: seconds
    to wait for it to answer, more for a big store on a busy machine)."""
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    from semcrm.api.main import create_app
    from semcrm.ontology.settings import load_settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(data=str(data), **settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        try:
            # /health counts the store's triples: on a big store wait for the answer rather
            # than pile up retries that each count them again
            if httpx.get(f"{url}/health", timeout=1 if startup <= 30 else 60).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        pytest.fail(f"the API did not start within {startup:g} s")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def gold_pii(devset_dir: Path) -> list[tuple[str, str]]:
    """(record id, value) for every gold PII string, and its decoded form where encoded."""
    values: list[tuple[str, str]] = []
    for path in sorted(devset_dir.glob("*.gold.json")):
        gold = json.loads(path.read_text("utf-8"))
        for item in gold["pii"]:
            values.append((gold["id"], item["text"]))
            if item.get("decoded"):
                values.append((gold["id"], item["decoded"]))
    return values


def _alternative(value: str) -> str:
    """Latin names match as words ("Ben" is not in "Benefits"); everything else as written."""
    escaped = re.escape(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", value):
        return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
    return escaped


def leaks(values: list[tuple[str, str]], text: str) -> list[str]:
    """Values found in ``text``: a fast substring test first, the word-aware pattern to confirm."""
    return sorted({v for _, v in values if v in text and re.search(_alternative(v), text)})
