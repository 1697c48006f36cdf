"""The consistency report and ``flask catalog check``."""

from __future__ import annotations

from datetime import date

from portal.catalog.service import consistency_report


def test_report_names_itsm01_contradiction(app):
    findings = consistency_report(app.extensions["catalog"], date(2023, 6, 1))
    itsm01 = [f for f in findings if f.code == "ITSM.01" and f.level == "warning"]
    assert itsm01, findings
    assert "Internal dan Eksternal" in itsm01[0].message
    assert "hanya membuka layanan untuk pengguna internal" in itsm01[0].message


def test_report_flags_internal_service_open_to_external_type(app):
    findings = consistency_report(app.extensions["catalog"], date(2023, 6, 1))
    itsm02 = [f for f in findings if f.code == "ITSM.02" and f.level == "warning"]
    assert itsm02 and "Penyedia Barang/Jasa Pemerintah" in itsm02[0].message


def test_report_warns_when_review_is_overdue(app):
    catalog = app.extensions["catalog"]
    fresh = consistency_report(catalog, date(2023, 12, 31))
    stale = consistency_report(catalog, date(2024, 1, 2))
    assert not any("evaluasi tahunan" in f.message for f in fresh)
    assert any("evaluasi tahunan" in f.message and f.level == "warning" for f in stale)


def test_check_command_reports_and_succeeds(runner):
    result = runner.invoke(args=["catalog", "check", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "12 layanan, 15 sub-lingkup" in result.output
    assert "PERINGATAN: [ITSM.01]" in result.output
    assert "evaluasi tahunan" in result.output
    assert "0 galat" in result.output
    assert "Tanggal acuan: 26-11-2026 (--today)" in result.output


def test_check_without_today_judges_by_the_application_clock(make_app):
    from datetime import UTC, datetime

    runner = make_app(NOW=datetime(2023, 6, 1, 3, 0, tzinfo=UTC)).test_cli_runner()
    result = runner.invoke(args=["catalog", "check"])
    assert "Tanggal acuan: 01-06-2023 (hari ini)" in result.output
    assert "evaluasi tahunan" not in result.output


def test_check_command_fails_on_broken_file(runner, tmp_path):
    broken = tmp_path / "katalog.toml"
    broken.write_text('[catalog]\nversion = "x"\n')
    result = runner.invoke(args=["catalog", "check", "--file", str(broken)])
    assert result.exit_code == 1
    assert "GALAT" in result.output
