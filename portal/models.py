"""Import every model of the help-desk database so metadata (and Alembic) sees all tables.

SIAP's models are deliberately absent: they live in their own bind, with their own
migrations, and nothing outside ``portal.siap`` imports them.
"""

from portal.audit import models as audit_models
from portal.auth import models as auth_models
from portal.chat import models as chat_models
from portal.core import filestore as core_files
from portal.faq import authoring_models as faq_authoring_models
from portal.faq import models as faq_models
from portal.jobs import models as jobs_models
from portal.kb import models as kb_models
from portal.mail import models as mail_models
from portal.notices import models as notices_models
from portal.notifications import models as notifications_models
from portal.performance import models as performance_models
from portal.tickets import language as tickets_language
from portal.tickets import models as tickets_models
from portal.tickets import routing_models

__all__ = [
    "audit_models",
    "auth_models",
    "chat_models",
    "core_files",
    "faq_authoring_models",
    "faq_models",
    "jobs_models",
    "kb_models",
    "mail_models",
    "notices_models",
    "notifications_models",
    "performance_models",
    "routing_models",
    "tickets_language",
    "tickets_models",
]
