""""Tiket saya" (/tiket-saya): every ticket of an address, through a single-use e-mailed link.

The answer to the form is the same whether or not the address has tickets (a redirect to the
same page); the link's token is traded for a server-side list grant by a POST from the page the
link opens, so a mail scanner that fetches links does not use it up, and the token leaves the
address bar at once (the access log redacts ``t=`` as for the private thread link). Signed-in
accounts see their own tickets without the e-mail step.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from functools import partial

from flask import abort, current_app, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.service import AuthError, normalise_email
from portal.core.clock import now
from portal.core.security import no_referrer
from portal.extensions import db, limiter
from portal.tickets import grants, mine, notify, service
from portal.tickets.forms import MyTicketsEndForm, MyTicketsForm, MyTicketsOpenForm

# Per client and, separately, per address asked about: both count every POST of the form.
CLIENT_LIMIT = "5 per 10 minutes;30 per day"
ADDRESS_LIMIT = "3 per hour;10 per day"
OPEN_LIMIT = "20 per minute;200 per day"


def _address() -> str | None:
    try:
        return normalise_email(request.form.get("email", "")[:254])
    except AuthError:
        return None


def _address_key() -> str:
    # Keyed on an HMAC of the address as sign-in normalises it, so the limiter stores no address.
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"tiket-saya:" + (_address() or "-").encode(), hashlib.sha256).hexdigest()
    return f"tiket-saya:{digest}"


def _signed_in_list():
    tickets = mine.tickets_of(db.session(), current_user.email, current_user.id)
    return render_template("tickets/mine.html", tickets=tickets, signed_in=True)


@limiter.limit(CLIENT_LIMIT, methods=["POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"], key_func=_address_key)
def mine_page():
    """Ask for the address (signed-in accounts: their list at once); always the same answer."""
    if request.method == "GET" and current_user.is_authenticated:
        return _signed_in_list()
    form = MyTicketsForm()
    address = _address() if request.method == "POST" and form.validate() else None
    if request.method == "POST" and address is None and not form.errors:
        form.email.errors = [_("Alamat e-mail tidak valid.")]  # syntax only: it says nothing about tickets
    if address is None:
        sent = request.method == "GET" and request.args.get("terkirim") == "1"
        return render_template("tickets/mine.html", form=form, sent=sent), 422 if form.errors else 200
    minutes = current_app.config["MY_TICKETS_LINK_MINUTES"]
    session = db.session()
    queue = partial(notify.queue_my_tickets_link, session, address, minutes=minutes)
    mine.request_link(session, address, now(), minutes, queue)
    return redirect(url_for("tickets.mine_page", terkirim=1), 303)


@limiter.limit(OPEN_LIMIT)
@no_referrer
def mine_open():
    """The e-mailed link: GET shows one button, whose POST uses the link and opens the list."""
    form = MyTicketsOpenForm()
    if request.method == "GET":
        token = request.args.get("t", "")[:100]
        usable = bool(token) and mine.link_is_usable(db.session(), token, now())
        form.t.data = token if usable else ""
        page = render_template("tickets/mine_open.html", form=form, usable=usable, retry=MyTicketsForm())
        return page, 200 if usable else 410
    secret = None
    if form.validate():
        minutes = current_app.config["MY_TICKETS_SESSION_MINUTES"]
        secret = mine.redeem(db.session(), form.t.data, now(), minutes)
    if secret is None:
        return render_template("tickets/mine_open.html", form=form, usable=False, retry=MyTicketsForm()), 410
    cookie[mine.COOKIE_KEY] = secret
    return redirect(url_for("tickets.mine_list"), 303)


def mine_list():
    """The list opened by the link, while its session lasts."""
    if current_user.is_authenticated:
        return redirect(url_for("tickets.mine_page"), 303)
    live = mine.grant(db.session(), cookie.get(mine.COOKIE_KEY), now())
    if live is None:
        return render_template("tickets/mine.html", form=MyTicketsForm(), ended=True), 403
    tickets = mine.tickets_of(db.session(), live.email)
    return render_template("tickets/mine.html", tickets=tickets, until=live.expires_at, end_form=MyTicketsEndForm())


def mine_thread(reference: str):
    """Open one thread from the list: a thread grant that ends no later than the list session."""
    ticket = service.find(db.session(), reference)
    moment = now()
    live = mine.grant(db.session(), cookie.get(mine.COOKIE_KEY), moment)
    if ticket is not None and live is not None and ticket.requester_email.lower() == live.email:
        hours = (live.expires_at - moment) / timedelta(hours=1)
    elif ticket is not None and current_user.is_authenticated and _own(ticket):
        hours = current_app.config["STATUS_GRANT_HOURS"]
    else:
        abort(404)
    grants.remember(ticket.reference, grants.create(db.session(), ticket, moment, hours, token_hash=None))
    return redirect(url_for("tickets.thread", reference=ticket.reference), 303)


def _own(ticket) -> bool:
    return ticket.requester_user_id == current_user.id or ticket.requester_email.lower() == current_user.email


def mine_end():
    """End the list session in this browser."""
    mine.end(db.session(), cookie.pop(mine.COOKIE_KEY, None))
    return redirect(url_for("tickets.mine_page"), 303)
