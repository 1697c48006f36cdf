"""A Secretariat member who changes their account password keeps their SIAP access."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.siap.models import KeySession, MemberKey, SiapAuditEvent
from tests.siap.conftest import only_ref, sentinel

NEW = "kalimat sandi sekretariat yang baru"


def test_member_keeps_access_with_the_new_password(app, member, member_client, file_complaint):
    secret = sentinel()
    file_complaint(secret)
    ref = only_ref(member_client)
    with app.app_context():
        before = db.session.get(MemberKey, member.id)
        wrapped, salt = before.wrapped_private_key, before.salt

    response = member_client.post(
        "/staf/kata-sandi", data={"current": member.password, "new": NEW, "confirm": NEW}
    )
    assert response.status_code == 303
    # The change locks the workspace like signing out does: the unlocked key does not outlive it.
    assert member_client.get("/siap/sekretariat").headers["Location"].endswith("/siap/sekretariat/buka")
    with app.app_context():
        assert db.session.scalars(select(KeySession).where(KeySession.user_id == member.id)).all() == []
        after = db.session.get(MemberKey, member.id)
        assert after.wrapped_private_key != wrapped and after.salt != salt, "re-wrapped with a fresh salt"
        actions = db.session.scalars(select(SiapAuditEvent.action)).all()
        assert "kunci_anggota_dibungkus_ulang" in actions

    assert member_client.post("/siap/sekretariat/buka", data={"password": member.password}).status_code == 401
    response = member_client.post("/siap/sekretariat/buka", data={"password": NEW})
    assert response.headers["Location"].endswith("/siap/sekretariat")
    assert secret in member_client.get(f"/siap/sekretariat/pengaduan/{ref}").get_data(as_text=True)
