"""The ``semcrm`` command line: the same services as the API, for people and scripts.

Every command that prints data has ``--json`` for machine output (on stdout;
progress and messages go to stderr). Exit status: 0 when the command did its
job (an ingest that rejected some files still did its job), 1 when it could
not (an unknown customer, a locked or missing store, a bad query), 2 for
wrong usage.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.settings import Settings, load_settings

app = typer.Typer(
    name="semcrm",
    help="Semantic data platform for customer operations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ontology_app = typer.Typer(help="Check and inspect the ontology.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")
neo4j_app = typer.Typer(
    help="Project the knowledge graph into Neo4j (SEMCRM_NEO4J_URI).", no_args_is_help=True
)
app.add_typer(neo4j_app, name="neo4j")
keys_app = typer.Typer(
    help="API keys (used when SEMCRM_AUTH=keys): create, list, revoke.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
approvals_app = typer.Typer(
    help="Grants derived by rules: list changes, approve or reject yellow ones.",
    no_args_is_help=True,
)
app.add_typer(approvals_app, name="approvals")
access_app = typer.Typer(
    help="Access decisions with their reasons: check an action, explain what a principal sees.",
    no_args_is_help=True,
)
app.add_typer(access_app, name="access")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"semcrm {version('semcrm')}")
        raise typer.Exit()


@app.callback()
def _main_options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="print the installed version and exit",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Semantic data platform for customer operations."""


err = Console(stderr=True, highlight=False, soft_wrap=True)
# Rich draws tables 80 columns wide when stdout is not a terminal; pipes get room.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="data folder (default ./semcrm-data, or $SEMCRM_DATA)", show_default=False
    ),
]
OntologyOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--ontology", help="extra folder of Turtle files (repeatable)", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable JSON on stdout")]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="PRINCIPAL",
        help="answer as this principal may read it (its roles and keys' tiers and fields)",
    ),
]
#: The demo records and catalogue, next to the packages in the repository.
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _settings(data: Path | None, ontology: list[Path] | None = None) -> Settings:
    import os

    extra = os.pathsep.join(str(p) for p in ontology) if ontology else None
    try:
        return load_settings(data=str(data) if data else None, ontology=extra)
    except SemcrmError as exc:
        _fail(str(exc), 2)
        raise  # unreachable: _fail exits


def _emit(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {_shown(message)}")
    raise typer.Exit(code)


def _shown(text: str) -> str:
    """Text from outside (file names, reasons) made safe to print: rich markup escaped,
    control characters shown as escapes rather than sent to the terminal."""
    from rich.markup import escape

    cleaned = "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)
    return escape(cleaned)


def _require_file(path: Path) -> None:
    if path.is_dir():
        _fail(f"{path} is a folder; this command takes one file", 2)
    if not path.is_file():
        _fail(f"no such file: {path}", 2)


def _configure_logging(settings: Settings) -> None:
    if settings.data.exists() and not settings.data.is_dir():
        _fail(f"{settings.data} is a file, not a data folder; pass a folder to --data")
    logs = settings.data / "logs"
    try:
        logs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"cannot create {logs}: {exc.strerror}")
    handler = logging.FileHandler(logs / "semcrm.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("semcrm")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


# -- ingest and reason --------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (recursive)")],
    data: DataOption = None,
    ontology: OntologyOption = None,
    as_json: JsonOption = False,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
    reason_after: Annotated[
        bool, typer.Option("--reason/--no-reason", help="re-derive facts when something changed")
    ] = True,
) -> None:
    """Read, de-identify and extract files into the store (one named graph per interaction),
    then re-run the rules so derived facts follow (``--no-reason`` to skip)."""
    from semcrm.ingest.pipeline import ingest as run_ingest
    from semcrm.ingest.readers import iter_files
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.store import KnowledgeStore

    settings = _settings(data, ontology)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}", 2)
    try:
        _configure_logging(settings)
        onto = load_ontology(settings.ontology_dirs)
        files = list(iter_files(paths))
        with KnowledgeStore(settings.data) as store:
            changes = store.track_asserted_changes()
            report = _with_progress(
                progress and not as_json and err.is_terminal,
                len(files),
                lambda tick: run_ingest(paths, store, onto, progress=tick, files=files),
            )
            reasoning = None
            if reason_after and store.derived_facts_stale():
                from semcrm.reasoning.maintain import reason as maintain

                reasoning = maintain(store, onto, changes)
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit({**report.to_dict(), "reasoning": reasoning.to_dict() if reasoning else None})
        return
    statuses = ", ".join(f"{n} {s}" for s, n in report.statuses.items()) or "none"
    err.print(
        f"[bold]ingested[/] {len(report.records)} interactions from {report.files} files "
        f"({statuses}) in {report.seconds:.1f}s; store: {report.triples_before} -> "
        f"{report.triples_after} triples"
    )
    table = Table("format", "interactions", title="per format")
    for fmt, count in report.formats.items():
        table.add_row(fmt, str(count))
    out.print(table)
    if report.rejected:
        err.print(f"[yellow]rejected {len(report.rejected)} file(s):[/]")
        for rejection in report.rejected:
            where = f" ({rejection.where})" if rejection.where else ""
            err.print(f"  {_shown(rejection.file)}{_shown(where)}: {_shown(rejection.reason)}")
    if reasoning is not None:
        how = reasoning.mode + (f" ({_shown(reasoning.reason)})" if reasoning.reason else "")
        err.print(
            f"[bold]reasoned[/] {how}: {reasoning.derived} derived facts, "
            f"{reasoning.justifications} justifications in {reasoning.seconds:.1f}s"
        )


def _on_store(data: Path | None, ontology: list[Path] | None, work):
    """Run ``work(store, ontology)`` on the data folder's store, opened for writing; a
    semcrm error ends the command with its message."""
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.store import KnowledgeStore

    settings = _settings(data, ontology)
    try:
        onto = load_ontology(settings.ontology_dirs)
        with KnowledgeStore(settings.data) as store:
            return work(store, onto)
    except SemcrmError as exc:
        _fail(str(exc))


def _with_progress(enabled: bool, total: int, work):
    if not enabled:
        return work(None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total)
        return work(lambda _path: bar.advance(task))


@app.command()
def reason(
    data: DataOption = None, ontology: OntologyOption = None, as_json: JsonOption = False
) -> None:
    """Run the rules over the store: derive customer intents, needs and decision chains."""
    from semcrm.reasoning.materialize import materialize

    report = _on_store(data, ontology, materialize)
    if as_json:
        _emit(report.to_dict())
        return
    err.print(
        f"[bold]reasoned[/] over {report.asserted} asserted triples with {report.rules} rules: "
        f"{report.derived} derived triples, {report.justifications} justifications "
        f"in {report.seconds:.2f}s"
    )


@app.command()
def erase(
    target: Annotated[
        str,
        typer.Argument(
            help="an interaction IRI, or a person: its IRI or bare pseudonym (PERSON-1A2B3C4D)"
        ),
    ],
    data: DataOption = None,
    ontology: OntologyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a source, or every source naming a person, and every fact that depended only on
    it; writes an audit record of the counts to <data>/audit/erasure.jsonl."""
    from semcrm.reasoning.erasure import erase as run_erase

    settings = _settings(data, ontology)
    report = _on_store(data, ontology, lambda store, onto: run_erase(store, onto, target))
    if as_json:
        _emit(report.to_dict())
        return
    err.print(
        f"[bold]erased[/] {report.interactions} interaction(s) ({report.kind}): "
        f"{report.asserted_triples} asserted triples, {report.derived_removed} derived facts "
        f"and {report.justifications_removed} justifications removed, "
        f"{report.derived_added} derived facts added ({report.reasoning['mode']} "
        f"re-derivation); audit: {_shown(report.audit_file)}"
    )
    if settings.neo4j_uri:
        err.print("run `semcrm neo4j sync` to remove it from Neo4j too")


# -- reading ------------------------------------------------------------------------------


def _read_store(data: Path | None):
    """The data folder's store for reading; while `semcrm serve` holds it, the snapshot the
    server's SPARQL workers read (as of the server's start or last write)."""
    from semcrm.ontology.errors import StoreError, StoreLocked
    from semcrm.ontology.store import KnowledgeStore

    settings = _settings(data)
    if not (settings.data / "store").is_dir():
        _fail(f"{settings.data} has no store yet; run `semcrm ingest FILES` first")
    try:
        return KnowledgeStore(settings.data)
    except StoreLocked:
        snapshots = sorted((settings.data / "snapshots").glob("*"))
        if snapshots:
            err.print("[dim]the data folder is being served; reading the server's snapshot[/]")
            return KnowledgeStore.snapshot(snapshots[-1])
        # another command holds the folder: read what it has written so far, read-only. Its
        # RocksDB may delete files it has just compacted while we open them, so retry.
        import time

        for attempt in range(5):
            try:
                return KnowledgeStore(settings.data, read_only=True)
            except StoreError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable") from None


def _reader(data: Path | None, store, principal: str | None):
    """What `--as PRINCIPAL` may read of ``store`` (everything without it)."""
    from semcrm.api.access.enforce import Reader, scope_for_principal
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.access.policy import load_policy
    from semcrm.api.access.scope import ScopeCache
    from semcrm.ontology.loader import load_ontology

    if principal is None:
        return Reader(store, None, None, ScopeCache())
    settings = _settings(data)
    policy = load_policy(load_ontology(settings.ontology_dirs))
    scope = scope_for_principal(policy, KeyStore(settings.data), principal)
    return Reader(store, scope, policy, ScopeCache())


@app.command()
def customers(
    data: DataOption = None, as_json: JsonOption = False, principal: AsOption = None
) -> None:
    """List customers (as GET /customers)."""
    from semcrm.api.access.enforce import aggregate_customers
    from semcrm.reasoning.context import ContextBuilder

    try:
        with _read_store(data) as store:
            reader = _reader(data, store, principal)
            rows = ContextBuilder(reader.readable_store()).customers()
    except SemcrmError as exc:
        _fail(str(exc))
    if reader.aggregates_only:
        _emit(aggregate_customers(rows))
        return
    if as_json:
        _emit({"customers": rows})
        return
    table = Table("id", "name", "kind", "interactions")
    for row in rows:
        table.add_row(
            row["id"], row["name"] or row["pseudonym"] or "", row["kind"], str(row["interactions"])
        )
    out.print(table)


@app.command()
def context(
    customer: Annotated[str, typer.Argument(help="customer id, IRI or name")],
    data: DataOption = None,
    lang: Annotated[str, typer.Option(help="label language: en or zh")] = "en",
    as_json: JsonOption = False,
    principal: AsOption = None,
) -> None:
    """A customer's semantic context with evidence (as GET /customers/{id}/context)."""
    from semcrm.api.access.enforce import aggregate_context
    from semcrm.reasoning.context import ContextBuilder

    if lang not in ("en", "zh"):
        _fail(f"--lang is en or zh, not {lang!r}", 2)

    try:
        with _read_store(data) as store:
            reader = _reader(data, store, principal)
            payload = ContextBuilder(reader.readable_store(), lang=lang).context(customer)
    except SemcrmError as exc:
        _fail(str(exc))
    if reader.aggregates_only:
        _emit(aggregate_context(payload))
        return
    if as_json:
        _emit(payload)
        return
    print_context(payload)


def print_context(payload: dict[str, Any], evidence_per_fact: int = 3) -> None:
    name = payload["name"] or payload["id"]
    out.print(f"[bold]{name}[/]  ({payload['kind']}, id {payload['id']})")
    if payload["industry"]:
        out.print(
            "  industry: "
            + " > ".join(step["label"] or "?" for step in payload["industry"]["path"])
        )
    if payload.get("qualifications"):
        out.print(
            "  qualifications: "
            + ", ".join(q["label"] or q["concept"] for q in payload["qualifications"])
        )
    if payload.get("derived_facts_stale"):
        out.print("  [yellow]derived facts are older than the last ingest: run `semcrm reason`[/]")
    for key, title in (
        ("intents", "intents"),
        ("stated_needs", "stated needs"),
        ("unstated_needs", "unstated needs"),
        ("objections", "objections"),
    ):
        facts = payload[key]
        if not facts:
            continue
        out.print(f"  [bold]{title}[/]")
        for fact in facts:
            out.print(
                f"    {fact['label']}  confidence {fact['confidence']:.2f}  [dim]{fact['iri']}[/]"
            )
            for evidence in fact["evidence"][:evidence_per_fact]:
                out.print(
                    f"      “{_short(evidence['quote'])}” [dim]({evidence.get('source')}, turn {evidence['turn']})[/]"
                )
    people = [p for p in payload["people"] if p["side"] == "customer"]
    if people:
        out.print("  [bold]decision chain[/]")
        for person in people:
            flag = " [red]hidden decision-maker[/]" if person["hidden_decision_maker"] else ""
            present = "present" if person["present"] else "absent"
            who = person["pseudonym"] or person["label"] or person["iri"]
            out.print(f"    {who}: {', '.join(person['roles']) or '-'} ({present}){flag}")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def explain(
    iri: Annotated[str, typer.Argument(help="a statement IRI (from `context` or `derived`)")],
    data: DataOption = None,
    as_json: JsonOption = False,
    prov: Annotated[
        bool, typer.Option("--prov", help="the proof as PROV-O Turtle (prov:wasDerivedFrom ...)")
    ] = False,
    principal: AsOption = None,
) -> None:
    """The proof tree of a fact: rule, premises, down to the quoted sentences."""
    from semcrm.api.access.enforce import redact_proof
    from semcrm.reasoning.explain import Explainer
    from semcrm.reasoning.provenance import proof_to_prov, serialize

    if prov and as_json:
        _fail("--prov prints PROV-O Turtle and --json the proof tree as JSON: choose one", 2)
    try:
        with _read_store(data) as store:
            reader = _reader(data, store, principal)
            reader.require_records("semcrm explain")
            tree = Explainer(store).explain(iri)
            view = reader.readable()
            if view is not None:
                tree = redact_proof(tree, view)
    except SemcrmError as exc:
        _fail(str(exc))
    if prov:
        sys.stdout.write(serialize(proof_to_prov(tree)))
        return
    if as_json:
        _emit(tree)
        return
    _print_tree(tree, 0)


def _print_tree(tree: dict[str, Any], depth: int) -> None:
    """A proof tree for people: each derived fact, the rule, then its premises grouped by the
    node they describe, each group with its quotes once."""
    pad = "  " * depth
    if "statement" not in tree:
        for evidence in tree.get("evidence", []):
            out.print(f"{pad}{_quote(evidence)}")
        return
    st = tree["statement"]
    triple = " ".join(_short_term(st[k]) for k in ("subject", "predicate", "object"))
    kind = f"derived, confidence {st['confidence']:.2f}" if st["derived"] else "asserted"
    out.print(f"{pad}[bold]{triple}[/] [dim]({kind})[/]")
    for justification in tree.get("justifications", []):
        rule = justification["rule"]["label"] or justification["rule"]["iri"]
        out.print(
            f"{pad}  because of rule [cyan]{rule}[/] [dim]({justification['confidence']:.2f})[/]"
        )
        derived = [p for p in justification["premises"] if p["statement"]["derived"]]
        asserted = [p for p in justification["premises"] if not p["statement"]["derived"]]
        groups: dict[str, list[dict[str, Any]]] = {}
        for premise in asserted:
            groups.setdefault(_short_term(premise["statement"]["subject"]), []).append(premise)
        for subject, premises in groups.items():
            facts = ", ".join(
                f"{_short_term(p['statement']['predicate'])} {_short_term(p['statement']['object'])}"
                for p in premises
            )
            out.print(f"{pad}    {subject}: {facts}")
            seen: set[tuple] = set()
            for premise in premises:
                for evidence in premise.get("evidence", []):
                    key = (evidence["interaction"], evidence["start"], evidence["end"])
                    if key not in seen:
                        seen.add(key)
                        out.print(f"{pad}      {_quote(evidence)}")
        for premise in derived:
            _print_tree(premise, depth + 2)


def _quote(evidence: dict[str, Any]) -> str:
    return (
        f"“{_short(evidence['quote'])}” [dim]({evidence.get('source')}, turn {evidence['turn']}, "
        f"chars {evidence['start']}-{evidence['end']})[/]"
    )


def _short_term(term: dict[str, Any] | None) -> str:
    if term is None:
        return "?"
    value = term["value"]
    if term["type"] == "uri":
        tail = (
            value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if "#" in value or "/" in value else value
        )
        return tail[:12] if re.fullmatch(r"[0-9a-f]{16,}", tail) else tail
    return f'"{_short(value, 40)}"'


class ExportFormat(StrEnum):
    nquads = "nquads"
    turtle = "turtle"
    jsonld = "jsonld"


@app.command()
def export(
    customer: Annotated[
        str | None, typer.Option(help="only this customer (id, IRI or name)")
    ] = None,
    format: Annotated[ExportFormat, typer.Option(help="nquads, turtle or jsonld")] = (
        ExportFormat.nquads
    ),
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write to this file instead of stdout")
    ] = None,
    data: DataOption = None,
    principal: AsOption = None,
) -> None:
    """Export the data (or one customer's) as RDF, as GET /export; with --as, only what that
    principal may read."""
    import pyoxigraph as ox

    from semcrm.api.access.enforce import export_quads
    from semcrm.api.routers.export import serialize_chunks
    from semcrm.reasoning.context import ContextBuilder

    try:
        with _read_store(data) as store:
            reader = _reader(data, store, principal)
            reader.require_records("semcrm export")
            readable = reader.readable_store()
            iri = ContextBuilder(readable).resolve(customer) if customer else None
            quads = export_quads(readable.oxigraph, iri, include_meta=reader.scope is None)
            sink = open(out_file, "wb") if out_file else sys.stdout.buffer  # noqa: SIM115
            try:
                if format == ExportFormat.jsonld:
                    sink.write(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
                else:
                    for chunk in serialize_chunks(quads, format.value):
                        sink.write(chunk)
                sink.flush()
            finally:
                if out_file:
                    sink.close()
    except SemcrmError as exc:
        _fail(str(exc))


@app.command()
def derived(data: DataOption = None, as_json: JsonOption = False) -> None:
    """Every derived triple, with the IRI `explain` takes."""
    from semcrm.ontology.iris import statement
    from semcrm.reasoning.materialize import INFERRED

    try:
        with _read_store(data) as store:
            rows = [
                {
                    "subject": s.value,
                    "predicate": p.value,
                    "object": o.value,
                    "iri": statement(s, p, o).value,
                }
                for s, p, o in store.triples(INFERRED)
            ]
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit({"derived": rows})
        return
    for row in rows:
        out.print(f"{row['subject']} {row['predicate']} {row['object']}  [dim]{row['iri']}[/]")
    err.print(f"{len(rows)} derived triples")


@app.command()
def sparql(
    query: Annotated[
        str, typer.Argument(help="a SPARQL 1.1 query, or @FILE to read it from a file")
    ],
    data: DataOption = None,
    as_json: JsonOption = False,
    limit: Annotated[
        int | None,
        typer.Option(
            help="most rows (or triples) to return (default: setting sparql_limit)", min=1
        ),
    ] = None,
) -> None:
    """Run a read-only SPARQL query (default graph = the set union of all graphs).

    SELECT prints TSV (``--json``: SPARQL 1.1 Query Results JSON); ASK prints true or
    false; CONSTRUCT and DESCRIBE print Turtle (``--json``: JSON-LD).
    """
    from semcrm.api.sparql import execute, to_delimited, to_json, triples_as

    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            _fail(f"no such query file: {path}", 2)
        query = path.read_text("utf-8")
    limit = limit or _settings(data).sparql_limit
    try:
        with _read_store(data) as store:
            result = execute(store.oxigraph, query, limit=limit)
    except SemcrmError as exc:
        _fail(str(exc))
    if result.truncated:
        err.print(f"[yellow]the result was cut at {limit} rows; raise --limit to see more[/]")
    if result.kind == "graph":
        media = "application/ld+json" if as_json else "text/turtle"
        sys.stdout.write(triples_as(result, media).decode("utf-8"))
        return
    if as_json:
        _emit(to_json(result))
        return
    if result.kind == "ask":
        out.print("true" if result.boolean else "false")
        return
    sys.stdout.write(to_delimited(result, tsv=True))


# -- dry runs -----------------------------------------------------------------------------


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="one input file")],
    data: DataOption = None,
    ontology: OntologyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dry run on one file: print what the pipeline extracts, in the devset's gold shape. Stores nothing."""
    from semcrm.api.goldshape import extract_file, throwaway_secret
    from semcrm.ingest.pipeline import Processor
    from semcrm.ontology.loader import load_ontology

    _require_file(file)
    settings = _settings(data, ontology)
    try:
        onto = load_ontology(settings.ontology_dirs)
        records = extract_file(file, onto, Processor(onto, throwaway_secret()))
    except SemcrmError as exc:
        _fail(str(exc))
    payload: Any = records[0] if len(records) == 1 else {"records": records}
    if as_json:
        _emit(payload)
        return
    out.print_json(json.dumps(payload, ensure_ascii=False))


@app.command()
def redact(
    file: Annotated[Path, typer.Argument(help="one input file")],
    as_json: JsonOption = False,
) -> None:
    """Dry run of de-identification: the redacted text and the spans found. Stores nothing."""
    from semcrm.api.goldshape import throwaway_secret
    from semcrm.ingest.pii import Pseudonymizer
    from semcrm.ingest.pii import redact as run_redact
    from semcrm.ingest.readers import read_path

    _require_file(file)
    try:
        pseudonymizer = Pseudonymizer(throwaway_secret())
        results = []
        for interaction in read_path(file):
            redaction = run_redact(interaction, pseudonymizer)
            results.append(
                {
                    "text": redaction.interaction.text,
                    "spans": [
                        {"start": s.start, "end": s.end, "type": s.type, "text": s.text}
                        for s in redaction.spans
                    ],
                }
            )
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit(results[0] if len(results) == 1 else {"records": results})
        return
    for result in results:
        sys.stdout.write(result["text"] + "\n")
        err.print(f"{len(result['spans'])} spans redacted")
    err.print(
        "pseudonyms here come from a throwaway key, so they differ from the ones "
        "`semcrm ingest` stores with the data folder's key"
    )


@app.command("eval")
def evaluate_command(
    directory: Annotated[Path, typer.Argument(help="folder of records with <id>.gold.json files")],
    ontology: OntologyOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option(help="list per-record intent misses")] = False,
) -> None:
    """Score extraction against gold files: precision, recall and F1 per field."""
    from semcrm.api.evaluate import EVAL_KEY, FIELDS, evaluate
    from semcrm.ingest.pipeline import Processor
    from semcrm.ontology.loader import load_ontology

    if not directory.is_dir():
        _fail(f"no such folder: {directory}", 2)
    if not any(directory.glob("*.gold.json")):
        _fail(f"no <id>.gold.json files in {directory}: nothing to score against", 1)
    try:
        onto = load_ontology(list(ontology or []))
        report = evaluate(directory, onto, Processor(onto, EVAL_KEY), verbose=verbose)
    except SemcrmError as exc:
        _fail(str(exc))
    payload = report.to_dict()
    if verbose:
        payload["misses"] = report.misses
    for rejected in report.rejected:
        err.print(f"[red]skipped[/] {_shown(rejected['file'])}: {rejected['reason']}")
    if as_json:
        _emit(payload)
        return
    table = Table(
        "field", "precision", "recall", "F1", "tp", "fp", "fn", title=f"{report.records} records"
    )
    for name in FIELDS:
        s = payload["fields"][name]
        table.add_row(
            name,
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            f"{s['f1']:.3f}",
            f"{s['tp']:g}",
            f"{s['fp']:g}",
            f"{s['fn']:g}",
        )
    out.print(table)
    for name, acc in payload["accuracy"].items():
        out.print(f"{name}: {acc['accuracy']:.3f} ({acc['right']:g}/{acc['total']})")
    ind = payload["industry"]
    out.print(
        f"industry (finest gold concept or its parent reached): {ind['rate']:.3f} ({ind['hits']}/{ind['records']})"
    )
    if verbose:
        for miss in report.misses:
            out.print(miss)


class BenchCorpus(StrEnum):
    banking77 = "banking77"
    clinc150 = "clinc150"
    smp2017 = "smp2017"
    all = "all"


@app.command("intent-bench")
def intent_bench(
    corpus: Annotated[
        BenchCorpus, typer.Option(help="which labelled corpus to train and test on")
    ] = BenchCorpus.all,
    corpora: Annotated[
        Path,
        typer.Option(help="folder holding banking77/, clinc150/ and smp2017-ecdt/"),
    ] = Path("../shared/corpora"),
    as_json: JsonOption = False,
) -> None:
    """Train the intent classifier on a corpus's train split, score it on the test split."""
    from semcrm.ingest.classify.bench import MAX_TRAIN_SECONDS, run_bench
    from semcrm.ingest.classify.corpora import CORPORA

    if not corpora.is_dir():
        _fail(f"no such folder: {corpora}; pass --corpora with the folder of the corpora", 2)
    names = CORPORA if corpus is BenchCorpus.all else (corpus.value,)
    results = []
    for name in names:
        err.print(f"{name}: training on the train split …")
        try:
            result = run_bench(name, corpora)
        except SemcrmError as exc:
            _fail(str(exc))
        err.print(f"{name}: accuracy {result.accuracy:.4f}, trained in {result.train_seconds:.1f}s")
        results.append(result)
    if as_json:
        _emit({"results": [r.to_dict() for r in results]})
        return
    table = Table(
        "corpus",
        "train",
        "test",
        "accuracy",
        "target",
        "oos recall",
        "target",
        "train s",
        "met",
        title=f"intent classifier ({results[0].backend}), test split; "
        f"training under {MAX_TRAIN_SECONDS:.0f}s on {results[0].usable_cpus} CPUs",
    )
    for r in results:
        oos_target = r.targets.get("oos_recall")
        table.add_row(
            r.corpus,
            str(r.train_size),
            str(r.test_size),
            f"{r.accuracy:.4f}",
            f">= {r.targets['accuracy']:.2f}",
            "" if r.oos_recall is None else f"{r.oos_recall:.4f}",
            "" if oos_target is None else f">= {oos_target:.2f}",
            f"{r.train_seconds:.1f}",
            "yes" if all(r.met.values()) else "no",
        )
    out.print(table)


# -- serving and the main job ------------------------------------------------------------


@app.command()
def serve(
    data: DataOption = None,
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on (or $SEMCRM_PORT)")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import socket

    import uvicorn

    from semcrm.api.main import create_app
    from semcrm.ontology.store import KnowledgeStore

    try:
        settings = load_settings(data=str(data) if data else None, host=host, port=port)
    except SemcrmError as exc:
        _fail(str(exc), 2)
    try:
        KnowledgeStore(settings.data).close()  # fail here, with a message, if it is locked
    except SemcrmError as exc:
        _fail(str(exc))
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError as exc:
            _fail(
                f"cannot listen on {settings.host}:{settings.port} ({exc.strerror}); "
                "pass --port PORT or set SEMCRM_PORT"
            )
    err.print(f"serving {settings.data} on http://{settings.host}:{settings.port} (docs at /docs)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


@app.command()
def demo(
    data: DataOption = None,
    samples: Annotated[
        Path, typer.Option(help="folder with records/ to ingest and ontology/ to load")
    ] = SAMPLES,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="start the API afterwards")
    ] = True,
    port: Annotated[int | None, typer.Option(help="port for the API")] = None,
) -> None:
    """The main job on the embedded store: ingest the samples, reason, summarise, serve."""
    from semcrm.ingest.pipeline import ingest as run_ingest
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.context import ContextBuilder
    from semcrm.reasoning.materialize import materialize

    settings = _settings(data)
    if not (samples / "records").is_dir():
        _fail(f"no demo records in {samples / 'records'}; pass --samples FOLDER", 2)
    try:
        install_catalogue(samples / "ontology", settings.data)
        settings = _settings(data)  # now with <data>/ontology
        _configure_logging(settings)
        onto = load_ontology(settings.ontology_dirs)
        with KnowledgeStore(settings.data) as store:
            report = run_ingest([samples / "records"], store, onto)
            reasoning = materialize(store, onto)
            builder = ContextBuilder(store)
            contexts = [builder.context(c["id"]) for c in builder.customers()]
    except SemcrmError as exc:
        _fail(str(exc))
    err.print(
        f"[bold]ingested[/] {len(report.records)} interactions ({report.statuses}); "
        f"[bold]derived[/] {reasoning.derived} facts with {reasoning.justifications} justifications"
    )
    for rejection in report.rejected:
        err.print(f"  [yellow]rejected[/] {_shown(rejection.file)}: {_shown(rejection.reason)}")
    for payload in contexts:
        print_context(payload)
    if serve_after:
        serve(data=settings.data, host=None, port=port)


def install_catalogue(folder: Path, data_dir: Path) -> list[Path]:
    """Copy a folder's Turtle files into ``<data>/ontology``, which every command loads."""
    import shutil

    target = data_dir / "ontology"
    copied = []
    for source in sorted(folder.glob("*.ttl")) if folder.is_dir() else []:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / source.name)
        copied.append(target / source.name)
    return copied


# -- the ontology ------------------------------------------------------------------------


@ontology_app.command("check")
def ontology_check(
    data: DataOption = None, ontology: OntologyOption = None, as_json: JsonOption = False
) -> None:
    """Load every module and run HermiT: consistency and unsatisfiable classes.

    Checks what the data folder's commands load: the packaged modules, <data>/ontology
    (curated files, imported taxonomies) and every --ontology folder.
    """
    from semcrm.ontology.consistency import check_consistency
    from semcrm.ontology.loader import load_ontology
    from semcrm.reasoning.rules import load_rules

    settings = _settings(data, ontology)
    try:
        onto = load_ontology(settings.ontology_dirs)
        rules = load_rules(onto.graph)
        report = check_consistency(onto)
    except SemcrmError as exc:
        _fail(str(exc))
    payload = {
        **report.to_dict(),
        "files": [str(f) for f in onto.files],
        "triples": len(onto.graph),
        "rules": len(rules),
    }
    if as_json:
        _emit(payload)
    else:
        verdict = "consistent" if payload["consistent"] else "NOT consistent"
        err.print(
            f"{len(onto.files)} files, {payload['triples']} triples, {len(rules)} rules: {verdict} ({report.reasoner})"
        )
        for iri in report.unsatisfiable:
            err.print(f"  unsatisfiable: {iri}")
    if not payload["consistent"]:
        raise typer.Exit(1)


# -- the Neo4j projection -----------------------------------------------------------------


def _neo4j_store(data: Path | None):
    """The settings and the store opened read-only: a sync only reads the store, so it can run
    while `semcrm serve` holds the data folder."""
    from semcrm.ontology.store import KnowledgeStore

    settings = _settings(data)
    if not (settings.data / "store").is_dir():
        _fail(f"{settings.data} has no store yet; run `semcrm ingest FILES` first")
    return settings, KnowledgeStore(settings.data, read_only=True)


@neo4j_app.command("sync")
def neo4j_sync(
    data: DataOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="rebuild the projection from scratch")
    ] = False,
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            help="check only this graph IRI (new, changed or removed) instead of every graph; "
            "repeatable",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Push what changed in the store since the last sync to Neo4j (idempotent)."""
    from semcrm.ontology.neo4j.sync import sync_from_settings

    try:
        settings, store = _neo4j_store(data)
        with store, err.status("syncing to Neo4j") as spinner:
            report = sync_from_settings(
                store,
                settings,
                full=full,
                graphs=graph or None,
                progress=lambda message: spinner.update(f"syncing to Neo4j: {message}"),
            )
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit(report.to_dict())
        return
    err.print(
        f"[bold]{report.mode} sync[/] to {report.target} ({report.reason}): "
        f"{len(report.changed)} graphs changed, {len(report.removed)} removed, "
        f"{report.subjects} subjects re-projected, {report.nodes} nodes and "
        f"{report.relationships} relationships written, {report.deleted_nodes} nodes deleted "
        f"in {report.seconds:.2f}s"
    )


@neo4j_app.command("status")
def neo4j_status(data: DataOption = None, as_json: JsonOption = False) -> None:
    """How far Neo4j lags behind the store: graphs new, changed or removed since the last sync."""
    from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
    from semcrm.ontology.neo4j.projection import ProjectionConfig
    from semcrm.ontology.neo4j.sync import status

    try:
        settings, store = _neo4j_store(data)
        target = Neo4jTarget.from_settings(settings, what="`semcrm neo4j status`")
        with store, Neo4jClient.connect(target) as client:
            payload = status(store, client, config=ProjectionConfig(vocab=settings.neo4j_vocab))
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit(payload)
        return
    state = "in step" if payload["neo4j_holds_this_projection"] else "not synced from this store"
    out.print(
        f"{payload['target']}: {state}; last sync {payload['synced'] or 'never'}; "
        f"lag {payload['lag']} of {payload['graphs']} graphs "
        f"({len(payload['added'])} new, {len(payload['changed'])} changed, "
        f"{len(payload['removed'])} removed); Neo4j holds {payload['neo4j']['nodes']} nodes, "
        f"{payload['neo4j']['relationships']} relationships"
    )
    for key in ("added", "changed", "removed"):
        for graph in payload[key][:20]:
            out.print(f"  {key}: {graph}")
        if len(payload[key]) > 20:
            out.print(f"  ... and {len(payload[key]) - 20} more {key} (all of them with --json)")


@app.command()
def cypher(
    query: Annotated[str, typer.Argument(help="a read-only Cypher query, or @FILE to read it")],
    data: DataOption = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="a parameter NAME=VALUE, VALUE as JSON (repeatable)"),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="most rows to return", min=1)] = None,
    timeout: Annotated[
        float | None, typer.Option(help="seconds before Neo4j stops it", min=0.001)
    ] = None,
    as_json: JsonOption = False,
    principal: AsOption = None,
) -> None:
    """Run read-only Cypher against the Neo4j projection (as POST /cypher); with --as,
    confined to what that principal may read."""
    from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
    from semcrm.ontology.neo4j.query import run_cypher

    if query.startswith("@"):
        query = Path(query[1:]).read_text("utf-8")
    parameters: dict[str, Any] = {}
    for item in param or []:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            _fail(f"--param takes NAME=VALUE, not {item!r}", 2)
        try:
            parameters[name] = json.loads(raw)
        except json.JSONDecodeError:
            parameters[name] = raw  # a bare word is a string
    settings = _settings(data)
    try:
        if principal is not None:
            from semcrm.api.routers.cypher import confined

            query, parameters = confined(_reader(data, None, principal), query, parameters)
        target = Neo4jTarget.from_settings(settings, what="`semcrm cypher`")
        with Neo4jClient.connect(target) as client:
            result = run_cypher(
                client,
                query,
                parameters,
                limit=limit or settings.cypher_limit,
                timeout=timeout or settings.cypher_timeout,
            )
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit(result.to_dict())
        return
    table = Table(*result.columns)
    for row in result.rows:
        table.add_row(*(_cell(row[c]) for c in result.columns))
    out.print(table)
    more = " (truncated at the row limit)" if result.truncated else ""
    err.print(f"{len(result.rows)} rows in {result.seconds:.3f}s{more}")


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@ontology_app.command("proposals")
def ontology_proposals(
    data: DataOption = None,
    as_json: JsonOption = False,
    lang: Annotated[str, typer.Option("--lang", help="en or zh labels")] = "en",
) -> None:
    """Finer industry concepts the ingested texts support and the ontology lacks: proposals
    for curators (label, broader concept, evidence), never an edit of the ontology."""
    from semcrm.ontology.proposals import list_proposals

    if lang not in ("en", "zh"):
        _fail(f"--lang must be en or zh, not {lang!r}", 2)
    try:
        with _read_store(data) as store:
            proposals = list_proposals(store, lang)
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit({"proposals": proposals})
        return
    if not proposals:
        typer.echo("no proposals")
        return
    table = Table("proposed label", "under", "interactions", "evidence", title="concept proposals")
    for p in proposals:
        quote = p["evidence"][0]["quote"] if p["evidence"] else ""
        table.add_row(p["label"], p["broader_label"], str(p["interactions"]), quote)
    out.print(table)


@ontology_app.command("import-taxonomy")
def ontology_import_taxonomy(
    file: Annotated[Path, typer.Argument(help="a GB/T 4754, NAICS 2022 or ISIC Rev.4 file")],
    data: DataOption = None,
    out: Annotated[
        Path | None, typer.Option(help="write here instead of <data>/ontology/std-<scheme>.ttl")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read a standard industry classification (CSV, JSON or XLSX) into a SKOS concept scheme."""
    from semcrm.ontology.taxonomy import read_taxonomy, write_taxonomy

    _require_file(file)
    settings = _settings(data)
    try:
        taxonomy = read_taxonomy(file)
        target = out or settings.data / "ontology" / f"std-{taxonomy.scheme}.ttl"
        triples = write_taxonomy(taxonomy, target)
    except SemcrmError as exc:
        _fail(str(exc))
    summary = {
        "scheme": taxonomy.scheme,
        "form": taxonomy.source_format,
        "concepts": len(taxonomy.codes),
        "top_concepts": sum(1 for c in taxonomy.codes if not c.parent),
        "triples": triples,
        "written": str(target),
    }
    if as_json:
        _emit(summary)
        return
    err.print(
        f"{summary['concepts']} {taxonomy.scheme} concepts ({summary['top_concepts']} top) from "
        f"{taxonomy.source_format} written to {_shown(str(target))}; "
        + (
            f"pass --ontology {_shown(str(target.parent))} to load them"
            if out is not None and target.parent.resolve() != (settings.data / "ontology").resolve()
            else "every command on this data folder now loads them"
        )
    )


# -- API keys --------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="admin, governance, analyst or agent")],
    principal: Annotated[
        str | None,
        typer.Option("--principal", help="principal IRI (default: one minted for the key)"),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="limit the key to this action (read-record, read-aggregate ...); repeatable; "
            "default: every action of the role",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a key and print it once: only its salted hash is stored."""
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.access.policy import load_policy
    from semcrm.ontology.loader import load_ontology

    settings = _settings(data)
    try:
        policy = load_policy(load_ontology(settings.ontology_dirs))
        role_name = policy.role(role).name
        scopes = [policy.action(s).rsplit("/", 1)[-1] for s in scope or []]
        if principal is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", principal):
            _fail(f"--principal must be an IRI, not {principal!r}", 2)
        key, record = KeyStore(settings.data).create(role_name, principal, scopes or None)
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit({"key": key, **record.public()})
        return
    out.print(key)
    err.print(
        f"key [bold]{record.id}[/] for {_shown(record.principal)} (role {record.role}); "
        "it is shown only now: store it where the caller keeps secrets"
    )


@keys_app.command("list")
def keys_list(data: DataOption = None, as_json: JsonOption = False) -> None:
    """Every key's id, role, principal, scopes, creation and revocation (never the key)."""
    from semcrm.api.access.keys import KeyStore

    try:
        records = KeyStore(_settings(data).data).records()
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit({"keys": [r.public() for r in records]})
        return
    table = Table("id", "role", "principal", "scopes", "created", "revoked")
    for r in records:
        table.add_row(
            r.id, r.role, _shown(r.principal), ",".join(r.scopes), r.created, r.revoked or ""
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="the key's id (`semcrm keys list`)")],
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a key: a running server refuses it from its next request."""
    from semcrm.api.access.keys import KeyStore

    try:
        record = KeyStore(_settings(data).data).revoke(key_id)
    except SemcrmError as exc:
        _fail(str(exc))
    if as_json:
        _emit(record.public())
        return
    err.print(f"key [bold]{record.id}[/] revoked on {record.revoked}")


# -- approvals of derived grants ------------------------------------------------------------

AsOption = Annotated[
    str | None,
    typer.Option("--as", help="the principal IRI acting (needs governance or admin)"),
]


def _approvals(data: Path | None, principal: str | None, *, required: bool):
    """The store, the grant book and the acting principal (checked for approve-change)."""
    from semcrm.api.access.grants import GrantBook, principal_roles, require_approver
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.access.policy import load_policy
    from semcrm.ontology.loader import load_ontology

    settings = _settings(data)
    if required and not principal:
        _fail("name who decides with --as PRINCIPAL (a principal with governance or admin)", 2)
    try:
        if principal:
            policy = load_policy(load_ontology(settings.ontology_dirs))
            roles = principal_roles(policy, KeyStore(settings.data), principal)
            require_approver(policy, principal, roles)
    except SemcrmError as exc:
        _fail(str(exc))
    return _read_store(data), GrantBook(settings.data)


def _print_changes(changes, as_json: bool) -> None:
    if as_json:
        _emit({"changes": [c.public() for c in changes]})
        return
    table = Table("id", "status", "zone", "principal", "resource", "granularity", "rule")
    for c in changes:
        table.add_row(
            c.id,
            c.status,
            c.zone,
            _shown(c.principal),
            _shown(c.resource.rsplit("/", 1)[-1]),
            c.granularity.rsplit("/", 1)[-1],
            _shown(c.rule.rsplit("/", 1)[-1]),
        )
    out.print(table)


@approvals_app.command("list")
def approvals_list(
    status: Annotated[
        str | None, typer.Option(help="only changes with this status (pending, applied ...)")
    ] = None,
    effective: Annotated[
        bool, typer.Option("--effective", help="only grants in force (applied or approved)")
    ] = False,
    principal: AsOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every change to derived grants, after catching up with the last `semcrm reason`."""
    from semcrm.api.access.grants import EFFECTIVE

    store, book = _approvals(data, principal, required=False)
    error = None
    try:
        changes = book.changes(store.oxigraph)
    except SemcrmError as exc:
        error = str(exc)
    finally:
        store.close()
    if error is not None:
        _fail(error)
    changes = [
        c
        for c in changes
        if status in (None, c.status) and (not effective or c.status in EFFECTIVE)
    ]
    _print_changes(changes, as_json)


def _decide_cli(change_id: str, principal, because: str, data, as_json: bool, approve: bool):
    store, book = _approvals(data, principal, required=True)
    error = None
    try:
        change = book.decide(
            store.oxigraph, change_id, approve=approve, actor=principal, because=because
        )
    except SemcrmError as exc:
        error = str(exc)  # failing here would keep the store open through the traceback
    finally:
        store.close()
    if error is not None:
        _fail(error)
    if as_json:
        _emit(change.public())
        return
    err.print(f"change [bold]{change.id}[/] {change.status} by {_shown(principal)}")


ChangeArgument = Annotated[
    str, typer.Argument(metavar="ID", help="the change's id (`semcrm approvals list`)")
]
BecauseOption = Annotated[str, typer.Option("--because", help="why (kept in the audit log)")]


@approvals_app.command("approve")
def approvals_approve(
    change_id: ChangeArgument,
    principal: AsOption = None,
    because: BecauseOption = "",
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a pending grant (a yellow rule's): it is in force while the rule derives it."""
    _decide_cli(change_id, principal, because, data, as_json, True)


@approvals_app.command("reject")
def approvals_reject(
    change_id: ChangeArgument,
    principal: AsOption = None,
    because: BecauseOption = "",
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a pending grant: it stays out of force."""
    _decide_cli(change_id, principal, because, data, as_json, False)


# -- access decisions ------------------------------------------------------------------------

PrincipalOption = Annotated[str, typer.Option("--principal", help="the principal's IRI")]
ResourceOption = Annotated[
    str, typer.Option("--resource", help="a tier name, or a graph, statement or resource IRI")
]


def _access_answer(data: Path | None, principal: str, work) -> dict:
    """Run ``work(decider, raw_store, subject)`` over the data folder (as POST /access/check
    and GET /access/explain answer: the policy, the keys, the grant book)."""
    from semcrm.api.access.decisions import Decider, NotAnIri, require_iri
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.access.policy import load_policy
    from semcrm.ontology.loader import load_ontology

    settings = _settings(data)
    try:
        iri = require_iri(principal, "--principal")
        policy = load_policy(load_ontology(settings.ontology_dirs))
    except NotAnIri as exc:
        _fail(str(exc), 2)
    except SemcrmError as exc:
        _fail(str(exc))
    store = _read_store(data)
    error, code = None, 1
    try:
        decider = Decider(policy, KeyStore(settings.data), settings.data)
        result = work(decider, store.oxigraph, decider.subject(iri))
    except NotAnIri as exc:
        error, code = str(exc), 2
    except SemcrmError as exc:
        error = str(exc)  # failing here would keep the store open through the traceback
    finally:
        store.close()
    if error is not None:
        _fail(error, code)
    return result


def _print_grants(grants: list[dict]) -> None:
    for g in grants:
        decided = f", {g['approval']['decision']} by {g['approval']['by']}" if g["approval"] else ""
        out.print(
            f"  grant {g['granularity']} ({g['status']}{decided}; {g['zone']} rule "
            f"{_shown(g['rule'].rsplit('/', 1)[-1])})"
            + (" [bold]in force[/]" if g["in_force"] else " not applied")
        )
        for p in g["premises"]:
            out.print(
                f"    premise {_shown(p['subject'].rsplit('/', 1)[-1])} "
                f"{_shown(p['predicate'].rsplit('#', 1)[-1])} {_shown(p['object'])}"
            )


@access_app.command("check")
def access_check(
    principal: PrincipalOption,
    resource: ResourceOption,
    action: Annotated[
        str, typer.Option("--action", help="read-aggregate, read-record, read-field, write ...")
    ] = "read-record",
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Permit or deny, with the reasons and every derived grant's chain (as POST /access/check).
    Exit 0 for either answer."""
    result = _access_answer(
        data, principal, lambda d, raw, subject: d.check(raw, subject, action, resource)
    )
    if as_json:
        _emit(result)
        return
    colour = "green" if result["decision"] == "permit" else "red"
    out.print(
        f"[bold {colour}]{result['decision']}[/] {result['action']} on {_shown(result['resource'])}"
        f" (tier {result['tier'] or 'unknown'}, decided by {result['basis']})"
    )
    for reason in result["because"]:
        out.print(f"  - {_shown(reason)}")
    _print_grants(result["grants"])


@access_app.command("explain")
def access_explain(
    principal: PrincipalOption,
    resource: ResourceOption,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why can a principal see a resource, or why not (as GET /access/explain)."""
    from semcrm.api.access.decisions import UnknownPrincipal

    def work(decider, raw, subject):
        if not decider.known(raw, subject.principal):
            raise UnknownPrincipal(
                f"semcrm knows no principal {subject.principal}: no policy fact or principal "
                "fact in the ontology, no API key and no derived grant names it"
            )
        return decider.explain(raw, subject, resource)

    result = _access_answer(data, principal, work)
    if as_json:
        _emit(result)
        return
    out.print(f"[bold]{_shown(result['answer'])}[/]")
    out.print(f"  {_shown(result['clearance']['because'])}")
    for role in result["roles"]:
        out.print(
            f"  role {role['name']} (cleared up to {role['clearance']}; from "
            f"{', '.join(role['from'])})"
        )
    for name, decision in result["decisions"].items():
        out.print(f"  {name}: {decision['decision']} (by {decision['basis']})")
    _print_grants(result["grants"])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
