"""Fixtures shared by the whole suite.

Real components only: stores are real on-disk stores in temporary folders,
the API is the real app served over HTTP, and the shared corpora, ontologies
and devset are read from ``../shared`` (where CI puts them), never copied.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    configured = os.environ.get("SEMCRM_SHARED")
    path = Path(configured) if configured else REPO.parent / "shared"
    return path.resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``: the real corpora, ontologies and devset (override with SEMCRM_SHARED)."""
    path = _shared_dir()
    if not (path / "devset").is_dir():
        pytest.fail(
            f"the shared data folder is missing at {path}; "
            "put it beside the repository or set SEMCRM_SHARED"
        )
    return path


@pytest.fixture(scope="session")
def devset_dir(shared_dir: Path) -> Path:
    return shared_dir / "devset"


@pytest.fixture(scope="session")
def corpora_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpora"
