"""Parts of a turn that are not the speaker's message: e-mail sign-offs and signatures.

A signature block ("Best regards, / Name / Quality Manager | Harbor & Vale")
is full of words that are cues elsewhere ("Compliance", "采购总监"), so cues
inside it must not become signals. The block starts at the first line that
is a closing formula, or at a line of the shape "Title | Organisation" near
the end of the message.
"""

from __future__ import annotations

import re

_CLOSING = re.compile(
    r"^[ \t>]*(?:(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes)|regards|cheers|"
    r"thanks(?: again)?|thank you|sincerely(?: yours)?|"
    r"yours(?: sincerely| faithfully| truly)?|best|all the best|"
    r"顺祝商祺|此致|敬礼|祝好|顺颂商祺|谢谢|多谢|祝商祺)[ \t,，!！.。]*$",
    re.I | re.M,
)
_TITLE_BAR = re.compile(r"^[^\n|｜]{2,60}\s[|｜]\s[^\n]{2,80}$", re.M)


def signature_start(text: str) -> int | None:
    """Offset where the sign-off or signature of an e-mail message begins, or None."""
    closing = _CLOSING.search(text)
    if closing and closing.start() > len(text) * 0.3:
        return closing.start()
    bars = list(_TITLE_BAR.finditer(text))
    if bars and bars[-1].start() > len(text) * 0.6:
        line_start = text.rfind("\n", 0, bars[-1].start())
        previous = text.rfind("\n", 0, max(0, line_start))
        return previous + 1 if previous >= 0 else bars[-1].start()
    return None
