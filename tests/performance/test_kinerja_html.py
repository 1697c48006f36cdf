"""/kinerja before and with figures is valid HTML (the public sweep sees it before any snapshot exists)."""

from __future__ import annotations

from tests.performance.test_kinerja import app, run_job  # noqa: F401  (the same desk)
from tests.test_html_valid import nu_errors, save_page


def test_the_page_with_figures_is_valid_html(app, known, tmp_path):  # noqa: F811
    files: dict = {}
    save_page(files, tmp_path, "/kinerja?belum-dihitung", app.test_client().get("/kinerja").data)
    run_job(app)
    response = app.test_client().get("/kinerja")
    assert response.status_code == 200
    save_page(files, tmp_path, "/kinerja", response.data)
    assert nu_errors(files) == []
