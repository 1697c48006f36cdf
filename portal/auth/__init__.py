"""Staff and internal accounts: sign-in, roles, units, ``flask users …``.

Other features receive accounts from ``portal.auth.service`` and may name their type and roles
from here; they never query this package's tables themselves.
"""

from portal.auth.models import ROLE_AGENT, ROLE_LEAD, User

__all__ = ["ROLE_AGENT", "ROLE_LEAD", "User"]
