"""The reasoner beside its peers, on generated CRM data with an OWL 2 RL TBox.

For each size (default 10k, 100k and 1M triples of
:mod:`semcrm.reasoning.synthetic`), in one run, each system in its own
process (so that memory figures are its own):

* **semcrm**: full materialisation with every shipped OWL 2 RL rule
  (``ontology/optional/owl-rl.ttl``), recording every justification; seconds
  for ``Engine.materialize`` and for listing the derived triples as terms;
* **semcrm, reasonable's subset**: the same engine with the rules
  `reasonable` implements too (tests/test_peers_reasonable.py), for the
  like-for-like ratio;
* **reasonable**: ``load_file`` and ``reason()`` (which returns every triple as
  rdflib terms), its default configuration;
* **owlrl**: ``DeductiveClosure(OWLRL_Semantics).expand`` (its complete rule
  table, axiomatic and datatype triples off), up to ``--owlrl-max`` triples;
* **incremental** (sizes of at least ``--incremental-min``): the state of
  :class:`~semcrm.reasoning.incremental.IncrementalEngine` after a full
  materialisation, then adding one new interaction (about 100 triples) and
  erasing it again, ``--updates`` times, and erasing then re-adding existing
  interactions: median milliseconds (wall clock, and the CPU time of the process,
  which is what an update costs while other work shares the cores). Memory per
  stored triple is the resident memory the state adds, divided by asserted +
  derived triples.

The closure of semcrm's subset run and reasonable's (minus its cls-thing
triples, the one filter of the peer test) are compared by an
order-independent digest of their N-Triples lines; "equal" is printed per size.

    .venv/bin/python bench/reasoner.py [--sizes 10000,100000,1000000] [--owlrl-max 10000]
                                       [--updates 20] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RULES_FILE = REPO / "ontology" / "optional" / "owl-rl.ttl"


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def digest(lines) -> tuple[int, str]:
    """(count, order-independent digest) of N-Triples lines."""
    total, count = 0, 0
    for line in lines:
        count += 1
        total = (total + int.from_bytes(hashlib.blake2b(line.encode(), digest_size=8).digest())) % (
            1 << 64
        )
    return count, f"{total:016x}"


def load_rules(subset: bool):
    import rdflib

    from semcrm.reasoning.rules import load_rules as load

    rules = load(rdflib.Graph().parse(RULES_FILE))
    if subset:
        sys.path.insert(0, str(REPO / "tests"))
        from test_peers_reasonable import reasonable_subset

        rules = reasonable_subset(rules)
    return rules


def worker_semcrm(size: int, subset: bool) -> dict:
    from semcrm.reasoning.engine import Engine
    from semcrm.reasoning.synthetic import Generator

    facts = Generator().facts(size)
    engine = Engine(load_rules(subset))
    before = rss_mb()
    started = time.perf_counter()
    result = engine.materialize(facts)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    triples = list(result.derived)
    listing = time.perf_counter() - started
    out = {
        "input": len(facts),
        "derived": len(triples),
        "justifications": result.derived.justification_count,  # type: ignore[attr-defined]
        "seconds": seconds,
        "list_seconds": listing,
        "rounds": result.stats.rounds,
        "rss_mb": rss_mb() - before,
    }
    if subset:
        out["count"], out["digest"] = digest(f"{s} {p} {o}" for s, p, o in [*facts, *triples])
    return out


def _nt(term) -> str:
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.BNode):
        return str(ox.BlankNode(str(term)))
    if term.language:
        return str(ox.Literal(str(term), language=term.language))
    datatype = term.datatype or rdflib.XSD.string
    return str(ox.Literal(str(term), datatype=ox.NamedNode(str(datatype))))


def worker_reasonable(size: int, path: str) -> dict:
    import rdflib
    import reasonable

    reasoner = reasonable.PyReasoner()
    before = rss_mb()
    started = time.perf_counter()
    reasoner.load_file(path)
    loading = time.perf_counter() - started
    started = time.perf_counter()
    triples = reasoner.reason()
    seconds = time.perf_counter() - started
    thing, nothing = rdflib.OWL.Thing, rdflib.OWL.Nothing
    kept = [
        t
        for t in triples
        if not (t[1] == rdflib.RDF.type and (t[2] == thing or t[0] in (thing, nothing)))
    ]
    count, value = digest(f"{_nt(s)} {_nt(p)} {_nt(o)}" for s, p, o in kept)
    return {
        "load_seconds": loading,
        "seconds": seconds,
        "output": len(triples),
        "count": count,
        "digest": value,
        "rss_mb": rss_mb() - before,
    }


def worker_owlrl(size: int) -> dict:
    import owlrl
    import rdflib

    from semcrm.reasoning.synthetic import Generator

    graph = rdflib.Graph()
    for s, p, o in Generator().facts(size):
        graph.add(tuple(_rdflib(t) for t in (s, p, o)))
    started = time.perf_counter()
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return {"seconds": time.perf_counter() - started, "output": len(graph)}


def _rdflib(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def worker_incremental(size: int, updates: int) -> dict:
    from semcrm.reasoning.incremental import IncrementalEngine
    from semcrm.reasoning.synthetic import Generator

    generator = Generator()
    facts = generator.facts(size)
    customers = sum(1 for f in facts if f[1].value.endswith("#hasDeal")) // 2
    engine = IncrementalEngine(load_rules(False))
    before = rss_mb()
    started = time.perf_counter()
    result = engine.materialize(facts)
    build = time.perf_counter() - started
    derived = len(result.derived)
    del result
    started = time.perf_counter()
    engine.remove([facts[-1]])  # the first update builds the reverse index
    engine.add([facts[-1]])
    first = time.perf_counter() - started
    state_mb = rss_mb() - before
    add_ms, erase_ms, erase_old_ms, readd_ms, sizes = [], [], [], [], []
    add_cpu, erase_cpu = [], []
    for n in range(updates):
        k = (n * 7919) % customers
        new = generator.interaction(k, 1000 + n)  # a customer's next call: ~100 new triples
        sizes.append(len(new))
        cpu = time.process_time()
        change = engine.add(new)
        add_cpu.append((time.process_time() - cpu) * 1000)
        add_ms.append(change.seconds * 1000)
        cpu = time.process_time()
        change = engine.remove(new)
        erase_cpu.append((time.process_time() - cpu) * 1000)
        erase_ms.append(change.seconds * 1000)
        old = generator.interaction(k, n % generator.interactions_per_customer)
        change = engine.remove(old)
        erase_old_ms.append(change.seconds * 1000)
        change = engine.add(old)
        readd_ms.append(change.seconds * 1000)
    stored = len(facts) + derived
    return {
        "input": len(facts),
        "derived": derived,
        "build_seconds": build,
        "first_update_seconds": first,
        "state_mb": state_mb,
        "bytes_per_triple": state_mb * 1e6 / stored,
        "interaction_triples": statistics.median(sizes),
        "add_ms": statistics.median(add_ms),
        "erase_ms": statistics.median(erase_ms),
        "erase_existing_ms": statistics.median(erase_old_ms),
        "readd_existing_ms": statistics.median(readd_ms),
        "add_ms_max": max(add_ms),
        "erase_ms_max": max(erase_ms),
        # CPU time of this process: what the update costs when the cores are shared
        "add_cpu_ms": statistics.median(add_cpu),
        "erase_cpu_ms": statistics.median(erase_cpu),
    }


def spawn(*args: str) -> dict:
    """Run one worker in its own process and return what it measured."""
    done = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, args) -> dict:
    from semcrm.reasoning.synthetic import Generator

    row: dict = {"size": size}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"generated-{size}.ttl"  # N-Triples is Turtle; load_file wants .ttl
        with path.open("w", encoding="utf-8") as out:
            for s, p, o in Generator().facts(size):
                out.write(f"{s} {p} {o} .\n")
        row["semcrm"] = spawn("semcrm", str(size))
        row["semcrm_subset"] = spawn("semcrm-subset", str(size))
        row["reasonable"] = spawn("reasonable", str(size), str(path))
    if size <= args.owlrl_max:
        row["owlrl"] = spawn("owlrl", str(size))
    if size >= args.incremental_min:
        row["incremental"] = spawn("incremental", str(size), str(args.updates))
    return row


def report(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        ours, sub, peer = row["semcrm"], row["semcrm_subset"], row["reasonable"]
        lines.append(f"== {row['size']:,} triples (generated: {ours.get('input', '?'):,})")
        if "error" in ours or "error" in sub or "error" in peer:
            lines.append(f"   error: {ours.get('error') or sub.get('error') or peer.get('error')}")
            continue
        lines.append(
            f"   semcrm, all OWL 2 RL rules: {ours['seconds']:.2f} s (+{ours['list_seconds']:.2f} s to "
            f"list the triples), {ours['derived']:,} derived, {ours['justifications']:,} "
            f"justifications, {ours['rss_mb']:.0f} MB"
        )
        lines.append(
            f"   semcrm, reasonable's rules: {sub['seconds']:.2f} s (+{sub['list_seconds']:.2f} s), "
            f"{sub['derived']:,} derived, {sub['justifications']:,} justifications"
        )
        peer_total = peer["load_seconds"] + peer["seconds"]
        lines.append(
            f"   reasonable: {peer['load_seconds']:.2f} s load + {peer['seconds']:.2f} s reason, "
            f"{peer['output']:,} triples out, {peer['rss_mb']:.0f} MB"
        )
        ratio = (sub["seconds"] + sub["list_seconds"]) / peer["seconds"]
        ratio_total = (sub["seconds"] + sub["list_seconds"]) / peer_total
        lines.append(
            f"   semcrm / reasonable (same rules, triples as terms): {ratio:.2f}x of reason(), "
            f"{ratio_total:.2f}x of load+reason  (target <= 2x)"
        )
        same = sub["digest"] == peer["digest"] and sub["count"] == peer["count"]
        lines.append(
            f"   closures equal: {'yes' if same else 'NO'} ({sub['count']:,} vs {peer['count']:,} triples)"
        )
        if "owlrl" in row:
            owl = row["owlrl"]
            if "error" in owl:
                lines.append(f"   owlrl: error {owl['error']}")
            else:
                speedup = owl["seconds"] / (ours["seconds"] + ours["list_seconds"])
                lines.append(
                    f"   owlrl: {owl['seconds']:.2f} s, {owl['output']:,} triples; semcrm is "
                    f"{speedup:.1f}x faster (target >= 20x)"
                )
        if "incremental" in row:
            inc = row["incremental"]
            if "error" in inc:
                lines.append(f"   incremental: error {inc['error']}")
                continue
            lines.append(
                f"   incremental state: built in {inc['build_seconds']:.1f} s (+{inc['first_update_seconds']:.1f} s "
                f"first update, reverse index), {inc['state_mb']:.0f} MB, "
                f"{inc['bytes_per_triple']:.0f} bytes per stored triple"
            )
            lines.append(
                f"   add one interaction ({inc['interaction_triples']:.0f} triples): median "
                f"{inc['add_ms']:.1f} ms (max {inc['add_ms_max']:.1f}; target < 50 ms); erase it: "
                f"median {inc['erase_ms']:.1f} ms (max {inc['erase_ms_max']:.1f}; target < 100 ms)"
            )
            lines.append(
                f"   CPU time of the updates (this process; the rest of a median above is time "
                f"the shared cores ran others): add median {inc['add_cpu_ms']:.1f} ms, erase "
                f"median {inc['erase_cpu_ms']:.1f} ms"
            )
            lines.append(
                f"   erase an existing interaction: median {inc['erase_existing_ms']:.1f} ms; "
                f"re-add it: median {inc['readd_existing_ms']:.1f} ms"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--owlrl-max", type=int, default=10_000)
    parser.add_argument("--incremental-min", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, size, *rest = args.worker
        if kind == "semcrm":
            out = worker_semcrm(int(size), False)
        elif kind == "semcrm-subset":
            out = worker_semcrm(int(size), True)
        elif kind == "reasonable":
            out = worker_reasonable(int(size), rest[0])
        elif kind == "owlrl":
            out = worker_owlrl(int(size))
        else:
            out = worker_incremental(int(size), int(rest[0]))
        print(json.dumps(out))
        return 0
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.append(measure(size, args))
        if not args.json:
            print(report(rows[-1:]), flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
