"""Standard industry classifications as SKOS, from the user's own files.

``semcrm ontology import-taxonomy FILE`` reads a classification in the forms
its publishers distribute and writes one ``skos:ConceptScheme`` with a
concept per code:

=================  =====================================================  ============
scheme             forms read (detected from content)                     IRIs
=================  =====================================================  ============
GB/T 4754-2017     the table (CSV or XLSX: 门类, 大类, 中类, 小类, 类别名称,   ``std/gbt4754/<code>``
                   说明) or the JSON tree (``code``/``name``/``children``)
NAICS 2022         the Census XLSX (2022 NAICS Code, 2022 NAICS Title,   ``std/naics/<code>``
                   the trailing "T" of trilateral titles stripped) or a
                   CSV with ``code,title,...,parent_code``
ISIC Rev.4         the JSON of sections, divisions, groups and classes   ``std/isic/<code>``
=================  =====================================================  ============

(all under ``https://w3id.org/semcrm/``). Codes are written as in the source
(ISIC section letters upper-cased); ``skos:broader`` follows the hierarchy
(NAICS ranges such as 31-33 are the parents of 31x, 32x and 33x);
``skos:notation`` holds the code, ``skos:prefLabel`` the title (zh for GB/T,
en otherwise), ``skos:definition`` the explanatory note where the source has
one. The industry module's ``skos:closeMatch`` links point at exactly these
IRIs, so importing a standard makes them resolve.

The output is Turtle, by default into ``<data>/ontology/std-<scheme>.ttl``,
which every command loads; the repository ships none of these files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from semcrm.ontology.errors import OntologyLoadError
from semcrm.ontology.namespaces import BASE

STD = Namespace(BASE + "std/")
SCHEMES = {
    "gbt4754": ("GB/T 4754-2017 国民经济行业分类", "zh"),
    "naics": ("NAICS 2022 North American Industry Classification System", "en"),
    "isic": ("ISIC Rev.4 International Standard Industrial Classification", "en"),
}


@dataclass
class Code:
    code: str
    label: str
    parent: str | None = None
    note: str | None = None


@dataclass
class Taxonomy:
    scheme: str
    codes: list[Code] = field(default_factory=list)
    source_format: str = ""

    @property
    def namespace(self) -> Namespace:
        return Namespace(f"{STD}{self.scheme}/")

    def graph(self) -> Graph:
        g = Graph()
        ns = self.namespace
        g.bind("skos", SKOS)
        g.bind(self.scheme, ns)
        scheme = URIRef(f"{STD}{self.scheme}")
        title, lang = SCHEMES[self.scheme]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(title, lang=lang)))
        known = {c.code for c in self.codes}
        for code in self.codes:
            concept = ns[code.code]
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.inScheme, scheme))
            g.add((concept, SKOS.notation, Literal(code.code)))
            g.add((concept, SKOS.prefLabel, Literal(code.label, lang=lang)))
            if code.note:
                g.add((concept, SKOS.definition, Literal(code.note, lang=lang)))
            if code.parent and code.parent in known:
                g.add((concept, SKOS.broader, ns[code.parent]))
            else:
                g.add((concept, SKOS.topConceptOf, scheme))
                g.add((scheme, SKOS.hasTopConcept, concept))
        return g


def read_taxonomy(path: Path) -> Taxonomy:
    """Read a classification file, detecting the scheme and the form from its content.

    Raises:
        OntologyLoadError: the file is none of the forms above; the message says which
            forms are read.
    """
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OntologyLoadError(name, f"cannot read the file ({exc.strerror})") from exc
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data, name)
        return _from_rows(rows, name, "xlsx")
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("[", "{")):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise OntologyLoadError(name, f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        return _from_json(document, name)
    rows = list(csv.reader(io.StringIO(text)))
    return _from_rows(rows, name, "csv")


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise OntologyLoadError(name, "reading XLSX needs openpyxl (pip install openpyxl)") from exc
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for damaged files
        raise OntologyLoadError(
            name, f"not a readable XLSX workbook ({type(exc).__name__})"
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _from_rows(rows: list[list[str]], name: str, form: str) -> Taxonomy:
    header = [h.strip() for h in rows[0]] if rows else []
    if header[:5] == ["门类", "大类", "中类", "小类", "类别名称"]:
        return Taxonomy("gbt4754", list(_gbt_rows(rows[1:])), f"gbt4754-table-{form}")
    if header[:2] == ["2022 NAICS Code", "2022 NAICS Title"]:
        return Taxonomy(
            "naics", _naics((r[0], r[1]) for r in rows[1:] if r and r[0]), f"naics-{form}"
        )
    if header[:2] == ["code", "title"] and "parent_code" in header:
        title = header.index("title")
        return Taxonomy(
            "naics", _naics((r[0], r[title]) for r in rows[1:] if r and r[0]), f"naics-{form}"
        )
    raise OntologyLoadError(
        name,
        f"row 1 ({', '.join(header[:6]) or 'empty'}) is not the header of a form semcrm reads: "
        "GB/T 4754 (门类,大类,中类,小类,类别名称,说明), NAICS 2022 (2022 NAICS Code, 2022 NAICS "
        "Title) or code,title,...,parent_code",
    )


def _gbt_rows(rows: Iterable[list[str]]) -> Iterable[Code]:
    for row in rows:
        cells = [c.strip() for c in row] + [""] * 6
        section, division, group, klass, label, note = cells[:6]
        path = [c for c in (section, division, group, klass) if c]
        if not path or not label:
            continue
        yield Code(path[-1], label, path[-2] if len(path) > 1 else None, note or None)


def _naics(pairs: Iterable[tuple[str, str]]) -> list[Code]:
    codes: list[Code] = []
    ranges: dict[str, str] = {}
    raw = []
    for code, title in pairs:
        code = str(code).strip()
        # the Census workbook marks trilateral titles with a "T" glued to the last word
        title = re.sub(r"(?<=[a-z)])T$", "", str(title).strip()).strip()
        if not re.fullmatch(r"\d{2,6}|\d{2}-\d{2}", code):
            continue
        raw.append((code, title))
        if "-" in code:
            first, last = (int(x) for x in code.split("-"))
            for sector in range(first, last + 1):
                ranges[str(sector)] = code
    known = {c for c, _ in raw}
    for code, title in raw:
        parent = None
        if "-" not in code and len(code) > 2:
            for cut in range(len(code) - 1, 1, -1):
                prefix = code[:cut]
                if prefix in known:
                    parent = prefix
                    break
                if cut == 2 and prefix in ranges:
                    parent = ranges[prefix]
                    break
        codes.append(Code(code, title, parent))
    return codes


def _from_json(document: object, name: str) -> Taxonomy:
    if isinstance(document, dict) and "sections" in document:
        return Taxonomy("isic", list(_isic(document["sections"])), "isic-json")
    if (
        isinstance(document, list)
        and document
        and isinstance(document[0], dict)
        and "children" in document[0]
    ):
        return Taxonomy("gbt4754", list(_tree(document, None)), "gbt4754-tree-json")
    raise OntologyLoadError(
        name,
        "JSON that is neither the GB/T 4754 tree (code, name, children) nor ISIC's "
        "sections/divisions/groups/classes",
    )


def _tree(nodes: list, parent: str | None) -> Iterable[Code]:
    for node in nodes:
        code = str(node.get("code", "")).strip()
        label = str(node.get("name", "")).strip()
        if code and label:
            yield Code(code, label, parent, (node.get("desc") or None))
        yield from _tree(node.get("children") or [], code or parent)


def _isic(sections: list) -> Iterable[Code]:
    levels = (("divisions", "division"), ("groups", "group"), ("classes", "class"))

    def walk(items: list, depth: int, parent: str) -> Iterable[Code]:
        if depth >= len(levels):
            return
        _key, field_name = levels[depth]
        for item in items:
            code = str(item.get(field_name, "")).strip()
            if code:
                yield Code(code, str(item.get("description", "")).strip(), parent)
                yield from walk(
                    item.get(levels[depth + 1][0], []) if depth + 1 < len(levels) else [],
                    depth + 1,
                    code,
                )

    for section in sections:
        letter = str(section.get("section", "")).strip().upper()
        if not letter:
            continue
        yield Code(letter, str(section.get("description", "")).strip(), None)
        yield from walk(section.get("divisions", []), 0, letter)


def write_taxonomy(taxonomy: Taxonomy, target: Path) -> int:
    """Write the scheme as Turtle (atomically: a temporary file, then a rename)."""
    graph = taxonomy.graph()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    graph.serialize(destination=str(temporary), format="turtle")
    temporary.replace(target)
    return len(graph)
