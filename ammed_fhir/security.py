"""Authentication and deployment hygiene (issue #17, item 8); see docs/security.md.

* ``client_ip``: the address lockout and the security log use (``REMOTE_ADDR``; behind a
  TLS proxy, ``AMMED_BEHIND_TLS_PROXY=true``, the right-most ``X-Forwarded-For`` entry,
  the one the proxy itself appended, so a client cannot choose its own address).
* Failed password logins (django-axes counts and locks them) and failed token
  authentications are logged on ``ammed.security``: never the password or the token, never
  a query string. A staff account's username is logged as it is; any other name (a
  patient's account, an unknown name, a password typed into the username box) only as a
  keyed hash, ``~`` and 12 hex digits.
* ``LoggedTokenAuthentication``: DRF's token authentication that logs each failure and,
  after ``AMMED_TOKEN_FAILURE_LIMIT`` failures from one address within
  ``AMMED_TOKEN_FAILURE_WINDOW_S``, answers 429 to that address's token attempts.
* ``NoStoreMiddleware``: ``Cache-Control: no-store`` on every response but static files,
  so no browser, proxy or shared workstation keeps a copy of patient data.
* ``RedactQueryStringFilter``: the request line of Django's server log without its query
  string (``/fhir/Patient?identifier=…`` must not put a national ID number in a log).
* The deploy check ``ammed.E001``: no ``SECRET_KEY`` for a server database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

log = logging.getLogger("ammed.security")

MISSING_KEY_MESSAGE = (
    "SECRET_KEY is not set. AM-Med does not serve requests with a server database "
    "({database}) and DEBUG off without its own secret key: set SECRET_KEY or "
    "SECRET_KEY_FILE (50+ random characters, the same on every web host), e.g. "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the proxy's right-most forwarded entry."""
    if request is None:
        return None
    meta = request.META
    if settings.AMMED_BEHIND_TLS_PROXY:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if forwarded:
            return forwarded[-1]
    return meta.get("REMOTE_ADDR") or None


def loggable_username(username: object) -> str:
    """A staff account's username as it is; any other name only as a keyed hash."""
    name = str(username or "")
    if not name:
        return "-"
    if get_user_model().objects.filter(username=name, is_staff=True).exists():
        return name
    digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()
    return "~" + digest[:12]


def _path(request: HttpRequest | None) -> str:
    return request.path if request is not None else "-"  # the path, never the query string


@receiver(user_login_failed, dispatch_uid="ammed.security.login_failed")
def log_login_failure(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    """One WARNING per failed password login: user (or its hash), address, path."""
    log.warning(
        "login failed user=%s ip=%s path=%s",
        loggable_username(credentials.get("username")),
        client_ip(request) or "-",
        _path(request),
    )


def log_lockout(sender: object, request: HttpRequest | None, username: str, **_: Any) -> None:
    log.warning(
        "login locked out user=%s ip=%s path=%s",
        loggable_username(username),
        client_ip(request) or "-",
        _path(request),
    )


def connect_signals() -> None:
    """Connect the lockout logger (axes' signal module loads with its app)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(log_lockout, dispatch_uid="ammed.security.locked_out")


def _token_fail_key(ip: str) -> str:
    return f"ammed:token-fail:{ip}"


class LoggedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` that logs failures and throttles an address that keeps failing.

    A DRF token is 40 hex digits (160 random bits), so guessing one is hopeless at any rate;
    the limit keeps a misconfigured or hostile client from filling the log and the database
    with lookups, and the log shows who tried.
    """

    def authenticate(self, request: Any) -> Any:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        ip = client_ip(request) or "-"
        limit = settings.AMMED_TOKEN_FAILURE_LIMIT
        if limit and (cache.get(_token_fail_key(ip)) or 0) >= limit:
            log.warning("token refused (too many failures) ip=%s path=%s", ip, _path(request))
            raise exceptions.Throttled(wait=settings.AMMED_TOKEN_FAILURE_WINDOW_S)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            key = _token_fail_key(ip)
            window = settings.AMMED_TOKEN_FAILURE_WINDOW_S
            if cache.add(key, 1, timeout=window) is False:
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, timeout=window)
            log.warning("token authentication failed ip=%s path=%s", ip, _path(request))
            raise


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response except static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response


class RedactQueryStringFilter(logging.Filter):
    """Drop the query string from the request line of ``django.server`` records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str) and "?" in args[0]:
            line = args[0]
            method_path, sep, version = line.rpartition(" ")
            if not sep:  # no HTTP version: the whole line is method + target
                method_path, version = line, ""
            head, _, _query = method_path.partition("?")
            record.args = (f"{head} {version}".rstrip(), *args[1:])
        return True


def _engine() -> str:
    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def refuse_to_serve_without_key() -> None:
    """Called by the WSGI/ASGI entry points: no serving with a per-process stand-in key."""
    if settings.AMMED_SECRET_KEY_SOURCE == "missing":
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE.format(database=_engine()))


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.AMMED_SECRET_KEY_SOURCE == "missing":
        return [
            checks.Error(
                MISSING_KEY_MESSAGE.format(database=_engine()),
                id="ammed.E001",
            )
        ]
    return []
