"""Decision-chain roles from a job title, read together with its department.

The ontology says what a title suggests (``semcrm:suggestsRole``: 董事长 ->
economic_buyer, 采购经理 -> commercial_evaluator). A middle-management title
says little on its own — 主任 and 经理 head anything from the IT centre to the
call centre — so the department written with it decides: the head of the
information centre judges technical fit, the head of the service centre uses
the product, the head of procurement judges terms. Senior titles (board,
owner, general management) keep their own roles whatever the department.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from semcrm.ontology.namespaces import ROLE

#: Department words and the role of the people who head or staff them.
DEPARTMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"信息|技术|工程|研发|网络|数据|设备|实验|质量|品质|IT|\bCTO\b|CIO|架构|"
            r"engineering|technical|technology|\bIT\b|data|lab|quality|architect",
            re.I,
        ),
        "technical_evaluator",
    ),
    (
        re.compile(
            r"采购|财务|商务|招采|合同|法务|procurement|purchasing|finance|commercial|legal|contract",
            re.I,
        ),
        "commercial_evaluator",
    ),
    (
        re.compile(
            r"运营|客服|生产|车间|门店|一线|仓储|物流|运维|护理|临床|教务|前台|司机|驾驶员|操作工|"
            r"operations|service desk|customer service|store|clinic|production|warehouse|plant|"
            r"driver|operator|technician",
            re.I,
        ),
        "end_user",
    ),
    (re.compile(r"办公室|行政|助理|秘书|assistant|admin|office manager", re.I), "gatekeeper"),
)
#: Titles that decide whatever their department: the role they suggest stands.
SENIOR = re.compile(
    r"董事|总经理|总裁|副总|老板|创始人|股东|书记|局长|院长|校长|厂长|场长|行长|"
    r"\bCEO\b|\bCFO\b|\bCOO\b|owner|founder|president|managing director|chair",
    re.I,
)


def roles_for_title(
    title: str, ontology_roles: Callable[[str], tuple[list[str], list[str]]]
) -> tuple[list[str], list[str]]:
    """Job-title concepts and role IRIs for a title as written (e.g. "信息中心主任")."""
    titles, roles = ontology_roles(title)
    if SENIOR.search(title):
        return titles, roles
    for pattern, role in DEPARTMENTS:
        if pattern.search(title):
            return titles, [str(ROLE[role])]
    return titles, roles


# A department written right before a name ("IT的[X]", "采购那边[X]", "合规部的[X]") or right
# after it ("[X] in procurement", "[X] from finance") says what the person does.
_DEPARTMENT_BEFORE = re.compile(
    r"([^\s，,。；;：:、]{1,8}?)"
    r"(?:(?:部|处|科|中心|办)?(?:的|那边的?|这边的?)|(?:部|处|科|中心|办))\s*$"
)
_DEPARTMENT_AFTER = re.compile(
    r"^,?\s+(?:in|from|of|at|heads?)\s+(?:the\s+)?([A-Za-z][\w &-]{1,30})", re.I
)


def department_role(text: str, start: int, end: int) -> str | None:
    """The role suggested by a department written beside the name at ``start:end``."""
    before = _DEPARTMENT_BEFORE.search(text[max(0, start - 10) : start])
    after = _DEPARTMENT_AFTER.search(text[end : end + 40])
    for match in (before, after):
        if match is None:
            continue
        for pattern, role in DEPARTMENTS:
            if pattern.search(match.group(1)):
                return role
    return None
