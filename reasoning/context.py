"""A customer's semantic context: what semcrm knows about a customer, and why.

This is the answer software agents ask for: the organisation, its industry
path (coarse to fine), its qualifications, the people of its decision chain
with their roles (hidden decision-makers marked), its stated and unstated
needs, its objections, and its intents with a confidence, each derived fact
with its statement IRI (what ``explain`` takes) and the evidence quotes that
support it, taken from the leaves of its proof tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.iris import statement
from semcrm.ontology.namespaces import PREFIXES, SEMCRM
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.explain import Explainer, dedupe_evidence, evidence_leaves

EVIDENCE_PER_FACT = 5


class UnknownCustomer(SemcrmError):
    """No customer with that id, IRI or name."""


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SEMCRM}{name}")


def customer_id(iri: str) -> str:
    """The short id of a customer: the last segment of its IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


_CUSTOMERS = """
SELECT ?customer (SAMPLE(?n) AS ?name) (SAMPLE(?ps) AS ?pseudonym)
       (COUNT(DISTINCT ?x) AS ?interactions) (SAMPLE(?kind) AS ?type)
WHERE {
  ?x semcrm:customer ?customer .
  OPTIONAL { ?customer semcrm:name ?n }
  OPTIONAL { ?customer semcrm:pseudonym ?ps }
  OPTIONAL {
    ?customer a ?kind
    FILTER (?kind IN (semcrm:CustomerOrganization, semcrm:ConsumerCustomer))
  }
}
GROUP BY ?customer
ORDER BY DESC(?interactions) ?name
"""


@dataclass
class ContextBuilder:
    store: KnowledgeStore
    lang: str = "en"

    def __post_init__(self) -> None:
        self.explainer = Explainer(self.store)

    def _select(self, query: str) -> list[dict[str, Any]]:
        solutions = self.store.query(query, prefixes=PREFIXES)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            rows.append({n: solution[n] for n in names if solution[n] is not None})
        return rows

    def customers(self) -> list[dict[str, Any]]:
        out = []
        for row in self._select(_CUSTOMERS):
            iri = row["customer"].value
            kind = row.get("type")
            out.append(
                {
                    "id": customer_id(iri),
                    "iri": iri,
                    "name": row["name"].value if "name" in row else None,
                    "pseudonym": row["pseudonym"].value if "pseudonym" in row else None,
                    "kind": "consumer"
                    if kind is not None and kind.value.endswith("ConsumerCustomer")
                    else "organisation",
                    "interactions": int(row["interactions"].value),
                }
            )
        return out

    def resolve(self, key: str) -> str:
        """A customer's IRI from its id, its IRI or its name (exact, case-insensitive, or a
        unique part of it)."""
        customers = self.customers()
        wanted = key.strip().strip("<>")
        for c in customers:
            if wanted in (c["id"], c["iri"]) or (c["name"] and wanted == c["name"]):
                return c["iri"]
        folded = wanted.casefold()
        # a part of a name is only a search when it is long enough to mean something
        long_enough = len(folded) >= 4 or sum(1 for c in folded if ord(c) > 0x2E80) >= 2
        for matches in (
            [c for c in customers if c["name"] and folded == c["name"].casefold()],
            [c for c in customers if long_enough and c["name"] and folded in c["name"].casefold()],
        ):
            if len(matches) == 1:
                return matches[0]["iri"]
            if len(matches) > 1:
                listed = "; ".join(f"{c['name']} (id {c['id']})" for c in matches[:10])
                raise UnknownCustomer(
                    f"{len(matches)} customers match {key!r}: {listed}; pass an id instead"
                )
        raise UnknownCustomer(f"no customer matches {key!r}; list them with `semcrm customers`")

    # -- the context ----------------------------------------------------------------

    def context(self, key: str) -> dict[str, Any]:
        iri = self.resolve(key)
        customer = ox.NamedNode(iri)
        summary = next(c for c in self.customers() if c["iri"] == iri)
        return {
            "id": summary["id"],
            "iri": iri,
            "name": summary["name"] or summary["pseudonym"],
            "kind": summary["kind"],
            "industry": self._industry(customer),
            "qualifications": self._concepts(customer, "holdsQualification"),
            "people": self._people(customer),
            "intents": self._derived(customer, "hasIntent"),
            "stated_needs": self._derived(customer, "hasStatedNeed"),
            "unstated_needs": self._derived(customer, "hasUnstatedNeed"),
            "objections": self._derived(customer, "raisedObjection"),
            "hidden_decision_makers": [
                {"iri": f["object"], "pseudonym": self._pseudonym(f["object"]), **f}
                for f in self._derived(customer, "hiddenDecisionMaker")
            ],
            "interactions": self._interactions(customer),
            "derived_facts_stale": self.store.derived_facts_stale(),
        }

    def _derived(self, customer: ox.NamedNode, predicate: str) -> list[dict[str, Any]]:
        p = _p(predicate)
        facts = []
        for quad in self.store.oxigraph.quads_for_pattern(customer, p, None, None):
            o = quad.object
            iri = statement(customer, p, o)
            try:
                tree = self.explainer.explain(iri.value)
            except SemcrmError:
                continue
            evidence = rank_evidence(evidence_leaves(tree, dedupe=False))
            facts.append(
                {
                    "iri": iri.value,
                    "object": o.value,
                    "concept": o.value,
                    "label": self._label(o),
                    "confidence": round(tree["statement"]["confidence"], 4),
                    "rules": sorted({j["rule"]["iri"] for j in tree.get("justifications", [])}),
                    "evidence": [_evidence(e) for e in evidence[:EVIDENCE_PER_FACT]],
                    "evidence_count": len(evidence),
                }
            )
        unique = {f["iri"]: f for f in facts}
        return sorted(unique.values(), key=lambda f: (-f["confidence"], f["concept"]))

    def _industry(self, customer: ox.NamedNode) -> dict[str, Any] | None:
        concepts = {
            q.object
            for q in self.store.oxigraph.quads_for_pattern(customer, _p("industry"), None, None)
        }
        if not concepts:
            return None
        # the finest concept: the one with the longest broader chain
        chains = {c: self._broader_chain(c) for c in concepts if isinstance(c, ox.NamedNode)}
        finest = max(chains, key=lambda c: (len(chains[c]), c.value))
        return {
            "concept": finest.value,
            "label": self._label(finest),
            "path": [{"concept": c.value, "label": self._label(c)} for c in chains[finest]],
        }

    def _broader_chain(self, concept: ox.NamedNode) -> list[ox.NamedNode]:
        broader = ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader")
        chain = [concept]
        seen = {concept}
        current = concept
        while True:
            parents = sorted(
                (
                    q.object
                    for q in self.store.oxigraph.quads_for_pattern(current, broader, None, None)
                ),
                key=lambda t: t.value,
            )
            if not parents or parents[0] in seen:
                break
            current = parents[0]
            seen.add(current)
            chain.append(current)
        return list(reversed(chain))

    def _concepts(self, customer: ox.NamedNode, predicate: str) -> list[dict[str, Any]]:
        values = {
            q.object
            for q in self.store.oxigraph.quads_for_pattern(customer, _p(predicate), None, None)
        }
        return [
            {"concept": v.value, "label": self._label(v)}
            for v in sorted(values, key=lambda t: t.value)
        ]

    def _people(self, customer: ox.NamedNode) -> list[dict[str, Any]]:
        query = f"""
        SELECT ?person ?pseudonym ?label ?present ?side ?role ?x WHERE {{
          ?x semcrm:customer <{customer.value}> ; semcrm:hasParticipation ?pa .
          ?pa semcrm:participant ?person ; semcrm:present ?present .
          OPTIONAL {{ ?pa semcrm:side ?side }}
          OPTIONAL {{ ?pa semcrm:hasDecisionRole ?role }}
          OPTIONAL {{ ?person semcrm:pseudonym ?pseudonym }}
          OPTIONAL {{ ?person rdfs:label ?label }}
        }}"""
        people: dict[str, dict[str, Any]] = {}
        for row in self._select(query):
            iri = row["person"].value
            entry = people.setdefault(
                iri,
                {
                    "iri": iri,
                    "pseudonym": row["pseudonym"].value if "pseudonym" in row else None,
                    "label": row["label"].value if "label" in row else None,
                    "side": None,
                    "present": False,
                    "roles": set(),
                    "interactions": set(),
                },
            )
            entry["present"] = entry["present"] or row["present"].value == "true"
            if "side" in row:
                entry["side"] = row["side"].value.rsplit("#", 1)[-1].removesuffix("Side").lower()
            if "role" in row:
                entry["roles"].add(row["role"].value.rsplit("/", 1)[-1])
            entry["interactions"].add(row["x"].value)
        hidden = {
            q.object.value
            for q in self.store.oxigraph.quads_for_pattern(
                customer, _p("hiddenDecisionMaker"), None, None
            )
        }
        out = []
        for entry in people.values():
            entry["roles"] = sorted(entry["roles"])
            entry["interactions"] = sorted(entry["interactions"])
            entry["hidden_decision_maker"] = entry["iri"] in hidden
            out.append(entry)
        return sorted(out, key=lambda e: (e["side"] != "customer", not e["present"], e["iri"]))

    def _interactions(self, customer: ox.NamedNode) -> list[dict[str, Any]]:
        query = f"""
        SELECT ?x ?kind ?title ?when ?source WHERE {{
          ?x semcrm:customer <{customer.value}> ; a ?kind .
          FILTER (STRSTARTS(STR(?kind), STR(semcrm:)))
          OPTIONAL {{ ?x dcterms:title ?title }}
          OPTIONAL {{ ?x semcrm:occurredAt ?when }}
          OPTIONAL {{ ?x semcrm:sourceName ?source }}
        }} ORDER BY ?when ?x"""
        seen: dict[str, dict[str, Any]] = {}
        for row in self._select(query):
            iri = row["x"].value
            kind = row["kind"].value.rsplit("#", 1)[-1]
            if kind in ("Interaction",):
                continue
            seen.setdefault(
                iri,
                {
                    "iri": iri,
                    "kind": kind,
                    "title": row["title"].value if "title" in row else None,
                    "occurred_at": row["when"].value if "when" in row else None,
                    "source": row["source"].value if "source" in row else None,
                },
            )
        return list(seen.values())

    def _label(self, node: object) -> str | None:
        return self.explainer.label(node, self.lang)

    def _pseudonym(self, iri: str) -> str | None:
        for quad in self.store.oxigraph.quads_for_pattern(
            ox.NamedNode(iri), _p("pseudonym"), None, None
        ):
            return quad.object.value
        return None


#: Premises that tie a fact to its customer rather than say anything about it: their quotes
#: (the customer's name) come last.
CONTEXT_PREDICATES = {f"{SEMCRM}{name}" for name in ("customer", "name", "inInteraction")}


def rank_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The quotes of what was said; quotes that only name the customer are left out
    (they stay in the fact's proof tree, where ``explain`` shows them)."""
    said = [e for e in evidence if e.get("via") not in CONTEXT_PREDICATES]
    return dedupe_evidence(said or evidence)


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    return {
        k: item[k] for k in ("quote", "interaction", "turn", "start", "end", "source") if k in item
    }
