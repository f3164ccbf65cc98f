"""E-mail (.eml and mbox): headers, bodies, charsets, attachments and reply chains.

Messages are written by hand below; every person, address and number is invented.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

import pytest

from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path, read_path_with_rejections


def b_word(text: str, charset: str) -> str:
    """An RFC 2047 "B" encoded word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def read_eml(tmp_path: Path, data: bytes, name: str = "message.eml") -> Interaction:
    path = tmp_path / name
    path.write_bytes(data)
    [interaction] = read_path(path)
    interaction.check()
    assert interaction.kind == "email"
    return interaction


def message(headers: str, body: bytes, content: str = 'text/plain; charset="utf-8"') -> bytes:
    head = (
        "Received: from mx.example.test (unknown [192.0.2.1])\n"
        "Message-ID: <test-0001@example.test>\n"
        "Date: Tue, 12 Nov 2030 16:42:05 +0800\n"
        f"{headers}MIME-Version: 1.0\nContent-Type: {content}\n"
    )
    return head.encode("utf-8") + b"\n" + body


def test_email_rfc2047_words_in_gb2312_and_utf8_q(tmp_path: Path) -> None:
    data = message(
        f"From: {b_word('贾演示', 'gb2312')} <jia@example.test>\n"
        "To: =?UTF-8?Q?Zo=C3=AB_Testwood?= <zoe@example.test>\n"
        f"Subject: {b_word('回复：示例报价', 'gb2312')}\n",
        "正文。\n".encode(),
    )
    interaction = read_eml(tmp_path, data)
    assert interaction.title == "回复：示例报价"
    assert interaction.text.startswith(
        "From: 贾演示 <jia@example.test>\nTo: Zoë Testwood <zoe@example.test>\n"
    )
    assert interaction.turns[0].speaker == "贾演示"
    assert [(h.text, h.origin) for h in interaction.name_hints] == [
        ("贾演示", "email-header"), ("Zoë Testwood", "email-header"),
    ]  # fmt: skip
    assert interaction.participants == ("Zoë Testwood",)


def test_email_folded_subject_with_adjacent_encoded_words_joins_without_a_space(
    tmp_path: Path,
) -> None:
    data = message(
        "From: a@example.test\n"
        "Subject: =?UTF-8?Q?Tower_=E2=80=93_bracket_cost?=\n =?UTF-8?Q?s_=28PO_EX-1=29?=\n",
        b"Body.\n",
    )
    assert read_eml(tmp_path, data).title == "Tower \u2013 bracket costs (PO EX-1)"


def test_email_headers_other_than_from_to_cc_date_subject_are_not_text(tmp_path: Path) -> None:
    data = message("From: a@example.test\nCc: b@example.test\nSubject: Hi\n", b"Body.\n")
    interaction = read_eml(tmp_path, data)
    assert "Received" not in interaction.text and "Message-ID" not in interaction.text
    assert interaction.text == (
        "From: a@example.test\nCc: b@example.test\nDate: Tue, 12 Nov 2030 16:42:05 +0800\n"
        "Subject: Hi\n\nBody.\n"
    )
    assert interaction.occurred_at == "2030-11-12T16:42:05+08:00"
    assert interaction.metadata["message_id"] == "<test-0001@example.test>"


def test_email_quoted_printable_body_with_soft_line_breaks(tmp_path: Path) -> None:
    body = "Standing costs come to £38,450 so far, and the crew of nine is idle. " * 2
    encoded = quopri.encodestring(body.encode())
    assert b"=\n" in encoded
    data = message("From: a@example.test\nContent-Transfer-Encoding: quoted-printable\n", encoded)
    interaction = read_eml(tmp_path, data)
    assert interaction.turns[0].text == body.strip()


def test_email_base64_body(tmp_path: Path) -> None:
    body = "示例正文：请于周五前回复。\n"
    encoded = base64.encodebytes(body.encode())
    data = message("From: a@example.test\nContent-Transfer-Encoding: base64\n", encoded)
    assert read_eml(tmp_path, data).turns[0].text == body.strip()


def test_email_gb2312_declared_but_gbk_written(tmp_path: Path) -> None:
    data = message(
        "From: a@example.test\nContent-Transfer-Encoding: 8bit\n",
        "贾喆经理：您好。\n".encode("gbk"),
        content='text/plain; charset="gb2312"',
    )
    interaction = read_eml(tmp_path, data)
    assert interaction.turns[0].text == "贾喆经理：您好。"
    assert (interaction.source.charset, interaction.source.charset_fallback) == ("gb18030", True)


def test_email_unknown_charset_is_decoded_by_fallback(tmp_path: Path) -> None:
    data = message(
        "From: a@example.test\nContent-Transfer-Encoding: 8bit\n",
        "Café order for Zürich.\n".encode("cp1252"),
        content='text/plain; charset="x-made-up"',
    )
    interaction = read_eml(tmp_path, data)
    assert interaction.turns[0].text == "Café order for Zürich."
    assert interaction.source.charset_fallback is True


def test_email_missing_charset_with_utf8_body(tmp_path: Path) -> None:
    data = message(
        "From: a@example.test\n", "示例：无字符集声明。\n".encode(), content="text/plain"
    )
    assert read_eml(tmp_path, data).turns[0].text == "示例：无字符集声明。"


ALTERNATIVE = b"""Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset="utf-8"

Plain version of the note.
--ALT
Content-Type: text/html; charset="utf-8"

<html><body><p>HTML <b>version</b></p></body></html>
--ALT--
"""


def test_email_multipart_alternative_prefers_text_plain(tmp_path: Path) -> None:
    data = b"From: a@example.test\nSubject: Alt\nMIME-Version: 1.0\n" + ALTERNATIVE
    interaction = read_eml(tmp_path, data)
    assert interaction.turns[0].text == "Plain version of the note."
    assert "HTML" not in interaction.text


def test_email_html_only_is_converted_to_text(tmp_path: Path) -> None:
    html = b"<html><head><style>p{}</style></head><body><p>First &amp; foremost.</p>"
    html += b"<ul><li>Item one</li></ul><script>x()</script></body></html>\n"
    data = message("From: a@example.test\n", html, content='text/html; charset="utf-8"')
    turn = read_eml(tmp_path, data).turns[0]
    assert turn.text == "First & foremost.\n\n- Item one"


def mixed(parts: str) -> bytes:
    return (
        b"From: a@example.test\nSubject: Files\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="MIX"\n\n--MIX\n'
        b'Content-Type: text/plain; charset="utf-8"\n\nSee attached.\n'
        + parts.encode()
        + b"--MIX--\n"
    )


def test_email_attachments_are_listed_and_text_ones_become_turns(tmp_path: Path) -> None:
    csv = base64.b64encode("型号,数量\nEX-1,3\n".encode()).decode()
    data = mixed(
        "--MIX\nContent-Type: text/csv; charset=utf-8\n"
        'Content-Disposition: attachment; filename="units.csv"\n'
        f"Content-Transfer-Encoding: base64\n\n{csv}\n"
        "--MIX\nContent-Type: application/pdf\n"
        'Content-Disposition: attachment; filename="quote.pdf"\n'
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
    )
    interaction = read_eml(tmp_path, data)
    assert interaction.attachments == ("units.csv", "quote.pdf")
    body, attachment = interaction.turns
    assert body.text == "See attached."
    assert attachment.meta == {"attachment": "units.csv"}
    assert attachment.text == "型号,数量\nEX-1,3"
    assert "[Attachment: units.csv]\n型号,数量" in interaction.text


def test_email_reply_with_angle_quotes_and_chinese_attribution(tmp_path: Path) -> None:
    body = (
        "甄经理：\n\n价格我们再考虑一下。\n\n贾演示\n\n"
        "在 2030-11-08 10:15，甄测试 <zhen@example.test> 写道：\n"
        "> 贾总监您好：\n>\n> 附件是报价单。\n"
    )
    interaction = read_eml(tmp_path, message("From: 贾演示 <jia@example.test>\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "甄经理：\n\n价格我们再考虑一下。\n\n贾演示"
    assert (new.speaker, new.timestamp) == ("贾演示", "Tue, 12 Nov 2030 16:42:05 +0800")
    assert quoted.text == "> 贾总监您好：\n>\n> 附件是报价单。"
    assert (quoted.speaker, quoted.timestamp) == ("甄测试", "2030-11-08 10:15")
    assert quoted.meta["sender_email"] == "zhen@example.test"
    assert quoted.meta["quoted"] == "true"


def test_email_reply_with_english_attribution(tmp_path: Path) -> None:
    body = "Sounds good.\n\nOn Mon, 4 Nov 2030 at 09:00, Mira Testwood wrote:\n> Can we meet?\n"
    interaction = read_eml(tmp_path, message("From: zed@example.test\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "Sounds good."
    assert (quoted.speaker, quoted.timestamp, quoted.text) == (
        "Mira Testwood", "Mon, 4 Nov 2030 at 09:00", "> Can we meet?",
    )  # fmt: skip


def test_email_outlook_original_message_block(tmp_path: Path) -> None:
    body = (
        "Thanks, see below.\n\n-----Original Message-----\n"
        "From: 甄测试 Zed Test <zed@example.test>\nSent: Monday, April 8, 2030 10:21 AM\n"
        "To: Mira Testwood <mira@example.test>\nSubject: Pilot proposal\n\n"
        "Please find the proposal attached.\n"
    )
    interaction = read_eml(tmp_path, message("From: mira@example.test\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "Thanks, see below."
    assert quoted.text == "Please find the proposal attached."
    assert quoted.speaker == "甄测试 Zed Test"
    assert quoted.timestamp == "Monday, April 8, 2030 10:21 AM"
    assert quoted.meta["subject"] == "Pilot proposal"
    assert quoted.meta["date_iso"] == "2030-04-08T10:21:00"


def test_email_outlook_header_block_after_an_underscore_rule(tmp_path: Path) -> None:
    body = (
        "Agreed.\n\n________________________________\nFrom: Mira Testwood <mira@example.test>\n"
        "Sent: 4 November 2030 09:00\nTo: zed@example.test\nSubject: Meeting\n\nCan we meet?\n"
    )
    interaction = read_eml(tmp_path, message("From: zed@example.test\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "Agreed."
    assert (quoted.speaker, quoted.text) == ("Mira Testwood", "Can we meet?")
    assert quoted.meta["date_iso"] == "2030-11-04T09:00:00"


@pytest.mark.parametrize(
    "separator",
    [
        "-----原始邮件-----",
        "---------- 转发的邮件 ----------",
        "---------- Forwarded message ---------",
    ],
)
def test_email_chinese_and_forwarded_blocks_with_chinese_fields(
    tmp_path: Path, separator: str
) -> None:
    body = (
        "请看下面的邮件。\n\n"
        f"{separator}\n发件人：样板集团 质量部 贾演示 <jia@example.test>\n"
        "日期：2030年6月3日 周一 17:26\n主题：关于示例的要求\n"
        "收件人：甄测试 <zhen@example.test>\n\n"
        "甄总：\n\n请于6月20日前回复。\n"
    )
    interaction = read_eml(tmp_path, message("From: zhen@example.test\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "请看下面的邮件。"
    assert (quoted.speaker, quoted.speaker_org) == ("贾演示", "样板集团 质量部")
    assert quoted.timestamp == "2030年6月3日 周一 17:26"
    assert quoted.meta["to"] == "甄测试 <zhen@example.test>"
    assert quoted.text == "甄总：\n\n请于6月20日前回复。"


def test_email_three_level_forward_chain_gives_three_turns(tmp_path: Path) -> None:
    block = "---------- 转发的邮件 ----------\n发件人：{0} <{1}@example.test>\n日期：{2}\n\n{3}\n\n"
    body = "第一层。\n\n" + block.format("甄测试", "zhen", "2030年6月4日 08:51", "第二层。")
    body += block.format("贾演示", "jia", "2030年6月3日 17:26", "第三层。")
    interaction = read_eml(tmp_path, message("From: a@example.test\n", body.encode()))
    assert [(t.speaker, t.text) for t in interaction.turns] == [
        ("a@example.test", "第一层。"), ("甄测试", "第二层。"), ("贾演示", "第三层。"),
    ]  # fmt: skip


def test_email_lotus_notes_forwarded_by_block(tmp_path: Path) -> None:
    body = (
        "FYI.\n\n----- Forwarded by Zed Quill/HOU/EX on 11/27/2030 04:49 PM -----\n\n"
        "\tMira Testwood@EXAMPLE\n\t11/27/2030 08:41 AM\n\t\t \n"
        "\t\t To: Zed Quill/HOU/EX@EXAMPLE\n\t\t cc: \n\t\t Subject: RE: meetings\n\n"
        "Please include me.\n"
    )
    interaction = read_eml(tmp_path, message("From: zed@example.test\n", body.encode()))
    new, quoted = interaction.turns
    assert new.text == "FYI."
    assert (quoted.speaker, quoted.timestamp) == ("Mira Testwood", "11/27/2030 08:41 AM")
    assert quoted.meta["forwarded_by"] == "Zed Quill/HOU/EX on 11/27/2030 04:49 PM"
    assert quoted.text == "Please include me."


def test_email_x_from_display_name_is_used_when_from_has_none(tmp_path: Path) -> None:
    data = message(
        "From: zed.quill@example.test\nX-From: Zed Quill\nX-To: Mira Testwood\n", b"Hi\n"
    )
    interaction = read_eml(tmp_path, data)
    assert interaction.turns[0].speaker == "Zed Quill"
    assert interaction.participants == ("Mira Testwood",)


def test_mbox_messages_are_separate_interactions_and_a_broken_one_is_rejected_alone(
    tmp_path: Path,
) -> None:
    good = "From: a@example.test\nSubject: {0}\n\nBody {0}.\n"
    data = (
        "From MAILER-DAEMON Mon Apr 18 14:26:11 2030\n" + good.format("one") + "\n"
        "From MAILER-DAEMON Mon Apr 18 14:26:12 2030\nFrom: b@example.test\nSubject: cut\n"
        "From MAILER-DAEMON Mon Apr 18 14:26:13 2030\n" + good.format("three")
    )
    path = tmp_path / "box.mbox"
    path.write_text(data, encoding="utf-8")
    interactions, rejections = read_path_with_rejections(path)
    assert [i.title for i in interactions] == ["one", "three"]
    assert [i.source.part for i in interactions] == ["message 1", "message 3"]
    assert interactions[0].source.content_hash != interactions[1].source.content_hash
    assert interactions[0].source.format == "mbox"
    [rejection] = rejections
    assert (rejection.path, rejection.where) == (str(path), "message 2")
    assert "truncated" in rejection.reason
    assert [i.title for i in read_path(path)] == ["one", "three"]
