import pytest
from django_otp.oath import totp


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.DAFTAR_SIGNIN_LOCK_MINUTES = 15


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def clock(monkeypatch):
    """Move the sessions' clock: ``clock.forward(minutes=31)``."""
    import datetime as dt

    from accounts import sessions

    class Clock:
        offset = dt.timedelta()

        def forward(self, **kwargs):
            self.offset += dt.timedelta(**kwargs)

    c = Clock()
    real = sessions.now
    monkeypatch.setattr(sessions, "now", lambda: real() + c.offset.total_seconds())
    return c
