"""``semcrm ontology import-taxonomy``: the standard classifications, from the user's own files."""

from __future__ import annotations

import json

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.loader import load_ontology

runner = CliRunner()

FILES = [
    ("gbt4754-2017/gbt4754-2017-table.csv", "gbt4754", 1772),
    ("gbt4754-2017/gbt4754-2017-table.xlsx", "gbt4754", 1772),
    ("gbt4754-2017/gbt4754-2017-tree.json", "gbt4754", 1971),
    ("naics-2022/naics-2022-structure.csv", "naics", 2125),
    ("naics-2022/2022_NAICS_Structure.xlsx", "naics", 2125),
    ("isic-rev4/isic4-en.json", "isic", 766),
]


def run(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("name", "scheme", "concepts"), FILES)
def test_taxonomy_every_distributed_form_is_read(shared_dir, tmp_path, name, scheme, concepts):
    summary = run(
        "ontology",
        "import-taxonomy",
        str(shared_dir / "ontologies/industry" / name),
        "--data",
        str(tmp_path),
    )
    assert summary["scheme"] == scheme and summary["concepts"] == concepts
    assert summary["top_concepts"] == {"gbt4754": 20, "naics": 20, "isic": 21}[scheme]
    assert (tmp_path / "ontology" / f"std-{scheme}.ttl").is_file()


def test_taxonomy_hierarchy_titles_and_ranges(shared_dir, tmp_path):
    """NAICS 311 sits under the range 31-33; the workbook's trilateral 'T' is not in titles."""
    run(
        "ontology",
        "import-taxonomy",
        str(shared_dir / "ontologies/industry/naics-2022/2022_NAICS_Structure.xlsx"),
        "--data",
        str(tmp_path),
    )
    graph = load_ontology([tmp_path / "ontology"]).graph
    naics = "https://w3id.org/semcrm/std/naics/"
    assert (URIRef(naics + "311"), SKOS.broader, URIRef(naics + "31-33")) in graph
    labels = {str(o) for o in graph.objects(URIRef(naics + "11"), SKOS.prefLabel)}
    assert labels == {"Agriculture, Forestry, Fishing and Hunting"}


def test_taxonomy_industry_module_alignments_resolve_once_imported(shared_dir, tmp_path):
    """Every skos:closeMatch of industry.ttl into GB/T 4754 names a concept the import creates."""
    run(
        "ontology",
        "import-taxonomy",
        str(shared_dir / "ontologies/industry/gbt4754-2017/gbt4754-2017-tree.json"),
        "--data",
        str(tmp_path),
    )
    graph = load_ontology([tmp_path / "ontology"]).graph
    targets = {
        o
        for o in graph.objects(None, SKOS.closeMatch)
        if str(o).startswith("https://w3id.org/semcrm/std/gbt4754/")
    }
    assert len(targets) > 50
    assert [t for t in targets if (t, SKOS.prefLabel, None) not in graph] == []


def test_taxonomy_a_file_of_another_shape_is_refused_with_the_forms_read(tmp_path):
    bad = tmp_path / "codes.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    result = runner.invoke(app, ["ontology", "import-taxonomy", str(bad), "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "codes.csv" in result.output and "GB/T 4754" in result.output


def test_taxonomy_written_elsewhere_says_how_to_load_it(shared_dir, tmp_path):
    """Regression: with --out outside <data>/ontology the message claimed it was loaded."""
    elsewhere = tmp_path / "elsewhere" / "isic.ttl"
    result = runner.invoke(
        app,
        [
            "ontology", "import-taxonomy",
            str(shared_dir / "ontologies/industry/isic-rev4/isic4-en.json"),
            "--data", str(tmp_path / "data"), "--out", str(elsewhere),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"pass --ontology {elsewhere.parent} to load them" in " ".join(result.stderr.split())
    assert "now loads them" not in result.stderr


def test_ontology_check_reads_the_data_folders_own_ontology_files(tmp_path):
    """`ontology check --data` checks <data>/ontology too: a broken file there is named."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "mine.ttl").write_text("@prefix ex: <urn:x#> .\nex:a ex:b .\n")
    result = runner.invoke(app, ["ontology", "check", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "mine.ttl" in result.stderr
