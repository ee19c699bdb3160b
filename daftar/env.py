"""The one place Daftar reads its environment.

Every setting that can change between a laptop and production is read here, with a typed
helper and an embedded default that needs no server. ``settings.py`` imports ``CONFIG`` and
never touches ``os.environ`` itself.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_env = environ.Env()


def _var_dir() -> Path:
    path = Path(os.environ.get("DAFTAR_VAR_DIR", BASE_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _embedded_secret_key(var_dir: Path) -> str:
    """A random key kept in var/, so an embedded install needs no configuration."""
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _trusted_proxy_count() -> int | None:
    raw = _env.str("DAFTAR_TRUSTED_PROXY_COUNT", default="").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 10:
        raise ImproperlyConfigured(
            "DAFTAR_TRUSTED_PROXY_COUNT must be a whole number from 0 to 10."
        )
    return int(raw)


def _letters_signing(production: bool, var_dir: Path) -> dict:
    """How issued letters are signed: ``pkcs11`` (a token or HSM), ``file`` (a key file and
    its certificate), or ``local-ca`` (a demo CA made in var/; refused in production)."""
    default = "file" if production else "local-ca"
    signer = _env.str("DAFTAR_LETTERS_SIGNER", default=default)
    if signer not in {"pkcs11", "file", "local-ca"}:
        raise ImproperlyConfigured("DAFTAR_LETTERS_SIGNER must be pkcs11, file or local-ca.")
    if production and signer == "local-ca":
        raise ImproperlyConfigured("Letters cannot be signed by the demo CA in production.")
    conf = {
        "signer": signer,
        "local_ca_dir": str(var_dir / "letters-ca"),
        "key_file": _env.str("DAFTAR_LETTERS_KEY_FILE", default=""),
        "key_passphrase": _env.str("DAFTAR_LETTERS_KEY_PASSPHRASE", default=""),
        "cert_file": _env.str("DAFTAR_LETTERS_CERT_FILE", default=""),
        "chain_files": _env.list("DAFTAR_LETTERS_CHAIN_FILES", default=[]),
        "trust_roots": _env.list("DAFTAR_LETTERS_TRUST_ROOTS", default=[]),
        "pkcs11_module": _env.str("DAFTAR_LETTERS_PKCS11_MODULE", default=""),
        "pkcs11_token": _env.str("DAFTAR_LETTERS_PKCS11_TOKEN", default=""),
        "pkcs11_key_label": _env.str("DAFTAR_LETTERS_PKCS11_KEY_LABEL", default=""),
        "pkcs11_cert_label": _env.str("DAFTAR_LETTERS_PKCS11_CERT_LABEL", default=""),
        "pkcs11_pin": _env.str("DAFTAR_LETTERS_PKCS11_PIN", default=""),
        # The token signs a digest hashed here (CKM_ECDSA, CKM_RSA_PKCS), for tokens without
        # hash-and-sign mechanisms (SoftHSM, many smart cards).
        "pkcs11_raw": _env.bool("DAFTAR_LETTERS_PKCS11_RAW", default=False),
    }
    return conf


@dataclass(frozen=True)
class Config:
    production: bool
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    var_dir: Path
    database: dict
    s3: dict | None
    elasticsearch_url: str
    redis_url: str
    tasks_backend: str
    email_url: str
    site_url: str
    extra: dict = field(default_factory=dict)


def read_config() -> Config:
    """Read the environment once. ``DAFTAR_ENV=production`` turns on the strict checks."""
    mode = _env.str("DAFTAR_ENV", default="embedded")
    if mode not in {"embedded", "production"}:
        raise ImproperlyConfigured("DAFTAR_ENV must be 'embedded' or 'production'.")
    production = mode == "production"
    var_dir = _var_dir()

    secret_key = _env.str("SECRET_KEY", default="")
    if not secret_key:
        if production:
            raise ImproperlyConfigured("SECRET_KEY must be set when DAFTAR_ENV=production.")
        secret_key = _embedded_secret_key(var_dir)

    database_url = _env.str("DATABASE_URL", default="")
    if production and not database_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
    if database_url:
        database = environ.Env.db_url_config(database_url)
        database.setdefault("CONN_MAX_AGE", _env.int("DATABASE_CONN_MAX_AGE", default=60))
        database["CONN_HEALTH_CHECKS"] = True
    else:
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(var_dir / "daftar.sqlite3"),
            # WAL lets the demo server read while a seed or task writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }

    bucket = _env.str("S3_BUCKET", default="")
    s3 = None
    if bucket:
        s3 = {
            "bucket_name": bucket,
            "endpoint_url": _env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": _env.str("S3_REGION", default="") or None,
            "access_key": _env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": _env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        }

    tasks_backend = _env.str("TASKS_BACKEND", default="database" if production else "inline")
    if tasks_backend not in {"inline", "database"}:
        raise ImproperlyConfigured("TASKS_BACKEND must be 'inline' or 'database'.")

    hosts_default = [] if production else ["localhost", "127.0.0.1", "[::1]", "testserver"]
    allowed_hosts = _env.list("ALLOWED_HOSTS", default=hosts_default)
    if production and not allowed_hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DAFTAR_ENV=production.")

    media_root = _env.str("MEDIA_ROOT", default=str(var_dir / "media"))
    static_root = _env.str("STATIC_ROOT", default=str(var_dir / "static"))
    for path in (media_root, static_root):
        Path(path).mkdir(parents=True, exist_ok=True)

    return Config(
        production=production,
        debug=_env.bool("DEBUG", default=False) and not production,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=_env.list("CSRF_TRUSTED_ORIGINS", default=[]),
        var_dir=var_dir,
        database=database,
        s3=s3,
        elasticsearch_url=_env.str("ELASTICSEARCH_URL", default=""),
        redis_url=_env.str("REDIS_URL", default=""),
        tasks_backend=tasks_backend,
        email_url=_env.str("EMAIL_URL", default=""),
        site_url=_env.str("SITE_URL", default="http://127.0.0.1:8000"),
        extra={
            "media_root": media_root,
            "static_root": static_root,
            "secure_ssl_redirect": _env.bool("SECURE_SSL_REDIRECT", default=production),
            # Behind reverse proxies: see daftar/client_ip.py. None = not set (check --deploy
            # warns in production); 0 = clients reach Daftar directly.
            "client_ip_header": _env.str("DAFTAR_CLIENT_IP_HEADER", default=""),
            "trusted_proxy_count": _trusted_proxy_count(),
            # Signing in (accounts/): sessions that end, tokens that expire, the lockout.
            "session_idle_minutes": _env.int("DAFTAR_SESSION_IDLE_MINUTES", default=30),
            "session_max_hours": _env.int("DAFTAR_SESSION_MAX_HOURS", default=12),
            "api_token_days": _env.int("DAFTAR_API_TOKEN_DAYS", default=30),
            "reauth_minutes": _env.int("DAFTAR_REAUTH_MINUTES", default=15),
            "signin_failure_limit": _env.int("DAFTAR_SIGNIN_FAILURE_LIMIT", default=5),
            "signin_lock_minutes": _env.int("DAFTAR_SIGNIN_LOCK_MINUTES", default=15),
            "mfa_exempt_below_level": _env.int("DAFTAR_MFA_EXEMPT_BELOW_LEVEL", default=0),
            # Observability (daftar/observability.py)
            "log_format": _env.str("DAFTAR_LOG_FORMAT", default="text"),
            "metrics_token": _env.str("DAFTAR_METRICS_TOKEN", default=""),
            "slow_query_ms": _env.int("DAFTAR_SLOW_QUERY_MS", default=500),
            "sentry_dsn": _env.str("SENTRY_DSN", default=""),
            # Signing issued letters (letters/keys.py; README "Letters").
            "letters": _letters_signing(production, var_dir),
        },
    )


CONFIG = read_config()
