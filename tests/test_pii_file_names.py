"""File names: numbers across separators, Chinese names without context, Latin names in any case.

``redact_file_name`` is what the pipeline stores as ``semcrm:sourceName``; every
person and number here is invented.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.pii import Pseudonymizer, redact_file_name

PSEUDONYMIZER = Pseudonymizer(b"f" * 32)


def person(name: str) -> str:
    return f"[{PSEUDONYMIZER.pseudonym('person_name', name)}]"


def mobile(number: str) -> str:
    return f"[{PSEUDONYMIZER.pseudonym('mobile_phone', number)}]"


def redacted(name: str, hints: tuple[str, ...] = ()) -> str:
    return redact_file_name(name, PSEUDONYMIZER, hints)[0]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # regression: a Chinese full name with no context around it stayed readable
        ("甄测明.txt", f"{person('甄测明')}.txt"),
        ("贾演红通话录音.txt", f"{person('贾演红')}通话录音.txt"),
        ("与甄测明的通话.txt", f"与{person('甄测明')}的通话.txt"),
        ("客户贾演红回访.docx", f"客户{person('贾演红')}回访.docx"),
        ("2099-01-02_甄测明_报价单.pdf", f"2099-01-02_{person('甄测明')}_报价单.pdf"),
        ("王总_报价.txt", f"{person('王总')}_报价.txt"),
    ],
)
def test_chinese_names_without_context_are_redacted(name: str, expected: str) -> None:
    assert redacted(name) == expected


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # regression: a mobile joined to its neighbours by "_" was not found
        ("甄测明_13900001234_通话记录.txt",
         f"{person('甄测明')}_{mobile('13900001234')}_通话记录.txt"),
        # letters and "_" separate words in a file name: only the number goes, not the
        # whole "handle" the running-text rule would take
        ("call13900001234.txt", f"call{mobile('13900001234')}.txt"),
        ("张伟_13900001234_call.txt", f"{person('张伟')}_{mobile('13900001234')}_call.txt"),
        ("wxid_13900001234.txt", f"wxid_{mobile('13900001234')}.txt"),
        ("rec-139-0000-1234.m4a", f"rec-{mobile('13900001234')}.m4a"),
        ("通话-139.0000.1234.txt", f"通话-{mobile('13900001234')}.txt"),
    ],
)  # fmt: skip
def test_numbers_across_separators_and_letters_are_redacted(name: str, expected: str) -> None:
    assert redacted(name) == expected


def test_an_id_in_a_file_name_needs_its_structure_not_its_checksum() -> None:
    # a province code and a real birth date are enough here; the check character is wrong
    assert redacted("证件_510107197809234610.pdf").startswith("证件_[CNID-")


@pytest.mark.issue(3)
def test_an_email_file_name_keeps_its_extension() -> None:
    # regression: the address regex swallowed ".eml", so the extension was lost
    expected = f"[{PSEUDONYMIZER.pseudonym('email', 'quill.testwood@example.com')}]"
    assert redacted("quill.testwood@example.com.eml") == expected + ".eml"
    assert redacted("quill.testwood@example.com") == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("call_with_Orla_Testwood.txt", "Orla Testwood"),
        ("OrlaTestwood_notes.docx", "Orla Testwood"),
        ("orla_testwood.eml", "Orla Testwood"),
        ("zhang_wei_call.txt", "Zhang Wei"),
    ],
)
def test_latin_names_across_separators_and_case_are_one_person(name: str, value: str) -> None:
    spans = redact_file_name(name, PSEUDONYMIZER)[1]
    assert [span.pseudonym for span in spans] == [PSEUDONYMIZER.pseudonym("person_name", value)]


def test_a_known_name_is_found_in_any_case() -> None:
    assert redacted("notes-QUILLFEATHER-2099.txt", ("Ysolde Quillfeather",)) == (
        f"notes-{person('QUILLFEATHER')}-2099.txt"
    )


def test_role_labels_among_the_hints_are_not_names() -> None:
    hints = ("Operator", "Moderator", "Ysolde Quillfeather (Quillmark Systems, CFO)")
    assert redacted("operator_moderator_QUILLFEATHER.txt", hints) == (
        f"operator_moderator_{person('QUILLFEATHER')}.txt"
    )


@pytest.mark.parametrize(
    "name",
    [
        "周报汇总.docx",
        "项目计划_2099-03-15.pdf",
        "会议纪要_20990315_143000.md",
        "成本分析.xlsx",
        "安装手册.pdf",
        "price_list.xlsx",
        "Meeting_Notes_Final_v2.docx",
        "sales_call_recording_001.mp3",
        "CEM.ttl",
        "D01.txt",
        "ch.valid.intent",  # "Valid" is a given name somewhere, but lower case and frequent
        "sys_da_voc.json",
    ],
)
def test_file_names_without_personal_data_are_unchanged(name: str) -> None:
    assert redacted(name) == name


@pytest.mark.issue(3)
def test_ingest_stores_only_the_de_identified_file_name(tmp_path, ontology) -> None:
    # regression: the pipeline stored the file name through the running-text recognisers,
    # which found a bare Chinese name in a file name only by luck
    from semcrm.ingest.pii import load_or_create_secret
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.store import KnowledgeStore

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    raw_name, raw_mobile = "张伟", "13812345678"
    (inbox / f"{raw_name}_{raw_mobile}_call.txt").write_text(
        f"[00:00:01] 销售：您好，请问是{raw_name}吗？\n[00:00:04] {raw_name}：是的，想问一下报价。\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    with KnowledgeStore(data) as store:
        report = ingest([inbox], store, ontology)
        assert not report.rejected, report.rejected
        pseudonymizer = Pseudonymizer(load_or_create_secret(store.data_dir))
        person_id = pseudonymizer.pseudonym("person_name", raw_name)
        mobile_id = pseudonymizer.pseudonym("mobile_phone", raw_mobile)
        expected = f"[{person_id}]_[{mobile_id}]_call.txt"
        assert [record.source for record in report.records] == [expected]
        values = [
            term.value
            for quad in store.quads()
            for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
            if hasattr(term, "value")
        ]
        source_names = [
            quad.object.value
            for quad in store.quads()
            if quad.predicate.value.endswith("sourceName")
        ]
    assert source_names == [expected]
    assert [v for v in values if raw_name in v or raw_mobile in v] == []
    assert any(person_id in v for v in values)
