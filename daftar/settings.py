"""Daftar settings.

Everything that varies between machines comes from ``daftar.env.CONFIG``; this module only
turns that into Django settings. With no environment at all Daftar runs embedded: SQLite in
``var/``, papers on local disk, the database search backend and background tasks run inline.
"""

import hashlib
import os
import warnings

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from daftar.env import BASE_DIR, CONFIG

# pyHanko (issued letters, signature checks) imports cryptography's DSA names, which warns on
# every command; Daftar signs with RSA/ECDSA only, so the warning says nothing to an operator.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko.*")

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
DAFTAR_PRODUCTION = CONFIG.production
DAFTAR_SITE_URL = CONFIG.site_url

INSTALLED_APPS = [
    # Daftar's own apps come first so their templates win over the libraries'.
    "kernel",
    "organisation",
    "workspace",
    "workflows",
    "documents",
    "search",
    "cgu",
    "portal_pages",
    "complaints",
    "letters",
    "daftar.ops",
    # Tools beside the product, for their management commands only: the demo data
    # (seed_demo, totp_code) and the benchmark (benchmark, search_bench). No app imports them.
    "demo",
    "benchmark",
    # Wagtail (the public site)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Workflows, API, tasks
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Signing in: lockout, second factor, sessions and tokens that end (after the admin, so
    # its admin module can take the libraries' device pages off). See accounts/.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    # Request id, officer id on log lines, request metrics (daftar/observability.py).
    "daftar.observability.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer, static files included.
    "daftar.csp.DaftarCSPMiddleware",
    "daftar.middleware.PermissionsPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, with the session's device checked from the user's own read
    # (accounts/otp.py): no query of its own.
    "accounts.otp.SecondFactorDeviceMiddleware",
    "daftar.middleware.NoStoreForStaff",
    "daftar.middleware.RefuseNulBytes",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signing in (accounts/): sessions that end; nothing without the second factor.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Entity users (cgu.EntityUser) reach their portal, never the desk.
    "cgu.middleware.EntityUsersStayHome",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a lockout that django-axes noted on the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "daftar.urls"
WSGI_APPLICATION = "daftar.wsgi.application"
ASGI_APPLICATION = "daftar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspace.context_processors.desk",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first (accounts/backends.py): refuses every door's authenticate() while the
    # account or client is locked out.
    "accounts.backends.LockoutBackend",
    # Django's ModelBackend, reading the signed-in user by a compiled query.
    "accounts.backends.UserBackend",
    # Answers "may this user act for this post?" for Viewflow's per-post task permissions.
    "workspace.auth_backends.PostHoldingBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "login"

# Signing in (accounts/, issue 18). Lockout: django-axes counts failures per account and per
# client address, on every door (staff sign-in, API token, Django's and Wagtail's admin).
AXES_FAILURE_LIMIT = CONFIG.extra["signin_failure_limit"]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"  # grows with each lockout in a day
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_ip"  # Daftar's one client-address rule
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in Daftar's audit trail instead
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "otp", "secret"]
DAFTAR_SIGNIN_LOCK_MINUTES = CONFIG.extra["signin_lock_minutes"]
# Second factor (django-otp): required for everyone; levels below this one may be exempted.
DAFTAR_MFA_EXEMPT_BELOW_LEVEL = CONFIG.extra["mfa_exempt_below_level"]
OTP_TOTP_ISSUER = "Daftar"
# Staff sessions end after this idle time and in any case after this lifetime.
DAFTAR_SESSION_IDLE_MINUTES = CONFIG.extra["session_idle_minutes"]
DAFTAR_SESSION_MAX_HOURS = CONFIG.extra["session_max_hours"]
SESSION_COOKIE_AGE = DAFTAR_SESSION_MAX_HOURS * 3600
# Approving, issuing, signing need a password or second-factor check this recent.
DAFTAR_REAUTH_MINUTES = CONFIG.extra["reauth_minutes"]
# API tokens: hashed, named, several per user, expiring after this many days.
DAFTAR_API_TOKEN_DAYS = CONFIG.extra["api_token_days"]

# Internationalisation: English and Urdu (right to left).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Karachi"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Static files and papers.
STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.extra["static_root"]
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = CONFIG.extra["media_root"]

if CONFIG.s3:
    _s3_options = {
        "bucket_name": CONFIG.s3["bucket_name"],
        "endpoint_url": CONFIG.s3["endpoint_url"],
        "region_name": CONFIG.s3["region_name"],
        "access_key": CONFIG.s3["access_key"],
        "secret_key": CONFIG.s3["secret_key"],
        # Private bucket: every object is served through a permission-checked view or a
        # short-lived presigned URL, never a public one.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "daftar.staticfiles.DaftarStaticFilesStorage"
            if CONFIG.production
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WHITENOISE_USE_FINDERS = not CONFIG.production

# Background work: django-tasks. Inline unless a worker runs (`manage.py db_worker`).
if CONFIG.tasks_backend == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Cache: Redis when configured (rate limits must be shared between workers), else local.
if CONFIG.redis_url:
    # Cached values include pickled model instances, which a release whose models differ
    # cannot read (kernel/cache.py treats such an entry as a miss). The key prefix names the
    # migrations this code has: an upgrade that adds one starts on an empty namespace, and
    # the old release's entries expire on their own (sessions are read from the database).
    CACHE_GENERATION = hashlib.sha256(
        "\n".join(sorted(p.name for p in BASE_DIR.glob("*/migrations/0*.py"))).encode()
    ).hexdigest()[:8]
    CACHES = {
        "default": {
            # Django's Redis cache that treats an unreachable Redis as a miss (kernel/cache.py):
            # sessions are then read from the database and pages are not cached.
            "BACKEND": "kernel.cache.DegradingRedisCache",
            "LOCATION": CONFIG.redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            "KEY_PREFIX": f"daftar-{CACHE_GENERATION}",
        }
    }
    # Sessions read from Redis, written through to the database (which stays the record, so
    # a restart of Redis signs no one out): saves a query on every signed-in page. Only with a
    # shared cache: a per-process one would keep a session that another worker ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Search: the file index (see search/). Elasticsearch when ELASTICSEARCH_URL is set.
DAFTAR_SEARCH_BACKEND = "elasticsearch" if CONFIG.elasticsearch_url else "database"
ELASTICSEARCH_URL = CONFIG.elasticsearch_url
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Email
if CONFIG.email_url:
    import environ as _environ

    vars().update(_environ.Env.email_url_config(CONFIG.email_url))
elif CONFIG.production:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Daftar <no-reply@daftar.invalid>"
# The entities' portal (cgu): how long an invitation link works; reminders to entity users
# this many days before a deadline; the notice to a department's Secretary listing its
# entities that have not filed, this many days after the deadline.
DAFTAR_ENTITY_INVITE_DAYS = 7
DAFTAR_ENTITY_REMIND_BEFORE_DAYS = (7, 1)
DAFTAR_SECRETARY_NOTICE_DAYS = 15

# Citizens' complaints: SMS to citizens (complaints/notify.py). The embedded default logs the
# message; production sets DAFTAR_SMS_BACKEND=complaints.notify.HttpBackend with the gateway's
# DAFTAR_SMS_URL and DAFTAR_SMS_TOKEN.
DAFTAR_SMS_BACKEND = os.environ.get("DAFTAR_SMS_BACKEND", "complaints.notify.ConsoleBackend")
DAFTAR_SMS_URL = os.environ.get("DAFTAR_SMS_URL", "")
DAFTAR_SMS_TOKEN = os.environ.get("DAFTAR_SMS_TOKEN", "")
DAFTAR_SMS_FILE = os.environ.get("DAFTAR_SMS_FILE", "")
# The weekend of each province on the working-day clock (workspace/time_limits.py); a province
# not named here keeps Saturday and Sunday.
DAFTAR_WEEKENDS = {"KP": [5, 6]}
# How issued letters are signed (daftar/env.py, letters/keys.py).
DAFTAR_LETTERS = CONFIG.extra["letters"]

# Wagtail
WAGTAIL_SITE_NAME = "Daftar"
WAGTAILADMIN_BASE_URL = CONFIG.site_url
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx"]
# No call to releases.wagtail.org from editors' browsers (the CSP's connect-src refuses it).
WAGTAIL_ENABLE_UPDATE_CHECK = False

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Daftar's domain errors (kernel.errors) answer 400, 403, 404 or 409 from every API view.
    "EXCEPTION_HANDLER": "kernel.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Daftar API",
    "DESCRIPTION": "The staff API of the Daftar e-office.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["daftar.api_schema.only_daftar_api"],
}

# Audit trail: independent hash chains, so audited writes by different users do not queue
# behind one lock. See kernel/audit.py.
DAFTAR_AUDIT_CHAINS = 16

# Security. Production is `check --deploy` clean; the embedded default runs on plain HTTP.
SESSION_COOKIE_HTTPONLY = True
# For browsers without CSP: no framing at all. Browsers that read the CSP follow its
# frame-ancestors 'self' instead (it overrides this header), so the file page may show a
# paper of its own origin in a frame.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.production:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = CONFIG.extra["secure_ssl_redirect"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS = []
    if not CONFIG.extra["secure_ssl_redirect"]:
        # TLS ends at the proxy, which redirects plain HTTP itself.
        SILENCED_SYSTEM_CHECKS.append("security.W008")

# The client's address behind reverse proxies (kernel/client_ip.py): the header the proxies
# write and how many of them Daftar trusts. Limits and the audit trail use client_ip().
DAFTAR_CLIENT_IP_HEADER = CONFIG.extra["client_ip_header"]
DAFTAR_TRUSTED_PROXY_COUNT = CONFIG.extra["trusted_proxy_count"]

# Content-Security-Policy (django-csp 4; daftar/csp.py, README "Content-Security-Policy").
# Daftar's own pages: nothing inline, nothing from elsewhere. NONCE is left out of the header
# unless a template asked for ``request.csp_nonce``.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail's admin (/cms/), its own looser policy: Wagtail 8's listings and page editor run
# inline <script> blocks (and its widgets may write style attributes), so 'unsafe-inline' for
# scripts and styles there only. Everything else stays as strict as Daftar's pages: no other
# origin (no update check from releases.wagtail.org either), no plugins, no framing by others.
DAFTAR_CSP_WAGTAIL_ADMIN = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "media-src": [SELF],
    "frame-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

# Logs: one line per record on stderr; JSON with DAFTAR_LOG_FORMAT=json (production's
# choice), each line with the request id and the officer's user id (daftar/observability.py).
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(officer_id)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "daftar.observability.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s [%(request_id)s]"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "format": _LOG_FORMAT},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if CONFIG.extra["log_format"] == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"daftar": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
DAFTAR_METRICS_TOKEN = CONFIG.extra["metrics_token"]
DAFTAR_SLOW_QUERY_MS = CONFIG.extra["slow_query_ms"]
if CONFIG.extra["sentry_dsn"]:
    from daftar.observability import init_sentry

    init_sentry(CONFIG.extra["sentry_dsn"], "production" if CONFIG.production else "embedded")
