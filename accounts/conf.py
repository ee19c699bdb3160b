"""The sign-in policy's numbers, read from settings (which read them from the environment)."""

import datetime as dt

from django.conf import settings


def idle_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DAFTAR_SESSION_IDLE_MINUTES)


def absolute_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.DAFTAR_SESSION_MAX_HOURS)


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.DAFTAR_API_TOKEN_DAYS)


def reauth_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DAFTAR_REAUTH_MINUTES)


def lock_base() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DAFTAR_SIGNIN_LOCK_MINUTES)
