"""Production entry point: ``gunicorn -c config/gunicorn.conf.py wizard.wsgi:app``.

Settings come from ``WIZARD_ENV=production`` and the ``WIZARD_*`` environment (see docs/OPERATOR.md);
``create_app`` refuses to start when one is missing. Behind a load balancer or reverse proxy, set
``WIZARD_TRUSTED_PROXIES`` to the number of proxies in front of the application: the client's address (rate
limits, audit trail) and scheme (HTTPS-only cookies, HSTS) are then read from their ``X-Forwarded-*``
headers, and only from that many hops, so a client cannot forge them.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from wizard import create_app


def build_app() -> Flask:
    application = create_app()
    proxies = int(application.config.get("TRUSTED_PROXIES", 0))
    if proxies > 0:
        application.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            application.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    return application


app = build_app()
