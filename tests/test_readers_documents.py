"""Documents: minutes, tenders, plain text, HTML, docx and PDF, as structured turns."""

from __future__ import annotations

from pathlib import Path

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path


def read_one(tmp_path: Path, content: str | bytes, name: str = "doc.txt") -> Interaction:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    [interaction] = read_path(path)
    interaction.check()
    return interaction


MINUTES_ZH = """# 示例热力 × 样板智能　项目沟通会　会议纪要

- **时间**：2030年5月9日 09:30–11:00
- **参会人**：
  - 示例热力：贾副总（分管生产）、调度室主任 甄测试、用户服务部经理 钱样例
  - 样板智能：西南区总经理 孙演示、售前工程师 李示范
- **记录人**：李示范

## 一、回顾

1. 首批已改造约1.8万户。
2. 贾副总指出室温采集偏差较大，
   需要尽快解决。

| 序号 | 事项 | 负责人 |
|---|---|---|
| 1 | 提供技术方案 | 孙演示 |
"""


def test_markdown_minutes_are_a_meeting_with_attendees(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, MINUTES_ZH, "minutes.md")
    assert interaction.source.format == "markdown"
    assert interaction.kind == "meeting"
    assert interaction.title == "示例热力 × 样板智能　项目沟通会　会议纪要"
    assert interaction.participants == ("贾副总", "甄测试", "钱样例", "孙演示", "李示范")
    assert {h.origin for h in interaction.name_hints} == {"attendee"}
    assert interaction.metadata["attendee_orgs"] == "示例热力; 样板智能"
    assert interaction.occurred_at == "2030-05-09T09:30:00"


def test_markdown_headings_list_items_and_table_rows_are_turns(tmp_path: Path) -> None:
    turns = read_one(tmp_path, MINUTES_ZH, "minutes.md").turns
    blocks = [(t.meta["block"], t.text) for t in turns]
    assert ("heading", "一、回顾") in blocks
    assert ("clause", "1. 首批已改造约1.8万户。") in blocks
    assert ("clause", "2. 贾副总指出室温采集偏差较大，\n   需要尽快解决。") in blocks
    assert ("table_row", "1 | 提供技术方案 | 孙演示") in blocks
    row = next(t for t in turns if t.meta["block"] == "table_row" and "提供技术方案" in t.text)
    assert row.meta["section"] == "一、回顾"
    assert not any(set(t.text) <= set("|-") for t in turns)


MINUTES_EN = """# Quarterly Review — Sampleton × Examplecorp

**Date:** 19 March 2030

**Attendees**
- Sampleton: Mira Testwood (Operations Director), Zed Quill (Quality Manager)
- Examplecorp: Ada Example (Account Manager)

**Apologies:** Bo Sample (Accountable Manager, Sampleton)

## 1. Usage

- Mira Testwood said the outage was "far more than a nuisance".
"""


def test_english_minutes_attendees_and_apologies(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, MINUTES_EN, "qbr.md")
    assert interaction.kind == "meeting"
    assert interaction.participants == ("Mira Testwood", "Zed Quill", "Ada Example")
    assert [h.text for h in interaction.name_hints] == [
        "Mira Testwood", "Zed Quill", "Ada Example", "Bo Sample",
    ]  # fmt: skip
    assert interaction.metadata["absent"] == "Bo Sample"
    assert interaction.occurred_at == "2030-03-19"


TENDER_ZH = """示例市热力有限公司
智能热量表采购项目　招标文件（节选）

项目编号：EX-ZB-2030-001
说明：带“★”号的为实质性条款。

第三章　采购需求

3.1　项目概况
3.1.1　本项目采购智能热量表共计500台。
★3.2.1　热量表须通过型式评价。
3.2.2　平台宜提供能耗报表；★数据须本地保存。
3.3　★保修期不少于3年。
"""


def test_tender_clauses_keep_numbers_and_star_marks(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, TENDER_ZH)
    assert interaction.kind == "tender"
    assert interaction.title == "示例市热力有限公司"
    clauses = {t.meta["clause"]: t for t in interaction.turns if "clause" in t.meta}
    assert set(clauses) == {"3.1", "3.1.1", "3.2.1", "3.2.2", "3.3"}
    assert clauses["3.2.1"].text == "★3.2.1　热量表须通过型式评价。"
    assert clauses["3.2.1"].meta["mandatory"] == "true"
    assert clauses["3.2.2"].meta["mandatory"] == "true"  # a starred sub-requirement
    assert clauses["3.3"].meta["mandatory"] == "true"
    assert "mandatory" not in clauses["3.1.1"].meta
    assert clauses["3.1.1"].meta["section"] == "第三章　采购需求"


def test_english_rfp_is_a_tender(tmp_path: Path) -> None:
    text = (
        "EXAMPLE COUNTY\nREQUEST FOR PROPOSALS No. EX-2030-03\n\n"
        "Items with a ★ must be met.\n\n3. REQUIREMENTS\n"
        "★3.1 The site shall meet WCAG 2.2 Level AA.\n3.2 The portal should support"
        " markup\nand versioning of sheets.\n★3.3 Data shall stay in the country.\n"
    )
    interaction = read_one(tmp_path, text)
    assert interaction.kind == "tender"
    clause = next(t for t in interaction.turns if t.meta.get("clause") == "3.2")
    assert clause.text == "3.2 The portal should support markup\nand versioning of sheets."


def test_plain_text_document_has_one_turn_per_paragraph(tmp_path: Path) -> None:
    text = (
        "Site visit notes\n\nThe pumps were inspected on Monday and two of them\n"
        "showed wear on the seals.\n\nA follow-up is planned.\n"
    )
    interaction = read_one(tmp_path, text)
    assert interaction.kind == "document"
    assert [t.text for t in interaction.turns] == [
        "Site visit notes",
        "The pumps were inspected on Monday and two of them\nshowed wear on the seals.",
        "A follow-up is planned.",
    ]


def test_html_document_becomes_structured_text(tmp_path: Path) -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Demo page</title><style>p{}</style></head><body>"
        "<h1>Service plans</h1><p>Two tiers &amp; one add-on.</p>"
        "<ul><li>Basic</li><li>Plus</li></ul><script>track()</script>"
        "<table><tr><th>Tier</th><th>Price</th></tr><tr><td>Basic</td><td>10</td></tr></table>"
        "</body></html>"
    )
    interaction = read_one(tmp_path, html, "page.html")
    assert interaction.source.format == "html"
    assert interaction.title == "Demo page"
    assert [t.text for t in interaction.turns] == [
        "Service plans", "Two tiers & one add-on.", "Basic", "Plus", "Tier | Price",
        "Basic | 10",
    ]  # fmt: skip
    assert "track()" not in interaction.text


def test_docx_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "示例方案"
    document.add_heading("背景", level=1)
    document.add_paragraph("本方案用于演示。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "型号", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "EX-1", "3"
    path = tmp_path / "plan.docx"
    document.save(path)
    [interaction] = read_path(path)
    interaction.check()
    assert interaction.source.format == "docx"
    assert interaction.title == "示例方案"
    assert [(t.meta["block"], t.text) for t in interaction.turns] == [
        ("heading", "背景"), ("paragraph", "本方案用于演示。"),
        ("table_row", "型号 | 数量"), ("table_row", "EX-1 | 3"),
    ]  # fmt: skip


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, ASCII)."""
    ops = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {ops} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_layer_is_read_with_page_numbers(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path, minimal_pdf(["Service review.", "Two sites need work."]), "r.pdf"
    )
    assert interaction.source.format == "pdf"
    assert "Service review." in interaction.text
    assert "Two sites need work." in interaction.text
    assert {t.meta["page"] for t in interaction.turns} == {"1"}


def test_pdf_without_a_text_layer_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf([]))
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert "no text layer" in caught.value.reason
