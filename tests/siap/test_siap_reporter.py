"""The reporter's side: the whole flow without JavaScript, receipts, sessions, isolation."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from portal.siap import crypto
from tests.siap.conftest import complaint_data, receipt_of, sentinel


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def follow_form(client, response, selector: str, fill: dict, files: dict | None = None):
    """Submit a form the way a browser without JavaScript does: its own fields, action and method."""
    form = soup(response).select_one(selector)
    assert form is not None, selector
    data: dict = {}
    for tag in form.find_all(["input", "textarea", "select"]):
        name = tag.get("name")
        if not name or tag.get("type") == "file":
            continue
        if tag.name == "textarea":
            data[name] = tag.get_text()
        elif tag.get("type") in ("checkbox", "radio"):
            if tag.has_attr("checked"):
                data[name] = tag.get("value", "y")
        elif tag.name == "select":
            chosen = tag.find("option", selected=True) or tag.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        else:
            data[name] = tag.get("value", "")
    data.update(fill)
    if files:
        assert form.get("enctype") == "multipart/form-data"
        data.update(files)
    action = urljoin(response.request.path, form.get("action") or response.request.path)
    return getattr(client, (form.get("method") or "get").lower())(action, data=data)


def test_whole_reporter_flow_without_javascript(app, member):
    marker = sentinel()
    browser = app.test_client()
    home = browser.get("/siap")
    assert home.status_code == 200 and not soup(home).find("script")
    form_page = browser.get(soup(home).find("a", string=re.compile("Buat pengaduan"))["href"])
    assert "Hapus dulu metadata" in form_page.get_data(as_text=True)  # the reporter is told to strip metadata
    filed = follow_form(
        browser, form_page, "form[enctype]",
        {"kategori": "kode_etik", "peristiwa": marker, "uraian": "Kronologi"},
        files={"berkas": (io.BytesIO(b"bukti " + marker.encode()), "foto.jpg")},
    )
    assert filed.status_code == 303 and filed.headers["Location"] == "/siap/resi"  # post/redirect/get
    filed = browser.get(filed.headers["Location"])
    receipt = receipt_of(filed)
    thread = browser.get(soup(filed).find("a", string=re.compile("Lihat pengaduan saya"))["href"])
    assert marker in thread.get_data(as_text=True) and "Baru" in thread.get_data(as_text=True)
    sent = follow_form(browser, thread, "form[enctype]", {"pesan": "Tambahan keterangan"})
    assert sent.headers["Location"].startswith("/siap/laporan")
    thread = browser.get(sent.headers["Location"])
    assert "Pesan Anda terkirim" in thread.get_data(as_text=True)
    file_link = soup(thread).select_one(".siap-files a")["href"]
    download = browser.get(file_link)
    assert download.data == b"bukti " + marker.encode()
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/octet-stream"
    follow_form(browser, thread, "form.siap-logout", {})
    assert browser.get("/siap/laporan").headers["Location"].endswith("/siap/masuk")

    other = app.test_client()  # later, another browser, with the receipt only
    login_page = other.get("/siap/masuk")
    opened = follow_form(other, login_page, "main form", {"resi": receipt.lower().replace("-", " ")})
    assert opened.headers["Location"] == "/siap/laporan"
    page = other.get("/siap/laporan").get_data(as_text=True)
    assert marker in page and "Tambahan keterangan" in page


def test_receipt_is_shown_once_with_plain_guidance(app, member, file_complaint):
    client, receipt = file_complaint()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", receipt)
    page = client.post("/siap/lapor", data=complaint_data(), follow_redirects=True).get_data(as_text=True)
    for guidance in ("nama pengguna sekaligus kata sandi", "tidak dapat dipulihkan", "Rahasiakan kode resi",
                     "Jangan menuliskan kode resi"):
        assert guidance in page
    for path in ("/siap", "/siap/laporan", "/siap/masuk", "/siap/lapor"):
        text = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert receipt not in text and crypto.normalise_receipt(receipt) not in text


def test_filing_needs_no_identity_and_identity_is_opt_in(app, member):
    client = app.test_client()
    minimal = complaint_data("Antrean dipungut biaya", uraian="…")
    assert client.post("/siap/lapor", data=minimal).status_code == 303
    for identity in ({"nama": "Budi"}, {"kontak": "budi@contoh.id"}):
        clash = client.post("/siap/lapor", data={**minimal, **identity, "kunci": complaint_data()["kunci"]})
        assert clash.status_code == 400 and "tetap anonim" in clash.get_data(as_text=True)
    page = soup(client.get("/siap/lapor"))
    assert page.find("input", attrs={"name": "anonim"}).has_attr("checked")
    assert not page.find("input", attrs={"name": "nama"}).has_attr("required")
    named = {k: v for k, v in complaint_data().items() if k != "anonim"} | {"nama": "Budi", "kontak": "budi@contoh.id"}
    assert client.post("/siap/lapor", data=named).status_code == 303


def test_unknown_and_wrong_receipts_get_the_same_answer(app, member, file_complaint):
    _, receipt = file_complaint()
    compact = crypto.normalise_receipt(receipt)
    wrong = compact[:-1] + ("0" if compact[-1] != "0" else "1")
    answers = []
    for typed in (crypto.new_receipt(), wrong, "ABC", "salah sekali"):
        response = app.test_client().post("/siap/masuk", data={"resi": typed})
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert len(set(answers)) == 1 and answers[0][0] == 401


def test_overlong_receipt_is_refused_before_any_derivation(app, member, monkeypatch):
    from portal.siap import service

    monkeypatch.setattr(service, "open_with_receipt", lambda text: pytest.fail("derived for a 10 kB receipt"))
    response = app.test_client().post("/siap/masuk", data={"resi": "A" * 10_000})
    assert response.status_code == 400


def test_two_reporters_cannot_reach_each_other(app, member, file_complaint):
    alice, _ = file_complaint("Laporan Alice", client=app.test_client())
    bob, _ = file_complaint("Laporan Bob", client=app.test_client())
    alice.post("/siap/laporan/pesan", data={"pesan": "x"}, content_type="multipart/form-data")
    alice.post("/siap/laporan/pesan", data={"pesan": "lampiran", "berkas": (io.BytesIO(b"rahasia-alice"), "a.txt")})
    alice_page = alice.get("/siap/laporan").get_data(as_text=True)
    bob_page = bob.get("/siap/laporan").get_data(as_text=True)
    assert "Laporan Alice" in alice_page and "Laporan Bob" not in alice_page
    assert "Laporan Bob" in bob_page and "Laporan Alice" not in bob_page
    alice_file = soup(alice.get("/siap/laporan")).select(".siap-files a")[-1]["href"]
    assert bob.get(alice_file).status_code == 404  # a reference of another complaint is unknown here
    # a forged complaint id in the form is ignored: the session alone says whose thread it is
    bob.post("/siap/laporan/pesan", data={"pesan": "dari Bob", "complaint_id": "1", "ref": "1"})
    assert "dari Bob" not in alice.get("/siap/laporan").get_data(as_text=True)


def test_session_cookie_is_random_strict_and_server_side(app, member, file_complaint):
    client, receipt = file_complaint()
    cookie = client.get_cookie("siap_pelapor", path="/siap")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict" and cookie.expires is None
    compact = crypto.normalise_receipt(receipt)
    assert compact not in cookie.value and receipt not in cookie.value
    flask_session = client.get_cookie("session")
    assert flask_session is None or compact not in flask_session.value
    token = cookie.value
    client.post("/siap/keluar")
    replay = app.test_client()
    replay.set_cookie("siap_pelapor", token, path="/siap")
    assert replay.get("/siap/laporan").headers["Location"].endswith("/siap/masuk")  # the server forgot it


def test_secure_cookie_on_https(make_app, member):
    from tests.siap.conftest import SIAP_TEST_CONFIG

    del member
    app = make_app(PREFERRED_URL_SCHEME="https", **SIAP_TEST_CONFIG)
    client = app.test_client()
    response = client.post("/siap/masuk", data={"resi": "x"}, base_url="https://localhost")
    assert response.status_code in (400, 401)
    from portal.siap import sessions

    with app.test_request_context("/siap/laporan", base_url="https://localhost"):
        from flask import make_response

        out = make_response("")
        sessions.set_cookie(out, sessions.REPORTER, "abc")
        header = out.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header


def test_idle_reporter_session_expires(app, member, file_complaint):
    from datetime import UTC, datetime

    client, _ = file_complaint()
    assert client.get("/siap/laporan").status_code == 200
    app.config["NOW"] = datetime.now(UTC) + timedelta(minutes=29)
    assert client.get("/siap/laporan").status_code == 200  # each request renews the idle clock
    app.config["NOW"] += timedelta(minutes=31)
    try:
        assert client.get("/siap/laporan").headers["Location"].endswith("/siap/masuk")
    finally:
        app.config["NOW"] = None
