"""Signals core publishes or carries, so features can react without core importing them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent (with the application as sender) after something every public page may show changed:
# announcements, closures, openings. Caches of pages and of the calendar listen to it.
public_content_changed = _signals.signal("public-content-changed")
