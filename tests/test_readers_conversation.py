"""Call transcripts and chat exports: speakers, times, affiliations and continuation lines.

Every input here is invented (people, companies and numbers are fictional).
"""

from __future__ import annotations

from pathlib import Path

from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path


def read_one(tmp_path: Path, content: str, name: str = "record.txt") -> Interaction:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [interaction] = read_path(path)
    interaction.check()
    return interaction


def speakers(interaction: Interaction) -> list[str | None]:
    return [turn.speaker for turn in interaction.turns]


def test_transcript_ascii_colon_english(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path,
        "Mira Testwood: Thanks for joining, Zed.\nZed Quillfeather: Happy to. Let's start.\n",
    )
    assert interaction.kind == "call"
    assert interaction.source.format == "transcript"
    assert speakers(interaction) == ["Mira Testwood", "Zed Quillfeather"]
    assert [t.text for t in interaction.turns] == [
        "Thanks for joining, Zed.",
        "Happy to. Let's start.",
    ]
    assert [h.text for h in interaction.name_hints] == ["Mira Testwood", "Zed Quillfeather"]


def test_transcript_full_width_colon_chinese(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, "甄测试：您好，我是示例科技的甄测试。\n贾演示：你好，请讲。\n")
    assert speakers(interaction) == ["甄测试", "贾演示"]
    assert interaction.turns[1].text == "你好，请讲。"
    assert interaction.text == "甄测试：您好，我是示例科技的甄测试。\n贾演示：你好，请讲。\n"


def test_transcript_bracketed_hh_mm_ss_timestamps(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path, "[00:00:05] 甄测试：早上好。\n[00:01:15] 贾演示：早，我们开始吧。\n"
    )
    assert [t.timestamp for t in interaction.turns] == ["00:00:05", "00:01:15"]
    assert interaction.turns[1].text == "早，我们开始吧。"
    assert interaction.kind == "call"


def test_transcript_mm_ss_in_brackets_and_parentheses(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, "[00:07] Agent: Hello.\n(01:02) Customer: Hi, one question.\n")
    assert [(t.timestamp, t.speaker, t.text) for t in interaction.turns] == [
        ("00:07", "Agent", "Hello."),
        ("01:02", "Customer", "Hi, one question."),
    ]


def test_transcript_name_with_company_and_role_in_parentheses(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path,
        "Zed Quillfeather (Examplecorp, Account Executive): Morning.\n"
        "Dr. Mira Testwood (Sampleton Clinics, Medical Director): Morning, Zed.\n",
    )
    first, second = interaction.turns
    assert (first.speaker, first.speaker_org, first.speaker_title) == (
        "Zed Quillfeather", "Examplecorp", "Account Executive",
    )  # fmt: skip
    assert (second.speaker, second.speaker_org, second.speaker_title) == (
        "Dr. Mira Testwood", "Sampleton Clinics", "Medical Director",
    )  # fmt: skip
    assert second.text == "Morning, Zed."


def test_transcript_chinese_name_with_company_and_title_in_full_width_parentheses(
    tmp_path: Path,
) -> None:
    interaction = read_one(
        tmp_path, "甄测试（示例农业 销售经理）：两位好。\n贾演示（样板种植 总经理）：你好。\n"
    )
    first, second = interaction.turns
    assert (first.speaker, first.speaker_org, first.speaker_title) == (
        "甄测试",
        "示例农业",
        "销售经理",
    )
    assert (second.speaker, second.speaker_org, second.speaker_title) == (
        "贾演示",
        "样板种植",
        "总经理",
    )


def test_transcript_role_only_labels_are_speakers_but_not_names(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path, "销售：您好，请问是贾主任吗？\n客户：对，我是。\n销售：好的。\n"
    )
    assert speakers(interaction) == ["销售", "客户", "销售"]
    assert interaction.name_hints == ()


def test_transcript_role_then_name_label(tmp_path: Path) -> None:
    interaction = read_one(tmp_path, "销售 甄测试：贾经理您好。\n贾演示：你好你好。\n")
    assert (interaction.turns[0].speaker, interaction.turns[0].speaker_title) == ("甄测试", "销售")


def test_transcript_continuation_line_belongs_to_the_previous_turn(tmp_path: Path) -> None:
    content = "Agent: First line of the answer\nand its second line.\nCustomer: Understood.\n"
    interaction = read_one(tmp_path, content)
    assert interaction.turns[0].text == "First line of the answer\nand its second line."
    assert interaction.turns[0].speaker == "Agent"
    assert interaction.turns[1].text == "Understood."


def test_transcript_note_lines_inside_a_turn_are_not_speakers(tmp_path: Path) -> None:
    content = "Agent: Here is the plan.\nNote: this part was unclear.\nCustomer: Fine.\n"
    interaction = read_one(tmp_path, content)
    assert speakers(interaction) == ["Agent", "Customer"]
    assert interaction.turns[0].text == "Here is the plan.\nNote: this part was unclear."


def test_chat_with_dates_and_header_lines(tmp_path: Path) -> None:
    content = (
        "会话ID：CS-TEST-0001\n渠道：示例App在线客服\n"
        "2030-03-15 20:14:03 用户：在吗？我要投诉！\n"
        "2030-03-15 20:14:20 客服-小样：您好，请问有什么可以帮您？\n"
    )
    interaction = read_one(tmp_path, content)
    assert interaction.kind == "chat"
    preamble, first, second = interaction.turns
    assert preamble.speaker is None and preamble.meta == {"preamble": "true"}
    assert interaction.metadata == {"会话ID": "CS-TEST-0001", "渠道": "示例App在线客服"}
    assert (first.timestamp, first.speaker, first.text) == (
        "2030-03-15 20:14:03",
        "用户",
        "在吗？我要投诉！",
    )
    assert (second.speaker, second.speaker_title) == ("小样", "客服")
    assert interaction.occurred_at == "2030-03-15T20:14:03"


def test_chat_group_export_with_org_role_name_labels(tmp_path: Path) -> None:
    content = (
        "【示例ERP 服务群】样板家居 × 示例\n"
        "2030-11-04 09:02 样板-运营 贾演示：@示例-客户成功 甄测试 在吗？\n"
        "2030-11-04 09:05 示例-客户成功 甄测试：收到，我马上查。\n"
    )
    interaction = read_one(tmp_path, content)
    first, second = interaction.turns[1:]
    assert (first.speaker, first.speaker_org, first.speaker_title) == ("贾演示", "样板", "运营")
    assert first.timestamp == "2030-11-04 09:02"
    assert (second.speaker, second.speaker_org, second.speaker_title) == (
        "甄测试",
        "示例",
        "客户成功",
    )
    assert interaction.title == "【示例ERP 服务群】样板家居 × 示例"


def test_chat_bracketed_datetime_with_zone_and_org(tmp_path: Path) -> None:
    content = (
        "Examplecorp Help Centre - chat transcript\n"
        "Ticket: EX-000001 | Account: Sampleton Fibre\n\n"
        "[2030-09-10 14:02:11 BST] Mira Testwood (Sampleton Fibre): Hi - scheduler crashed.\n"
        "[2030-09-10 14:02:40 BST] Zed Quillfeather (Examplecorp Support): Sorry to hear that.\n"
    )
    interaction = read_one(tmp_path, content)
    assert interaction.kind == "chat"
    first, second = interaction.turns[1:]
    assert first.timestamp == "2030-09-10 14:02:11 BST"
    assert (first.speaker, first.speaker_org) == ("Mira Testwood", "Sampleton Fibre")
    assert second.speaker_org == "Examplecorp Support"
    assert interaction.metadata == {"Ticket": "EX-000001", "Account": "Sampleton Fibre"}


def test_chat_bare_clock_times_bot_and_customer(tmp_path: Path) -> None:
    content = (
        "Chat transcript - Examplecorp Help\n\n"
        "18:41 Botty (virtual assistant): Hi! How can I help?\n"
        "18:41 Customer: my stove arrived broken\n"
        "18:49 Zed Quillfeather (Examplecorp Support): Hi, this is Zed.\n"
    )
    interaction = read_one(tmp_path, content)
    assert interaction.kind == "chat"
    assert speakers(interaction) == [None, "Botty", "Customer", "Zed Quillfeather"]
    assert [h.text for h in interaction.name_hints] == ["Zed Quillfeather"]


def test_chat_bracketed_clock_time_with_department_and_name(tmp_path: Path) -> None:
    content = (
        "工单会话 #TEST-0001\n客户：示例区服务中心　　产品：样板系统 V5\n"
        "[09:12:40] 示例服务中心 贾主任：大屏显示不正常。\n"
        "[09:13:05] 样板客服 甄测试：收到，我马上处理。\n"
    )
    interaction = read_one(tmp_path, content)
    assert interaction.kind == "chat"
    preamble, first, second = interaction.turns
    assert preamble.text.startswith("工单会话")
    assert "客户：示例区服务中心" in preamble.text
    assert (first.timestamp, first.speaker, first.speaker_org) == (
        "09:12:40",
        "贾主任",
        "示例服务中心",
    )
    assert second.speaker == "甄测试"
    assert interaction.metadata["产品"] == "样板系统 V5"


def test_chat_latin_given_name_with_chinese_surname(tmp_path: Path) -> None:
    content = (
        "2030-07-08 07:12 样板-运营 Tina 贾：@Examplecorp-Jack 甄 早，价签离线了\n"
        "2030-07-08 07:20 Examplecorp-Jack 甄：收到Tina，我看下。\n"
    )
    interaction = read_one(tmp_path, content)
    first, second = interaction.turns
    assert (first.speaker, first.speaker_org, first.speaker_title) == ("Tina 贾", "样板", "运营")
    assert (second.speaker, second.speaker_org) == ("Jack 甄", "Examplecorp")


def test_elapsed_bracketed_times_make_a_call_not_a_chat(tmp_path: Path) -> None:
    content = "[00:00:03] 甄测试：您好。\n[00:00:09] 贾演示：你好。\n"
    assert read_one(tmp_path, content).kind == "call"


def test_quotes_are_substrings_of_the_interaction_text(tmp_path: Path) -> None:
    content = "[00:00:03] 甄测试：我们一共四十台设备，其中十台比较老。\n[00:00:09] 贾演示：明白。\n"
    interaction = read_one(tmp_path, content)
    assert "其中十台比较老" in interaction.turns[0].text
    assert interaction.text == content


EXPORT_HEADER = """\
会话编号：CS-20261103-0042
导出时间 2026-11-03 10:02
客户：你们那个系统可“太好用了”，天天卡死。
客服：非常抱歉，我们马上安排工程师上门处理，今天下午就到。
客户：那行，今天能修好就放心了。
"""


def test_export_header_fields_and_a_time_of_day_are_not_speakers(tmp_path: Path) -> None:
    """Regression: "导出时间 2026-11-03 10:02" was a turn by speaker "10" saying "02", and the
    header key 会话编号 was a speaker, so the customer's stance seemed to start in the header."""
    interaction = read_one(tmp_path, EXPORT_HEADER)
    assert speakers(interaction) == [None, "客户", "客服", "客户"]
    assert interaction.turns[0].text == "会话编号：CS-20261103-0042\n导出时间 2026-11-03 10:02"


def test_english_several_word_header_fields_are_not_speakers(tmp_path: Path) -> None:
    interaction = read_one(
        tmp_path,
        "Session ID: 88213\nStart time: 09:14\nAgent: Good morning, how can I help?\n"
        "Customer: My invoice is wrong again.\nAgent: Let me check that for you.\n",
    )
    assert speakers(interaction) == [None, "Agent", "Customer", "Agent"]
