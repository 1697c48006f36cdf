"""The user type a visitor chose ("Saya adalah …"), remembered in the Flask session, no account.

The choice is asked once: the home chooser and the catalog filter store it, the catalog and the
request forms preselect it. Pages that show it are cached per visitor state
(``portal.core.pagecache``), so visitors without a choice still share one cached copy.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from portal.catalog.models import Catalog, UserType
from portal.core.numbers import to_int

SESSION_KEY = "pengguna"


def remember(session: MutableMapping[str, Any], catalog: Catalog, raw: str | None) -> UserType | None:
    """Store the user type numbered ``raw`` for this session; an empty or unknown value forgets it."""
    number = to_int((raw or "").strip(), 1, len(catalog.user_types))
    user_type = catalog.user_type(number) if number else None
    if user_type is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = user_type.id
    return user_type


def chosen(session: MutableMapping[str, Any], catalog: Catalog) -> UserType | None:
    """The user type this session chose, or None."""
    value = session.get(SESSION_KEY)
    return catalog.user_type(value) if isinstance(value, int) else None
