"""The parser reads the corpus of real-world-shaped messages the way a reader would."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.mail import guards, parse, trim

CORPUS = Path(__file__).resolve().parent / "corpus"


def read(name: str) -> parse.Parsed:
    return parse.parse((CORPUS / name).read_bytes())


def test_outlook_html_becomes_text_without_markup_or_script():
    mail = read("outlook_html.eml")
    assert (mail.sender_name, mail.sender) == ("Siti Rahmawati", "siti.rahmawati@satker.go.id")
    assert 'Muncul pesan "User terkunci".' in mail.text
    assert "Kode Satker  123456" in mail.text
    assert "<" not in mail.text and "alert" not in mail.text and "MsoNormal" not in mail.text
    assert guards.no_reply_reason(mail) is None


def test_indonesian_webmail_reply_is_trimmed_to_the_new_text():
    mail = read("webmail_reply_id.eml")
    assert mail.reply == "Sudah saya coba, tetapi masih gagal. Mohon dibantu kembali."
    assert "menulis" in mail.text and "Salam" in mail.text
    assert mail.references == ("ORIGINAL-ID@hai.kemenkeu.go.id",)
    assert mail.message_id == "CAF=ab12cd34ef56@mail.gmail.com"


def test_outlook_indonesian_header_block_is_trimmed():
    text = (
        "Oke, sudah bisa.\n\nDari: HAI-DJPb <hai@x.go.id>\nDikirim: Senin, 30 November 2026 10.00\n"
        "Kepada: Budi\nSubjek: RE: tiket\n\nYth. Budi"
    )
    assert trim.latest_reply(text) == "Oke, sudah bisa."


def test_trimming_keeps_hyphen_lists_and_never_empties_a_message():
    assert trim.latest_reply("Data:\n- satu\n- dua") == "Data:\n- satu\n- dua"
    only_quote = "Pada Sen, 30 Nov 2026 pukul 10.00 HAI menulis:\n> teks lama"
    assert trim.latest_reply(only_quote) != ""


def test_multipart_pdf_keeps_the_files_as_sent():
    mail = read("multipart_pdf.eml")
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("Surat Permohonan.pdf", "application/pdf"),
        ("setup.exe", "application/x-msdownload"),
    ]
    assert mail.attachments[0].content.startswith(b"%PDF-1.4")


def test_iso_8859_1_body_and_encoded_words_are_decoded():
    mail = read("latin1.eml")
    assert mail.sender_name == "André Wijaya"
    assert mail.subject == "Pertanyaan tentang rékening penerimaan"
    assert "Biaya £ 10 sudah dibayar à la banque." in mail.text


def test_base64_subject_is_decoded():
    mail = read("base64_subject.eml")
    assert mail.subject == "Permintaan data SP2D — bulan November (mendesak) ✓"
    assert mail.sender_name == "Dewi Lestari Ñ"


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated; owner-email=x@y", "Auto-Submitted: auto-generated"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: junk", "Precedence: junk"),
        ("Precedence: list", "Precedence: list"),
        ("X-Autoreply: yes", "x-autoreply"),
        ("List-Id: <pengumuman.example.com>", "list-id"),
    ],
)
def test_robot_headers_forbid_an_automatic_reply(extra, reason):
    raw = f"From: a@example.com\nSubject: x\n{extra}\n\nteks\n".encode()
    assert guards.no_reply_reason(parse.parse(raw)) == reason


def test_a_person_with_auto_submitted_no_may_get_a_reply():
    raw = b"From: a@example.com\nSubject: x\nAuto-Submitted: no\nPrecedence: first-class\n\nteks\n"
    assert guards.no_reply_reason(parse.parse(raw)) is None


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "postmaster@example.com"])
def test_mail_systems_get_no_reply(sender):
    raw = f"From: {sender}\nSubject: x\n\nteks\n".encode()
    assert guards.no_reply_reason(parse.parse(raw)) == "MAILER-DAEMON/postmaster"


def test_auto_reply_in_the_corpus_is_recognised():
    assert guards.no_reply_reason(read("auto_reply.eml")) == "Auto-Submitted: auto-replied"


def test_dsn_names_the_failed_address_and_the_original_message():
    mail = read("dsn_bounce.eml")
    assert mail.bounce == parse.Bounce(
        ("tidak.ada@satker.go.id",), ("ORIGINAL-ID@hai.kemenkeu.go.id",), "smtp; 550 5.1.1 User unknown"
    )
    assert mail.attachments == ()
    assert guards.no_reply_reason(mail) is not None


@pytest.mark.parametrize(
    "raw",
    [
        (CORPUS / "broken_mime.eml").read_bytes(),
        b"",
        b"\x00\x01\x02 not a message",
        b"Subject: no sender\n\nbody\n",
        b"From: not an address\nSubject: x\n\nbody\n",
        b"From: a@example.com\nContent-Type: multipart/mixed\n\nno boundary at all\n",
    ],
)
def test_unreadable_messages_are_refused_for_quarantine(raw):
    with pytest.raises(parse.Unparseable):
        parse.parse(raw)
