"""Settings, declared once: name, default, help.

Resolution order for each setting: an explicit argument (a CLI option), then
the environment variable ``SEMCRM_<NAME>``, then ``semcrm.toml`` in the data
folder (or the file named by ``SEMCRM_CONFIG``), then the default. A bad
value is an error that names the setting, the value and where it came from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from semcrm.ontology.errors import SemcrmError


class SettingsError(SemcrmError):
    """A setting has a value semcrm cannot use."""


#: The shipped OWL 2 RL rule module, loaded when the ``owl_rl`` setting is on.
OWL_RL_RULES = Path(__file__).resolve().parent / "optional" / "owl-rl.ttl"


def boolean(raw: Any) -> bool:
    """A yes/no setting: true/false, yes/no, on/off, 1/0 (any case), or a TOML boolean."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0", ""}:
        return False
    raise ValueError(raw)


def auth_mode(raw: Any) -> str:
    """How the API authenticates callers: ``off`` (no authentication) or ``keys`` (API keys)."""
    text = str(raw).strip().lower()
    if text not in {"off", "keys"}:
        raise ValueError(raw)
    return text


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "./semcrm-data", "data folder holding the store, the secret key and logs"),
    Setting(
        "ontology",
        "",
        f"extra folders of Turtle files loaded after the shipped ontology ({os.pathsep}-separated)",
    ),
    Setting(
        "owl_rl",
        False,
        "also apply the OWL 2 RL rules (ontology/optional/owl-rl.ttl) to the data: "
        "subclass, domain/range, inverse, chain ... entailments, each with a justification",
        boolean,
    ),
    Setting("host", "127.0.0.1", "address `semcrm serve` listens on"),
    Setting("port", 8000, "port `semcrm serve` listens on", int),
    Setting("sparql_timeout", 30.0, "seconds a SPARQL query may run before it is cancelled", float),
    Setting("sparql_limit", 10000, "most rows a SPARQL SELECT returns over HTTP", int),
    Setting("sparql_workers", 2, "worker processes that run SPARQL queries for the API", int),
    Setting("sparql_memory_mb", 2048, "address-space cap of each SPARQL worker, in MB", int),
    Setting(
        "neo4j_uri",
        "",
        "Bolt URI of the Neo4j the projection syncs to and /cypher reads from "
        "(e.g. bolt://127.0.0.1:7687 from `make neo4j`); empty: no Neo4j",
    ),
    Setting("neo4j_user", "neo4j", "Neo4j user name"),
    Setting("neo4j_password", "", "Neo4j password (empty: connect without authentication)"),
    Setting("neo4j_database", "neo4j", "Neo4j database that holds the projection"),
    Setting(
        "neo4j_vocab",
        "shorten",
        "how IRIs become labels, types and property keys: shorten (semcrm__Customer, as "
        "neosemantics), ignore (Customer) or keep (the full IRI)",
    ),
    Setting("cypher_timeout", 30.0, "seconds a Cypher query may run before Neo4j stops it", float),
    Setting("cypher_limit", 10000, "most rows a Cypher query returns", int),
    Setting(
        "auth",
        "off",
        "API authentication: off (every caller reads everything, as before) or keys "
        "(every endpoint but /health and /docs needs an API key from `semcrm keys create`)",
        auth_mode,
    ),
)


@dataclass(frozen=True)
class Settings:
    data: Path
    ontology: tuple[Path, ...] = ()
    owl_rl: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    sparql_timeout: float = 30.0
    sparql_limit: int = 10000
    sparql_workers: int = 2
    sparql_memory_mb: int = 2048
    neo4j_uri: str = ""
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    neo4j_vocab: str = "shorten"
    cypher_timeout: float = 30.0
    cypher_limit: int = 10000
    auth: str = "off"
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def ontology_dirs(self) -> tuple[Path, ...]:
        """Extra ontology folders, plus ``<data>/ontology`` when it exists, plus the
        OWL 2 RL rules when ``owl_rl`` is on."""
        own = self.data / "ontology"
        dirs = (*self.ontology, own) if own.is_dir() else self.ontology
        return (*dirs, OWL_RL_RULES) if self.owl_rl else dirs


#: Settings that must be positive (timeouts, limits, sizes).
_POSITIVE = (
    "sparql_timeout", "sparql_limit", "sparql_workers", "sparql_memory_mb",
    "cypher_timeout", "cypher_limit",
)  # fmt: skip


def _check_ranges(values: dict[str, Any], sources: dict[str, str]) -> None:
    for name in _POSITIVE:
        if values[name] <= 0:
            raise SettingsError(
                f"setting {name!r} from {sources[name]} has value {values[name]!r}; "
                "it must be greater than 0"
            )
    if not 1 <= values["port"] <= 65535:
        raise SettingsError(
            f"setting 'port' from {sources['port']} has value {values['port']!r}; "
            "a port is a number from 1 to 65535"
        )


def load_settings(**explicit: Any) -> Settings:
    """Resolve every setting; ``explicit`` values (not None) win."""
    data_value = explicit.get("data") or os.environ.get("SEMCRM_DATA") or "./semcrm-data"
    config_path = Path(os.environ.get("SEMCRM_CONFIG") or Path(data_value) / "semcrm.toml")
    if os.environ.get("SEMCRM_CONFIG") and not config_path.is_file():
        raise SettingsError(
            f"SEMCRM_CONFIG names {str(config_path)!r}, which is not a file; "
            "fix the path or unset SEMCRM_CONFIG"
        )
    file_values: dict[str, Any] = {}
    if config_path.is_file():
        try:
            file_values = tomllib.loads(config_path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{config_path}: not valid TOML ({exc}); fix or remove it") from exc

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        env_name = f"SEMCRM_{setting.name.upper()}"
        if explicit.get(setting.name) is not None:
            raw, source = explicit[setting.name], "argument"
        elif env_name in os.environ:
            raw, source = os.environ[env_name], env_name
        elif setting.name in file_values:
            raw, source = file_values[setting.name], str(config_path)
        else:
            raw, source = setting.default, "default"
        try:
            values[setting.name] = setting.kind(raw) if setting.kind is not str else str(raw)
        except (TypeError, ValueError) as exc:
            raise SettingsError(
                f"setting {setting.name!r} from {source} has value {raw!r}, "
                f"which is not a {setting.kind.__name__}"
            ) from exc
        sources[setting.name] = source

    _check_ranges(values, sources)
    ontology_dirs = tuple(Path(p) for p in str(values["ontology"]).split(os.pathsep) if p)
    for folder in ontology_dirs:
        if not folder.exists():
            raise SettingsError(
                f"setting 'ontology' from {sources['ontology']} names {str(folder)!r}, "
                "which does not exist; fix the path or leave the setting empty"
            )
    return Settings(
        data=Path(values["data"]).expanduser(),
        ontology=ontology_dirs,
        owl_rl=values["owl_rl"],
        host=values["host"],
        port=values["port"],
        sparql_timeout=values["sparql_timeout"],
        sparql_limit=values["sparql_limit"],
        sparql_workers=values["sparql_workers"],
        sparql_memory_mb=values["sparql_memory_mb"],
        neo4j_uri=values["neo4j_uri"],
        neo4j_user=values["neo4j_user"],
        neo4j_password=values["neo4j_password"],
        neo4j_database=values["neo4j_database"],
        neo4j_vocab=values["neo4j_vocab"],
        cypher_timeout=values["cypher_timeout"],
        cypher_limit=values["cypher_limit"],
        auth=values["auth"],
        sources=sources,
    )
