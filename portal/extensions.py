"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from portal.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
login_manager = LoginManager()
mail = Mail()

# The base class of every model. ``db.Model`` is an attribute, which a type checker cannot take
# as a base class; Flask-SQLAlchemy builds it at runtime from ``Base``'s bases plus its own
# mixins (query property, table naming, binds), so statically it is ``Base``.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
