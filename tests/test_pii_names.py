"""Person names in Chinese and English: the contexts that reveal them, exact spans.

All people here are invented for the tests.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, NameHint, Source, Turn
from semcrm.ingest.pii import detect


def found(text: str, hints: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``(matched text, type)`` of every span in a one-turn interaction."""
    interaction = Interaction(
        Source("test.txt", "0", "transcript"), "call", text, (Turn(0, text, 0, len(text)),),
        name_hints=tuple(NameHint(hint, "speaker") for hint in hints),
    )  # fmt: skip
    return [(span.text, span.type) for span in detect(interaction)]


def names(text: str, hints: tuple[str, ...] = ()) -> list[str]:
    return [matched for matched, pii_type in found(text, hints) if pii_type == "person_name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王总好，李工也在。", ["王总", "李工"]),
        ("张经理说赵主任下午到，鲍董晚点。", ["张经理", "赵主任", "鲍董"]),
        ("苗总监和刘老师、陈医生都同意。", ["苗总监", "刘老师", "陈医生"]),
        ("薛先生、何女士和宋小姐已签到。", ["薛先生", "何女士", "宋小姐"]),
        ("让小蓝和老岳一起来。", ["小蓝", "老岳"]),
        ("欧阳总已经批了。", ["欧阳总"]),
    ],
)
def test_surname_title_and_nickname_forms(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "施工单位明天进场，员工加工的零件不够。",
        "这个小时的小区停车费，老师说要涨。",
        "汽车工业的方案总体可行，总部同意。",
        "古董店的老板是本地人。",
    ],
)
def test_ordinary_words_that_start_with_a_surname_are_not_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("您好，我是星桥科技的岳知行，上周联系过您。", ["岳知行"]),
        ("司机叫蓝若溪，保险那边还没回。", ["蓝若溪"]),
        ("管网所芮一诺提出：先做试点。", ["芮一诺"]),
        ("后续对接人改成我们的符晓川，手机139 0000 7777。", ["符晓川"]),
        ("参会人：运营副总 詹牧之、财务经理 韶云。", ["詹牧之", "韶云"]),
        ("name=邵*灵 已叫号", ["邵*灵"]),
    ],
)
def test_chinese_full_names_in_context(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_a_name_known_once_is_redacted_everywhere_and_the_given_name_of_an_address() -> None:
    text = (
        "岳知行：大家好。\n晓川、若溪：\n方案发岳知行就行。\n"
        "由郝晓川负责，蓝若溪补充。\n晓川你牵头。"
    )
    assert names(text) == ["岳知行", "晓川", "若溪", "岳知行", "郝晓川", "蓝若溪", "晓川"]


def test_a_one_word_reply_to_a_name_question_is_a_name() -> None:
    text = "客服：请问怎么称呼您？\n用户：芮一诺。\n客服：芮女士您好。"
    assert names(text) == ["芮一诺", "芮女士"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[00:00:01] 鲜果铺-运营 Vicky 岳：早\n", ["Vicky 岳"]),
        ("Winston 蓝：收到\nWinston 说晚点到", ["Winston 蓝", "Winston"]),
    ],
)
def test_latin_given_name_with_chinese_surname(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Rosalind, thanks for the notes.", ["Rosalind"]),
        ("Dear Mr Okonkwo-Blythe,", ["Mr Okonkwo-Blythe"]),
        ("Good to meet you, Dr. Quillfeather. Next step?", ["Dr. Quillfeather"]),
        ("Ms. Chen will call back.", ["Ms. Chen"]),
        ("Name on the booking is Octavia Brenwick.", ["Octavia Brenwick"]),
        ("Their buyer, a guy named Lucian Farthingale, decides.", ["Lucian Farthingale"]),
        ("Copy our finance director, Wilhelmina Aldersey — she signs.", ["Wilhelmina Aldersey"]),
        ("Ignatius will want the numbers first.", ["Ignatius"]),
        ("Thanks, Rosalind.", ["Rosalind"]),
    ],
)
def test_english_names_in_context(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We are driving up to the Sierra next week.",
        "Our office is in Birchwood Falls.",
        "The Harbour Tower project slipped.",
        "They ship through Hollis & Wren Logistics.",
        "Add-on pricing applies.",
        "Hello Tallybook support, any news?",
    ],
)
def test_places_companies_and_words_are_not_names(text: str) -> None:
    assert names(text) == []


def test_speaker_labels_name_people_and_roles_and_bots_stay() -> None:
    text = (
        "18:41 Ridgelet (virtual assistant): Hi! I'm Ridgelet.\n"
        "18:42 Customer: can I talk to a human\n"
        "18:43 Marisela (Outfitters Support): Hi, this is Marisela.\n"
        "Dr. Ottoline Brack (Harrowgate Clinics, Medical Director): Hello.\n"
        "销售 芮一诺：您好\n客户：你好\n"
    )
    assert names(text) == ["Marisela", "Marisela", "Dr. Ottoline Brack", "芮一诺"]


def test_voice_tags_json_names_and_display_names() -> None:
    text = (
        "<v Cosima Threlkeld>Can you see my screen?\n"
        '{"event": "ticket", "contact_name": "Barnaby Quint", "site_name": "North Yard"}\n'
        "From: 詹牧之 Muzhi Zhan <mz@example.cn>\n"
    )
    assert names(text) == ["Cosima Threlkeld", "Barnaby Quint", "詹牧之 Muzhi Zhan"]


def test_signature_lines_are_names() -> None:
    text = "Please advise.\n\nBest regards,\nPercival Amberly\nHead of Procurement\n"
    assert names(text) == ["Percival Amberly"]


def test_name_hints_from_the_reader_are_redacted_everywhere() -> None:
    assert names("Talk to Zephyrine about it; Zephyrine Okoro agreed.", ("Zephyrine Okoro",)) == [
        "Zephyrine",
        "Zephyrine Okoro",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('merged into one unit (e.g. "Anjali" inside "Anjali Thorsen")', "Anjali Thorsen"),
        ("The report was checked by Oluwaseun Adeyemi yesterday.", "Oluwaseun Adeyemi"),
    ],
)
def test_names_en_full_name_with_a_known_surname_needs_no_cue(text, name):
    """A given name missing from the lists still forms a name with a known surname (regression:
    a full name quoted in running text, with no greeting or role, leaked into the store)."""
    assert name in names(text)


@pytest.mark.parametrize(
    "text", ["Please Thorsen the draft.", "We met at Mount Everest base camp."]
)
def test_names_en_everyday_words_before_a_surname_are_not_names(text):
    assert names(text) == []


@pytest.mark.parametrize("reply", ["龚工好。", "李工早！", "王总您好"])
def test_names_a_greeting_turn_is_not_a_full_name(reply):
    """Regression: "龚工好。" as a whole turn was taken for a full name (surname 龚 + 工好), which
    also stopped 龚工 from resolving to the one 龚 in the call."""
    text = f"龚明哲：请问是阚经理吗？\n阚立新：{reply}\n"
    assert reply.rstrip("。！") not in names(text, ("龚明哲", "阚立新"))


def test_names_title_form_after_a_role_word_is_found_even_when_it_forms_a_place_name():
    """Regression: in "董事长葛总", 长葛 is a city in the dictionary, which vetoed 葛总."""
    assert names("这件事最终要我们董事长葛总来定。") == ["葛总"]
