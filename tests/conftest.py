"""Fixtures shared by the whole suite.

Real components only: stores are real on-disk stores in temporary folders,
the API is the real app served over HTTP, and the shared corpora, ontologies
and devset are read from ``../shared`` (where CI puts them), never copied.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import serve

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


# -- a real store with the demo samples, and the real API over HTTP ------------------------

SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def ontology():
    """The shipped ontology plus the demo vendor's catalogue (samples/ontology)."""
    from semcrm.ontology.loader import load_ontology

    return load_ontology([SAMPLES / "ontology"])


@pytest.fixture(scope="session")
def extract_processor(ontology):
    """The real processor (readers' output -> de-identification -> extraction) for small
    records written by the tests."""
    from semcrm.ingest.extract import Extractor
    from semcrm.ingest.pipeline import Processor

    return Processor(ontology, b"t" * 32, Extractor(ontology))


@pytest.fixture
def extract(extract_processor, tmp_path):
    """``extract(text, name)``: the extraction of one record file holding ``text``."""
    from semcrm.ingest.readers import read_path

    def run(text: str, name: str = "record.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return extract_processor.process(read_path(path)[0]).extraction

    return run


@pytest.fixture(scope="session")
def samples_data(tmp_path_factory, ontology) -> Path:
    """A data folder with the demo samples ingested and reasoned over (closed afterwards)."""
    from semcrm.api.cli import install_catalogue
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.materialize import materialize

    data = tmp_path_factory.mktemp("samples-data")
    install_catalogue(SAMPLES / "ontology", data)
    with KnowledgeStore(data) as store:
        report = ingest([SAMPLES / "records"], store, ontology)
        assert not report.rejected, report.rejected
        materialize(store, ontology)
    return data


@pytest.fixture(scope="session")
def api_url(samples_data) -> Iterator[str]:
    """The API over the demo samples, for the whole session."""
    with serve(samples_data) as url:
        yield url
