"""No raw personal data from the devset's gold ``pii`` lists reaches the data folder.

The devset is ingested and reasoned over into a fresh data folder; then every
file in it (the Oxigraph database files, the logs) is scanned byte by byte,
and every literal in the store is exported and scanned, for every gold PII
string (and its decoded form where the raw text is encoded).
"""

from __future__ import annotations

import json

import pytest
from support import gold_pii, leaks
from typer.testing import CliRunner

from semcrm.api.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def devset_data(tmp_path_factory, devset_dir):
    data = tmp_path_factory.mktemp("pii-scan")
    for command in (["ingest", str(devset_dir)], ["reason"]):
        result = runner.invoke(
            app, [*command, "--data", str(data), "--json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
    return data


@pytest.mark.slow
def test_pii_scan_store_files_and_logs_hold_nogold_pii(devset_data, devset_dir):
    values = gold_pii(devset_dir)
    assert len(values) > 300
    files = [p for p in devset_data.rglob("*") if p.is_file() and p.name != "secret.key"]
    assert any(p.suffix == ".sst" for p in files) and any(p.suffix == ".log" for p in files)
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [(value, path.name) for value in leaks(values, text)]
    assert found == []


@pytest.mark.slow
def test_pii_scan_no_literal_in_the_store_holdsgold_pii(devset_data, devset_dir):
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER (isLiteral(?o)) } }"
    result = runner.invoke(
        app, ["sparql", query, "--data", str(devset_data), "--json"], catch_exceptions=False
    )
    literals = [b["o"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert len(literals) > 5000
    corpus = "\n".join(literals)
    assert leaks(gold_pii(devset_dir), corpus) == []


@pytest.mark.slow
def test_pii_scan_no_iri_in_the_store_holdsgold_pii(devset_data, devset_dir):
    query = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = runner.invoke(
        app, ["sparql", query, "--data", str(devset_data), "--json"], catch_exceptions=False
    )
    iris = "\n".join(b["s"]["value"] for b in json.loads(result.stdout)["results"]["bindings"])
    assert leaks(gold_pii(devset_dir), iris) == []
