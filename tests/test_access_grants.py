"""Derived grants under the traffic light (issue 7, second part).

Principal facts are a governance Turtle file in <data>/ontology; `semcrm reason` (the real
command, over a real on-disk store) derives grants with the rules of ontology/rules/access.ttl;
the grant book applies green grants, holds yellow ones for approval, refuses red ones, and
withdraws any grant whose derivation is gone. Every step is checked in the audit log.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from support import serve
from typer.testing import CliRunner

from semcrm.api.access.audit import AuditLog
from semcrm.api.access.grants import GrantBook
from semcrm.api.access.keys import KeyStore
from semcrm.api.cli import app

P = "https://w3id.org/semcrm/id/principal/"
BOM = "https://w3id.org/semcrm/id/resource/bom-database"
PAYROLL = "https://w3id.org/semcrm/id/resource/payroll-database"
GRAIN = "https://w3id.org/semcrm/granularity/"
RULE = "https://w3id.org/semcrm/rule/"
GOV = P + "gov"

HEADER = """@prefix semcrm: <https://w3id.org/semcrm/ns#> .
@prefix p: <https://w3id.org/semcrm/id/principal/> .
@prefix jobrole: <https://w3id.org/semcrm/job-role/> .
@prefix training: <https://w3id.org/semcrm/training/> .
p:gov a semcrm:User ; semcrm:hasAccessRole <https://w3id.org/semcrm/access-role/governance> .
p:ops a semcrm:Department . p:qa a semcrm:Department . p:sales a semcrm:Department .
"""


def principals(*, li_hours: str = "3.5", li_kb: int = 6, wang_onboarded: bool = False) -> str:
    text = HEADER + (
        f"p:li a semcrm:User ; semcrm:jobRole jobrole:field-engineer ;\n"
        f"  semcrm:avgFaultResolutionHours {li_hours} ; semcrm:kbContributions {li_kb} ;\n"
        "  semcrm:collaboratedWith p:ops , p:qa , p:sales .\n"
        "p:wang a semcrm:User ; semcrm:jobRole jobrole:support-agent .\n"
        "p:zhao a semcrm:User ; semcrm:completedTraining training:security-clearance .\n"
    )
    if wang_onboarded:
        text += "p:wang semcrm:completedTraining training:onboarding .\n"
    return text


def run(*args: str) -> dict | list:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return json.loads(result.stdout) if "--json" in args else {}


def reason(data: Path, **facts) -> None:
    (data / "ontology").mkdir(parents=True, exist_ok=True)
    (data / "ontology" / "principals.ttl").write_text(principals(**facts), "utf-8")
    run("reason", "--data", str(data), "--json")


def changes(data: Path, *extra: str) -> list[dict]:
    return run("approvals", "list", "--data", str(data), "--json", *extra)["changes"]


def only(items: list[dict], **match) -> dict:
    found = [c for c in items if all(c[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]


def audit(data: Path) -> list[dict]:
    return AuditLog(data).entries()


def test_access_grants_follow_metrics_across_thresholds_and_approval(tmp_path):
    data = tmp_path / "data"
    reason(data, li_hours="4.5")  # too slow: no record-level grant for li
    assert not [c for c in changes(data) if c["principal"] == P + "li"]

    reason(data, li_hours="3.5")  # now under 4 h: the yellow rule derives it, pending
    pending = only(changes(data), principal=P + "li")
    assert (pending["status"], pending["zone"]) == ("pending", "yellow")
    assert (pending["resource"], pending["granularity"]) == (BOM, GRAIN + "record")
    assert pending["rule"] == RULE + "bom-records-for-proven-field-engineer"
    assert [
        P + "li",
        "https://w3id.org/semcrm/ns#kbContributions",
        '"6"^^<http://www.w3.org/2001/XMLSchema#integer>',
    ] in pending["premises"]
    effective = changes(data, "--effective")
    assert not [c for c in effective if c["principal"] == P + "li"]

    # someone without approve-change cannot decide; governance can
    refused = CliRunner().invoke(
        app, ["approvals", "approve", pending["id"], "--as", P + "li", "--data", str(data)]
    )
    assert refused.exit_code == 1 and "approve-change" in refused.output
    decided = run(
        "approvals",
        "approve",
        pending["id"],
        "--as",
        GOV,
        "--because",
        "ok",
        "--data",
        str(data),
        "--json",
    )
    assert (decided["status"], decided["decided_by"]) == ("approved", GOV)
    assert only(changes(data, "--effective"), principal=P + "li")["id"] == pending["id"]

    reason(data, li_hours="4.5")  # the facts change: the approved grant loses its support
    gone = only(changes(data), id=pending["id"])
    assert gone["status"] == "withdrawn"
    assert not [c for c in changes(data, "--effective") if c["principal"] == P + "li"]

    reason(data, li_hours="3.0")  # back under the threshold: a new change, pending again
    again = [c for c in changes(data) if c["principal"] == P + "li" and c["status"] != "withdrawn"]
    assert len(again) == 1 and again[0]["status"] == "pending" and again[0]["id"] != pending["id"]

    trail = [
        (e["event"], e["before"], e["after"]) for e in audit(data) if e["principal"] == P + "li"
    ]
    assert trail == [
        ("grant.pending", None, "pending"),
        ("grant.approved", "pending", "approved"),
        ("grant.withdrawn", "approved", "withdrawn"),
        ("grant.pending", None, "pending"),
    ]
    approved = next(e for e in audit(data) if e["event"] == "grant.approved")
    assert approved["actor"] == GOV and approved["because"] == "ok"
    assert approved["justification"].startswith("https://w3id.org/semcrm/id/justification/")
    assert approved["premises"] == pending["premises"]


def test_access_grants_green_applies_red_is_refused_rejection_holds(tmp_path):
    data = tmp_path / "data"
    reason(data)
    items = changes(data)
    green = only(items, principal=P + "wang")
    assert (green["status"], green["zone"], green["granularity"]) == (
        "applied",
        "green",
        GRAIN + "aggregate",
    )
    red = only(items, principal=P + "zhao")
    assert (red["status"], red["zone"], red["resource"]) == ("refused", "red", PAYROLL)
    effective = {c["principal"] for c in changes(data, "--effective")}
    assert effective == {P + "wang"}  # the green one only: yellow waits, red never

    # a human cannot push the red grant through the approval queue either; that is audited
    attempt = CliRunner().invoke(
        app, ["approvals", "approve", red["id"], "--as", GOV, "--data", str(data)]
    )
    assert attempt.exit_code == 1 and "red rule" in attempt.output
    events = [(e["event"], e["change"]) for e in audit(data)]
    assert ("grant.refused", red["id"]) in events and ("approval.refused", red["id"]) in events
    refusal = next(e for e in audit(data) if e["event"] == "grant.refused")
    assert refusal["rule"] == RULE + "payroll-fields-for-security-cleared"
    assert refusal["actor"] == "semcrm reasoner" and refusal["after"] == "refused"

    yellow = only(items, principal=P + "li")
    run("approvals", "reject", yellow["id"], "--as", GOV, "--data", str(data), "--json")
    reason(data, li_kb=7)  # still derived after re-reasoning: still rejected, not effective
    assert only(changes(data), id=yellow["id"])["status"] == "rejected"
    assert P + "li" not in {c["principal"] for c in changes(data, "--effective")}

    reason(data, wang_onboarded=True)  # onboarding done: the aggregates-only grant goes
    assert only(changes(data), id=green["id"])["status"] == "withdrawn"
    before = len(audit(data))
    changes(data)  # reconciling again changes nothing and logs nothing
    assert len(audit(data)) == before


@pytest.fixture()
def served(tmp_path):
    data = tmp_path / "data"
    reason(data)
    keys = KeyStore(data)
    made = {role: keys.create(role)[0] for role in ("governance", "admin", "agent", "analyst")}
    with serve(data, auth="keys", sparql_workers=1) as url:
        yield data, url, made


def _h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_access_approvals_http_needs_governance_and_decides(served):
    data, url, keys = served
    for role in ("agent", "analyst"):
        assert httpx.get(f"{url}/approvals", headers=_h(keys[role])).status_code == 403
    assert httpx.get(f"{url}/approvals").status_code == 401
    listed = httpx.get(
        f"{url}/approvals", params={"status": "pending"}, headers=_h(keys["governance"])
    )
    assert listed.status_code == 200
    pending = only(listed.json()["changes"], principal=P + "li")
    denied = httpx.post(f"{url}/approvals/{pending['id']}/approve", headers=_h(keys["agent"]))
    assert denied.status_code == 403
    ok = httpx.post(
        f"{url}/approvals/{pending['id']}/approve",
        json={"because": "meets the bar"},
        headers=_h(keys["admin"]),
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert ok.json()["decided_by"].startswith(P + "key-")
    again = httpx.post(f"{url}/approvals/{pending['id']}/reject", headers=_h(keys["admin"]))
    assert again.status_code == 409 and again.json()["ok"] is False
    assert httpx.post(f"{url}/approvals/nope/approve", headers=_h(keys["admin"])).status_code == 404
    red = only(
        httpx.get(f"{url}/approvals", headers=_h(keys["admin"])).json()["changes"], zone="red"
    )
    assert (
        httpx.post(f"{url}/approvals/{red['id']}/approve", headers=_h(keys["admin"])).status_code
        == 409
    )
    grants = httpx.get(f"{url}/grants", headers=_h(keys["governance"])).json()["grants"]
    assert {g["principal"] for g in grants} == {P + "li", P + "wang"}
    entry = next(e for e in AuditLog(data).entries() if e["event"] == "grant.approved")
    assert entry["because"] == "meets the bar" and entry["change"] == pending["id"]


def test_access_audit_log_cannot_be_edited_through_the_api(served):
    data, url, keys = served
    log = data / "audit" / "access.jsonl"
    change = httpx.get(f"{url}/approvals", headers=_h(keys["admin"])).json()["changes"][0]
    before = log.read_bytes()  # the first read logged the reasoner's grants
    assert before
    paths = [
        "/audit",
        "/audit/access.jsonl",
        "/audit/access",
        "/approvals",
        f"/approvals/{change['id']}",
        f"/approvals/{change['id']}/approve",
        "/grants",
        "/access/audit",
    ]
    for path in paths:
        for method in ("PUT", "DELETE", "PATCH"):
            response = httpx.request(method, f"{url}{path}", headers=_h(keys["admin"]), json={})
            assert response.status_code in (404, 405), (method, path, response.status_code)
    after = log.read_bytes()
    assert after.startswith(before)  # it only ever grows
    lines = [json.loads(line) for line in after.decode().splitlines()]
    assert all(
        {"time", "event", "actor", "before", "after", "rule", "justification"} <= e.keys()
        for e in lines
    )


def test_access_approvals_auth_off_names_the_actor(tmp_path):
    data = tmp_path / "data"
    reason(data)
    with serve(data, sparql_workers=1) as url:
        pending = only(httpx.get(f"{url}/approvals").json()["changes"], zone="yellow")
        anonymous = httpx.post(f"{url}/approvals/{pending['id']}/approve")
        assert anonymous.status_code == 422
        nobody = httpx.post(f"{url}/approvals/{pending['id']}/approve", json={"as": P + "li"})
        assert nobody.status_code == 403
        ok = httpx.post(f"{url}/approvals/{pending['id']}/approve", json={"as": GOV})
        assert ok.status_code == 200 and ok.json()["decided_by"] == GOV
    assert GrantBook(data)._read()[0].status  # the book is on disk, readable after the server


def test_access_approvals_nobody_approves_a_grant_to_themself(tmp_path):
    """Regression: a field engineer who also holds governance approved their own grant."""
    data = tmp_path / "data"
    (data / "ontology").mkdir(parents=True)
    (data / "ontology" / "principals.ttl").write_text(
        principals()
        + "p:li semcrm:hasAccessRole <https://w3id.org/semcrm/access-role/governance> .\n",
        "utf-8",
    )
    run("reason", "--data", str(data), "--json")
    pending = only(changes(data), principal=P + "li")
    refused = CliRunner().invoke(
        app, ["approvals", "approve", pending["id"], "--as", P + "li", "--data", str(data)]
    )
    assert refused.exit_code == 1 and "it grants them access" in refused.output
    assert only(changes(data), principal=P + "li")["status"] == "pending"
    attempt = [e for e in audit(data) if e["event"] == "approval.refused"]
    assert [(e["actor"], e["principal"]) for e in attempt] == [(P + "li", P + "li")]
    decided = run("approvals", "approve", pending["id"], "--as", GOV, "--data", str(data), "--json")
    assert decided["status"] == "approved"
