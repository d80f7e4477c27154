# ruff: noqa: N999
# (gunicorn looks for a file named gunicorn.conf.py: the name is not meant to be imported as a module)
"""Gunicorn settings for one application node: ``gunicorn -c config/gunicorn.conf.py wizard.wsgi:app``.

Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``; the environment variables
below are the ones an operator usually changes per node (docs/OPERATOR.md).
"""

import multiprocessing
import os

#: where the node listens; the load balancer forwards to it (keep it on a private interface)
bind = os.environ.get("WIZARD_BIND", "127.0.0.1:8000")
#: pages are short database-bound requests: a few synchronous workers per core, threads for I/O waits
workers = int(os.environ.get("WIZARD_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WIZARD_THREADS", "2"))
worker_class = "gthread"
#: signing and document rendering take under a few seconds; anything longer is a stuck worker
timeout = int(os.environ.get("WIZARD_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
#: recycle workers now and then so a slow leak can never take a node down
max_requests = 2000
max_requests_jitter = 200
#: each worker builds its own application, hence its own database pool (pools must not cross a fork)
preload_app = False
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WIZARD_LOG_LEVEL", "info")
#: never log query strings of emailed links (they carry one-time tokens); the logger class masks the tokens
#: that emailed links carry in their path (/invitation/…, /mot-de-passe/…, /compte/activer/…)
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "wizard.security.RedactingGunicornLogger"
forwarded_allow_ips = os.environ.get("WIZARD_FORWARDED_ALLOW_IPS", "127.0.0.1")
