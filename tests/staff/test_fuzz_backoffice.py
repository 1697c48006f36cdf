"""No malformed input gives a 500 on the back-office pages added for issue 6."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.staff.conftest import signed_in

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
ids = st.sampled_from(["1", "0", "-1", "¹", "٣", "99999999999999999999", "x", ""]) | text
FIELDS = {
    "/staf/balasan": ["reply_id", "service", "title", "body"],
    "/staf/balasan/hapus": ["item_id"],
    "/staf/kalender/pengumuman": ["an-title", "an-body", "an-starts_on", "an-ends_on"],
    "/staf/kalender/pengumuman/hapus": ["item_id"],
    "/staf/kalender/hari": ["hr-day", "hr-kind", "hr-reason", "hr-announce"],
    "/staf/kalender/hari/hapus": ["item_id"],
    "/staf/admin/pengguna": ["akun-email", "akun-name", "akun-role", "akun-units", "akun-user_type"],
    "/staf/admin/pengguna/status": ["user_id", "active"],
    "/staf/tiket/baru?kode=CRSM.01&jenis=pembuatan-tiket": ["kanal", "pengguna", "nama", "email", "subjek"],
}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(path=st.sampled_from(sorted(FIELDS)), values=st.lists(ids, min_size=5, max_size=5))
def test_posts_never_500(app, people, path, values):
    admin = signed_in(app, "admin@kemenkeu.go.id")  # an administrator may use every one of them
    data = dict(zip(FIELDS[path], values, strict=False))
    assert admin.post(path, data=data).status_code < 500, (path, data)


@SETTINGS
@given(kode=text, jenis=text, ubah=ids)
def test_gets_never_500(app, people, kode, jenis, ubah):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert admin.get("/staf/tiket/baru", query_string={"kode": kode, "jenis": jenis}).status_code < 500
    assert admin.get("/staf/balasan", query_string={"ubah": ubah}).status_code < 500
    assert admin.get("/staf/dasbor", query_string={"x": kode}).status_code < 500
