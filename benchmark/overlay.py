"""Settings the benchmark runs under, in process (``override_settings``) and in the gunicorn
server it starts (``benchmark.settings``), so both measure the same configuration.

- ``ROOT_URLCONF`` adds the floor view in front of Daftar's own URLs;
- ``DEBUG`` off, as in production (no query log unless the harness asks for one);
- background tasks go to the database queue, as in production: a move enqueues its search
  reindex instead of running it inside the request (``TASKS_BACKEND=database``);
- mail and the complaints' SMS are kept in memory (``locmem``, ``MemoryBackend``), not
  printed among the figures;
- the public tracking lookup's rate limits are lifted, since every benchmark request comes
  from one address and the limits would otherwise answer 429 after 30 lookups.
"""

from __future__ import annotations

UNLIMITED = (1_000_000_000, 60)

OVERRIDES = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
    "ROOT_URLCONF": "benchmark.urls",
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    "DAFTAR_TRACKING_CLIENT_LIMIT": UNLIMITED,
    "DAFTAR_TRACKING_REFERENCE_LIMIT": UNLIMITED,
    # The entity users' invitations and the complaints' acknowledgements stay in memory, not
    # printed among the figures by the console backend of the embedded default.
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "DAFTAR_SMS_BACKEND": "complaints.notify.MemoryBackend",
}

# Only while the demo seeds create their officers: PBKDF2 costs ~0.5 s a user on this machine,
# which is the attacker's problem, not the benchmark's.
FAST_HASHERS = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
