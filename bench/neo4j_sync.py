"""Neo4j sync throughput, beside a plain driver write of the same rows, in the same run.

Generates a CRM-shaped data set of about a million triples into a temporary
store (``--interactions`` interaction graphs of ~85 triples each, shaped as
the ingest pipeline writes them: calls, turns, evidence spans, intent
signals, shared organisations, people and concepts; plus an ontology graph
with zh/en labels and a derived graph with justifications in the shape
``semcrm reason`` writes), then measures against a real Neo4j:

* **full sync**: ``sync(full=True)`` into an empty database: read the store,
  project, digest, write, record state. Triples per second.
* **plain write**: the same node and relationship rows (projected beforehand,
  untimed) written with the driver alone: batched ``UNWIND ... CREATE`` in
  explicit transactions, no store, no projection, no bookkeeping. The ratio
  says what the sync's own work costs.
* **incremental sync of one interaction**: one interaction graph rewritten
  (a turn's text and a new signal), then ``sync(graphs=[that graph])``;
  median of ``--runs`` runs in milliseconds, beside a plain write of the
  rows it re-projects. Also one ``sync()`` that checks every graph (it reads
  the whole store to find the change), to show what change detection costs.

    .venv/bin/python bench/neo4j_sync.py [--interactions 10000] [--runs 7] [--json]

Neo4j: ``$SEMCRM_NEO4J_URI`` if set (its database is emptied; the script
refuses one holding anything but a semcrm projection), else a server started
with ``tools/neo4j/neo4j.sh`` on a free port and stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from semcrm.ontology import iris
from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
from semcrm.ontology.neo4j.sync import sync
from semcrm.ontology.store import KnowledgeStore

REPO = Path(__file__).resolve().parents[1]
S = "https://w3id.org/semcrm/"
NS = S + "ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
INFERRED = f"<{S}graph/inferred>"
JUST = f"<{S}graph/justifications>"
ONTOLOGY = f"<{S}graph/ontology>"
INTENTS = [f"{S}intent/intent_{i:02d}" for i in range(12)]
NEEDS = [f"{S}need/need_{i:03d}" for i in range(40)]
INDUSTRIES = [f"{S}industry/industry_{i:03d}" for i in range(400)]
RULE = f"{S}rule/intent-from-customer-signal"


def i(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def interaction_lines(k: int, version: int = 0) -> list[str]:
    """One interaction graph (~85 triples), deterministic in ``k`` and ``version``."""
    rng = random.Random(k * 1000 + version)
    x = f"{S}id/interaction/{k:016x}"
    g = f"<{x}>"
    org = f"<{S}id/org/{k % 1000:016x}>"
    kind = ("Call", "Email", "Chat", "Meeting")[k % 4]
    lines = [
        f"<{x}> <{RDF}type> <{NS}{kind}> {g} .",
        f"<{x}> <{NS}customer> {org} {g} .",
        f'<{x}> <{NS}started> "2031-0{1 + k % 9}-1{k % 10}T0{k % 10}:30:00+08:00"^^<{XSD}dateTime> {g} .',
        f"{org} <{RDF}type> <{NS}Organization> {g} .",
        f'{org} <https://schema.org/name> "Fictional Customer {k % 1000} Ltd" {g} .',
        f"{org} <{NS}industry> <{INDUSTRIES[k % 400]}> {g} .",
    ]
    for t in range(8):
        turn = f"<{x}/turn/{t}>"
        person = f"<{S}id/person/PERSON-{(k * 8 + t) % 20000:08X}>"
        side = "CustomerSide" if t % 2 else "VendorSide"
        lines += [
            f"{turn} <{RDF}type> <{NS}Turn> {g} .",
            f"{turn} <{NS}inInteraction> <{x}> {g} .",
            f"{turn} <{NS}index> {i(t)} {g} .",
            f"{turn} <{NS}start> {i(t * 60)} {g} .",
            f"{turn} <{NS}end> {i(t * 60 + 55)} {g} .",
            f"{turn} <{NS}speaker> {person} {g} .",
            f"{turn} <{NS}bySide> <{NS}{side}> {g} .",
            f'{turn} <{NS}text> "turn {t} v{version}: 我们想了解一下报价 about {rng.randint(10, 99)} units" {g} .',
        ]
    for n in range(3):
        span = f"<{x}/span/{n * 60}-{n * 60 + 12}>"
        signal = f"<{x}/signal/{n:012x}>"
        lines += [
            f"{span} <{RDF}type> <{NS}EvidenceSpan> {g} .",
            f"{span} <{NS}inInteraction> <{x}> {g} .",
            f"{span} <{NS}inTurn> <{x}/turn/{n}> {g} .",
            f"{span} <{NS}start> {i(n * 60)} {g} .",
            f"{span} <{NS}end> {i(n * 60 + 12)} {g} .",
            f'{span} <{NS}quote> "想了解一下报价 {n}" {g} .',
            f"{span} <{PROV}wasGeneratedBy> <{S}id/extraction/semcrm-extract/1.0.0> {g} .",
            f"{signal} <{RDF}type> <{NS}IntentSignal> {g} .",
            f"{signal} <{NS}intent> <{INTENTS[(k + n) % 12]}> {g} .",
            f'{signal} <{NS}confidence> "0.{rng.randint(50, 99)}"^^<{XSD}decimal> {g} .',
            f"{signal} <{NS}inInteraction> <{x}> {g} .",
            f"{signal} <{NS}evidence> {span} {g} .",
        ]
    if version:
        lines.append(f"<{x}/signal/new> <{NS}need> <{NEEDS[version % 40]}> {g} .")
    return lines


def derived_lines(k: int) -> list[str]:
    """One derived fact for interaction ``k`` and its justification, as materialize writes."""
    org = ox.NamedNode(f"{S}id/org/{k % 1000:016x}")
    has_intent, intent = ox.NamedNode(NS + "hasIntent"), ox.NamedNode(INTENTS[k % 12])
    signal = ox.NamedNode(f"{S}id/interaction/{k:016x}/signal/{0:012x}")
    premise = (signal, ox.NamedNode(NS + "intent"), intent)
    stmt, pstmt = iris.statement(org, has_intent, intent), iris.statement(*premise)
    just = iris.justification(RULE, [premise])
    true, false = f'"true"^^<{XSD}boolean>', f'"false"^^<{XSD}boolean>'
    return [
        f"{org} {has_intent} {intent} {INFERRED} .",
        f"{stmt} <{RDF}type> <{NS}Statement> {JUST} .",
        f"{stmt} <{RDF}subject> {org} {JUST} .",
        f"{stmt} <{RDF}predicate> {has_intent} {JUST} .",
        f"{stmt} <{RDF}object> {intent} {JUST} .",
        f"{stmt} <{NS}derived> {true} {JUST} .",
        f'{stmt} <{NS}confidence> "0.900000"^^<{XSD}decimal> {JUST} .',
        f"{just} <{RDF}type> <{NS}Justification> {JUST} .",
        f"{just} <{NS}rule> <{RULE}> {JUST} .",
        f"{just} <{NS}derives> {stmt} {JUST} .",
        f"{just} <{NS}premise> {pstmt} {JUST} .",
        f"{pstmt} <{NS}derived> {false} {JUST} .",
        f"{pstmt} <{NS}assertedIn> <{S}id/interaction/{k:016x}> {JUST} .",
    ]


def ontology_lines() -> list[str]:
    out = []
    for n, concept in enumerate(INTENTS + NEEDS + INDUSTRIES):
        out += [
            f"<{concept}> <{RDF}type> <{SKOS}Concept> {ONTOLOGY} .",
            f'<{concept}> <{SKOS}prefLabel> "概念 {n}"@zh {ONTOLOGY} .',
            f'<{concept}> <{SKOS}prefLabel> "concept {n}"@en {ONTOLOGY} .',
        ]
    return out


def generate(path: Path, interactions: int) -> int:
    """Write the data set into a new store at ``path``; returns its number of quads."""
    (path / "store").mkdir(parents=True)
    store = ox.Store(str(path / "store"))
    lines = ontology_lines()
    for k in range(interactions):
        lines += interaction_lines(k)
        lines += derived_lines(k)
        if len(lines) > 200_000:
            store.bulk_load(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_QUADS)
            lines = []
    store.bulk_load(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    del store
    return count


def rewrite_interaction(path: Path, k: int, version: int) -> str:
    """Replace interaction ``k``'s graph with version ``version`` (raw store, no union graph)."""
    store = ox.Store(str(path / "store"))
    graph = ox.NamedNode(f"{S}id/interaction/{k:016x}")
    store.remove_graph(graph)
    store.load(
        ("\n".join(interaction_lines(k, version)) + "\n").encode(), format=ox.RdfFormat.N_QUADS
    )
    store.flush()
    del store
    return graph.value


# -- the plain driver write ------------------------------------------------------------------

PLAIN_NODES = "UNWIND $rows AS row CREATE (n:Resource) SET n = row.props SET n:$(row.labels)"
PLAIN_EDGES = (
    "UNWIND $rows AS row MATCH (a:Resource {uri: row.source}) MATCH (b:Resource {uri: row.target}) "
    "CREATE (a)-[r:$(row.type)]->(b) SET r = row.props"
)


def plain_write(client: Neo4jClient, nodes: list, edges: list, batch: int = 2000) -> float:
    """The same rows through the driver alone: explicit transactions of UNWIND/CREATE."""
    started = time.perf_counter()
    with client.session() as session:
        session.run(
            "CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:Resource) REQUIRE r.uri IS UNIQUE"
        ).consume()
        for query, rows in ((PLAIN_NODES, nodes), (PLAIN_EDGES, edges)):
            for start in range(0, len(rows), batch):
                with session.begin_transaction() as tx:
                    tx.run(query, rows=rows[start : start + batch]).consume()
                    tx.commit()
    return time.perf_counter() - started


def projected_rows(store: KnowledgeStore, graphs: list[str] | None = None):
    """The node and edge rows a sync would write (whole store, or the subjects of ``graphs``)."""
    from semcrm.ontology.neo4j import reading
    from semcrm.ontology.neo4j.naming import Vocabulary
    from semcrm.ontology.neo4j.projection import Context, ProjectionConfig, project_subject

    context = Context(
        config=ProjectionConfig(),
        vocabulary=Vocabulary(),
        inferred=reading.INFERRED.value,
        system_graphs=reading.SYSTEM,
        tiers=reading.read_tiers(store),
        derivations=reading.read_derivations(store),
        statement_iri=iris.statement,
        ontology=reading.ONTOLOGY.value,
    )
    everything: dict = {}
    names = [ox.NamedNode(g) for g in graphs] if graphs else reading.projected_graphs(store)
    for graph in names:
        for subject in reading.graph_facts(store, graph):
            everything[subject] = reading.subject_facts(store, subject, context.projects)
    nodes, edges = [], []
    for subject, facts in everything.items():
        node, out, _ = project_subject(subject, facts, context)
        nodes.append({"uri": node.uri, "labels": node.labels, "props": node.props})
        edges += [
            {"source": e.source, "type": e.type, "target": e.target, "props": e.props} for e in out
        ]
    known = {n["uri"] for n in nodes}
    nodes += [
        {"uri": u, "labels": [], "props": {"uri": u}}
        for u in sorted({e["target"] for e in edges} - known)
    ]
    return nodes, edges, sum(len(f) for f in everything.values())


def empty(client: Neo4jClient) -> None:
    client.run_autocommit(
        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", "emptying"
    )


def neo4j(folder: Path) -> tuple[str, bool]:
    configured = os.environ.get("SEMCRM_NEO4J_URI", "").strip()
    if configured:
        return configured, False
    env = {**os.environ, "NEO4J_DIR": str(folder), "NEO4J_PORT": "0", "NEO4J_PAGECACHE": "512m"}
    started = subprocess.run(
        [str(REPO / "tools/neo4j/neo4j.sh"), "start"], env=env, capture_output=True, text=True
    )
    if started.returncode:
        sys.exit(f"could not start Neo4j: {started.stderr}")
    return started.stdout.strip().splitlines()[-1], True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=10000, help="interaction graphs")
    parser.add_argument("--runs", type=int, default=7, help="incremental runs (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="semcrm-neo4j-bench-"))
    uri, own = neo4j(work / "neo4j")
    out: dict = {"neo4j": uri, "interactions": args.interactions}
    try:
        started = time.perf_counter()
        out["quads"] = generate(work / "data", args.interactions)
        out["generate_s"] = round(time.perf_counter() - started, 1)
        client = Neo4jClient.connect(Neo4jTarget(uri))
        foreign = client.read(
            "MATCH (n) WHERE NOT (n:Resource OR n:_SemcrmSync OR n:_NsPrefDef OR n:_GraphConfig) "
            "RETURN count(n) AS n"
        )[0]["n"]
        if foreign:
            sys.exit(
                f"{uri} holds {foreign} nodes that are not a semcrm projection; not touching it"
            )
        with KnowledgeStore(work / "data", read_only=True) as store:
            nodes, edges, triples = projected_rows(store)
        empty(client)
        plain = plain_write(client, nodes, edges)
        empty(client)
        with KnowledgeStore(work / "data", read_only=True) as store:
            full = sync(store, client, full=True, state_dir=work / "state")
        out["full"] = {
            "triples": full.triples,
            "nodes": full.nodes,
            "relationships": full.relationships,
            "seconds": round(full.seconds, 2),
            "phases": {k: round(v, 2) for k, v in full.phases.items()},
            "triples_per_s": round(full.triples / full.seconds),
        }
        out["plain"] = {
            "triples": triples,
            "seconds": round(plain, 2),
            "triples_per_s": round(triples / plain),
        }
        out["full_vs_plain"] = round(
            out["full"]["triples_per_s"] / out["plain"]["triples_per_s"], 3
        )

        target = args.interactions // 2
        times, plain_times, subjects = [], [], []
        for version in range(1, args.runs + 1):
            graph = rewrite_interaction(work / "data", target, version)
            with KnowledgeStore(work / "data", read_only=True) as store:
                report = sync(store, client, graphs=[graph], state_dir=work / "state")
                inc_nodes, inc_edges, _ = projected_rows(store, [graph])
            times.append(report.seconds * 1000)
            subjects.append(report.subjects)
            # the plain write of the same rows, into a scratch label so the projection is untouched
            plain_times.append(_plain_merge(client, inc_nodes, inc_edges) * 1000)
        graph = rewrite_interaction(work / "data", target, args.runs + 1)
        with KnowledgeStore(work / "data", read_only=True) as store:
            checked = sync(store, client, state_dir=work / "state")
        out["incremental"] = {
            "subjects": statistics.median(subjects),
            "median_ms": round(statistics.median(times), 1),
            "runs_ms": [round(t, 1) for t in times],
            "plain_median_ms": round(statistics.median(plain_times), 1),
            "check_all_graphs_ms": round(checked.seconds * 1000),
            "check_all_phases_s": {k: round(v, 2) for k, v in checked.phases.items()},
        }
        out["incremental_vs_plain"] = round(
            out["incremental"]["plain_median_ms"] / out["incremental"]["median_ms"], 3
        )
        client.close()
    finally:
        if own:
            subprocess.run(
                [str(REPO / "tools/neo4j/neo4j.sh"), "stop"],
                env={**os.environ, "NEO4J_DIR": str(work / "neo4j")},
                capture_output=True,
            )
        shutil.rmtree(work, ignore_errors=True)
    report_figures(out, args.json)


def _plain_merge(client: Neo4jClient, nodes: list, edges: list) -> float:
    """The rows of one interaction, MERGEd by the driver alone (what any idempotent writer does)."""
    started = time.perf_counter()
    with client.session() as session, session.begin_transaction() as tx:
        tx.run(
            "UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n = row.props "
            "SET n:$(row.labels)",
            rows=nodes,
        ).consume()
        tx.run(
            "UNWIND $rows AS row MATCH (a:Resource {uri: row.source}) "
            "MERGE (b:Resource {uri: row.target}) MERGE (a)-[r:$(row.type)]->(b) SET r = row.props",
            rows=edges,
        ).consume()
        tx.commit()
    return time.perf_counter() - started


def report_figures(out: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, indent=2))
        return
    full, plain, inc = out["full"], out["plain"], out["incremental"]
    print(
        f"data: {out['quads']} quads in {out['interactions']} interactions (generated in {out['generate_s']} s)"
    )
    print(
        f"full sync:   {full['triples']} triples in {full['seconds']} s = {full['triples_per_s']} triples/s  {full['phases']}"
    )
    print(
        f"plain write: {plain['triples']} triples in {plain['seconds']} s = {plain['triples_per_s']} triples/s"
    )
    print(f"ratio full sync / plain write: {out['full_vs_plain']}")
    print(
        f"incremental sync of one interaction: median {inc['median_ms']} ms over {len(inc['runs_ms'])} runs ({inc['subjects']} subjects), plain write of its rows {inc['plain_median_ms']} ms"
    )
    print(f"ratio plain / incremental: {out['incremental_vs_plain']}")
    print(
        f"sync() checking every graph for that change: {inc['check_all_graphs_ms']} ms {inc['check_all_phases_s']}"
    )


if __name__ == "__main__":
    main()
