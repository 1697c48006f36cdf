"""The rules that replace personal data by placeholders before a ticket becomes an FAQ draft."""

from __future__ import annotations

import pytest

from portal.faq.scrub import scrub


@pytest.mark.parametrize(
    ("text", "placeholder", "gone"),
    [
        ("Hubungi saya di budi.s+uji@satker.kemenkeu.go.id ya", "[surel]", "budi.s"),
        ("HP 0812-3456-7890", "[telepon]", "3456"),
        ("HP 081234567890", "[telepon]", "081234567890"),
        ("WA +62 812 3456 7890", "[telepon]", "3456"),
        ("WA 6281234567890", "[telepon]", "6281234567890"),
        ("kantor (021) 3865130 ext. 5", "[telepon]", "3865130"),
        ("NIP 198503122010121001", "[NIP]", "198503122010121001"),
        ("NIP 19850312 201012 1 001", "[NIP]", "201012"),
        ("NIK 3174012345678901", "[NIK]", "3174012345678901"),
        ("NPWP 01.234.567.8-901.000", "[NPWP]", "567.8"),
        ("NPWP: 0012345678901234", "[NPWP]", "0012345678901234"),
        ("npwp 012345678901234", "[NPWP]", "012345678901234"),
        ("no. rek. 1234-5678-90", "[nomor rekening]", "5678"),
        ("rekening Bank Mandiri 123.00.0456789.1", "[nomor rekening]", "0456789"),
        ("satker 527010 di Jakarta", "[kode satker]", "527010"),
        ("Kode Satker: 527010", "Kode Satker: [kode satker]", "527010"),
        ("kode OTP 482913 tidak masuk", "OTP [nomor] tidak", "482913"),
        ("tiket HAI-2611-7KQ4M9XD kemarin", "[nomor tiket]", "7KQ4M9XD"),
        ("buka https://hai.djpb.go.id/status/HAI-2611-7KQ4M9XD?t=abc", "[tautan]", "t=abc"),
        ("lihat https://contoh.go.id/unduh/Zx9Qk2LmP0aB7cD4eF6g", "[tautan]", "Zx9Qk2"),
        ("nomor lain 99887766554433", "[nomor]", "99887766554433"),
        ("Terima kasih Bapak Ahmad Fauzi.", "Bapak [nama]", "Ahmad"),
        ("Salam, Bu Sri R. Lestari", "Bu [nama]", "Lestari"),
        ("Dengan Sdr. Joko", "Sdr. [nama]", "Joko"),
    ],
)
def test_each_kind_of_personal_data_is_replaced(text, placeholder, gone):
    result = scrub(text)
    assert placeholder in result and gone not in result, result


def test_names_the_ticket_knows_are_replaced_whole_and_in_part():
    result = scrub("Dari siti rahmawati. Terima kasih, Siti. RAHMAWATI.", names=["Siti Rahmawati"])
    assert "siti" not in result.lower() and "rahmawati" not in result.lower()
    assert result.count("[nama]") == 3
    # A part of a name in lower case is a word, and stays: "sari" (juice) is not Bu Sari.
    assert scrub("Sari menjelaskan inti sari aturan.", names=["Sari Dewi"]) == "[nama] menjelaskan inti sari aturan."


@pytest.mark.parametrize(
    "text",
    [
        "Biaya Rp 1.500.000 dibayar tanggal 06-12-2026 pukul 10.00 WIB, tahun anggaran 2026.",
        "Terima kasih Bapak/Ibu. Silakan buka https://hai.djpb.kemenkeu.go.id/faq/CRSM.01 untuk panduan.",
        "Yth. Bapak Kepala Satker, kode billing dan NTPN ada di menu Monitoring.",
        "Versi 2023.0 berlaku; norma 8 s.d. 16 jam kerja; lihat BCSM.02.01.",
        "Tagihan Rp 150000 dan Rp150000 sudah dibayar.",
    ],
)
def test_what_is_not_personal_is_kept(text):
    assert scrub(text) == text
