"""Which second-factor device a session passed, without a query of its own.

django-otp's ``OTPMiddleware`` reads the device a session verified with
(``Device.from_persistent_id``) on every signed-in request: one query on every staff page and
API call. ``SecondFactorDeviceMiddleware`` does what it does (``request.user.otp_device``,
``request.user.is_verified()``, the session's device id dropped when the device is gone) but
takes the answer from the signed-in user's own read: on PostgreSQL the ids of the user's
*confirmed* devices of each kind are read in the same statement as the user
(``accounts.backends.register_user_annotation``, an ``ARRAY(SELECT …)`` per device
model). So it is never stale: a device removed or not confirmed is not in the arrays of the
next request, and that request is not verified, exactly as before.

``request.user.otp_device`` is then the device built from what is known (id, user,
``confirmed``) with ``Model.from_db``; any other field (its name, its key) is deferred and
read from the database if something asks for it. A user read without the arrays (SQLite) is
checked by django-otp's own read; an id that names no device model verifies nothing.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import OuterRef
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from accounts.backends import register_user_annotation

KNOWN = ("id", "user_id", "confirmed")


def _annotation(model) -> str:
    return f"otp_confirmed_{model._meta.app_label}_{model._meta.model_name}"


@functools.cache
def device_models() -> dict:
    """``{"app_label.model_name": model}`` of every installed device model."""
    return {
        m._meta.label_lower: m
        for m in apps.get_models()
        if issubclass(m, Device) and not m._meta.abstract
    }


def register() -> None:
    """Read the ids of the user's confirmed devices with the user (PostgreSQL only: an array
    per device model). Called from ``AccountsConfig.ready``."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.expressions import ArraySubquery

    for model in device_models().values():
        register_user_annotation(
            _annotation(model),
            ArraySubquery(
                model.objects.filter(user=OuterRef("pk"), confirmed=True)
                .order_by("pk")
                .values("pk")
            ),
        )


def _normalise(persistent_id: str) -> str:
    # As django-otp does: ids written by old versions carried the full import path.
    if persistent_id.count(".") > 1:
        parts = persistent_id.split(".")
        return ".".join((parts[-3], parts[-1]))
    return persistent_id


def device_of(user, persistent_id: str):
    """The confirmed device ``persistent_id`` names if it is ``user``'s, else None."""
    label, _sep, pk = _normalise(persistent_id).rpartition("/")
    model = device_models().get(label)
    if model is None:  # no such device model (django-otp would fail on another model's id)
        return None
    confirmed = getattr(user, _annotation(model), None)
    if confirmed is None:  # not read with the user: ask as django-otp does
        device = Device.from_persistent_id(_normalise(persistent_id))
    elif pk.isdigit() and int(pk) in confirmed:
        device = model.from_db(DEFAULT_DB_ALIAS, KNOWN, (int(pk), user.pk, True))
    else:
        device = None
    if device is not None and (device.user_id != user.pk or not device.confirmed):
        device = None
    return device


def _verify(request, user):
    user.otp_device = None
    user.is_verified = functools.partial(is_verified, user)
    if user.is_authenticated:
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = device_of(user, persistent_id) if persistent_id else None
        if device is None and DEVICE_ID_SESSION_KEY in request.session:
            del request.session[DEVICE_ID_SESSION_KEY]
        user.otp_device = device
    return user


class SecondFactorDeviceMiddleware:
    """In place of ``django_otp.middleware.OTPMiddleware`` (after Django's
    ``AuthenticationMiddleware``): ``request.user.otp_device`` and ``is_verified()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(_verify, request, user))
        return self.get_response(request)
