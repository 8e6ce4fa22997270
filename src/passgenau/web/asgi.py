"""ASGI entry point; production settings by default."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.production")

application = get_asgi_application()
