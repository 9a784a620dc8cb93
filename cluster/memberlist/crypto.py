"""Optional AES-GCM keyring (memberlist's security.go format); Alertmanager never enables it."""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["ENCRYPTION_VERSION", "DecryptError", "Keyring"]

ENCRYPTION_VERSION = 1
_NONCE = 12
_TAG = 16


class DecryptError(ValueError):
    """No key in the keyring opened the message."""


def _pkcs7_pad(data: bytes) -> bytes:
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


def _pkcs7_unpad(data: bytes) -> bytes:
    if not data or data[-1] < 1 or data[-1] > 16:
        raise DecryptError("bad padding")
    return data[: -data[-1]]


class Keyring:
    """Keys for gossip encryption; the first is the primary key used to encrypt."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("keyring needs at least one key")
        for k in keys:
            if len(k) not in (16, 24, 32):
                raise ValueError("key size must be 16, 24 or 32 bytes")
        self._keys = list(keys)

    @property
    def primary(self) -> bytes:
        return self._keys[0]

    def encrypt(self, plaintext: bytes, aad: bytes, version: int = ENCRYPTION_VERSION) -> bytes:
        """``[vsn][nonce 12][ciphertext‖tag]`` sealed with the primary key."""
        nonce = os.urandom(_NONCE)
        pt = _pkcs7_pad(plaintext) if version == 0 else plaintext
        return bytes([version]) + nonce + AESGCM(self.primary).encrypt(nonce, pt, aad or None)

    def decrypt(self, message: bytes, aad: bytes) -> bytes:
        """Open ``message`` with any key in the ring."""
        if len(message) < 1 + _NONCE + _TAG:
            raise DecryptError("payload too small to decrypt")
        version = message[0]
        if version > 1:
            raise DecryptError(f"unsupported encryption version {version}")
        nonce, ct = message[1 : 1 + _NONCE], message[1 + _NONCE :]
        for key in self._keys:
            try:
                pt = AESGCM(key).decrypt(nonce, ct, aad or None)
            except InvalidTag:
                continue
            return _pkcs7_unpad(pt) if version == 0 else pt
        raise DecryptError("no installed keys could decrypt the message")

    def encrypt_stream(self, plaintext: bytes, label: bytes) -> bytes:
        """``[10][len u32 BE][vsn][nonce][ct‖tag]`` with AAD = first 5 bytes + label."""
        size = 1 + _NONCE + len(plaintext) + _TAG
        head = bytes([10]) + struct.pack(">I", size)
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(self.primary).encrypt(nonce, plaintext, head + label)
        return head + bytes([ENCRYPTION_VERSION]) + nonce + sealed

    def decrypt_stream(self, head: bytes, body: bytes, label: bytes) -> bytes:
        """Open a stream message given its 5-byte header and the ``len`` bytes after it."""
        return self.decrypt(body, head + label)
