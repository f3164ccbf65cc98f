"""Each PII type maps to a DPV personal-data category declared in the shared DPV files."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import RDF, RDFS

from semcrm.ingest.pii import DPV_CATEGORIES, PII_TYPES, categories_of


def test_every_type_has_a_category_that_dpv_declares(shared_dir: Path) -> None:
    graph = rdflib.Graph().parse(shared_dir / "ontologies" / "dpv" / "pd" / "pd.ttl")
    assert set(DPV_CATEGORIES) == set(PII_TYPES)
    for iri in DPV_CATEGORIES.values():
        assert (rdflib.URIRef(iri), RDF.type, RDFS.Class) in graph, iri


def test_phones_share_one_category() -> None:
    assert categories_of(["mobile_phone", "phone"]) == {"https://w3id.org/dpv/pd#TelephoneNumber"}
    assert categories_of(["licence_plate"]) == {"https://w3id.org/dpv/pd#VehicleLicense"}
