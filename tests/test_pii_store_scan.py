"""No raw personal data from the devset's gold ``pii`` lists reaches the data folder.

The devset is ingested and reasoned over into a fresh data folder; then every
file in it (the Oxigraph database files, the logs) is scanned byte by byte,
and every literal in the store is exported and scanned, for every gold PII
string (and its decoded form where the raw text is encoded).
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app

runner = CliRunner()


def _gold_pii(devset_dir) -> list[tuple[str, str]]:
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


def _leaks(values: list[tuple[str, str]], text: str) -> list[str]:
    """Values found in ``text``: a fast substring test first, the word-aware pattern to confirm."""
    return sorted({v for _, v in values if v in text and re.search(_alternative(v), text)})


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
def test_pii_scan_store_files_and_logs_hold_no_gold_pii(devset_data, devset_dir):
    values = _gold_pii(devset_dir)
    assert len(values) > 300
    files = [p for p in devset_data.rglob("*") if p.is_file() and p.name != "secret.key"]
    assert any(p.suffix == ".sst" for p in files) and any(p.suffix == ".log" for p in files)
    leaks = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        leaks += [(value, path.name) for value in _leaks(values, text)]
    assert leaks == []


@pytest.mark.slow
def test_pii_scan_no_literal_in_the_store_holds_gold_pii(devset_data, devset_dir):
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER (isLiteral(?o)) } }"
    result = runner.invoke(
        app, ["sparql", query, "--data", str(devset_data), "--json"], catch_exceptions=False
    )
    literals = [b["o"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert len(literals) > 5000
    corpus = "\n".join(literals)
    assert _leaks(_gold_pii(devset_dir), corpus) == []


@pytest.mark.slow
def test_pii_scan_no_iri_in_the_store_holds_gold_pii(devset_data, devset_dir):
    query = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = runner.invoke(
        app, ["sparql", query, "--data", str(devset_data), "--json"], catch_exceptions=False
    )
    iris = "\n".join(b["s"]["value"] for b in json.loads(result.stdout)["results"]["bindings"])
    assert _leaks(_gold_pii(devset_dir), iris) == []
