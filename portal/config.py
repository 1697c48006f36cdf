"""Configuration defaults and the layering rules applied by the app factory.

Order (later wins): the class defaults below, ``instance/config.py``, ``PORTAL_*``
environment variables (values parsed as JSON where possible), then the mapping a
caller (usually a test) passes to ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from portal.core.files import private_dir, private_opener

if TYPE_CHECKING:
    import flask


class Config:
    """Class defaults: an embedded deployment that runs with no settings at all."""

    # Filled in by ``finalise`` when left empty: SQLite files inside the instance folder.
    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY = ""
    # Apply pending Alembic migrations when the app starts (embedded default). Turn off in
    # production and run ``flask db upgrade`` during the deploy instead.
    AUTO_MIGRATE = True
    # Alembic's "Running upgrade …" INFO lines: shown with ``--verbose`` on a flask command, or always when True.
    MIGRATIONS_VERBOSE = False
    CATALOG_FILE = "katalog-2023.0.toml"
    # The service manager's amendments and readings of that catalog (portal/catalog/).
    AMENDMENTS_FILE = "amandemen-2023.0.toml"
    REQUEST_TYPES_FILE = "permintaan.toml"
    # Knowledge base: articles default to kb/ of the checkout, the index to instance/kb_index.
    KB_INDEX_PATH = ""
    KB_GLOSSARY = ""
    # FAQ authoring: load kb/ into the empty FAQ tables on the first start; let a unit with a
    # single staff member publish its own articles (otherwise a second person, its lead, must).
    FAQ_IMPORT_ON_START = True
    FAQ_SINGLE_MEMBER_PUBLISH = True
    FAQ_FOLLOW_SECONDS = 2.0  # how often a process looks for FAQ changes published elsewhere
    # Cookie-less visits of a cached public page: copies of the last such response, kept this
    # long, each with its own CSRF token and cookie (portal/core/fastpage.py).
    FAST_PAGES = True
    FAST_PAGE_SECONDS = 1.0

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"

    # Security: set PREFERRED_URL_SCHEME=https behind TLS to get HSTS and Secure cookies.
    PREFERRED_URL_SCHEME = "http"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    # Forms on no-referrer pages (the requester's thread, SIAP) post without a Referer, which
    # Flask-WTF's HTTPS Referer check refuses; core.security checks Sec-Fetch-Site instead.
    WTF_CSRF_SSL_STRICT = False

    # Requests: attachments are checked one by one so a too-big file gives a message and
    # keeps what was typed; MAX_CONTENT_LENGTH only stops absurd bodies.
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    ATTACHMENT_MAX_COUNT = 5
    STATUS_LINK_DAYS = 30
    # A browser keeps a thread open this long after the private link or the e-mail check.
    STATUS_GRANT_HOURS = 12
    # "Tiket saya": the e-mailed link works once within this many minutes, and opens the list
    # (and the threads reached from it) for this long.
    MY_TICKETS_LINK_MINUTES = 30
    MY_TICKETS_SESSION_MINUTES = 60

    # Incoming mail (flask mail ingest / fetch): see README "E-mail to the desk".
    MAIL_INBOUND_MAX_BYTES = 20 * 1024 * 1024  # a bigger message gets a reply saying so
    MAIL_REOPEN_DAYS = 7  # a reply reopens a ticket resolved this recently (the web form's rule)
    MAIL_AUTO_REPLY_PER_HOUR = 5  # automatic replies to one address per hour, then silence
    MAIL_PORTAL_URL = "https://hai.kemenkeu.go.id"  # links in replies written outside a request
    MAIL_IMAP_HOST = ""
    MAIL_IMAP_PORT = 993  # IMAP over TLS only
    MAIL_IMAP_USER = ""
    MAIL_IMAP_PASSWORD = ""
    MAIL_IMAP_CA_FILE = ""  # a private CA's certificate; empty: the system's trust store
    MAIL_IMAP_FOLDER = "INBOX"
    MAIL_IMAP_DONE_FOLDER = "Diproses"  # handled messages move here; empty: flag them \Seen
    MAIL_IMAP_TIMEOUT = 30
    MAIL_IMAP_GRACE_SECONDS = 300  # a message another run stored is left to that run this long

    MAIL_SENDER = "HAI-DJPb <hai.djpb@kemenkeu.go.id>"  # the e-mail channel of section B.1
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_TIMEOUT = 15
    # Flask-Mailman backend; empty: SMTP when MAIL_SERVER is set, else .eml files in instance/outbox.
    MAIL_BACKEND = ""
    MAIL_REPLY_TO = "hai.djpb@kemenkeu.go.id"  # replies come back to the desk's mailbox (B.1)
    MAIL_MESSAGE_ID_DOMAIN = ""  # the portal's domain in Message-IDs; empty: the sender's domain
    # Deliver what a request queued right after its commit (best effort; failures are retried by
    # ``flask mail send``). Turn off to leave all sending to the cron job.
    MAIL_SEND_AFTER_REQUEST = True
    MAIL_MAX_ATTEMPTS = 8  # then the message is "gagal" and shown to administrators
    MAIL_RETRY_BASE_SECONDS = 60  # waits of 1, 2, 4, 8 … minutes between attempts
    MAIL_RETRY_MAX_SECONDS = 6 * 3600
    MAIL_CLAIM_SECONDS = 600  # a sending run's lease on the rows it took

    # Routing: the unit whose agents and leads run the help desk itself (HAI-DJPb is run by the
    # directorate of the CIO, who issues the catalog). They may open and route every ticket; ""
    # leaves routing to each ticket's own unit. Forwards get one reminder after this many working days.
    HELP_DESK_UNIT = "Direktorat SITP"
    FORWARD_REMIND_DAYS = 2
    # Waiting on the requester (portal/tickets/waiting.py): one reminder after this many working
    # days, and the ticket closes after REQUESTER_CLOSE_DAYS (a reply within REOPEN_DAYS reopens it).
    REQUESTER_REMIND_DAYS = 3
    REQUESTER_CLOSE_DAYS = 10

    # Shared stores (issue 21). Embedded default: limits and caches inside each process. Several
    # nodes (or workers) need one Redis: REDIS_URL fills the two settings below left at their
    # defaults, or set each on its own (CACHE_* are Flask-Caching's settings).
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"
    # Redis unreachable: count in this process meanwhile (limits stay, if looser) rather than fail.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    CACHE_TYPE = "SimpleCache"
    CACHE_KEY_PREFIX = "portal:"
    # How often a node asks the shared store whether public content changed elsewhere (seconds).
    SHARED_CHECK_SECONDS = 0.5
    # Where ticket attachments are kept: "local" (instance/uploads) or "database" (table stored_file).
    FILE_STORE = "local"
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front that set X-Forwarded-For/-Proto (0: none, the headers are ignored,
    # so nobody can spoof an address past the per-client limits by sending them).
    PROXY_FIX_X_FOR = 0


def apply_environment(config: flask.Config, prefix: str = "PORTAL") -> None:
    """Overlay ``PORTAL_*`` environment variables onto ``config``.

    Flask's ``from_prefixed_env`` does the JSON parsing; this wrapper only exists so the
    factory reads as a list of layers.
    """
    config.from_prefixed_env(prefix)


def finalise(config: dict, instance_path: str) -> None:
    """Fill in settings that depend on the instance folder.

    The secret key is generated once and kept in ``instance/secret_key`` so sessions
    survive restarts of an embedded install; production sets ``PORTAL_SECRET_KEY``.
    """
    instance = private_dir(instance_path)  # 0700: databases, uploads and the outbox live here
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    if not config.get("SECRET_KEY"):
        key_file = instance / "secret_key"
        if not key_file.exists():
            # Write the key completely, then link it into place: link() fails when another
            # worker got there first, and nobody ever reads a half-written key.
            tmp = instance / f".secret_key.{os.getpid()}"
            with open(tmp, "w", opener=private_opener) as fh:
                fh.write(secrets.token_hex(32))
            try:
                os.link(tmp, key_file)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        config["SECRET_KEY"] = key_file.read_text().strip()
    redis_url = config.get("REDIS_URL")
    if redis_url:
        if config.get("RATELIMIT_STORAGE_URI", "memory://") == "memory://":
            config["RATELIMIT_STORAGE_URI"] = redis_url
        if config.get("CACHE_TYPE", "SimpleCache") == "SimpleCache":
            config["CACHE_TYPE"] = "RedisCache"
            config.setdefault("CACHE_REDIS_URL", redis_url)
    if config.get("PREFERRED_URL_SCHEME") == "https":
        config["SESSION_COOKIE_SECURE"] = True
