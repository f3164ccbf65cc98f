"""A batch with bad files in it: each bad file is rejected with its reason, the good ones are
stored, and nothing of a rejected file reaches the store."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.store import KnowledgeStore

runner = CliRunner()

GOOD = "[00:00:01] 销售：您好，请问是采购部吗？\n[00:00:05] 客户：是的，我们想了解一下报价。\n"


def test_ingest_batch_goes_on_past_bad_files_and_writes_only_good_ones(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a-good-call.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.bin").write_bytes(bytes(range(256)) * 64)
    (folder / "cut.eml").write_bytes(
        b"From: a@example.org\nSubject: cut\nContent-Transfer-Encoding: base64\n"
    )
    (folder / "broken.jsonl").write_text(
        '{"ts": "2026-01-01T00:00:00Z", "event": "login"}\n{not json\n'
    )
    data = tmp_path / "data"
    result = runner.invoke(
        app, ["ingest", str(folder), "--data", str(data), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rejected = {r["file"].rsplit("/", 1)[-1]: r for r in report["rejected"]}
    assert set(rejected) == {"empty.txt", "garbage.bin", "cut.eml", "broken.jsonl"}
    assert all(r["reason"] for r in rejected.values())
    assert rejected["broken.jsonl"]["where"] == "line 2"
    assert [i["source"] for i in report["interactions"]] == ["a-good-call.txt"]
    with KnowledgeStore(data) as store:
        assert len(store.interaction_graphs()) == 1


def test_ingest_control_characters_of_a_file_name_are_not_stored(tmp_path):
    """Regression: ESC, CR, LF and BEL of a file name reached semcrm:sourceName, and from there
    the terminal of whoever printed a SPARQL TSV answer."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "call\x1b[31mRED\x1b[0m\nline2\r\x07.txt").write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data"
    result = runner.invoke(app, ["ingest", str(folder), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)["interactions"]
    assert record["source"] == "call?[31mRED?[0m?line2??.txt"
    with KnowledgeStore(data, read_only=True) as store:
        names = [
            q.object.value
            for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if q.predicate.value.endswith("#sourceName")
        ]
    assert names and all(not any(ord(c) < 32 for c in name) for name in names)
