"""Replace personal data in a ticket's text by placeholders before it becomes an FAQ draft.

Phone numbers are found by ``phonenumbers`` (Google's libphonenumber metadata for +62/0…
numbers, landlines with area codes and extensions included). No maintained library knows the
Indonesian identifiers, so NIP (18 digits), NIK (16), NPWP (15/16, with dots and dashes),
Kode Satker (6 digits after "satker"), account numbers and the desk's references are matched here. The order
matters: the longer, more specific numbers go first so that a NIP is never half-read as a
phone number; whatever long digit run is left after them is replaced too, because in a
ticket it is almost always someone's number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

NAME, EMAIL, PHONE, NIP, NIK, NPWP = "[nama]", "[surel]", "[telepon]", "[NIP]", "[NIK]", "[NPWP]"
ACCOUNT, SATKER, TICKET, LINK, NUMBER = "[nomor rekening]", "[kode satker]", "[nomor tiket]", "[tautan]", "[nomor]"

_EDGE_L, _EDGE_R = r"(?<![\w.\-])", r"(?![\w\-]|\.\d)"  # a whole number, not a piece of a longer one
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_TICKET = re.compile(r"\b(?:HAI|HA1)-?\d{4}-?[0-9A-Z]{6,10}\b", re.IGNORECASE)
# NPWP: 99.999.999.9-999.999 (15 digits) and its 16-digit form with a leading 0 or the NIK.
_NPWP_FORMATTED = re.compile(_EDGE_L + r"\d{2}\.\d{3}\.\d{3}\.\d[\-.]\d{3}\.\d{3}(?:\.\d{3})?" + _EDGE_R)
_NPWP_LABEL = re.compile(r"(NPWP\W{0,12})(\d[\d.\- ]{13,22}\d)", re.IGNORECASE)
# NIP: 18 digits, often written 19850312 201012 1 001.
_NIP = re.compile(_EDGE_L + r"(?:\d{8}[ .\-]?\d{6}[ .\-]?\d[ .\-]?\d{3})" + _EDGE_R)
_NIK = re.compile(_EDGE_L + r"\d{16}" + _EDGE_R)
_NPWP_PLAIN = re.compile(_EDGE_L + r"\d{15}" + _EDGE_R)
# "rekening BRI 0123-01-…", "no. rek. Bank Mandiri: 1234…": the keyword, maybe a bank's name, the number.
_ACCOUNT = re.compile(r"((?:rekening|no\.?\s*rek\.?|rek\.|account)(?:\W{1,3}(?:bank\s+)?[A-Za-z]{2,12})?\W{0,20})"
                      r"(\d[\d.\- ]{4,24}\d)", re.IGNORECASE)  # fmt: skip
# Six digits after "satker" are a Kode Satker. Six digits alone may be an OTP or some other
# identifier, so they still go, as "[nomor]": calling them a satker code would mislead the
# editor. After "Rp" they are an amount written without dots, and stay.
_SATKER = re.compile(r"(\bsatker\W{0,12})" + r"\d{6}" + _EDGE_R, re.IGNORECASE)
_SIX_DIGITS = re.compile(r"(?<!Rp)(?<!Rp )(?<!Rp\. )" + _EDGE_L + r"\d{6}" + _EDGE_R)
_LONG_NUMBER = re.compile(_EDGE_L + r"(?!\d{1,2}-\d{1,2}-\d{4}(?!\d))\d(?:[\- ]?\d){7,}" + _EDGE_R)
_HONORIFIC = re.compile(
    r"\b(Bapak|Ibu|Pak|Bu|Bpk\.?|Sdr\.?|Sdri\.?|Saudara|Saudari|Mas|Mbak)(\s+)"
    r"((?:[A-Z][a-z'’\-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][a-z'’\-]+|[A-Z]\.)){0,3})"
)
# Words after an honorific that are a position or an office, not a name.
_NOT_NAMES = {"kepala", "pimpinan", "direktur", "kuasa", "bendahara", "operator", "petugas", "pejabat", "admin",
              "satker", "kppn", "kanwil", "tim", "hai", "djpb", "kota", "negara"}  # fmt: skip


def _url(match: re.Match[str]) -> str:
    url = match.group(0)
    # Links with a query, a fragment, a status page or a long random segment carry a token or a ticket.
    tokenish = re.search(r"[?#]|/status/|/tiket|/t/|[A-Za-z0-9_\-]{20,}", url)
    return LINK if tokenish else url


def _honorific(match: re.Match[str]) -> str:
    words = match.group(3).split()
    if words[0].rstrip(".").lower() in _NOT_NAMES:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{NAME}"


def _dialled(raw: str) -> bool:
    # Written as someone dials it (+62…, 62…, 0…, (0…) with an area code: not an amount or a date.
    return re.match(r"\(?(?:\+|62|0)", raw) is not None and len(re.sub(r"\D", "", raw)) >= 9


def _phones(text: str) -> str:
    found = [m for m in phonenumbers.PhoneNumberMatcher(text, "ID", leniency=phonenumbers.Leniency.VALID)
             if _dialled(m.raw_string)]  # fmt: skip
    for m in reversed(found):
        text = text[: m.start] + PHONE + text[m.end :]
    return text


def _names(text: str, names: Iterable[str]) -> str:
    wanted = {n.strip() for n in names if n and n.strip()}
    for item in sorted(wanted, key=len, reverse=True):  # whole names first, in any case
        text = re.sub(rf"(?<!\w){re.escape(item)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    # A part alone ("Bu Sari", "SARI") only capitalised: in lower case it is more often a word ("sari").
    parts = {p for n in wanted for p in re.split(r"[\s,.]+", n) if len(p) >= 3}
    for part in sorted(parts, key=len, reverse=True):
        for form in {part.title(), part.upper(), part}:
            if form[0].isupper():
                text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", NAME, text)
    return re.sub(r"\[nama\](?:\s+\[nama\])+", NAME, text)


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with every piece of personal data it can recognise replaced by a placeholder."""
    text = _URL.sub(_url, text or "")
    text = _EMAIL.sub(EMAIL, text)
    text = _TICKET.sub(TICKET, text)
    text = _NPWP_FORMATTED.sub(NPWP, text)
    text = _NPWP_LABEL.sub(lambda m: m.group(1) + NPWP, text)
    text = _ACCOUNT.sub(lambda m: m.group(1) + ACCOUNT, text)
    text = _NIP.sub(NIP, text)
    text = _NIK.sub(NIK, text)
    text = _NPWP_PLAIN.sub(NPWP, text)
    text = _SATKER.sub(lambda m: m.group(1) + SATKER, text)
    text = _SIX_DIGITS.sub(NUMBER, text)
    text = _phones(text)
    text = _LONG_NUMBER.sub(NUMBER, text)
    text = _names(text, names)
    return _HONORIFIC.sub(_honorific, text)
