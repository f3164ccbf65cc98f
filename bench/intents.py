"""Utterance intent accuracy on Banking77, CLINC150 and SMP2017-ECDT, against issue 4's bars.

For each corpus the classifier (:mod:`semcrm.ingest.classify.linear`) is trained
on the train split only, its regularisation and reject threshold are chosen
on the validation split (Banking77: a tenth of train held out), and the test
split is scored once (:mod:`semcrm.ingest.classify.bench` has the protocol).
Prints accuracy per corpus beside its target, CLINC150's out-of-scope recall,
and the training wall time on this machine's CPUs.

    .venv/bin/python bench/intents.py [--corpus banking77|clinc150|smp2017|all]
                                      [--corpora ../shared/corpora] [--json]

The same run is ``semcrm intent-bench``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from semcrm.ingest.classify.bench import AIMS, MAX_TRAIN_SECONDS, TARGETS, run_bench
from semcrm.ingest.classify.corpora import CORPORA
from semcrm.ingest.classify.errors import TrainingDataError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    names = CORPORA if args.corpus == "all" else (args.corpus,)
    results = []
    for name in names:
        print(f"{name}: training …", file=sys.stderr, flush=True)
        try:
            results.append(run_bench(name, args.corpora))
        except TrainingDataError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps({"results": [r.to_dict() for r in results]}, indent=2))
        return 0
    for r in results:
        target = TARGETS[r.corpus]
        line = (
            f"{r.corpus:<10} accuracy {r.accuracy:.4f} (target >= {target['accuracy']:.2f}"
            + (f", aim {AIMS[r.corpus]['accuracy']:.2f}" if r.corpus in AIMS else "")
            + ")"
        )
        if r.oos_recall is not None:
            line += (
                f"  out-of-scope recall {r.oos_recall:.4f} (target >= {target['oos_recall']:.2f})"
            )
        line += (
            f"  trained in {r.train_seconds:.1f}s on {r.usable_cpus} CPUs"
            f" (limit {MAX_TRAIN_SECONDS:.0f}s)  C={r.c:g} threshold={r.threshold:.3f}"
            f"  train/test {r.train_size}/{r.test_size}"
            f"  {'met' if all(r.met.values()) else 'MISSED'}"
        )
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
