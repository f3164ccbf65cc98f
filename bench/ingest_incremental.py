"""Ingest one new interaction into a reasoned store and re-reason: incremental vs full.

A base store is built once in a temporary folder: the devset (``../shared/devset``)
ingested, optionally plus ``--synthetic N`` triples of generated CRM data
(:mod:`semcrm.reasoning.synthetic`, one named graph per generated customer),
and reasoned in full, which records what the derived graphs were computed from.
Each run copies the base store, ingests one new record (default the demo's
renewal e-mail, which the devset does not hold) with the NLP pipeline loaded
once, and brings the derived graphs up to date:

* **incremental**: :func:`semcrm.reasoning.maintain.reason` (what ``semcrm ingest``
  runs; the run must report ``mode: incremental``);
* **full**: :func:`semcrm.reasoning.materialize.materialize` (what ``ingest`` ran
  before, and what ``semcrm reason`` runs).

Printed: the median wall seconds of ingest + re-reasoning and of the reasoning
alone over ``--runs`` runs per mode, and the ratio full / incremental. The
ontology load and the NLP pipeline's start are outside the timings (a CLI
process pays them in both modes).

    .venv/bin/python bench/ingest_incremental.py [--runs 5] [--synthetic 1000000]
                                                 [--record FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEVSET = REPO.parent / "shared" / "devset"
RECORD = REPO / "samples" / "records" / "renewal-email-en.eml"


def build_base(path: Path, ontology, processor, synthetic: int) -> dict[str, object]:
    """The base store: devset (+ synthetic graphs), reasoned in full."""
    import pyoxigraph as ox

    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.materialize import materialize
    from semcrm.reasoning.synthetic import Generator, tbox

    with KnowledgeStore(path) as store:
        report = ingest([DEVSET], store, ontology, processor=processor)
        if synthetic:
            generator = Generator()
            batch: dict[ox.NamedNode, list] = {
                ox.NamedNode("https://w3id.org/semcrm/id/interaction/synthetic-tbox"): tbox()
                + generator.products()
            }
            written, k = 0, 0
            while written < synthetic:
                graph = ox.NamedNode(f"https://w3id.org/semcrm/id/interaction/synthetic-{k}")
                triples = generator.customer(k)
                for i in range(generator.interactions_per_customer):
                    triples += generator.interaction(k, i)
                batch[graph] = list(dict.fromkeys(triples))
                written += len(batch[graph])
                k += 1
                if len(batch) >= 200:
                    store.replace_graphs(batch)
                    batch = {}
            if batch:
                store.replace_graphs(batch)
        reasoned = materialize(store, ontology)
        return {
            "interactions": len(store.interaction_graphs()),
            "triples": len(store),
            "devset_records": len(report.records),
            "derived": reasoned.derived,
            "full_reason_seconds": round(reasoned.seconds, 3),
        }


def one_run(base: Path, work: Path, mode: str, ontology, processor, record: Path):
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.maintain import reason
    from semcrm.reasoning.materialize import materialize

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    with KnowledgeStore(work) as store:
        started = time.perf_counter()
        changes = store.track_asserted_changes()
        report = ingest([record], store, ontology, processor=processor, files=[record])
        assert [r.status for r in report.records] == ["new"], report.records
        reasoning_started = time.perf_counter()
        if mode == "incremental":
            result = reason(store, ontology, changes)
            assert result.mode == "incremental", result.reason
        else:
            result = materialize(store, ontology)
        finished = time.perf_counter()
    shutil.rmtree(work, ignore_errors=True)
    return finished - started, finished - reasoning_started, result.work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=0, help="generated triples to add")
    parser.add_argument("--record", type=Path, default=RECORD)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from semcrm.ingest.pii.pseudonyms import load_or_create_secret
    from semcrm.ingest.pipeline import Processor
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.settings import load_settings

    root = Path(tempfile.mkdtemp(prefix="semcrm-bench-"))
    try:
        base = root / "base"
        base.mkdir()
        ontology = load_ontology(load_settings(data=str(base)).ontology_dirs)
        processor = Processor(ontology, load_or_create_secret(base))
        started = time.perf_counter()
        store = build_base(base, ontology, processor, args.synthetic)
        store["build_seconds"] = round(time.perf_counter() - started, 1)
        results: dict[str, dict[str, object]] = {}
        for mode in ("incremental", "full"):
            totals, reasoning, work = [], [], {}
            for _ in range(args.runs):
                total, part, work = one_run(
                    base, root / "run", mode, ontology, processor, args.record
                )
                totals.append(total)
                reasoning.append(part)
            results[mode] = {
                "ingest_and_reason_seconds": round(statistics.median(totals), 3),
                "reason_seconds": round(statistics.median(reasoning), 3),
                "runs": [round(t, 3) for t in totals],
                "work": work,
            }
        inc, full = results["incremental"], results["full"]
        out = {
            "store": store,
            "record": args.record.name,
            **results,
            "ratio_ingest_and_reason": round(
                full["ingest_and_reason_seconds"] / inc["ingest_and_reason_seconds"], 2
            ),
            "ratio_reason": round(full["reason_seconds"] / inc["reason_seconds"], 2),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"store: {store['triples']} triples in {store['interactions']} graphs "
        f"({store['derived']} derived; full reasoning {store['full_reason_seconds']} s)"
    )
    for mode in ("incremental", "full"):
        r = results[mode]
        print(
            f"{mode:12s} ingest+reason {r['ingest_and_reason_seconds']:.3f} s, "
            f"reason {r['reason_seconds']:.3f} s (median of {args.runs}); work {r['work']}"
        )
    print(
        f"ratio full/incremental: ingest+reason {out['ratio_ingest_and_reason']}x, "
        f"reason {out['ratio_reason']}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
