"""Cryptographic primitives of SIAP: receipts, key derivation, sealing, file streams.

Only libsodium constructions through PyNaCl: X25519 sealed boxes (anonymous sender) for
everything addressed to a key pair, XSalsa20-Poly1305 secret boxes for wrapping with a
derived or random key, Argon2id to derive keys from passwords and receipts, and
XChaCha20-Poly1305 secretstream for files. Nothing here touches the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

from nacl import bindings, pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

__all__ = ["CryptoError"]

# Crockford base32: no I, L, O, U, so nothing can be misread as 1 or 0.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 20 × 5 bits = 100 bits
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)
TEXT_BUCKET = 1024  # sealed text is padded to a multiple of 1 KiB
FILE_CHUNK = 64 * 1024
FILE_BUCKET = 4096
KEY_BYTES = 32
SALT_BYTES = pwhash.argon2id.SALTBYTES


# ---- receipts -------------------------------------------------------------------------


def new_receipt() -> str:
    """Return a fresh receipt: 20 Crockford base32 characters (100 bits) from the OS CSPRNG."""
    # 13 random bytes in standard base32 give 20 full characters (100 bits) and a partial
    # one; the first 20 are re-lettered into Crockford's alphabet.
    return base64.b32encode(secrets.token_bytes(13)).decode()[:RECEIPT_LENGTH].translate(_FROM_RFC4648)


def compact(text: str) -> str:
    """Upper-case ``text``, drop spaces and hyphens, read I/L as 1 and O as 0."""
    return "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)


def normalise_receipt(text: str) -> str | None:
    """Return the canonical receipt typed as ``text``, or None when it cannot be one."""
    value = compact(text)
    if len(value) != RECEIPT_LENGTH or any(c not in ALPHABET for c in value):
        return None
    return value


def format_receipt(receipt: str) -> str:
    """Group a receipt in blocks of four for reading aloud and copying by hand."""
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def keyed_hash(pepper: bytes, purpose: str, value: str) -> bytes:
    """Return ``HMAC-SHA256(pepper, purpose ‖ value)``; the purpose keeps uses apart."""
    return hmac.new(pepper, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()


def lookup_id(pepper: bytes, receipt: str) -> bytes:
    """Return the only form in which a receipt is stored: its peppered HMAC."""
    return keyed_hash(pepper, "lookup", receipt)


def receipt_windows(text: str) -> Iterator[str]:
    """Yield every run of 20 receipt characters in ``text`` (separators ignored).

    Used to refuse a complaint or message that contains its own receipt without the
    server ever knowing the receipt: each window is hashed and compared.
    """
    value = compact(text)
    run: list[str] = []
    for char in value:
        if char in ALPHABET:
            run.append(char)
            if len(run) >= RECEIPT_LENGTH:
                yield "".join(run[-RECEIPT_LENGTH:])
        else:
            run.clear()


# ---- key derivation -------------------------------------------------------------------


class KdfBusy(RuntimeError):
    """Too many key derivations are running; the request should be retried later."""


class Kdf:
    """Argon2id behind a semaphore, so derivations cannot take every worker thread."""

    def __init__(self, memory_kib: int, ops: int, concurrency: int, timeout: float) -> None:
        self.memory_kib = memory_kib
        self.ops = ops
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def derive(self, secret: bytes, salt: bytes, ops: int | None = None, memory_kib: int | None = None) -> bytes:
        """Derive a 32-byte key; parameters default to the configured ones."""
        if not self._slots.acquire(timeout=self.timeout):
            raise KdfBusy("key derivation slots exhausted")
        try:
            return pwhash.argon2id.kdf(
                KEY_BYTES,
                secret,
                salt,
                opslimit=ops or self.ops,
                memlimit=(memory_kib or self.memory_kib) * 1024,
            )
        finally:
            self._slots.release()


def new_salt() -> bytes:
    """Return a random Argon2id salt."""
    return secrets.token_bytes(SALT_BYTES)


# ---- keys, sealing, wrapping ------------------------------------------------------------


def new_keypair() -> tuple[bytes, bytes]:
    """Return a fresh X25519 key pair as ``(private, public)`` bytes."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def seal(public_key: bytes, data: bytes) -> bytes:
    """Encrypt ``data`` so only the holder of the matching private key can read it."""
    return SealedBox(PublicKey(public_key)).encrypt(data)


def unseal(private_key: bytes, blob: bytes) -> bytes:
    """Decrypt a sealed box; raises ``CryptoError`` with the wrong key."""
    return SealedBox(PrivateKey(private_key)).decrypt(blob)


def seal_text(public_key: bytes, text: str) -> bytes:
    """Seal text padded to 1 KiB buckets, so the length only shows to the kilobyte."""
    return seal(public_key, bindings.sodium_pad(text.encode(), TEXT_BUCKET))


def unseal_text(private_key: bytes, blob: bytes) -> str:
    """Open a sealed, padded text."""
    return bindings.sodium_unpad(unseal(private_key, blob), TEXT_BUCKET).decode()


def seal_json(public_key: bytes, value: object) -> bytes:
    """Seal a JSON-serialisable value (padded like text)."""
    return seal_text(public_key, json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def unseal_json(private_key: bytes, blob: bytes) -> Any:
    """Open a sealed JSON value."""
    return json.loads(unseal_text(private_key, blob))


def wrap(key: bytes, data: bytes) -> bytes:
    """Encrypt ``data`` under a 32-byte symmetric key (random nonce prepended)."""
    return SecretBox(key).encrypt(data)


def unwrap(key: bytes, blob: bytes) -> bytes:
    """Decrypt ``wrap``'s output; raises ``CryptoError`` with the wrong key."""
    return SecretBox(key).decrypt(blob)


def fingerprint(public_key: bytes) -> str:
    """Return a short, readable fingerprint of a public key for comparing in person."""
    digest = hashlib.sha256(public_key).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


# ---- files --------------------------------------------------------------------------------


def encrypt_file(public_key: bytes, source: BinaryIO, target: BinaryIO, limit: int) -> tuple[bytes, int]:
    """Stream ``source`` encrypted into ``target``; return the sealed file key and the size.

    A random file key drives XChaCha20-Poly1305 secretstream in 64 KiB chunks, each
    written with a 4-byte length; the last chunk is padded to 4 KiB and tagged final, so
    truncation is detected. Raises ``ValueError`` when more than ``limit`` bytes arrive.
    """
    key = bindings.crypto_secretstream_xchacha20poly1305_keygen()
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    target.write(bindings.crypto_secretstream_xchacha20poly1305_init_push(state, key))
    size = 0
    chunk = source.read(FILE_CHUNK)
    while True:
        size += len(chunk)
        if size > limit:
            raise ValueError("file too large")
        following = source.read(FILE_CHUNK)
        if following:
            block = bindings.crypto_secretstream_xchacha20poly1305_push(state, chunk)
        else:
            padded = bindings.sodium_pad(chunk, FILE_BUCKET)
            tag = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
            block = bindings.crypto_secretstream_xchacha20poly1305_push(state, padded, tag=tag)
        target.write(len(block).to_bytes(4, "big") + block)
        if not following:
            return seal(public_key, key), size
        chunk = following


def decrypt_file(private_key: bytes, sealed_key: bytes, source: BinaryIO) -> bytes:
    """Decrypt a file written by ``encrypt_file``; raises ``CryptoError`` if tampered."""
    key = unseal(private_key, sealed_key)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    header = source.read(bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    parts: list[bytes] = []
    while True:
        length = int.from_bytes(source.read(4) or b"\0", "big")
        block = source.read(length)
        if not length or len(block) != length:
            raise CryptoError("truncated file")
        message, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(state, block)
        if tag == bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            parts.append(bindings.sodium_unpad(message, FILE_BUCKET))
            return b"".join(parts)
        parts.append(message)
