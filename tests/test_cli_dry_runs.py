"""``semcrm extract`` and ``semcrm redact``: dry runs that print what the pipeline sees, store nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ingest.readers import read_path

runner = CliRunner()

GOLD_KEYS = {
    "id",
    "language",
    "kind",
    "customer_org",
    "people",
    "products",
    "competitors",
    "stated_needs",
    "unstated_needs",
    "emotion_turning_points",
    "objections",
    "intents",
    "pii",
}


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _evidence_strings(record: dict) -> list[str]:
    out = [n["evidence"] for n in record["stated_needs"]]
    out += [e for n in record["unstated_needs"] for e in n["evidence"]]
    out += [t["trigger_evidence"] for t in record["emotion_turning_points"]]
    out += [o["evidence"] for o in record["objections"]]
    out += [e for i in record["intents"] for e in i["evidence"]]
    out += [p["mention"] for p in record["people"]] + [
        a for p in record["people"] for a in p["aliases"]
    ]
    out += record["products"] + record["competitors"] + record["customer_org"]["qualifications"]
    out += [p["text"] for p in record["pii"]]
    if record["customer_org"]["name"]:
        out.append(record["customer_org"]["name"])
    return out


@pytest.mark.slow
def test_extract_every_devset_record_in_the_gold_shape_with_exact_substrings(
    devset_dir, tmp_path, monkeypatch
):
    """For every record: the gold keys, and every evidence string an exact substring of the decoded text."""
    monkeypatch.chdir(tmp_path)  # a dry run must not create ./semcrm-data
    records = sorted(p for p in devset_dir.iterdir() if p.name[0] == "D" and ".gold." not in p.name)
    assert len(records) == 36
    for path in records:
        record = run_json("extract", str(path))
        assert record.keys() >= GOLD_KEYS, path.name
        text = read_path(path)[0].text
        for value in _evidence_strings(record):
            assert value in text, (path.name, value)
        assert {i["confidence"] for i in record["intents"]} <= {"high", "medium", "low"}
    assert list(tmp_path.iterdir()) == []


def test_extract_stores_nothing_and_finds_the_customer(tmp_path):
    record = run_json(
        "extract", "samples/records/presales-call-zh.txt", "--data", str(tmp_path / "data")
    )
    assert record["customer_org"]["name"] == "江苏晟阳新能源工程有限公司"
    assert record["customer_org"]["industry_path"][-1] == "具备储能系统集成资质的光伏EPC总承包商"
    assert "储能系统集成资质" in record["customer_org"]["qualifications"]
    assert {p["text"] for p in record["pii"]} >= {
        "139 5108 2276",
        "wei.zhendong@shengyang-ne.example",
    }
    assert not (tmp_path / "data").exists()


def test_redact_prints_the_redacted_text_and_spans_over_the_decoded_text():
    result = run_json("redact", "samples/records/presales-call-zh.txt")
    text = read_path("samples/records/presales-call-zh.txt")[0].text
    assert "139 5108 2276" not in result["text"] and "韦振东" not in result["text"]
    assert result["spans"]
    for span in result["spans"]:
        assert set(span) == {"start", "end", "type", "text"}
        assert text[span["start"] : span["end"]] == span["text"]
    # the office landline is not personal data and survives
    assert "025-8431 6620" in result["text"]


def test_extract_a_missing_file_is_a_usage_error():
    result = runner.invoke(app, ["extract", "no/such/file.txt", "--json"])
    assert result.exit_code == 2
    assert "no such file" in result.output
