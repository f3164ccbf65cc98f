"""Latin-script person names: name-shaped tokens in contexts that reveal a person.

A capitalised word is a name candidate when it is a known given name (the
Faker first-name lists, :func:`~semcrm.ingest.pii.lexicon.latin_given_names`)
or when the context says so:

* honorific + surname: Ms. Chen, Dr. Maren Tolliver, Mr Adeyemi;
* given name + capitalised word: Elsa Brunetti (unless the second word
  makes it an organisation or place: Birchwood Falls, Harbour Tower);
* greetings and vocatives: "Hi Imogen", "Dear Mr Adeyemi", "Thanks, Linnea.";
* introductions: "this is Odile Ekwueme", "a guy named Henrik Solberg",
  "Name on the booking is Linnea Garrow", "Minutes by Edith Pendleford";
* role appositives: "our finance director, Ana Ferrel", "Joan Whitacre,
  our CEO", "Yaw Darko (Quality Manager)";
* a known given name on its own ("Oswin will want that"), unless it follows
  an article or a place preposition (the Sierra, in Austin) or starts an
  organisation name (Hollis & Wren);
* a Chinese name in pinyin, surname and given name in either order (Zhang
  Wei, Wei Zhang; see :mod:`.names_pinyin`);
* a full name in lower case after a strong cue ("my name is margaret
  thornbury", "talk to margaret thornbury"): a known given name, then a
  known surname or any word that is not an everyday one; a lone lower-case
  given name only after "my name is", "named", "called" or "this is".

Word boundaries are Latin letters only, so a name next to Chinese text
(采购那边Sylvie说) is found; Python's ``\\b`` would treat 边 as a word character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from semcrm.ingest.pii.lexicon import (
    COMMON_WORD_NAMES,
    HONORIFICS,
    ORG_SUFFIX,
    ORG_WORDS,
    common_english_words,
    latin_given_names,
    latin_surnames,
)
from semcrm.ingest.pii.names_pinyin import is_pinyin_name
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 30

CAP = r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff\u0100-\u017f'’]+(?:-[A-Z][a-z]+)?(?:[A-Z][a-z]+)?"
_NB = r"(?<![A-Za-z\u00c0-\u017f])"
_NA = r"(?![A-Za-z\u00c0-\u017f])"

HONORIFIC_NAME = re.compile(rf"{_NB}({HONORIFICS})\.? ((?:{CAP} ){{0,2}}{CAP}){_NA}")
#: The surname may follow a soft line break of wrapped mail ("Marcus \nHalloway").
PAIR = re.compile(rf"{_NB}({CAP})(?: ({CAP}))? \n?({CAP}){_NA}")
GREETING = re.compile(
    rf"{_NB}(?:Hi|Hello|Hey|Dear|Morning|Good (?:morning|afternoon|evening)|Thanks|Thank you|"
    rf"Cheers|Bye|Welcome|Congrats|Sorry)(?: again)?,? ((?:{CAP} )?{CAP}){_NA}"
    rf"(?=\s*(?:[,.!?:;—–-]|$|and\b|&))",
    re.MULTILINE,
)
INTRODUCTION = re.compile(
    rf"(?:\b(?:I'm|I am|this is|This is|my name is|My name is|named|called|name is|Name is|"
    rf"[Nn]ame on the \w+ is|signed by|[Mm]inutes by|taken by|[Nn]ote taker:?\**:?|contact is|"
    rf"speak to|speak with|talk to|ask for|[Cc]opy|[Cc]opied|cc|CC|Attn:?|Attention:?|"
    rf"[Ff]orwarded by|[Ss]ent by|[Ww]ritten by|[Aa]pproved by|[Rr]eviewed by|[Pp]repared by)) "
    rf"((?:{CAP} ){{0,2}}{CAP}){_NA}"
)
_ROLE = (
    r"(?i:CEO|CFO|CIO|CTO|COO|CMO|MD|VP|SVP|EVP|director|manager|officer|lead|head|chair|chairman|"
    r"chairwoman|president|founder|owner|engineer|consultant|analyst|coordinator|assistant|"
    r"supervisor|adviser|advisor|partner|counsel|buyer|rep|representative|SQE|principal|"
    r"pharmacist|administrator|controller|accountant|architect|specialist|secretary|treasurer|"
    r"superintendent|inspector|auditor|surveyor|broker|agent|technician)"
)
ROLE_BEFORE = re.compile(
    rf"\b{_ROLE},? ((?:{CAP} ){{0,2}}{CAP}){_NA}"
    r"(?=\s*[,.;:—–\-(]|\s+(?:at|is|has|and|who|will|signs)\b)"
)
#: The role words of ROLE_BEFORE, found on the lower-cased text first (fast), where
#: ROLE_BEFORE is then tried: a case-insensitive alternation at every word is slow.
_ROLE_WORD = re.compile(r"\b" + _ROLE.removeprefix("(?i:").removesuffix(")").lower().join("()"))
ROLE_AFTER = re.compile(
    rf"{_NB}((?:{CAP} ){{1,2}}{CAP})(?:, (?:our|the|their|your|his|her|a|an) |,? ?[(（])"
    rf"(?:[A-Za-z&/]+ ){{0,4}}{_ROLE}\b"
)
PINYIN_PAIR = re.compile(
    rf"{_NB}(?=([A-Z][a-z]{{1,7}}) ([A-Z][a-z]{{1,11}}(?:-[a-z]{{2,6}})?){_NA})"
)
#: Matched on the lower-cased text (a case-insensitive alternation is slow); the name's
#: own letters are checked to be lower case in the original.
LOWER_INTRODUCTION = re.compile(
    r"\b(?P<cue>my name is|name is|named|called|this is|i am|i'm|speak to|speak with|"
    r"talk to|ask for|contact is)"
    r" (?P<first>[a-z][a-z'’\-]{1,20})(?: (?P<last>[a-z][a-z'’\-]{1,20}))?(?![a-z])"
)
_LONE_NAME_CUES = frozenset(["my name is", "name is", "named", "called", "this is"])
VOCATIVE = re.compile(rf", ({CAP})(?=[.!?]|\s*$)", re.MULTILINE)
STANDALONE = re.compile(rf"{_NB}({CAP}){_NA}")
#: Capitalised words that follow a greeting or a role but are not names.
_NOT_NAMES = frozenset(
    [
        "All",
        "Team",
        "Everyone",
        "Everybody",
        "Folks",
        "Guys",
        "Sir",
        "Madam",
        "There",
        "Again",
        "Both",
        "You",
        "Again",
        "Executive",
        "Senior",
        "Junior",
        "Chief",
        "Deputy",
        "Acting",
        "Interim",
        "Assistant",
        "Associate",
        "General",
        "Regional",
        "Global",
        "Original",
        "Reply",
        "Forwarded",
        "Message",
    ]
)
_GREETINGS = frozenset(
    [
        "Hi",
        "Hello",
        "Hey",
        "Dear",
        "Morning",
        "Thanks",
        "Cheers",
        "Bye",
        "Welcome",
        "Sorry",
        "Congrats",
    ]
)


def _tail_of_proper_noun(text: str, start: int) -> bool:
    """True when the word before ``start`` is a capitalised word inside a sentence
    (``our Birchwood Falls``): the token is then the tail of a multiword proper noun."""
    before = text[max(0, start - 40) : start]
    if not before.endswith(" "):
        return False
    words = before[:-1].rsplit(" ", 2)
    previous = words[-1]
    if not re.fullmatch(r"[A-Z][a-z]+", previous) or previous in _GREETINGS:
        return False
    earlier = words[-2] if len(words) >= 2 else ""
    return bool(earlier) and not re.search(r"[.!?:;\n]$", earlier) and not earlier.endswith("—")


_ARTICLE_BEFORE = re.compile(
    r"(?:\b(?:the|The|a|an|An|in|at|near|via|In|At)\s|&\s?|[在去到从于飞往至]|来自|位于)$"
)


@lru_cache(maxsize=65536)
def _is_name_token(token: str) -> bool:
    return (
        token not in ORG_WORDS and token not in COMMON_WORD_NAMES and not ORG_SUFFIX.search(token)
    )


_AMPERSAND_PERSON = re.compile(rf" & ({CAP})\s+({CAP}){_NA}")


def _person_after_ampersand(following: str, given: frozenset[str]) -> bool:
    """ "Tobias Wrenfield & Marcus Halloway" joins two people; "Hollis & Wren" names a firm."""
    found = _AMPERSAND_PERSON.match(following)
    return bool(found) and _pair_is_person([found.group(1), found.group(2)], given)


def _pair_is_person(tokens: list[str], given: frozenset[str]) -> bool:
    """A known given name before capitalised name words, or, when the given name is one the
    lists lack ("Ravindra"), any capitalised non-word before a known surname ("Thorsen")."""
    if not all(_is_name_token(token) for token in tokens[1:]):
        return False
    if tokens[0] in given:
        return True
    return (
        len(tokens[0]) >= 3
        and tokens[-1] in latin_surnames()
        and _is_name_token(tokens[0])
        and tokens[0] not in common_english_words()
        and tokens[0] not in _NOT_NAMES
        and tokens[0] not in _GREETINGS
        and tokens[0] not in _FUNCTION_WORDS
    )


#: Capitalised sentence openers that are not given names ("Please Thorsen the file").
_FUNCTION_WORDS = frozenset(
    [
        "Please",
        "Kindly",
        "Regarding",
        "Per",
        "Via",
        "Attn",
        "Note",
        "Also",
        "Meanwhile",
        "Otherwise",
        "However",
        "Thus",
        "Hence",
        "Then",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


def find_en_names(text: str) -> Iterator[Candidate]:
    """Latin-script person names revealed by their shape and context."""
    given = latin_given_names()
    for match in HONORIFIC_NAME.finditer(text):
        tokens = match.group(2).split()
        while tokens and not _is_name_token(tokens[-1]):
            tokens.pop()
        if tokens:
            end = match.start(2) + len(" ".join(tokens))
            dot = "." if text[match.end(1)] == "." else ""
            yield Candidate(
                match.start(), end, "person_name", "honorific_name", PRIORITY,
                value=" ".join(tokens), title=match.group(1) + dot,
            )  # fmt: skip
    person_end = -1  # where the last person pair ended: "Tobias Wrenfield & Marcus Halloway"
    for match in PAIR.finditer(text):
        tokens = [token for token in match.groups() if token]
        start = match.start()
        if len(tokens) == 3 and not _pair_is_person(tokens, given):
            # "To Marcus Pellham": a capitalised word before the pair is not part of it
            tokens, start = tokens[1:], match.start(2) if match.group(2) else match.start(3)
        following = text[match.end() : match.end() + 40]
        article = _ARTICLE_BEFORE.search(text[max(0, start - 5) : start])
        if article and re.fullmatch(r"\s*&\s*", text[person_end:start]):
            article = None  # the second of two people joined by "&"
        if (
            _pair_is_person(tokens, given)
            and not (following.startswith(" &") and not _person_after_ampersand(following, given))
            and not following.startswith("'s")
            and not article
        ):
            person_end = match.end()
            yield Candidate(start, match.end(), "person_name", "given_surname", PRIORITY)
    role_before = (ROLE_BEFORE.match(text, m.start()) for m in _ROLE_WORD.finditer(text.lower()))
    everyday = common_english_words()
    for matches, recognizer in (
        (GREETING.finditer(text), "greeting"),
        (INTRODUCTION.finditer(text), "introduction"),
        ((match for match in role_before if match), "role_before"),
        (ROLE_AFTER.finditer(text), "role_appositive"),
    ):
        for match in matches:
            tokens = match.group(1).split()
            if tokens[0] in _NOT_NAMES or any(
                token in ORG_WORDS or ORG_SUFFIX.search(token) for token in tokens
            ):
                continue
            if len(tokens) == 1 and tokens[0] in COMMON_WORD_NAMES:
                continue
            if len(tokens) == 1 and tokens[0] not in given and recognizer != "greeting":
                continue
            parenthesised = recognizer == "role_appositive" and "(" in match.group()
            known_parts = tokens[0] in given or tokens[-1] in latin_surnames()
            # "our managing director, Barnaby Quillfeather, has": set off by commas after
            # a role, two or three capitalised words that are no everyday words are a
            # name even when neither part is on a list (rare and invented names).
            set_off = (
                recognizer == "role_before"
                and match.group().split(" ", 1)[0].endswith(",")
                and not any(token in everyday for token in tokens)
            )
            if len(tokens) > 1 and not known_parts and not parenthesised and not set_off:
                continue
            kind = "role_appositive" if recognizer == "role_before" else recognizer
            yield Candidate(match.start(1), match.end(1), "person_name", kind, PRIORITY)
    yield from _pinyin_names(text)
    yield from _lower_case_names(text)
    for match in VOCATIVE.finditer(text):
        if match.group(1) in given:
            yield Candidate(match.start(1), match.end(1), "person_name", "vocative", PRIORITY)
    for match in STANDALONE.finditer(text):
        token = match.group(1)
        if token not in given or not _is_name_token(token):
            continue
        if _tail_of_proper_noun(text, match.start()):
            continue
        before = text[max(0, match.start() - 5) : match.start()]
        after = text[match.end() : match.end() + 4]
        if _ARTICLE_BEFORE.search(before) or after.startswith((" &", "'s ", "’s ", " of ")):
            continue
        if re.match(r"-[a-z]| [A-Z][a-z]", after):
            continue
        yield Candidate(match.start(), match.end(), "person_name", "given_name", PRIORITY - 5)


def _pinyin_names(text: str) -> Iterator[Candidate]:
    for match in PINYIN_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if first in _GREETINGS or first in _FUNCTION_WORDS or first in _NOT_NAMES:
            continue
        following = text[match.end(2) : match.end(2) + 30].split()
        if following and (following[0] in ORG_WORDS or ORG_SUFFIX.search(following[0])):
            continue  # Hang Lung Group
        if is_pinyin_name(first, second):
            yield Candidate(match.start(1), match.end(2), "person_name", "pinyin_name", PRIORITY)


def _lower_case_names(text: str) -> Iterator[Candidate]:
    given = latin_given_names()
    lowered = text.lower()
    if len(lowered) != len(text):
        return  # a character whose lower case is longer (İ): offsets would not match
    for match in LOWER_INTRODUCTION.finditer(lowered):
        if not text[match.start("first") : match.end()].islower():
            continue  # capitalised names are the introduction rule's
        first, last = match.group("first"), match.group("last")
        if first.capitalize() not in given or first.capitalize() in COMMON_WORD_NAMES:
            continue
        if last and (
            last.capitalize() in latin_surnames()
            or (last.capitalize() not in common_english_words() and last not in _LOWER_FUNCTION)
        ):
            yield Candidate(match.start("first"), match.end("last"), "person_name",
                            "lower_case_name", PRIORITY)  # fmt: skip
        elif match.group("cue") in _LONE_NAME_CUES:
            yield Candidate(match.start("first"), match.end("first"), "person_name",
                            "lower_case_name", PRIORITY)  # fmt: skip


#: Lower-case words after a given name that end the name ("talk to anna about it").
_LOWER_FUNCTION = frozenset(
    """about and or but if so then when at on in to for from with by of the a an is was will
    would can could should please tomorrow today tonight now later again too also here there
    yes no ok okay thanks""".split()  # noqa: SIM905
)
