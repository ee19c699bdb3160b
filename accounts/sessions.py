"""Stamps kept in a staff session: when it signed in, when it was last seen, when the person
last confirmed who they are (password or second factor) for approving, issuing, signing."""

from __future__ import annotations

from django.utils import timezone

from accounts import conf

SIGNED_IN_AT = "daftar_signed_in_at"
SEEN_AT = "daftar_seen_at"
CONFIRMED_AT = "daftar_confirmed_at"
SEEN_GRANULARITY = 60  # seconds: the idle stamp is rewritten at most once a minute


def now() -> float:
    return timezone.now().timestamp()


def stamp_sign_in(session) -> None:
    t = now()
    session[SIGNED_IN_AT] = t
    session[SEEN_AT] = t
    session[CONFIRMED_AT] = t


def stamp_confirmed(session) -> None:
    session[CONFIRMED_AT] = now()


def expired(session) -> str:
    """ "idle", "absolute" or "" (still good). Stamps the visit when it is a new minute."""
    t = now()
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:  # a session from before this policy: it starts now
        stamp_sign_in(session)
        return ""
    if t - signed_in > conf.absolute_lifetime().total_seconds():
        return "absolute"
    seen = session.get(SEEN_AT, signed_in)
    if t - seen > conf.idle_timeout().total_seconds():
        return "idle"
    if t - seen >= SEEN_GRANULARITY:
        session[SEEN_AT] = t
    return ""


def recently_confirmed(session) -> bool:
    at = session.get(CONFIRMED_AT)
    return at is not None and now() - at <= conf.reauth_window().total_seconds()
