"""No generated request gets a 5xx (issue #13, item 11): the API against its OpenAPI document, every form route.

One test makes every request, so the count it asserts is the count it made:
- schemathesis generates valid and invalid requests for every operation of ``/api/v1/openapi.json``
  and checks each answer against the document (status codes, content types, bodies, headers);
- Hypothesis fills nearly valid ticket bodies for ``POST /api/v1/tickets``, with and without an
  Idempotency-Key, which reach ticket creation (random bodies seldom get past the 422);
- Hypothesis posts generated values for every field name the forms know to every POST form route,
  with a valid CSRF token, as the client that route is for (anonymous, administrator, SIAP member).
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from urllib.parse import quote

import pytest
import schemathesis
from bs4 import BeautifulSoup
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis import checks as st_checks
from wtforms.fields.core import UnboundField

from portal.extensions import db
from tests.siap.conftest import SIAP_TEST_CONFIG, complaint_data

MIN_REQUESTS = 2000
PASSWORD = "kata-sandi-rahasia-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Routes that end the session they are sent with run last, so the others are tried signed in.
SESSION_ENDERS = (
    "auth.logout",
    "auth.change_password",
    "staff.user_active",
    "staff.user_reset",
    "siap_sekretariat.lock",
)


def fuzz(examples: int) -> settings:
    """Settings of each generated batch: no deadline (the machine is shared), no example database."""
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
plausible = st.sampled_from(
    [
        "1",
        "2",
        "5",
        "10",
        "y",
        "on",
        "grant",
        "revoke",
        "2026-12-01",
        "budi@satker.go.id",
        "CRSM.01",
        "HAI-2611-AAAAAAAA",
    ]
)
value = text | plausible | st.from_regex(r"\A[0-9]{1,16}\Z")


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True, **SIAP_TEST_CONFIG)


def field_names() -> list[str]:
    """Every field name of every form class of the application, and the request forms' fields."""
    from portal.tickets.fields import REGISTRY

    names, pending = set(REGISTRY), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names |= {name for klass in cls.__mro__ for name, v in vars(klass).items() if isinstance(v, UnboundField)}
    return sorted(names | {"aksi", "kunci_kirim", "complaint_id", "ref"})


def csrf(client, path: str) -> str:
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    return page.select_one("input[name=csrf_token]")["value"]


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post(
        "/staf/masuk", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/staf/masuk")}
    )
    assert response.status_code == 303, response.status_code
    return client


@pytest.fixture
def world(app, make_user):
    """Accounts, an API token, a ticket and a SIAP complaint for the generated requests to reach."""
    from portal.auth.models import User
    from portal.siap import members

    make_user(email="admin@kemenkeu.go.id", role="admin", units=("Sekretariat DJPb", "Direktorat SITP"))
    member_id = make_user(email="sekretariat@kemenkeu.go.id", role="agen", units=("Sekretariat DJPb",))
    with app.app_context():
        members.init_unit(db.session, db.session.get(User, member_id), PASSWORD)
    token = app.test_cli_runner().invoke(args=["api-token", "create", "fuzz"]).output.strip().splitlines()[-1]
    reporter = app.test_client()
    filed = reporter.post("/siap/lapor", data={**complaint_data(), "csrf_token": csrf(reporter, "/siap/lapor")})
    assert filed.status_code == 303  # to the receipt page
    admin = signed_in(app, "admin@kemenkeu.go.id")
    member = signed_in(app, "sekretariat@kemenkeu.go.id")
    unlocked = member.post(
        "/siap/sekretariat/buka", data={"password": PASSWORD, "csrf_token": csrf(member, "/siap/sekretariat/buka")}
    )
    assert unlocked.status_code == 303
    complaint = re.search(r"/pengaduan/([^\"/]+)\"", member.get("/siap/sekretariat").get_data(as_text=True)).group(1)
    return {"token": token, "admin": admin, "member": member, "complaint": complaint, "reporter": reporter}


def create_ticket_via_api(client, token) -> tuple[str, str]:
    body = {
        "request_type": "pembuatan-tiket",
        "service_code": "CRSM.01",
        "user_type": 1,
        "fields": {"nama": "Budi", "email": "budi@satker.go.id", "subjek": "Reset", "detail": "Akun terkunci."},
    }
    response = client.post("/api/v1/tickets", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["reference"], response.get_json()["status_url"].removeprefix("http://localhost")


def test_the_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    validate(spec)  # openapi-spec-validator picks the 3.1 rules from the "openapi" field
    assert spec["openapi"].startswith("3.1")
    documented = {f"/api/v1{path}" for path in spec["paths"]}
    routed = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in client.application.url_map.iter_rules()}
    assert documented == {r for r in routed if r.startswith("/api/v1/")}  # every API route, and only those


def test_generated_requests_never_get_a_server_error(app, world, caplog):
    statuses: Counter = Counter()
    server_errors: list = []
    started = time.monotonic()
    caplog.set_level(logging.INFO, logger="flask_wtf.csrf")  # Flask-WTF logs each refused token
    refused_tokens: list[str] = []

    def csrf_refusals() -> int:
        return sum(1 for r in caplog.records if r.name == "flask_wtf.csrf")

    def record(where: str, status: int) -> None:
        statuses[status] += 1
        if status >= 500:
            server_errors.append((where, status))

    # 1. schemathesis, against the document the application serves.
    bearer = {"Authorization": f"Bearer {world['token']}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    base = [
        st_checks.not_a_server_error,
        st_checks.status_code_conformance,
        st_checks.content_type_conformance,
        st_checks.response_schema_conformance,
    ]

    def run_operation(operation, mode) -> None:
        checks = base + ([st_checks.response_headers_conformance] if mode is GenerationMode.POSITIVE else [])

        @fuzz(120)
        @given(case=operation.as_strategy(generation_mode=mode))
        def api_case(case):
            case.headers = {**(case.headers or {}), **bearer}
            response = case.call()
            record(operation.label, response.status_code)
            case.validate_response(response, checks=checks)

        api_case()

    for result in schema.get_all_operations():
        operation = result.ok()
        run_operation(operation, GenerationMode.POSITIVE)
        if operation.path_parameters or operation.query or operation.body:  # else nothing can be made invalid
            run_operation(operation, GenerationMode.NEGATIVE)

    # 2. Nearly valid ticket bodies, some replayed with an Idempotency-Key.
    catalog = app.extensions["catalog"]
    pairs = [
        (rtype, code)
        for rtype in app.extensions["request_types"]
        for code in (("CRSM.01", "BCSM.02.01") if "*" in rtype.codes else rtype.codes)
    ]
    fields = st.dictionaries(st.sampled_from(field_names()), value, max_size=8)
    digits = {"kode_satker": 6, "npwp": 15, "nomor_sp2d": 15, "nomor_rekening": 10, "nomor_rekening_supplier": 10}
    good = {
        **{name: st.from_regex(rf"\A[0-9]{{{n}}}\Z") for name, n in digits.items()},
        "email": st.sampled_from(["budi@satker.go.id", "admin@maju.co.id"]),
        "tipe_supplier": st.sampled_from(["badan-usaha", "perorangan", "pegawai", "satker"]),
        "nomor_spm": st.just("SPM-001/2026"),
        "nomor_kontrak": st.just("KTR.12/2026"),
        "nomor_tiket": st.just("HAI-2611-7KQ4M9XD"),
        "subjek": st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=5, max_size=150),
        "detail": st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=10, max_size=400),
    }

    @st.composite
    def ticket_body(draw) -> dict:
        # Mostly plausible values, so that many bodies get past validation to ticket creation.
        rtype, code = draw(st.sampled_from(pairs))
        eligible = sorted(catalog.service_of(code).eligible)
        user_type = draw(st.sampled_from(eligible)) if draw(st.integers(0, 3)) else draw(st.integers(0, 11) | st.none())
        typed = {
            name: draw(good.get(name, text.filter(str.strip))) if draw(st.integers(0, 5)) else draw(value)
            for name in rtype.fields
            if name != "lampiran"
        }
        chosen = draw(
            st.sampled_from([typed, typed, typed, None]) | st.builds(lambda extra: {**typed, **extra}, fields)
        )
        return {
            "request_type": rtype.key,
            "service_code": code,
            "user_type": user_type,
            "fields": chosen or draw(fields),
        }

    @fuzz(230)
    @given(
        body=ticket_body(),
        key=st.none() | st.sampled_from(["fuzz-key-0000000000001", "fuzz-key-0000000000002", "bad key"]),
    )
    def api_body(body, key):
        headers = {**bearer, **({"Idempotency-Key": key} if key else {})}
        record(
            "POST /api/v1/tickets", app.test_client().post("/api/v1/tickets", json=body, headers=headers).status_code
        )

    api_body()

    # 3. Every POST form route, with a valid CSRF token, as the client it is meant for.
    reference, status_link = create_ticket_via_api(app.test_client(), world["token"])
    slug = app.extensions["kb"].for_code("CRSM.01")[0].slug
    real = {"code": "CRSM.01", "type_key": "pembuatan-tiket", "reference": reference, "slug": slug,
            "ref": world["complaint"], "user_id": "2", "action": "cabut"}  # fmt: skip
    anonymous = app.test_client()
    assert anonymous.get(status_link).status_code in (200, 302, 303)  # the requester's grant to the thread
    tokens = {
        "anonymous": csrf(anonymous, "/status"),
        "admin": csrf(world["admin"], "/staf/tiket/baru"),
        "member": csrf(world["member"], f"/siap/sekretariat/pengaduan/{world['complaint']}"),
        "reporter": csrf(world["reporter"], "/siap/lapor"),
    }
    clients = {
        "anonymous": anonymous,
        "admin": world["admin"],
        "member": world["member"],
        "reporter": world["reporter"],
    }
    routes = sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")),
        key=lambda r: (SESSION_ENDERS.index(r.endpoint) if r.endpoint in SESSION_ENDERS else -1, r.endpoint),
    )
    assert len(routes) >= 30

    def who(endpoint: str) -> str:
        if endpoint.startswith("siap_sekretariat."):
            return "member"
        if endpoint.startswith("siap."):
            return "reporter"
        return "admin" if endpoint.split(".")[0] in ("staff", "auth") else "anonymous"

    def run_route(rule) -> None:
        role = who(rule.endpoint)

        @fuzz(42)
        @given(
            data=st.dictionaries(st.sampled_from(names), value, max_size=10),
            args=st.fixed_dictionaries({name: st.just(real.get(name, "1")) | text for name in rule.arguments}),
            upload=st.sampled_from([None, ("lampiran", PDF), ("berkas", b"bukti"), ("lampiran", b"MZ")]),
        )
        def form_post(data, args, upload):
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(args[m.group(1)], safe=""), rule.rule)
            payload = {**data, "csrf_token": tokens[role]}
            if upload:
                payload[upload[0]] = [(io.BytesIO(upload[1]), "bukti.pdf")]
            logged = csrf_refusals()
            response = clients[role].post(path, data=payload, content_type="multipart/form-data")
            record(f"POST {rule.rule}", response.status_code)
            if csrf_refusals() > logged and rule.endpoint not in SESSION_ENDERS:
                refused_tokens.append(rule.rule)

        form_post()

    names = field_names()
    for rule in routes:
        run_route(rule)

    total = sum(statuses.values())
    assert server_errors == [], server_errors[:20]
    assert total >= MIN_REQUESTS, statuses
    assert refused_tokens == []  # the forms themselves answered, not the CSRF check
    assert time.monotonic() - started < 300  # measured ~40 s on the 2-core test machine
