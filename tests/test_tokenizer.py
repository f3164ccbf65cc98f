"""The mixed-script tokenizer: labels and running text tokenise the same way."""

from __future__ import annotations

import pytest
import spacy

from semcrm.ingest.nlp.pipeline import detect_language
from semcrm.ingest.nlp.tokenizer import MixedScriptTokenizer, fold


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.tokenizer = MixedScriptTokenizer(nlp.vocab)
    return nlp


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("DataHub采集网关", ["datahub", "采", "集", "网", "关"]),
        ("符合IATF 16949认证", ["符", "合", "iatf", "16949", "认", "证"]),
        ("版本8.6.2的e-mail.", ["版", "本", "8.6.2", "的", "e-mail", "."]),
        ("请联系[PERSON-1A2B3C4D]。", ["请", "联", "系", "[person-1a2b3c4d]", "。"]),
        ("ＩＳＯ９００１", ["iso9001"]),
    ],
)
def test_tokenizer_splits_cjk_by_character_and_keeps_latin_words(nlp, text, tokens):
    doc = nlp(fold(text))
    assert [t.text for t in doc if not t.is_space] == tokens
    assert doc.text == fold(text)


def test_fold_keeps_offsets_for_full_width_and_case():
    text = "ＥｄｇｅＢｏｘ采集网关，ＩＡＴＦ"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "edgebox采集网关,iatf"


def test_fold_leaves_characters_whose_nfkc_form_is_longer():
    """NFKC turns ㈱ into "(株)"; folding must not change the text's length."""
    assert fold("㈱光栈") == "㈱光栈"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我们需要一个本地部署的方案。", "zh"),
        ("We need an on-premise deployment, please send a proposal.", "en"),
        ("我们的 AP status 一直 offline，firmware 也 auto-update 失败了。", "mixed"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language
