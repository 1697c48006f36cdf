"""E-mails to requesters: confirmation, new links, staff replies, resolution."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
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
        _("Perkiraan selesai: %(when)s", when=format_wib(ticket.due_at)),
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


def send_transferred(ticket: Ticket, service_name: str) -> None:
    """Tell the requester their ticket moved to another service, and its new due time."""
    body = letter(
        ticket,
        _("Tiket %(ref)s dipindahkan ke layanan yang sesuai dengan permintaan Anda.", ref=ticket.reference),
        "",
        _("Layanan: %(code)s %(name)s", code=ticket.code, name=service_name),
        _("Perkiraan selesai: %(when)s", when=format_wib(ticket.due_at)),
        "",
        _("Perkiraan selesai dihitung dalam jam kerja HAI-DJPb (Senin–Jumat 08.00–16.00 WIB, kecuali hari libur)."),
    )
    _send(ticket, _("Tiket Anda dipindahkan ke layanan lain"), body)


def send_forward_reminder(ticket: Ticket, to_email: str, to_name: str, unit: str, sent_at) -> None:
    """Remind staff that a linked unit has not acknowledged a forwarded request."""
    body = mail.letter(
        to_name,
        _(
            "Tiket %(ref)s diteruskan ke %(unit)s pada %(when)s, tetapi penerimaannya belum dikonfirmasi.",
            ref=ticket.reference,
            unit=unit,
            when=format_wib(sent_at),
        ),
        _("Mohon tindak lanjuti dengan unit tersebut dan catat konfirmasinya di back office:"),
        _staff_link(ticket),
    )
    send_mail(current_app, to_email, f"[{ticket.reference}] " + _("Penerusan belum dikonfirmasi"), body)


def _staff_link(ticket: Ticket) -> str:
    # From cron there is no request: a full link needs SERVER_NAME, else the path must do.
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("staff.ticket", reference=ticket.reference, _external=True)
    return f"/staf/tiket/{ticket.reference}"


def send_my_tickets_link(address: str, token: str, minutes: int) -> None:
    """E-mail the single-use link that opens every ticket of ``address`` ("Tiket saya")."""
    link = url_for("tickets.mine_open", t=token, _external=True)
    body = mail.letter(
        _("Bapak/Ibu"),
        _("Anda (atau seseorang) meminta daftar tiket HAI-DJPb untuk alamat %(email)s.", email=address),
        _("Buka tautan berikut untuk melihat semua tiket Anda. Tautan hanya dapat dipakai sekali dan berlaku "
          "%(minutes)s menit (jangan dibagikan):", minutes=minutes),
        link,
        "",
        _("Jika Anda tidak memintanya, abaikan e-mail ini; tidak ada yang berubah."),
    )
    send_mail(current_app, address, _("Daftar tiket Anda di HAI-DJPb"), body)
