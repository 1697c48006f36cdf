"""The registry of benchmark scenarios: add one ``Scenario`` to ``SCENARIOS`` to measure a new URL.

``run.py`` starts one gunicorn per app named in ``Scenario.app`` ("hello" is the floor every ratio is
computed against, "portal" is ``app:app``), checks each scenario once, warms it up, then drives it
with wrk. Order in the list is the order in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The scenario every ratio is divided by. It must exist and be on the "hello" app.
FLOOR = "hello"

#: The issue's acceptance target for catalog pages: at least half the floor's requests/s.
CATALOG_PAGE_RATIO = 0.50
#: Issue 13's target for the requester's thread page (it was 0.05 at e838070).
THREAD_PAGE_RATIO = 0.20


@dataclass(frozen=True)
class Scenario:
    """One URL to load-test.

    ``min_ratio`` is the target (req/s ÷ floor req/s) shown as PASS/MISS; ``None`` means the row is
    informational. ``headers`` go to wrk as ``-H`` flags (values may name a fixture value of the
    app, e.g. ``"Bearer {api_token}"``); ``method`` and ``body`` reach the wrk Lua script through
    the environment. ``rotate`` names a request list made by the app's fixtures (``run.py``,
    ``seed_fixtures``): wrk then sends those requests one after the other (``wrk_rotate.lua``) and
    ``path``/``method``/``body`` here only label the row. ``expect_status`` is what the pre-flight
    request must return, otherwise the scenario is skipped rather than measuring an error page.
    ``submits``: the list holds ticket submissions whose references wrk records
    (``wrk_mixed.lua``) and ``run.py`` looks up in the database after the run (lost, duplicated).
    ``fault``: "kill-worker" sends SIGKILL to one gunicorn worker during the measured run.
    """

    name: str
    app: str
    path: str
    description: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    min_ratio: float | None = None
    expect_status: int = 200
    rotate: str = ""
    submits: bool = False
    fault: str = ""

    @property
    def label(self) -> str:
        """Return the row label of the report, e.g. ``portal /layanan``."""
        verb = "" if self.method == "GET" else f"{self.method} "
        return f"{self.app} {verb}{self.path}"


SCENARIOS: list[Scenario] = [
    Scenario(FLOOR, "hello", "/", "Minimal Flask app returning a short text: the floor"),
    Scenario(
        "home",
        "portal",
        "/",
        "Home page: chooser of user types, services by family, desk open/closed",
        min_ratio=CATALOG_PAGE_RATIO,
    ),
    Scenario(
        "detail",
        "portal",
        "/layanan/BCSM.02.01",
        "One sub-scope page with eligibility, linked units and requirements",
        min_ratio=CATALOG_PAGE_RATIO,
    ),
    Scenario(
        "article",
        "portal",
        "/faq/BCSM.02.01/konsultasi-pembatalan-koreksi-spp-spm-sp2d",
        "One FAQ article, led by its catalog answer (issue 17): what to do, who, how long, the form button",
        min_ratio=CATALOG_PAGE_RATIO,
    ),
    # Extras: measured so regressions show, but not part of the catalog-page target.
    Scenario("catalog", "portal", "/layanan", "The whole catalog on one page"),
    Scenario("api-catalog", "portal", "/api/v1/catalog", "The whole catalog as JSON (serialised once per worker)"),
    # Tickets (issue 4), on their own portal "portal-nolimit": rate limiting OFF (PORTAL_RATELIMIT_ENABLED
    # =false) so the app is measured, not Flask-Limiter's 429s; its database holds the tickets seeded
    # through the API before the run (bench/tickets.py), plus those ticket-create adds.
    Scenario(
        "ticket-create",
        "portal-nolimit",
        "/api/v1/tickets",
        "A new ticket per request through the channel API: valid JSON bodies of every request type, code "
        "and eligible user type in rotation; validation, due time, SQLite insert, confirmation .eml",
        method="POST",
        headers={"Authorization": "Bearer {api_token}", "Content-Type": "application/json"},
        expect_status=201,
        rotate="ticket-create",
    ),
    Scenario(
        "ticket-api",
        "portal-nolimit",
        "/api/v1/tickets/<ref>",
        "Ticket summary through the API, rotating over the seeded tickets (bearer token)",
        headers={"Authorization": "Bearer {api_token}"},
        rotate="ticket-api",
    ),
    Scenario(
        "ticket-status",
        "portal-nolimit",
        "/status/<ref> (grant cookie)",
        "The requester's private status page (thread), rotating over the seeded tickets; each link was "
        "opened once by the fixtures (token traded for a grant), every request carries that grant cookie",
        min_ratio=THREAD_PAGE_RATIO,
        rotate="ticket-status",
    ),
    # Load and faults (issue 7): the mixed workload, 80 % reading, 15 % search, 5 % submissions
    # (bench/mixed.py), rate limiting off, on SQLite (portal-nolimit) and on PostgreSQL
    # (portal-nolimit-pg, throw-away databases; SKIPPED when no server runs); then the same while one
    # of the two workers is SIGKILLed. Every reference a client received must be in the database.
    *(
        Scenario(
            f"mixed{kill}{db}",
            f"portal-nolimit{db}",
            "<mixed 80/15/5>" + (" + SIGKILL" if kill else ""),
            "80 % pages (catalog, services, FAQ, private status links), 15 % /cari with the judged "
            "queries, 5 % POST /api/v1/tickets with a unique marker each"
            + ("; one worker SIGKILLed mid-run" if kill else ""),
            headers={"Authorization": "Bearer {api_token}", "Content-Type": "application/json"},
            rotate="mixed",
            submits=True,
            fault="kill-worker" if kill else "",
        )
        for db in ("", "-pg")
        for kill in ("", "-kill")
    ),
]
