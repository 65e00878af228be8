"""Authentication and deployment hygiene (issue #17 item 8; docs/security.md).

Lockout of password logins (django-axes), logged failures without passwords or patients'
usernames, token failures logged and throttled, password validators, ``no-store`` on
patient data, no query strings in request logs, API docs behind login, CSP, the secret key
refusal and ``check --deploy`` under the documented production environment.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Wq8#ward-round-7"
WRONG = "not-the-password"


def _user(username: str, *, staff: bool = True, group: str | None = None):
    user = get_user_model().objects.create_user(username, password=GOOD, is_staff=staff)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _admin_login(client: Client, username: str, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_login_locks_after_limit_and_right_password_is_refused(settings) -> None:
    _user("dr_lock")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _admin_login(client, "dr_lock", WRONG).status_code == 200  # the form again
    assert _admin_login(client, "dr_lock", WRONG).status_code == 429  # the limit-th locks
    resp = _admin_login(client, "dr_lock", GOOD)
    assert resp.status_code == 429
    assert not _logged_in(client)


@pytest.mark.django_db
def test_fifty_wrong_then_right_is_still_locked() -> None:
    _user("dr_fifty")
    client = Client()
    for _ in range(50):
        _admin_login(client, "dr_fifty", WRONG)
    assert _admin_login(client, "dr_fifty", GOOD).status_code == 429
    assert not _logged_in(client)


@pytest.mark.django_db
def test_lock_is_by_account_not_address(settings) -> None:
    _user("dr_locked")
    _user("dr_colleague")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "dr_locked", WRONG)
    # other addresses are locked out of that account too
    assert _admin_login(Client(REMOTE_ADDR="10.9.9.9"), "dr_locked", GOOD).status_code == 429
    # a colleague on the same workstation still logs in
    colleague = Client()
    assert _admin_login(colleague, "dr_colleague", GOOD).status_code == 302
    assert _logged_in(colleague)


@pytest.mark.django_db
def test_fewer_failures_then_success_resets_the_count(settings) -> None:
    _user("dr_typo")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, "dr_typo", WRONG)
    assert _admin_login(client, "dr_typo", GOOD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, "dr_typo", WRONG)
    assert _admin_login(client, "dr_typo", GOOD).status_code == 302  # AXES_RESET_ON_SUCCESS


@pytest.mark.django_db
def test_lockout_expires_after_cooloff(settings) -> None:
    _user("dr_wait")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _admin_login(Client(), "dr_wait", WRONG)
        assert _admin_login(Client(), "dr_wait", GOOD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
        assert _admin_login(Client(), "dr_wait", GOOD).status_code == 429  # failure restarts it
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
        client = Client()
        assert _admin_login(client, "dr_wait", GOOD).status_code == 302
        assert _logged_in(client)


@pytest.mark.django_db
def test_admin_command_unlocks(settings) -> None:
    _user("dr_reset")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(Client(), "dr_reset", WRONG)
    assert _admin_login(Client(), "dr_reset", GOOD).status_code == 429
    call_command("axes_reset_username", "dr_reset", verbosity=0)
    assert _admin_login(Client(), "dr_reset", GOOD).status_code == 302


@pytest.mark.django_db
def test_force_login_is_not_counted(settings) -> None:
    user = _user("dr_force")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(Client(), "dr_force", WRONG)
    client = Client()
    client.force_login(user)  # the suite's way in: no authenticate(), no lockout
    assert client.get("/admin/").status_code == 200


# --- failure log -----------------------------------------------------------------------


@pytest.mark.django_db
def test_failed_login_is_logged_with_staff_username_never_password(caplog) -> None:
    _user("dr_logged")
    with caplog.at_level(logging.WARNING, logger="ammed.security"):
        _admin_login(Client(REMOTE_ADDR="10.1.2.3"), "dr_logged", "s3cret-guess")
    records = [r for r in caplog.records if r.name == "ammed.security"]
    assert [r.getMessage() for r in records] == [
        "login failed user=dr_logged ip=10.1.2.3 path=/admin/login/"
    ]
    assert "s3cret-guess" not in caplog.text


@pytest.mark.django_db
def test_failed_login_of_patient_or_unknown_name_logs_only_a_hash(caplog) -> None:
    _user("zhang_patient", staff=False, group="patient")
    with caplog.at_level(logging.WARNING, logger="ammed.security"):
        _admin_login(Client(), "zhang_patient", WRONG)
        _admin_login(Client(), "110101199003077777", WRONG)  # an ID number in the name box
    messages = [r.getMessage() for r in caplog.records if r.name == "ammed.security"]
    assert len(messages) == 2
    for message in messages:
        assert re.fullmatch(r"login failed user=~[0-9a-f]{12} ip=\S+ path=/admin/login/", message)
    assert "zhang_patient" not in caplog.text and "110101199003077777" not in caplog.text


@pytest.mark.django_db
def test_lockout_is_logged(settings, caplog) -> None:
    _user("dr_lockedlog")
    with caplog.at_level(logging.WARNING, logger="ammed.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _admin_login(Client(), "dr_lockedlog", WRONG)
    assert any(
        r.getMessage().startswith("login locked out user=dr_lockedlog") for r in caplog.records
    )


# --- tokens ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_token_is_logged_without_the_token(caplog) -> None:
    cache.delete("ammed:token-fail:10.7.0.1")
    with caplog.at_level(logging.WARNING, logger="ammed.security"):
        resp = Client(REMOTE_ADDR="10.7.0.1", HTTP_AUTHORIZATION="Token deadbeef" * 5).get(
            "/api/v1/me?patient=110101199003077777"
        )
    assert resp.status_code == 401
    assert "token authentication failed ip=10.7.0.1 path=/api/v1/me" in caplog.text
    assert "deadbeef" not in caplog.text and "110101" not in caplog.text


@pytest.mark.django_db
def test_address_failing_tokens_is_throttled_then_good_token_from_elsewhere_works(
    settings,
) -> None:
    settings.AMMED_TOKEN_FAILURE_LIMIT = 3
    cache.delete("ammed:token-fail:10.7.0.2")
    bad = Client(REMOTE_ADDR="10.7.0.2", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert [bad.get("/fhir/Patient").status_code for _ in range(4)] == [401, 401, 401, 429]
    assert [bad.get("/api/v1/me").status_code for _ in range(1)] == [429]
    token = Token.objects.create(user=_user("emr_throttle", staff=False, group="integration"))
    ok = Client(REMOTE_ADDR="10.7.0.3", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ok.get("/api/v1/me").status_code == 200
    cache.delete("ammed:token-fail:10.7.0.2")


# --- password validators ---------------------------------------------------------------


@pytest.mark.django_db
def test_password_validators_refuse_weak_passwords() -> None:
    user = get_user_model()(username="dr_weak")
    for weak in ("dr_weak", "password123", "12345678901", "short1!"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password(GOOD, user)


@pytest.mark.django_db
def test_admin_password_change_form_enforces_validators() -> None:
    admin = get_user_model().objects.create_superuser("root_pw", password=GOOD)
    client = Client()
    client.force_login(admin)
    resp = client.post(
        f"/admin/auth/user/{admin.pk}/password/",
        {"password1": "root_pw", "password2": "root_pw", "usable_password": "true"},
    )
    assert resp.status_code == 200  # the form again, with errors
    admin.refresh_from_db()
    assert admin.check_password(GOOD)


# --- no-store, CSP, docs ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/fhir/metadata", "/api/v1/me", "/admin/login/", "/fhir/x"])
def test_responses_are_no_store(path: str) -> None:
    client = Client()
    client.force_login(_user("dr_cache"))
    resp = client.get(path)
    assert "no-store" in resp["Cache-Control"]


@pytest.mark.django_db
def test_phi_response_is_no_store_for_token_clients() -> None:
    token = Token.objects.create(user=_user("emr_cache", staff=False, group="integration"))
    resp = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/fhir/Patient")
    assert resp.status_code == 200
    assert "no-store" in resp["Cache-Control"]


@pytest.mark.django_db
def test_csp_header_allows_only_own_scripts() -> None:
    resp = Client().get("/admin/login/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_api_docs_need_login_by_default() -> None:
    assert Client().get("/api/schema/").status_code == 401
    resp = Client().get("/api/docs/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/admin/login/?next=/api/docs/")
    assert Client().get("/api/docs/?script=").status_code == 401


@pytest.mark.django_db
def test_api_docs_for_logged_in_user_without_inline_script() -> None:
    client = Client()
    client.force_login(_user("dr_docs"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html  # the init script is its own request (CSP script-src 'self')
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert client.get("/api/docs/?script=").status_code == 200
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db
def test_api_docs_public_when_configured(settings) -> None:
    settings.AMMED_PUBLIC_API_DOCS = True
    assert Client().get("/api/schema/").status_code == 200
    assert Client().get("/api/docs/").status_code == 200


# --- logs without query strings --------------------------------------------------------


def test_runserver_log_drops_the_query_string() -> None:
    logger = logging.getLogger("django.server")
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /fhir/Patient?identifier=110101199003077777 HTTP/1.1", "200", "512"),
        None,
    )
    assert logger.filter(record)
    assert record.getMessage() == '"GET /fhir/Patient HTTP/1.1" 200 512'


def test_gunicorn_access_log_has_no_query_string_or_referer() -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    fmt = namespace["access_log_format"]
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(u)s"):
        assert atom not in fmt

    class Resp:
        status = "200 OK"
        sent = 10
        headers: list = []
        response_length = 10

    class Req:
        headers: list = []

    cfg = Config()
    cfg.set("access_log_format", fmt)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/fhir/Patient?identifier=110101199003077777",
        "PATH_INFO": "/fhir/Patient",
        "QUERY_STRING": "identifier=110101199003077777",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://x/fhir/Patient?identifier=110101199003077777",
    }
    atoms = Logger(cfg).atoms(Resp(), Req(), environ, timedelta(milliseconds=5))
    line = fmt % atoms
    assert "/fhir/Patient" in line and "110101199003077777" not in line


# --- secret key and check --deploy (subprocesses: settings are read once per process) ---

_POSTGRES = "postgresql://postgres@127.0.0.1:5432/ammed_unused"
_KEY = "k" * 20 + "Z9x!-q" * 6  # 56 characters, many distinct


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "AMMED_"))}
    clean.pop("DEBUG", None)
    clean.update(DJANGO_SETTINGS_MODULE="ammed_fhir.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_server_database_without_secret_key_refuses_to_serve() -> None:
    done = _run("import ammed_fhir.wsgi", DEBUG="false", DATABASE_URL=_POSTGRES)
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr


def test_production_without_secret_key_refuses_to_start() -> None:
    done = _run(
        "import django; django.setup()",
        DEBUG="false",
        DATABASE_URL=_POSTGRES,
        AMMED_DEPLOY="production",
    )
    assert done.returncode != 0
    assert "AMMED_DEPLOY=production needs SECRET_KEY" in done.stderr


def test_published_development_key_is_refused() -> None:
    done = _run(
        "import django; django.setup()",
        DEBUG="false",
        SECRET_KEY="ammed-insecure-development-key-change-me",
    )
    assert done.returncode != 0
    assert "published development key" in done.stderr


def test_embedded_default_makes_and_keeps_its_own_key(tmp_path: Path) -> None:
    code = "import ammed_fhir.wsgi; from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"AMMED_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    first = _run(code, **env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert _run(code, **env).stdout == first.stdout


#: The production environment documented in README ("Deploying at scale").
PRODUCTION_ENV = {
    "AMMED_DEPLOY": "production",
    "SECRET_KEY": _KEY,
    "DATABASE_URL": _POSTGRES,
    "ALLOWED_HOSTS": "ammed.hospital.cn",
    "CSRF_TRUSTED_ORIGINS": "https://ammed.hospital.cn",
    "AMMED_BEHIND_TLS_PROXY": "true",
}


def test_check_deploy_is_clean_in_documented_production_env() -> None:
    done = _run(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION_ENV,
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_readme_documents_that_production_env() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PRODUCTION_ENV:
        assert f"export {name}" in readme or f" {name}=" in readme, name
    assert "AMMED_DEPLOY=production" in readme
