"""Read-only SPARQL 1.1 queries over the store, and the standard result formats.

Used by ``GET|POST /sparql`` (the SPARQL 1.1 Protocol, through the worker pool
of :mod:`semcrm.api.query_pool`) and by ``semcrm sparql`` (in-process).

**The dataset.** Without ``FROM``/``FROM NAMED`` in the query or
``default-graph-uri``/``named-graph-uri`` in the request, the default graph is
``graph:union`` — the set union of every graph, so a triple asserted by many
interactions is counted once — and the named graphs are every graph (the
interactions, ``graph:inferred``, ``graph:justifications``, ``graph:ontology``).
A query's own ``FROM`` clauses, or the protocol parameters, replace that
dataset as the standard says.

**Refusals.** SPARQL Update (and ``LOAD``, ``CLEAR`` ...) and ``SERVICE``
federation are refused before anything runs.

**Results** are plain data (:class:`QueryResult`, rows of SPARQL-JSON terms),
so they cross a process boundary and render to every format the same way.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.namespaces import PREFIXES
from semcrm.ontology.store import UNION

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QueryRefused(SemcrmError):
    """The request is not a read-only SPARQL query this endpoint runs."""


class QueryFailed(SemcrmError):
    """The query is not valid SPARQL, or failed while running."""


class QueryTimeout(QueryFailed):
    """The query ran longer than the timeout and was stopped."""


class QueryTooLarge(QueryFailed):
    """The query needed more memory than a query may use and was stopped."""


class NotAcceptable(SemcrmError):
    """No result format the client accepts can express this result."""


_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_PROLOGUE = re.compile(r"^\s*(PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*", re.I)
# IRIs as SPARQL defines them (IRIREF: no spaces, no <>"{}|^`\\), strings, comments. An
# IRI pattern that allowed braces would read "FILTER(1<2)SERVICE?x{...}FILTER(2>1)" as one IRI.
_STRIP = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
)
#: Deeper nesting than this is refused: Oxigraph's parser recurses, and a few thousand levels
#: overflow its stack.
MAX_NESTING = 64


@dataclass
class QueryResult:
    kind: str  # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)
    boolean: bool | None = None
    ntriples: str = ""  # graph results, as N-Triples
    truncated: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QueryResult:
        return cls(**data)


def _code(query: str) -> str:
    """The query with IRIs, strings and comments blanked out (keywords only)."""
    return _STRIP.sub(" ", query)


def check_read_only(query: str) -> None:
    """Refuse updates and federation before anything runs."""
    body = query
    while True:
        match = _PROLOGUE.match(body)
        if not match:
            break
        body = body[match.end() :]
    if _UPDATE.match(body):
        raise QueryRefused(
            "SPARQL Update is not accepted: this endpoint is read-only; "
            "change data by ingesting sources"
        )
    code = _code(query)
    if re.search(r"SERVICE", code, re.I):
        raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint")
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryFailed(
            f"the query nests {deepest} levels of brackets; at most {MAX_NESTING} are accepted"
        )


def dataset_arguments(
    query: str,
    named: list[ox.NamedNode],
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
) -> dict[str, Any]:
    """pyoxigraph's dataset arguments for a query (see the module docstring)."""
    code = _code(query)
    kwargs: dict[str, Any] = {}
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        return kwargs
    if re.search(r"\bFROM\b", code, re.I):
        return kwargs  # the query's own dataset
    kwargs["default_graph"] = [UNION]
    kwargs["named_graphs"] = [g for g in named if g != UNION]
    return kwargs


def execute(
    store: ox.Store,
    query: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    limit: int = 10000,
    timeout: float | None = None,
) -> QueryResult:
    """Run a read-only query on a pyoxigraph store; the row limit cuts the result.

    ``timeout`` is checked between rows only (in-process callers cannot stop a
    query that produces no rows; the API's worker pool enforces it by process).
    """
    check_read_only(query)
    started = time.perf_counter()
    named = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    kwargs = dataset_arguments(query, named, default_graphs, named_graphs)
    try:
        answer = store.query(query, prefixes=PREFIXES, **kwargs)
    except SyntaxError as exc:
        raise QueryFailed(f"not a valid SPARQL query: {' '.join(str(exc).split())}") from exc
    except (OSError, ValueError) as exc:
        raise QueryFailed(f"the query failed: {exc}") from exc
    if isinstance(answer, ox.QueryBoolean):
        result = QueryResult("ask", boolean=bool(answer))
    elif isinstance(answer, ox.QueryTriples):
        result = QueryResult("graph")
        lines = []
        for triple in answer:
            if len(lines) >= limit:
                result.truncated = True
                break
            lines.append(f"{triple.subject} {triple.predicate} {triple.object} .")
            _check_time(started, timeout)
        result.ntriples = "\n".join(lines) + ("\n" if lines else "")
    else:
        result = QueryResult("select", variables=_in_query_order(query, answer.variables))
        for solution in answer:
            if len(result.rows) >= limit:
                result.truncated = True
                break
            row = {}
            for name in result.variables:
                value = solution[name]
                if value is not None:
                    row[name] = term_json(value)
            result.rows.append(row)
            _check_time(started, timeout)
    result.seconds = time.perf_counter() - started
    return result


_SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


def _in_query_order(query: str, variables: list[ox.Variable]) -> list[str]:
    """``SELECT *`` columns in the order the variables first appear in the query.

    Oxigraph sorts them by name, so ``SELECT * WHERE { ?s ?p ?o }`` came out as
    o, p, s; people (and Jena, GraphDB, Stardog) expect s, p, o.
    """
    names = [v.value for v in variables]
    if not _SELECT_STAR.search(query):
        return names  # an explicit projection keeps its own order

    def first_use(name: str) -> int:
        found = re.search(rf"[?$]{re.escape(name)}(?![\w])", query)
        return found.start() if found else len(query)

    return sorted(names, key=first_use)


def _check_time(started: float, timeout: float | None) -> None:
    if timeout is not None and time.perf_counter() - started > timeout:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")


# -- result formats -----------------------------------------------------------------


def term_json(term: Any) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def to_json(result: QueryResult) -> dict[str, Any]:
    if result.kind == "ask":
        return {"head": {}, "boolean": result.boolean}
    return {"head": {"vars": result.variables}, "results": {"bindings": result.rows}}


def to_xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append(
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>"
    )
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for name, term in row.items():
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out)


def _xml_term(term: dict[str, str]) -> str:
    if term["type"] == "uri":
        return f"<uri>{escape(term['value'])}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{escape(term['value'])}</bnode>"
    attrs = ""
    if "xml:lang" in term:
        attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
    elif "datatype" in term:
        attrs = f" datatype={quoteattr(term['datatype'])}"
    return f"<literal{attrs}>{escape(term['value'])}</literal>"


def _tsv_term(term: dict[str, str]) -> str:
    value = term["value"]
    if term["type"] == "uri":
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    quoted = (
        '"'
        + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        + '"'
    )
    if "xml:lang" in term:
        return f"{quoted}@{term['xml:lang']}"
    if "datatype" in term:
        return f"{quoted}^^<{term['datatype']}>"
    return quoted


def to_delimited(result: QueryResult, tsv: bool) -> str:
    """SPARQL 1.1 CSV or TSV (defined for SELECT results only)."""
    buffer = io.StringIO()
    if tsv:
        buffer.write("\t".join(f"?{v}" for v in result.variables) + "\n")
        for row in result.rows:
            buffer.write(
                "\t".join(_tsv_term(row[v]) if v in row else "" for v in result.variables) + "\n"
            )
        return buffer.getvalue()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([row[v]["value"] if v in row else "" for v in result.variables])
    return buffer.getvalue()


def triples_as(result: QueryResult, media_type: str) -> bytes:
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    if fmt == ox.RdfFormat.N_TRIPLES:
        return result.ntriples.encode("utf-8")
    triples = list(ox.parse(result.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE,) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


# -- content negotiation ----------------------------------------------------------------

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
ASK_TYPES = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}


def negotiate(accept: str, offered: dict[str, str], default: str) -> str:
    """The offered media type the ``Accept`` header prefers (q-values, wildcards).

    Raises:
        NotAcceptable: the header accepts none of the offered types.
    """
    if not accept.strip():
        return default
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        quality = 1.0
        for parameter in pieces[1:]:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media in offered:
            choices.append((quality, -position, media))
        elif media in ("*/*", ""):
            choices.append((quality - 1e-6, -position, default))
        elif media.endswith("/*"):
            family = media[:-1]
            match = next((m for m in offered if m.startswith(family)), None)
            if match:
                choices.append((quality - 1e-6, -position, match))
    if not choices:
        raise NotAcceptable(
            f"none of the accepted types ({accept}) can express this result; "
            f"use one of: {', '.join(offered)}"
        )
    return max(choices)[2]


def dumps(result: QueryResult) -> str:
    """The JSON results document as text (UTF-8, not ASCII-escaped)."""
    return json.dumps(to_json(result), ensure_ascii=False)
