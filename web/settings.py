"""KubeLab settings: one file, every value read from the environment through strict helpers.

A bad value fails at start with a message that names the variable, rather than
surfacing later as a confusing error deep inside a request.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use true or false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use a whole number") from None


def env_url(name: str, schemes: tuple[str, ...]) -> str:
    value = os.environ.get(name, "")
    if value and urlparse(value).scheme not in schemes:
        raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; expected a {'/'.join(schemes)} URL")
    return value


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or ("kubelab-insecure-development-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
ALLOWED_HOSTS = [h.strip() for h in env_str("ALLOWED_HOSTS", "*" if DEBUG else "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "cluster",
    "web",
    "web.learn",
    "web.workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "web.urls"
ASGI_APPLICATION = "web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config() -> dict[str, object]:
    url = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI every request runs its synchronous part in a thread of its own, and each
        # thread opens its own connection: a class of a hundred joining at once would open a
        # hundred. A pool bounds that; requests beyond it wait for a free connection.
        config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"] = 0, False  # the pool keeps and checks them
        config["OPTIONS"] = {"pool": {"min_size": 1, "max_size": env_int("KUBELAB_DB_POOL_SIZE", 16),
                                      "timeout": 30}}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while a worker writes; IMMEDIATE transactions take the
        # write lock up front, so two writers queue on the busy timeout instead of deadlocking.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        (BASE_DIR / "var").mkdir(exist_ok=True)
        # A file, not memory, so the live-server tests' worker processes share the test database.
        # One file per test run, so two runs side by side do not trample each other's database.
        config["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: without Redis (a bare `manage.py runserver`), reconcile rounds run inline, eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}
CELERY_BEAT_SCHEDULE = {
    "tick": {"task": "cluster.tasks.tick", "schedule": 1.0},
    "resync": {"task": "cluster.tasks.resync", "schedule": 2.0},
}

# How long one worker may hold a sandbox's reconcile lease before another may take it over.
KUBELAB_LEASE_SECONDS = env_int("KUBELAB_LEASE_SECONDS", 5)
# Actions-producing passes in one reconcile round before it stops (a buggy controller cannot spin forever).
KUBELAB_MAX_PASSES = env_int("KUBELAB_MAX_PASSES", 200)
# Watch events kept per sandbox; a watch from an older resourceVersion gets 410 Expired.
KUBELAB_WATCH_WINDOW = env_int("KUBELAB_WATCH_WINDOW", 20000)
# The address printed in kubeconfigs and on the first page.
KUBELAB_PUBLIC_URL = env_str("KUBELAB_PUBLIC_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files from the app folders too, so `make run` needs no collectstatic;
# a deployment runs `manage.py collectstatic` into STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(exist_ok=True)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A learner's typo is a 4xx Status in the response, not a line in the server log.
        "django.request": {"level": "ERROR"},
        # The beat's tick and resync run every second or two; their receipts are noise
        # (the test harness turns them back on to see what its worker ran).
        "celery.app.trace": {"level": env_str("KUBELAB_TASK_LOG_LEVEL", "WARNING")},
        "celery.worker.strategy": {"level": "WARNING"},
    },
}
