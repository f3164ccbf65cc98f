"""The TBox loads in rdflib and owlready2, and HermiT finds it consistent."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

from semcrm.ontology.consistency import check_consistency
from semcrm.ontology.errors import OntologyLoadError
from semcrm.ontology.loader import MODULES, load_ontology, module_files

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


@pytest.mark.parametrize("name", MODULES)
def test_ontology_each_module_parses_in_rdflib(name):
    path = next(p for p in module_files() if p.name == name)
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 10


def test_ontology_loads_every_module_and_the_rules():
    ontology = load_ontology()
    names = {p.name for p in ontology.files}
    assert set(MODULES) <= names and "customer.ttl" in names
    assert len(ontology.graph) > 10000


def test_ontology_loads_in_owlready2(tmp_path):
    import owlready2

    path = tmp_path / "semcrm.owl"
    load_ontology().graph.serialize(destination=str(path), format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    classes = {c.name for c in onto.classes()}
    assert {"Customer", "Person", "Interaction", "EvidenceSpan", "Intent", "Rule"} <= classes


@pytest.mark.java
@needs_java
def test_ontology_hermit_finds_the_tbox_consistent(capfd):
    report = check_consistency(load_ontology())
    assert report.consistent and report.unsatisfiable == []
    assert report.classes > 50
    # Regression: owlready2 printed "* Owlready2 * WARNING: DataProperty ... text belongs
    # to more than one entity types" on every check; it goes to the log now.
    printed = capfd.readouterr()
    assert "Owlready2" not in printed.out + printed.err


@pytest.mark.java
@needs_java
def test_ontology_hermit_names_an_unsatisfiable_class(tmp_path):
    """A class under two disjoint classes (a person that is an organisation) is reported by IRI."""
    (tmp_path / "bad.ttl").write_text(
        "@prefix semcrm: <https://w3id.org/semcrm/ns#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "semcrm:PersonOrganisation a owl:Class ; rdfs:subClassOf semcrm:Person , semcrm:Organization .\n",
        encoding="utf-8",
    )
    report = check_consistency(load_ontology([tmp_path]))
    assert report.unsatisfiable == ["https://w3id.org/semcrm/ns#PersonOrganisation"]


def test_ontology_bad_turtle_names_the_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(OntologyLoadError) as error:
        load_ontology([tmp_path])
    assert "broken.ttl" in str(error.value) and "line 2" in str(error.value)
