"""Verification codes of issued letters: ten symbols, nine random and a check symbol, in the
alphabet and with the Damm check of public tracking references (``workspace.tracking``), so a
mistyped symbol or two swapped neighbours are caught before the database is asked. Shown as
``K7M2Q-X9PT4``. Random, not sequential: a code cannot be guessed from another."""

from __future__ import annotations

import secrets

from workspace import tracking

normalise = tracking.normalise
display = tracking.display
is_valid = tracking.is_valid


def new_code() -> str:
    body = "".join(secrets.choice(tracking.ALPHABET) for _ in range(tracking.BODY_LENGTH))
    return body + tracking.check_character(body)
