"""Chinese names written in pinyin: ``Zhang Wei``, ``Wei Zhang``, ``zhang_wei``.

A pinyin name is a romanised Chinese surname next to a given name that is
one or two pinyin syllables (a Chinese given name has one or two characters). The surnames come from Faker's romanised
surname lists (the ``zh_CN`` and ``zh_TW`` providers, so Wade-Giles forms such
as Chang or Hsu count too) (upper-case there, compared capitalised) plus the common compound ones,
minus those that are English words (She, An); the syllables are
checked against the pinyin syllable structure (an initial, then a final),
not against a list of names.

Many English words also parse as pinyin (Long, Can, Man, Sea), so a given
name that is an everyday English word never counts, and the surname must be
right next to it; the pair is a name, one token alone is not.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from semcrm.ingest.pii.lexicon import common_english_words

_INITIAL = r"(?:zh|ch|sh|hs|ts|tz|[bpmfdtnlgkhjqxrzcsyw])?"  # with Wade-Giles hs, ts
_FINAL = (
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|"
    r"ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
)
_SYLLABLES = re.compile(rf"(?:{_INITIAL}{_FINAL}){{1,2}}")
_COMPOUND_SURNAMES = frozenset(
    [
        "Ouyang",
        "Sima",
        "Zhuge",
        "Shangguan",
        "Situ",
        "Murong",
        "Huangfu",
        "Linghu",
        "Gongsun",
        "Xiahou",
        "Duanmu",
        "Yuwen",
    ]
)


@cache
def romanized_surnames() -> frozenset[str]:
    """Romanised Chinese surnames (Faker's zh_CN and zh_TW lists plus compound surnames)."""
    import faker.providers.person as person_providers

    names: set[str] = set(_COMPOUND_SURNAMES)
    for module_info in pkgutil.iter_modules(person_providers.__path__):
        if not module_info.name.startswith("zh"):
            continue
        module = importlib.import_module(f"{person_providers.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        value = vars(provider).get("last_romanized_names") if provider else None
        if isinstance(value, list | tuple | dict):
            names.update(name.capitalize() for name in value if name.isascii() and name.isalpha())
    return frozenset(
        name for name in names if len(name) >= 2 and name.lower() not in _ENGLISH_PINYIN_WORDS
    )


def is_pinyin(token: str) -> bool:
    """True when ``token`` (any case, an optional hyphen) is one or two pinyin syllables."""
    return _SYLLABLES.fullmatch(token.lower().replace("-", "").replace("ü", "v")) is not None


def is_pinyin_given(token: str) -> bool:
    """A pinyin given name: pinyin syllables and not an everyday English word."""
    return (
        len(token) >= 2
        and is_pinyin(token)
        and token.capitalize() not in common_english_words()
        and token.lower() not in _ENGLISH_PINYIN_WORDS
    )


def is_pinyin_name(first: str, second: str) -> bool:
    """True for ``Zhang Wei`` (surname, given) and ``Wei Zhang`` (given, surname)."""
    surnames = romanized_surnames()
    return (first.capitalize() in surnames and is_pinyin_given(second)) or (
        second.capitalize() in surnames and is_pinyin_given(first)
    )


#: Everyday English words that are also valid pinyin and that Faker's lorem list lacks.
_ENGLISH_PINYIN_WORDS = frozenset(
    """a an and are as at be can do go he hi how i in is it me my no of oh on or ok so to up
    us we man men she shoe line lane pen pie tie ten tin sun fun gun hot hole none done gone
    one zone tone bone nine wine mine pine shine june sue""".split()  # noqa: SIM905
)
