"""Read-only SPARQL 1.1 queries over the store, and the standard result formats.

Used by ``GET|POST /sparql`` (the SPARQL 1.1 Protocol) and by ``semcrm sparql``.
Queries run with the default graph as the union of all graphs (asserted,
derived and ontology), unless the request names ``default-graph-uri`` /
``named-graph-uri`` datasets. SPARQL Update and ``SERVICE`` federation are
refused: this endpoint only reads.

Results are streamed from Oxigraph and cut at a row limit; the timeout is
checked between rows (Oxigraph cannot interrupt a query that produces no
rows, e.g. one big aggregate, so such a query runs to its end).
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
from semcrm.ontology.store import KnowledgeStore


class QueryRefused(SemcrmError):
    """The request is not a read-only SPARQL query this endpoint runs."""


class QueryFailed(SemcrmError):
    """The query is not valid SPARQL, or failed while running."""


_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_PROLOGUE = re.compile(r"^\s*(PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*", re.I)
_STRIP = re.compile(
    r"<[^<>\s]*>|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
)


@dataclass
class QueryResult:
    kind: str  # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0


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
            "change data by ingesting or erasing sources"
        )
    code = _STRIP.sub(" ", query)
    if re.search(r"\bSERVICE\b", code, re.I):
        raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint")


def run_query(
    store: KnowledgeStore,
    query: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    limit: int = 10000,
    timeout: float = 30.0,
) -> QueryResult:
    check_read_only(query)
    started = time.perf_counter()
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        answer = store.oxigraph.query(query, **kwargs)
    except SyntaxError as exc:
        raise QueryFailed(f"not a valid SPARQL query: {' '.join(str(exc).split())}") from exc
    except (OSError, ValueError) as exc:
        raise QueryFailed(f"the query failed: {exc}") from exc
    result: QueryResult
    if isinstance(answer, ox.QueryBoolean):
        result = QueryResult("ask", boolean=bool(answer))
    elif isinstance(answer, ox.QueryTriples):
        result = QueryResult("graph")
        for triple in answer:
            if len(result.triples) >= limit:
                result.truncated = True
                break
            result.triples.append(triple)
            _check_time(started, timeout)
    else:
        result = QueryResult("select", variables=[v.value for v in answer.variables])
        for solution in answer:
            if len(result.rows) >= limit:
                result.truncated = True
                break
            row = {}
            for name in result.variables:
                value = solution[name]
                if value is not None:
                    row[name] = value
            result.rows.append(row)
            _check_time(started, timeout)
    result.seconds = time.perf_counter() - started
    return result


def _check_time(started: float, timeout: float) -> None:
    if time.perf_counter() - started > timeout:
        raise QueryFailed(f"the query ran longer than {timeout:g} s and was stopped; add a LIMIT")


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
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def to_json(result: QueryResult) -> dict[str, Any]:
    if result.kind == "ask":
        return {"head": {}, "boolean": result.boolean}
    return {
        "head": {"vars": result.variables},
        "results": {"bindings": [{k: term_json(v) for k, v in row.items()} for row in result.rows]},
    }


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


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        attrs = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attrs}>{escape(term.value)}</literal>"


def to_delimited(result: QueryResult, tsv: bool) -> str:
    buffer = io.StringIO()
    if tsv:
        buffer.write("\t".join(f"?{v}" for v in result.variables) + "\n")
        for row in result.rows:
            buffer.write(
                "\t".join(str(row[v]) if v in row else "" for v in result.variables) + "\n"
            )
        return buffer.getvalue()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([row[v].value if v in row else "" for v in result.variables])
    return buffer.getvalue()


def triples_as(result: QueryResult, media_type: str) -> bytes:
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    return ox.serialize(result.triples, format=fmt) or b""


def dumps(result: QueryResult) -> str:
    """The JSON results document as text (UTF-8, not ASCII-escaped)."""
    return json.dumps(to_json(result), ensure_ascii=False)
