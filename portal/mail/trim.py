"""Trimming quoted history and signatures from replies, with mail-parser-reply.

mail-parser-reply (MIT, maintained) splits a body at the quote headers of mail clients, per
language, from tables it keeps in ``MAIL_LANGUAGES``. It ships no Indonesian, so the desk's
language is added here, in the library's own format: Gmail's and Yahoo's "Pada … menulis:",
Outlook's "Dari:/Dikirim:/Kepada:/Subjek:" block, and the usual closings. English stays on
(``include_english``), since many clients in Indonesia run in English. Chosen over
email-reply-parser (English only, no language tables) and talon (unmaintained since 2020, and it
pulls scikit-learn for its signature model).
"""

from __future__ import annotations

from mailparser_reply import constants
from mailparser_reply.parser import EmailMessage

QUOTE = constants.QUOTED_MATCH_INCLUDE
INDONESIAN = {
    # "Pada Sen, 30 Nov 2026 pukul 10.00, Budi <budi@example.com> menulis:" — a long header may
    # wrap once, so the name and "menulis:" can sit on the next line.
    "wrote_header": r"^(" + QUOTE + r"Pada\s(?:.+?\s?.+?)\s?menulis\s?:)$",
    "from_header": r"((?:(?:^|\n|\n"
    + QUOTE
    + r")[* ]*(?:Dari|Dikirim|Kepada|Subjek|Perihal|Tanggal|Cc|Tembusan):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
    "disclaimers": [r"(?:Pemberitahuan|Peringatan|Penafian|Disclaimer)\s?:"],
    "signatures": [
        r"Salam(?:\shormat)?,",
        r"Hormat\s(?:saya|kami),",
        r"Terima\s?kasih[,.!]?$",
        r"Wassalam",
    ],
    "sent_from": "Dikirim dari|Sent from my|Get Outlook for",
}
constants.MAIL_LANGUAGES.setdefault("id", INDONESIAN)


def latest_reply(text: str) -> str:
    """The newest part of a reply: quoted history, signature and disclaimers removed.

    Falls back to the whole text when trimming would leave nothing (a message that is only a
    forwarded quote still says something to staff).
    """
    if not text.strip():
        return ""
    message = EmailMessage(text=text, languages=["id"], keep_hyphen_lists=True).read()
    newest = message.replies[0].body if message.replies else ""
    return newest.strip() or text.strip()
