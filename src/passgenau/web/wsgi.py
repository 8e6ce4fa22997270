"""WSGI entry point (gunicorn passgenau.web.wsgi:application); production settings by default."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.production")

application = get_wsgi_application()
