"""Signals core publishes or carries, so features can react without core importing them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent (with the application as sender) after something every public page may show changed:
# announcements, closures, openings. Caches of pages and of the calendar listen to it.
public_content_changed = _signals.signal("public-content-changed")

# Sent by ``flask demo seed`` (the application as sender) once the demo staff exist, with
# ``session`` and ``accounts``: (User, password) pairs. A feature that needs a step of its own
# for demo people (SIAP's key ceremony) takes it here and returns one line for the terminal.
# Never sent anywhere else: no such step ever runs implicitly.
demo_staff_created = _signals.signal("demo-staff-created")
