"""SIAP cryptography: receipts, sealing, padding, file streams, the key-derivation gate."""

from __future__ import annotations

import io
import threading
import time

import pytest

from portal.siap import crypto


def test_receipts_are_20_crockford_characters_without_collisions():
    receipts = {crypto.new_receipt() for _ in range(100_000)}
    assert len(receipts) == 100_000  # ~100 bits each: a collision here means a broken generator
    assert all(len(r) == 20 and set(r) <= set(crypto.ALPHABET) for r in receipts)
    assert not set("ILOU") & set("".join(receipts))
    # every character shows up: the generator draws from the whole alphabet
    assert set("".join(receipts)) == set(crypto.ALPHABET)


def test_receipt_normalisation_follows_crockford():
    receipt = "0123456789ABCDEFGHJK"
    typed = "o123-4567 89ab cdef ghjk"
    assert crypto.normalise_receipt(typed) == receipt
    assert crypto.normalise_receipt("i1L1" + receipt[4:]) == "1111" + receipt[4:]
    assert crypto.normalise_receipt(crypto.format_receipt(receipt)) == receipt
    assert crypto.format_receipt(receipt) == "0123-4567-89AB-CDEF-GHJK"
    for bad in ("", "0123", receipt + "0", "U" + receipt[1:], "!" + receipt[1:]):
        assert crypto.normalise_receipt(bad) is None


def test_lookup_is_a_peppered_hmac():
    receipt = crypto.new_receipt()
    a, b = b"p" * 32, b"q" * 32
    assert crypto.lookup_id(a, receipt) == crypto.lookup_id(a, receipt)
    assert crypto.lookup_id(a, receipt) != crypto.lookup_id(b, receipt)  # another pepper finds nothing
    assert receipt.encode() not in crypto.lookup_id(a, receipt)
    assert crypto.keyed_hash(a, "throttle", receipt) != crypto.lookup_id(a, receipt)


def test_receipt_windows_find_a_receipt_written_any_way():
    receipt = crypto.new_receipt()
    for written in (receipt, crypto.format_receipt(receipt).lower(), f"kode saya: {crypto.format_receipt(receipt)}."):
        assert receipt in set(crypto.receipt_windows(written))
    # ordinary words form candidate windows too; they are only compared, by HMAC, never kept
    assert receipt not in set(crypto.receipt_windows("kalimat biasa tanpa kode apa pun di dalamnya"))


def test_sealed_text_is_padded_to_kilobyte_buckets_and_needs_the_key():
    private, public = crypto.new_keypair()
    other, _ = crypto.new_keypair()
    short, longer = crypto.seal_text(public, "a"), crypto.seal_text(public, "a" * 1000)
    assert len(short) == len(longer)  # both fit one 1 KiB bucket
    assert len(crypto.seal_text(public, "a" * 1100)) == len(short) + 1024
    assert crypto.unseal_text(private, longer) == "a" * 1000
    with pytest.raises(crypto.CryptoError):
        crypto.unseal_text(other, short)


def test_admin_without_a_grant_cannot_open_a_complaint_key():
    unit_private, unit_public = crypto.new_keypair()
    complaint_private, complaint_public = crypto.new_keypair()
    for_unit = crypto.seal(unit_public, complaint_private)
    admin_private, _ = crypto.new_keypair()
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(admin_private, for_unit)
    assert crypto.unseal(unit_private, for_unit) == complaint_private


def test_wrapped_key_opens_only_with_the_derived_key():
    kdf = crypto.Kdf(64, 1, 2, 5)
    salt = crypto.new_salt()
    key = kdf.derive(b"receipt", salt)
    blob = crypto.wrap(key, b"secret")
    assert crypto.unwrap(kdf.derive(b"receipt", salt), blob) == b"secret"
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap(kdf.derive(b"other", salt), blob)


@pytest.mark.parametrize("size", [0, 1, 65536, 65537, 200_000])
def test_file_stream_round_trip(size):
    private, public = crypto.new_keypair()
    data = bytes(i % 251 for i in range(size))
    out = io.BytesIO()
    sealed_key, written = crypto.encrypt_file(public, io.BytesIO(data), out, limit=10**6)
    assert written == size
    assert size < 64 or data[:64] not in out.getvalue()
    assert crypto.decrypt_file(private, sealed_key, io.BytesIO(out.getvalue())) == data


def test_file_stream_detects_truncation_tampering_and_overflow():
    private, public = crypto.new_keypair()
    out = io.BytesIO()
    sealed_key, _ = crypto.encrypt_file(public, io.BytesIO(b"x" * 150_000), out, limit=10**6)
    blob = out.getvalue()
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_file(private, sealed_key, io.BytesIO(blob[:70_000]))
    tampered = bytearray(blob)
    tampered[100] ^= 1
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_file(private, sealed_key, io.BytesIO(bytes(tampered)))
    with pytest.raises(ValueError):
        crypto.encrypt_file(public, io.BytesIO(b"x" * 2000), io.BytesIO(), limit=1000)


def test_key_derivations_wait_for_a_free_slot(monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()

    def slow_kdf(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return b"k" * 32

    monkeypatch.setattr(crypto.pwhash.argon2id, "kdf", slow_kdf)
    kdf = crypto.Kdf(64, 1, concurrency=2, timeout=5)
    threads = [threading.Thread(target=kdf.derive, args=(b"x", b"s" * 16)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_key_derivation_gives_up_when_every_slot_stays_busy(monkeypatch):
    monkeypatch.setattr(crypto.pwhash.argon2id, "kdf", lambda *a, **k: time.sleep(0.3) or b"k" * 32)
    kdf = crypto.Kdf(64, 1, concurrency=1, timeout=0.05)
    worker = threading.Thread(target=kdf.derive, args=(b"x", b"s" * 16))
    worker.start()
    time.sleep(0.05)
    with pytest.raises(crypto.KdfBusy):
        kdf.derive(b"y", b"s" * 16)
    worker.join()


def test_member_keys_have_readable_fingerprints():
    _, public = crypto.new_keypair()
    fp = crypto.fingerprint(public)
    assert len(fp.split()) == 5 and fp == crypto.fingerprint(public)
