"""E-mails to requesters: confirmation, new links, staff replies, approval decisions, resolution."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _

from portal.core import mail
from portal.core.mail import send_mail
from portal.core.timefmt import format_wib
from portal.tickets.models import Ticket


def status_link(ticket: Ticket, token: str) -> str:
    """The private link that opens the ticket's thread."""
    return url_for("tickets.thread", reference=ticket.reference, t=token, _external=True)


def letter(ticket: Ticket, *paragraphs: str) -> str:
    """Frame the lines of a message with the greeting and the signature."""
    return mail.letter(ticket.requester_name, *paragraphs)


def _send(ticket: Ticket, subject: str, body: str) -> None:
    send_mail(current_app, ticket.requester_email, f"[{ticket.reference}] {subject}", body)


def confirmation_body(ticket: Ticket, token: str, service_name: str) -> str:
    """The confirmation text (also used by staff-registered requests)."""
    return letter(
        ticket,
        _("Permintaan Anda telah kami terima."),
        "",
        _("Nomor tiket: %(ref)s", ref=ticket.reference),
        _("Layanan: %(code)s %(name)s", code=ticket.code, name=service_name),
        _("Subjek: %(subject)s", subject=ticket.subject),
        _("Diterima: %(when)s", when=format_wib(ticket.received_at)),
        (
            _("Menunggu persetujuan pengelola layanan HAI-DJPb; norma waktu dihitung sejak persetujuan.")
            if ticket.status.awaits_approval
            else _("Perkiraan selesai: %(when)s", when=format_wib(ticket.due_at))
        ),
        "",
        _("Pantau status dan balas percakapan melalui tautan pribadi berikut (jangan dibagikan):"),
        status_link(ticket, token),
        "",
        _("Perkiraan selesai dihitung dalam jam kerja HAI-DJPb (Senin–Jumat 08.00–16.00 WIB, kecuali hari libur)."),
    )


def send_confirmation(ticket: Ticket, token: str, service_name: str) -> None:
    """E-mail the confirmation to the requester."""
    _send(ticket, _("Permintaan Anda telah diterima"), confirmation_body(ticket, token, service_name))


def send_new_link(ticket: Ticket, token: str) -> None:
    """E-mail a renewed private link."""
    body = letter(
        ticket,
        _("Berikut tautan pribadi baru untuk tiket %(ref)s. Tautan lama tidak berlaku lagi.", ref=ticket.reference),
        status_link(ticket, token),
    )
    _send(ticket, _("Tautan status baru"), body)


def send_staff_reply(ticket: Ticket, reply: str) -> None:
    """E-mail a public reply of staff (the thread needs the private link or reference + e-mail)."""
    body = letter(
        ticket,
        _("Petugas HAI-DJPb membalas tiket %(ref)s:", ref=ticket.reference),
        "",
        reply,
        "",
        _("Lihat percakapan dan balas di halaman Cek Status (nomor tiket dan alamat e-mail Anda):"),
        url_for("tickets.status", _external=True),
    )
    _send(ticket, _("Balasan dari HAI-DJPb"), body)


def send_resolved(ticket: Ticket, token: str) -> None:
    """Tell the requester the ticket is resolved; the new private link leads to the survey."""
    body = letter(
        ticket,
        _("Tiket %(ref)s telah diselesaikan.", ref=ticket.reference),
        _("Bila masih ada yang kurang, balas dalam 7 hari dan tiket akan dibuka kembali."),
        "",
        _("Mohon beri penilaian atas layanan kami (1–5) melalui tautan pribadi baru ini:"),
        status_link(ticket, token),
    )
    _send(ticket, _("Tiket selesai"), body)


def send_approval_decision(ticket: Ticket, approved: bool, reason: str) -> None:
    """Tell the requester of a broadcast (BMSM.01) whether the service manager approved it."""
    if approved:
        body = letter(
            ticket,
            _("Permintaan broadcast pada tiket %(ref)s disetujui pengelola layanan HAI-DJPb.", ref=ticket.reference),
            _("Norma waktu dihitung sejak persetujuan. Perkiraan selesai: %(when)s", when=format_wib(ticket.due_at)),
            *(("", reason) if reason else ()),
        )
        _send(ticket, _("Permintaan broadcast disetujui"), body)
        return
    body = letter(
        ticket,
        _("Permintaan broadcast pada tiket %(ref)s tidak disetujui pengelola layanan HAI-DJPb.", ref=ticket.reference),
        _("Alasan:"),
        reason,
        "",
        _("Permintaan broadcast yang tidak memperoleh persetujuan tidak termasuk komponen layanan BMSM.01."),
    )
    _send(ticket, _("Permintaan broadcast tidak disetujui"), body)
