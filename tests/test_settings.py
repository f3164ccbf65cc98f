"""Settings: every bad value is an error naming the setting, its value and where it came from."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.settings import SettingsError, load_settings

runner = CliRunner()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "SEMCRM_PORT",
            "abc",
            "'port' from SEMCRM_PORT has value 'abc', which is not a whole number",
        ),
        ("SEMCRM_PORT", "99999", "a port is a number from 1 to 65535"),
        ("SEMCRM_PORT", "-1", "a port is a number from 1 to 65535"),
        ("SEMCRM_SPARQL_LIMIT", "-1", "'sparql_limit' from SEMCRM_SPARQL_LIMIT has value -1"),
        ("SEMCRM_SPARQL_TIMEOUT", "0", "it must be greater than 0"),
        ("SEMCRM_OWL_RL", "maybe", "which is not true or false"),
        ("SEMCRM_AUTH", "bogus", "which is not one of off, keys, jwt, keys+jwt"),
        ("SEMCRM_CONFIG", "/nonexistent/semcrm.toml", "SEMCRM_CONFIG names"),
        ("SEMCRM_ONTOLOGY", "/nonexistent/ontology", "which does not exist"),
    ],
)
def test_settings_bad_value_is_named(monkeypatch, tmp_path, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings(data=str(tmp_path))
    assert message in str(error.value)


@pytest.mark.parametrize("command", [["reason"], ["ingest", "."], ["serve"], ["customers"]])
def test_settings_bad_value_is_a_usage_error_not_a_traceback(tmp_path, command):
    """Regression: ``SEMCRM_OWL_RL=maybe semcrm reason`` (and ingest, serve) printed a traceback."""
    env = {"SEMCRM_OWL_RL": "maybe", "SEMCRM_DATA": str(tmp_path)}
    result = runner.invoke(app, command, env=env)
    assert result.exit_code == 2
    assert not isinstance(result.exception, SettingsError)  # handled, never raised
    assert "owl_rl" in result.output and "not true or false" in result.output


def test_serve_port_out_of_range_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["serve", "--port", "99999", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "a port is a number from 1 to 65535" in result.output


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_sparql_limit_below_one_is_a_usage_error(tmp_path, limit):
    result = runner.invoke(app, ["sparql", "ASK {}", "--limit", limit, "--data", str(tmp_path)])
    assert result.exit_code == 2


def test_settings_a_data_folder_that_is_a_file_says_so(tmp_path):
    """Regression: `semcrm customers --data /etc/passwd` said it "has no store yet"."""
    path = tmp_path / "notes.txt"
    path.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["customers", "--data", str(path)])
    assert result.exit_code == 2
    assert "which is a file, not a data folder" in result.output
