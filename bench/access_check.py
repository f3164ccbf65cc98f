"""Latency of ``POST /access/check`` under concurrent load, and the overhead of enforcement
on SPARQL and customer context, over the real app served on loopback.

A data folder is built in a temporary directory: the demo's catalogue and records
(``samples/``) ingested and reasoned, with a governance file of principal facts (a field
engineer, a support agent, a security-cleared user, written below, not taken from any
data set) so that the access rules derive grants of every traffic light; the field
engineer's yellow grant is approved, so checks meet applied, approved, pending and refused
grants. Keys are made for governance, analyst and agent, and an RSA key pair and JWKS file
for bearer JWTs.

1. **/access/check**: ``semcrm serve`` in a subprocess with ``auth=keys+jwt``; ``--requests``
   checks (a mix of principals, actions and resources: tiers, interaction graphs, derived
   statements, the BOM and payroll resources) from ``--concurrency`` concurrent httpx
   clients per level, after a warm-up. Printed: median, p90, p99 and max latency per level
   against the 10 ms p99 target, and the throughput; then the same for a caller's own check
   with a bearer JWT (signature verified on every request); and, as the floor of the HTTP
   stack on this machine, the same load POSTed to a path with no route (a 404); and the
   decision alone, `Decider.check` in process over the same mix, without HTTP.
2. **Enforcement overhead**: the same SPARQL queries and customer-context requests, one at a
   time, against a server with ``auth=off`` and then one with ``auth=keys`` (the store has
   one writer, so the two run one after the other), with an analyst and an agent key (and
   governance, cleared for everything, as the authentication-only baseline). Printed: the
   median latency per query and key and the ratio to auth off; a request the role may not
   make (403) is reported as such, not timed. The first query of a confined caller builds
   its in-memory view; that cold time is printed apart.

    .venv/bin/python bench/access_check.py [--requests 3000] [--concurrency 8,32]
                                           [--repeat 30] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEMCRM_BIN = Path(sys.executable).with_name("semcrm")
P = "https://w3id.org/semcrm/id/principal/"
BOM = "https://w3id.org/semcrm/id/resource/bom-database"
PAYROLL = "https://w3id.org/semcrm/id/resource/payroll-database"
TARGET_P99_MS = 10.0
ISSUER, AUDIENCE = "https://idp.bench.invalid/", "semcrm-bench"

PRINCIPALS = """@prefix semcrm: <https://w3id.org/semcrm/ns#> .
@prefix p: <https://w3id.org/semcrm/id/principal/> .
@prefix jobrole: <https://w3id.org/semcrm/job-role/> .
@prefix training: <https://w3id.org/semcrm/training/> .
@prefix arole: <https://w3id.org/semcrm/access-role/> .
p:bench-gov a semcrm:User ; semcrm:hasAccessRole arole:governance .
p:d1 a semcrm:Department . p:d2 a semcrm:Department . p:d3 a semcrm:Department .
p:engineer a semcrm:User ; semcrm:jobRole jobrole:field-engineer ;
  semcrm:avgFaultResolutionHours 2.5 ; semcrm:kbContributions 9 ;
  semcrm:collaboratedWith p:d1 , p:d2 , p:d3 .
p:newcomer a semcrm:User ; semcrm:jobRole jobrole:support-agent ;
  semcrm:hasAccessRole arole:agent .
p:cleared a semcrm:User ; semcrm:completedTraining training:security-clearance ;
  semcrm:hasAccessRole arole:analyst .
"""


def build(data: Path) -> dict:
    """The data folder (see the module docstring); returns what the load needs."""
    from semcrm.api.access.grants import GrantBook
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.cli import install_catalogue
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.materialize import materialize

    install_catalogue(SAMPLES / "ontology", data)
    (data / "ontology" / "principals.ttl").write_text(PRINCIPALS, "utf-8")
    ontology = load_ontology([data / "ontology"])
    with KnowledgeStore(data) as store:
        report = ingest([SAMPLES / "records"], store, ontology)
        if report.rejected:
            raise SystemExit(f"the demo records were rejected: {report.rejected}")
        materialize(store, ontology)
        raw = store.oxigraph
        book = GrantBook(data)
        pending = [c for c in book.changes(raw) if c.status == "pending"]
        for change in pending:
            book.decide(raw, change.id, approve=True, actor=P + "bench-gov", because="bench")
        graphs = [g.value for g in store.interaction_graphs()]
        statements = [
            row["st"].value
            for row in raw.query(
                "SELECT ?st WHERE { GRAPH <https://w3id.org/semcrm/graph/justifications> "
                "{ ?st <https://w3id.org/semcrm/ns#derived> true } } LIMIT 50"
            )
        ]
        customers = [
            row["c"].value
            for row in raw.query(
                "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/semcrm/ns#Customer> } }"
            )
        ]
    keys = KeyStore(data)
    made = {role: keys.create(role)[0] for role in ("governance", "analyst", "agent")}
    return {"graphs": graphs, "statements": statements, "customers": customers, "keys": made}


def jwks(folder: Path) -> tuple[object, Path]:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "jwks.json"
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "bench", "alg": "RS256"}
    path.write_text(json.dumps({"keys": [jwk]}), "utf-8")
    return key, path


def bearer_jwt(key) -> str:
    import jwt

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "bench-analyst", "iat": now,
              "exp": now + 3600, "roles": ["analyst"]}  # fmt: skip
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "bench"})


class Server:
    """``semcrm serve`` over the data folder in a subprocess, with extra environment."""

    def __init__(self, data: Path, **env: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, **{f"SEMCRM_{k.upper()}": v for k, v in env.items()}}
        self.process = subprocess.Popen(
            [str(SEMCRM_BIN), "serve", "--data", str(data), "--port", str(self.port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"semcrm serve exited: {self.process.stderr.read().decode()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.close()
        raise SystemExit("semcrm serve did not answer /health within 120 s")

    def cpu_ms(self) -> float:
        """CPU time the server process has used (user + system), in ms."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_bodies(built: dict, count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    principals = [P + n for n in ("engineer", "newcomer", "cleared", "bench-gov", "nobody")]
    actions = ["read-aggregate", "read-record", "read-field", "read-sensitive", "write"]
    resources = [
        BOM, PAYROLL, "internal", "confidential", "restricted", *built["graphs"][:10],
        *built["statements"][:20],
    ]  # fmt: skip
    return [
        {
            "principal": rng.choice(principals),
            "action": rng.choice(actions),
            "resource": rng.choice(resources),
        }
        for _ in range(count)
    ]


def _load_on(
    server: Server, headers: dict, bodies: list[dict], concurrency: int, path="/access/check"
) -> dict:
    before = server.cpu_ms()
    result = asyncio.run(_load(server.url, headers, bodies, concurrency, path))
    result["server_cpu_ms_per_request"] = (server.cpu_ms() - before) / len(bodies)
    return result


async def _load(
    url: str, headers: dict, bodies: list[dict], concurrency: int, path: str = "/access/check"
) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = list(reversed(bodies))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:

        async def client() -> None:
            while queue:
                body = queue.pop()
                start = time.perf_counter()
                response = await c.post(path, json=body)
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "median_ms": statistics.median(latencies),
        "p90_ms": _pct(latencies, 90),
        "p99_ms": _pct(latencies, 99),
        "max_ms": max(latencies),
        "per_second": len(latencies) / wall,
        "statuses": statuses,
    }


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench_checks(data: Path, built: dict, args, key_file: Path, private_key) -> dict:
    out = {"api_key": [], "jwt": [], "floor": []}
    gov = {"Authorization": f"Bearer {built['keys']['governance']}"}
    with Server(
        data,
        auth="keys+jwt",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_jwks=str(key_file),
        sparql_workers="1",
    ) as server:
        warm = check_bodies(built, 300, seed=1)
        asyncio.run(_load(server.url, gov, warm, 4))
        for level in args.concurrency:
            result = _load_on(server, gov, check_bodies(built, args.requests), level)
            out["api_key"].append(result)
        token = {"Authorization": f"Bearer {bearer_jwt(private_key)}"}
        own = [{k: v for k, v in b.items() if k != "principal"} for b in check_bodies(built, 300)]
        asyncio.run(_load(server.url, token, own, 4))
        for level in args.concurrency:
            own = [
                {k: v for k, v in b.items() if k != "principal"}
                for b in check_bodies(built, args.requests)
            ]
            out["jwt"].append(_load_on(server, token, own, level))
        # the floor of the HTTP stack: a POST to no route (404 through the error handler)
        for level in args.concurrency:
            nothing = check_bodies(built, args.requests)
            out["floor"].append(_load_on(server, {}, nothing, level, path="/no-such-route"))
    return out


SPARQL = {
    "count by type": "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "customers and names": (
        "SELECT ?c ?name WHERE { ?c a <https://w3id.org/semcrm/ns#Customer> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel>|<https://w3id.org/semcrm/ns#name> ?name }"
    ),
    "graphs": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "derived facts": (
        "SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/semcrm/graph/inferred> { ?s ?p ?o } } "
        "LIMIT 500"
    ),
}


def _timed(client: httpx.Client, method: str, path: str, **kw) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.request(method, path, **kw)
    return (time.perf_counter() - start) * 1000, response.status_code


def bench_overhead(data: Path, built: dict, args) -> dict:
    """Interleaved: each request goes to the auth-off server and to the auth-on one with
    each key, round after round in a rotating order, so a change in the machine's load hits
    every column alike."""
    keys = built["keys"]
    labels = ("off", "governance", "analyst", "agent")
    requests = [
        (f"sparql: {name}", "GET", "/sparql", {"params": {"query": q}})
        for name, q in SPARQL.items()
    ]
    twin = data.parent / "data-auth-off"  # the same store: two servers, one writer each
    shutil.copytree(data, twin)
    times: dict[str, dict[str, list[float]]] = {label: {} for label in labels}
    status: dict[str, dict[str, int]] = {label: {} for label in labels}
    cold: dict[str, dict[str, float]] = {label: {} for label in labels}
    with (
        Server(twin, auth="off", sparql_workers="1") as off,
        Server(data, auth="keys", sparql_workers="1") as on,
    ):
        listed = httpx.get(f"{off.url}/customers", timeout=120).json()["customers"]
        requests += [  # the same customers for every key
            (f"context: {c['id']}", "GET", f"/customers/{c['id']}/context", {}) for c in listed[:3]
        ]
        clients = {
            "off": httpx.Client(base_url=off.url, timeout=120),
            **{
                role: httpx.Client(
                    base_url=on.url, timeout=120, headers={"Authorization": f"Bearer {keys[role]}"}
                )
                for role in labels[1:]
            },
        }
        for name, method, path, kw in requests:
            for label, client in clients.items():
                cold[label][name], status[label][name] = _timed(client, method, path, **kw)
                times[label][name] = []
            order = list(clients.items())
            for round_ in range(args.repeat):  # rotated, so no column always goes first
                for label, client in order[round_ % 4 :] + order[: round_ % 4]:
                    if status[label][name] == 200:
                        times[label][name].append(_timed(client, method, path, **kw)[0])
        for client in clients.values():
            client.close()
    runs = {
        label: {
            name: {"status": status[label][name]}
            | ({"median_ms": statistics.median(t)} if t else {})
            for name, t in times[label].items()
        }
        for label in labels
    }
    return {"medians": runs, "first_request_ms": cold}


def bench_in_process(data: Path, built: dict, count: int) -> dict:
    """The decision alone, without HTTP: :meth:`Decider.check` over the same mix of checks
    (caches warm, as in the server), in this process."""
    from semcrm.api.access.decisions import Decider
    from semcrm.api.access.keys import KeyStore
    from semcrm.api.access.policy import load_policy
    from semcrm.ontology.loader import load_ontology
    from semcrm.ontology.store import KnowledgeStore

    policy = load_policy(load_ontology([data / "ontology"]))
    with KnowledgeStore(data, read_only=True) as store:
        raw = store.oxigraph
        decider = Decider(policy, KeyStore(data), data, store_ttl=0.05)
        decider.warm(raw)
        latencies = []
        for body in check_bodies(built, count):
            start = time.perf_counter()
            decider.check(raw, decider.subject(body["principal"]), body["action"], body["resource"])
            latencies.append((time.perf_counter() - start) * 1000)
    return {
        "requests": count,
        "median_ms": statistics.median(latencies),
        "p99_ms": _pct(latencies, 99),
        "max_ms": max(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--repeat", type=int, default=30, help="runs per overhead query")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]

    with tempfile.TemporaryDirectory(prefix="semcrm-access-bench-") as tmp:
        data = Path(tmp) / "data"
        t0 = time.perf_counter()
        built = build(data)
        private_key, key_file = jwks(Path(tmp))
        print(
            f"built the demo store with principal facts in {time.perf_counter() - t0:.1f} s "
            f"({len(built['graphs'])} interaction graphs)",
            file=sys.stderr,
        )
        checks = bench_checks(data, built, args, key_file, private_key)
        overhead = bench_overhead(data, built, args)
        alone = bench_in_process(data, built, args.requests)

    result = {
        "checks": checks,
        "decision_in_process": alone,
        "overhead": overhead,
        "cpus": os.cpu_count(),
        "load_average_1m": os.getloadavg()[0],  # other work on the machine skews latency
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"POST /access/check ({args.requests} requests per level, {os.cpu_count()} CPUs, "
        f"load average {result['load_average_1m']:.1f} at the end)"
    )
    for how, rows in checks.items():
        for r in rows:
            verdict = "meets" if r["p99_ms"] <= TARGET_P99_MS else "misses"
            if how == "floor":
                verdict = "is the floor for"
            print(
                f"  {how:8} x{r['concurrency']:<3} median {r['median_ms']:6.2f} ms  "
                f"p90 {r['p90_ms']:6.2f}  p99 {r['p99_ms']:6.2f}  max {r['max_ms']:7.2f}  "
                f"{r['per_second']:6.0f}/s  server CPU {r['server_cpu_ms_per_request']:.2f} ms/req  "
                f"statuses {r['statuses']}  "
                f"-> {verdict} the {TARGET_P99_MS:g} ms p99 target"
            )
    print(
        f"  the decision alone, in process (Decider.check, warm caches, {alone['requests']} "
        f"checks): median {alone['median_ms']:.3f} ms  p99 {alone['p99_ms']:.3f} ms  "
        f"max {alone['max_ms']:.3f} ms"
    )
    print(
        f"enforcement overhead (median of {args.repeat} sequential requests, interleaved "
        "across the servers; ratio to auth off)"
    )
    medians = overhead["medians"]
    for name, base in medians["off"].items():
        if base.get("status") != 200:
            print(f"  {name:28} auth off: status {base.get('status')}")
            continue
        cells = [f"off {base['median_ms']:7.2f} ms"]
        for role in ("governance", "analyst", "agent"):
            row = medians[role].get(name, {})
            if row.get("status") == 200:
                cells.append(
                    f"{role} {row['median_ms']:7.2f} ms ({row['median_ms'] / base['median_ms']:.2f}x)"
                )
            else:
                cells.append(f"{role} refused {row.get('status')}")
        print(f"  {name:28} " + "  ".join(cells))
    first = overhead["first_request_ms"]
    print(
        "  first request of 'sparql: count by type' per key (the server's first query; a confined "
        "caller's view is built then): "
        + ", ".join(
            f"{role} {first[role].get('sparql: count by type', float('nan')):.0f} ms"
            for role in ("off", "governance", "analyst", "agent")
        )
    )


if __name__ == "__main__":
    main()
