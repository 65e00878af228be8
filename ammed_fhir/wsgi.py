"""WSGI entry point (``gunicorn ammed_fhir.wsgi``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
application = get_wsgi_application()

from ammed_fhir.security import refuse_to_serve_without_key  # noqa: E402 (needs settings)

refuse_to_serve_without_key()  # no serving without SECRET_KEY on a server database
