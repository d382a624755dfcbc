"""Gunicorn's settings for serving 同心库: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Every value comes from the environment with a default fit for one 2-core machine behind a reverse
proxy on the same host. The app servers keep no state of their own (sessions live in the database,
uploads and export files under MEDIA_ROOT on shared storage), so more machines run the same command.
"""

import os

# loopback by default: the reverse proxy (or the load test) is on this machine; GUNICORN_BIND names
# another address when the proxy runs elsewhere (e.g. "10.0.0.5:8000")
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# one worker per core: a page is CPU-bound Python (templates, forms) between its queries
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# threads per worker (gthread when above 1): while one request waits for PostgreSQL another runs
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# a worker silent this long is killed and replaced; its request gets a 502 from the proxy
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# on a reload or stop, requests under way get this long to finish
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# a worker is replaced after this many requests (jittered so both do not restart at once): a slow leak
# in a library cannot grow one process without bound
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout; the proxy usually logs
errorlog = "-"
proc_name = "tongxinku"

# A page's SQL stops five seconds before the worker would be killed: the person gets the Chinese
# 503 page (registry.middleware.QueryTimeoutMiddleware) instead of a dropped connection, and
# PostgreSQL stops working for a request nobody waits for. Read by config/database.py when the
# workers load the app; the task worker and management commands do not run this file, so imports,
# exports and migrations keep no limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", str(max(timeout - 5, 1)))
# a worker keeps its database connection between requests instead of opening one per page
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
