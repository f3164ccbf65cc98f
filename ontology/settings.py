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
    """How the API authenticates callers: ``off`` (no authentication), ``keys`` (API keys),
    ``jwt`` (OAuth2 bearer JWTs) or ``keys+jwt`` (either)."""
    text = str(raw).strip().lower().replace(" ", "")
    text = {"jwt+keys": "keys+jwt", "keys,jwt": "keys+jwt", "jwt,keys": "keys+jwt"}.get(text, text)
    if text not in {"off", "keys", "jwt", "keys+jwt"}:
        raise ValueError(raw)
    return text


#: What each kind of setting takes, for messages ("which is not a whole number").
_KIND_WORDS: dict[Any, str] = {
    int: "a whole number",
    float: "a number",
    boolean: "true or false (also yes/no, on/off, 1/0)",
    auth_mode: "one of off, keys, jwt, keys+jwt",
}

#: JWT signature algorithms semcrm accepts in ``jwt_algorithms`` (never ``none``).
JWT_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    "EdDSA", "HS256", "HS384", "HS512",
)  # fmt: skip


def algorithms(raw: Any) -> tuple[str, ...]:
    """A comma-separated list of JWT algorithms, each one of :data:`JWT_ALGORITHMS`."""
    names = tuple(a.strip() for a in str(raw).split(",") if a.strip())
    by_key = {a.lower(): a for a in JWT_ALGORITHMS}
    if not names or any(a.lower() not in by_key for a in names):
        raise ValueError(raw)
    return tuple(dict.fromkeys(by_key[a.lower()] for a in names))


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
        "API authentication: off (every caller reads everything, as before), keys "
        "(every endpoint but /health and /docs needs an API key from `semcrm keys create`), "
        "jwt (an OAuth2 bearer JWT, see the jwt_* settings) or keys+jwt (either)",
        auth_mode,
    ),
    Setting("jwt_issuer", "", "the `iss` a bearer JWT must carry (auth jwt or keys+jwt)"),
    Setting("jwt_audience", "", "the `aud` a bearer JWT must carry (auth jwt or keys+jwt)"),
    Setting("jwt_jwks", "", "JSON Web Key Set file with the issuer's public keys (by `kid`)"),
    Setting(
        "jwt_algorithms",
        "RS256,ES256",
        "JWT signature algorithms accepted, comma-separated (HS256 only with jwt_secret)",
        algorithms,
    ),
    Setting("jwt_secret", "", "shared secret for HS256/HS384/HS512 JWTs (empty: none accepted)"),
    Setting(
        "jwt_roles_claim",
        "roles",
        "claim holding the semcrm roles (admin, governance, analyst, agent; a list or a "
        "space-separated string such as `scope`)",
    ),
    Setting(
        "jwt_principal_claim",
        "",
        "claim holding the caller's principal IRI (empty, or absent from a token: the "
        "principal is <https://w3id.org/semcrm/id/principal/> + `sub`)",
    ),
    Setting("jwt_leeway", 30.0, "seconds of clock skew allowed on exp, nbf and iat", float),
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
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwt_jwks: str = ""
    jwt_algorithms: tuple[str, ...] = ("RS256", "ES256")
    jwt_secret: str = ""
    jwt_roles_claim: str = "roles"
    jwt_principal_claim: str = ""
    jwt_leeway: float = 30.0
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


def _check_jwt(values: dict[str, Any], sources: dict[str, str]) -> None:
    """With JWTs on, the issuer, the audience and a key source are required; HMAC
    algorithms need the secret, and a secret needs an HMAC algorithm."""
    if values["jwt_leeway"] < 0:
        raise SettingsError(
            f"setting 'jwt_leeway' from {sources['jwt_leeway']} has value "
            f"{values['jwt_leeway']!r}; it must be 0 or more seconds"
        )
    if "jwt" not in values["auth"]:
        return
    for name in ("jwt_issuer", "jwt_audience"):
        if not str(values[name]).strip():
            raise SettingsError(
                f"setting 'auth' is {values['auth']!r} (from {sources['auth']}), which needs "
                f"{name!r}: set SEMCRM_{name.upper()} or `{name} = ...` in semcrm.toml"
            )
    hmac = [a for a in values["jwt_algorithms"] if a.startswith("HS")]
    public = [a for a in values["jwt_algorithms"] if not a.startswith("HS")]
    if hmac and not values["jwt_secret"]:
        raise SettingsError(
            f"setting 'jwt_algorithms' ({sources['jwt_algorithms']}) lists {', '.join(hmac)}, "
            "which needs 'jwt_secret'; set it or remove the HS algorithms"
        )
    if values["jwt_secret"] and not hmac:
        raise SettingsError(
            f"setting 'jwt_secret' ({sources['jwt_secret']}) is set but 'jwt_algorithms' lists "
            "no HS algorithm; add HS256 to jwt_algorithms or unset jwt_secret"
        )
    if public and not str(values["jwt_jwks"]).strip():
        raise SettingsError(
            f"setting 'jwt_algorithms' lists {', '.join(public)}, which needs 'jwt_jwks' (the "
            "issuer's JSON Web Key Set file); set it or list only HS algorithms"
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
                f"which is not {_KIND_WORDS.get(setting.kind, 'a valid value')}"
            ) from exc
        sources[setting.name] = source

    _check_ranges(values, sources)
    _check_jwt(values, sources)
    ontology_dirs = tuple(Path(p) for p in str(values["ontology"]).split(os.pathsep) if p)
    for folder in ontology_dirs:
        if not folder.exists():
            raise SettingsError(
                f"setting 'ontology' from {sources['ontology']} names {str(folder)!r}, "
                "which does not exist; fix the path or leave the setting empty"
            )
    data_dir = Path(values["data"]).expanduser()
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(
            f"setting 'data' from {sources.get('data', 'the command line')} names "
            f"{str(data_dir)!r}, which is a file, not a data folder; pass a folder"
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
        jwt_issuer=values["jwt_issuer"],
        jwt_audience=values["jwt_audience"],
        jwt_jwks=values["jwt_jwks"],
        jwt_algorithms=values["jwt_algorithms"],
        jwt_secret=values["jwt_secret"],
        jwt_roles_claim=values["jwt_roles_claim"],
        jwt_principal_claim=values["jwt_principal_claim"],
        jwt_leeway=values["jwt_leeway"],
        sources=sources,
    )
