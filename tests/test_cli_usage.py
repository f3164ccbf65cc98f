"""Command-line usage mistakes get a usage error that says what to pass, not a silent result."""

from __future__ import annotations

from typer.testing import CliRunner

from semcrm.api.cli import app

runner = CliRunner()


def test_context_language_is_en_or_zh(tmp_path):
    result = runner.invoke(app, ["context", "anyone", "--lang", "fr", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "--lang is en or zh, not 'fr'" in result.output


def test_explain_json_and_prov_together_is_a_usage_error(tmp_path):
    result = runner.invoke(
        app, ["explain", "https://example.org/x", "--json", "--prov", "--data", str(tmp_path)]
    )
    assert result.exit_code == 2 and "choose one" in result.output


def test_eval_of_a_folder_without_gold_files_says_so(tmp_path):
    """Regression: `semcrm eval samples/records` printed an all-zero table and exited 0."""
    (tmp_path / "call.txt").write_text("客户：你好\n销售：您好\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 1 and "no <id>.gold.json files" in result.output


def test_demo_without_its_records_is_a_usage_error(tmp_path):
    """Regression: `semcrm demo` outside the repository ingested nothing and served an empty store."""
    result = runner.invoke(
        app, ["demo", "--samples", str(tmp_path), "--no-serve", "--data", str(tmp_path / "d")]
    )
    assert result.exit_code == 2 and "no demo records" in result.output


def test_version_prints_the_installed_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"semcrm {version('semcrm')}"


def test_redact_says_its_pseudonyms_are_not_the_stored_ones(tmp_path):
    record = tmp_path / "call.txt"
    record.write_text("客户：我是张伟，电话13812345678。\n", encoding="utf-8")
    result = runner.invoke(app, ["redact", str(record)])
    assert result.exit_code == 0
    assert "13812345678" not in result.stdout
    assert "throwaway key" in result.stderr


def test_eval_skips_broken_gold_files_naming_each_and_scores_the_rest(tmp_path, devset_dir):
    """Regression: one broken gold file ended `semcrm eval` with a traceback."""
    import json
    import shutil

    shutil.copy(devset_dir / "D13.txt", tmp_path / "D13.txt")
    shutil.copy(devset_dir / "D13.gold.json", tmp_path / "D13.gold.json")
    (tmp_path / "X1.gold.json").write_text('{"people": [', encoding="utf-8")
    (tmp_path / "X2.gold.json").write_text("[]", encoding="utf-8")
    (tmp_path / "X3.gold.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "X4.gold.json").write_text('{"id": "X4", "people": 7}', encoding="utf-8")
    (tmp_path / "X4.txt").write_text("客户：你好。\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["records"] == 1
    reasons = {r["file"].rsplit("/", 1)[-1]: r["reason"] for r in payload["rejected"]}
    assert sorted(reasons) == ["X1.gold.json", "X2.gold.json", "X3.gold.json", "X4.gold.json"]
    assert reasons["X1.gold.json"].startswith("not valid JSON at line 1, column")
    assert "string 'id'" in reasons["X2.gold.json"] and "not UTF-8" in reasons["X3.gold.json"]
    assert "gold schema" in reasons["X4.gold.json"]
    assert "skipped" in result.stderr
