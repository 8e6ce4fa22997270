"""Every page and API operation, requested as every role and as an anonymous visitor, is granted
or refused exactly as the permission table says."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from access_cases import API_CASES, PAGE_CASES, POST_ONLY, ApiCase, PageCase
from accounts_helpers import ROLES_AND_PUBLIC
from passgenau.apps.accounts.access import PUBLIC_VIEW
from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.accounts.roles import PUBLIC
from passgenau.apps.accounts.views import LOGIN_STEP
from passgenau.web.api import api

# URL namespaces that are not ours to check here: Django's admin has its own site-wide check
# (tested in test_admin.py) and the API is checked operation by operation below.
FOREIGN_NAMESPACES = {"admin", "api"}


def _named_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(qualified URL name, view callable) for every named URL outside FOREIGN_NAMESPACES."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in FOREIGN_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _named_patterns(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def _rule_of(view) -> str | None:
    return getattr(view, "access_rule", None)


def test_every_view_declares_an_access_rule():
    missing = [
        name for name, view in _named_patterns() if name not in POST_ONLY and _rule_of(view) is None
    ]
    assert missing == [], f"views without @require/@public: {missing}"


def test_every_page_has_a_case():
    covered = {case.url_name for case in PAGE_CASES}
    pages = {name for name, _ in _named_patterns() if name not in POST_ONLY}
    assert pages - covered == set(), "add these pages to tests/access_cases.py"


def _expected_granted(rule: str, role: str) -> bool:
    if rule == PUBLIC_VIEW:
        return True
    if rule == LOGIN_STEP:
        return role != PUBLIC
    return role in roles_with(rule)


def _outcome(case: PageCase, rule: str, role: str, response) -> str | None:
    """None when the answer is what the table says, else a line describing the mismatch."""
    status = response.status_code
    if _expected_granted(rule, role):
        if status not in case.granted:
            return f"{role}: expected {sorted(case.granted)} (granted), got {status}"
    elif role == PUBLIC:
        # anonymous visitors are sent to the log-in, never shown the page
        location = response.get("Location", "")
        if status != 302 or not location.startswith(reverse("accounts:login")):
            return f"{role}: expected a redirect to the log-in, got {status} {location}"
    elif status != 403:
        return f"{role}: expected 403 (refused), got {status}"
    return None


# One test per page: its objects are built once, then it is requested as every role.
@pytest.mark.parametrize(
    "case", PAGE_CASES, ids=[f"{c.url_name}{'?' + c.query if c.query else ''}" for c in PAGE_CASES]
)
def test_page_access(case: PageCase, client_for_role):
    url = reverse(case.url_name, kwargs=case.kwargs() if case.kwargs else None)
    if case.query:
        url = f"{url}?{case.query}"
    rule = _rule_of(get_resolver().resolve(url.split("?")[0]).func)
    mismatches = [
        line
        for role in ROLES_AND_PUBLIC
        if (line := _outcome(case, rule, role, client_for_role(role).get(url))) is not None
    ]
    assert mismatches == [], f"{url} (rule {rule}): " + "; ".join(mismatches)


def _api_operations():
    """(method, path, permission code) of every operation of the API."""
    prefix = reverse("api:api-root")
    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                codes = [getattr(cb, "code", None) for cb in operation.auth_callbacks]
                for method in operation.methods:
                    full = f"{prefix}{router_prefix}{path}".replace("//", "/")
                    yield method, full, codes


def test_every_api_operation_declares_a_permission():
    operations = list(_api_operations())
    assert operations, "the API has no operations?"
    for method, path, codes in operations:
        assert len(codes) == 1 and codes[0], f"{method} {path}: use auth=ApiPermission(code)"


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_api_access(role: str, client_for_role):
    client = client_for_role(role)
    checked = 0
    for method, path, codes in _api_operations():
        if method != "GET" or "{" in path:
            continue  # write and parametrised operations get their own tests in their modules
        response = client.get(path)
        if role in roles_with(codes[0]) or PUBLIC in roles_with(codes[0]):
            assert response.status_code == 200, (path, role, response.status_code)
        elif role == PUBLIC:
            assert response.status_code == 401, (path, role, response.status_code)
        else:
            assert response.status_code == 403, (path, role, response.status_code)
        checked += 1
    assert checked >= 2


def _api_expected(code: str, role: str, status: int, granted: frozenset[int]) -> str | None:
    roles = roles_with(code)
    if PUBLIC in roles or role in roles:
        return None if status in granted else f"{role}: expected {sorted(granted)}, got {status}"
    wanted = 401 if role == PUBLIC else 403
    return None if status == wanted else f"{role}: expected {wanted}, got {status}"


def test_every_parametrised_api_read_has_a_case():
    templates = {path for method, path, _ in _api_operations() if method == "GET" and "{" in path}
    covered = {case.path for case in API_CASES}
    assert templates - covered == set(), "add these to API_CASES in tests/access_cases.py"


@pytest.mark.parametrize("case", API_CASES, ids=[case.path for case in API_CASES])
def test_parametrised_api_access(case: ApiCase, client_for_role):
    codes = {path: codes for method, path, codes in _api_operations() if method == "GET"}
    assert case.path in codes, f"no GET operation {case.path}"
    url = case.path.format(**case.params())
    mismatches = [
        line
        for role in ROLES_AND_PUBLIC
        if (
            line := _api_expected(
                codes[case.path][0], role, client_for_role(role).get(url).status_code, case.granted
            )
        )
        is not None
    ]
    assert mismatches == [], f"{url} ({codes[case.path][0]}): " + "; ".join(mismatches)


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_api_writes_refuse_roles_without_the_right(role: str, client_for_role):
    """Every write operation, sent an empty body (path IDs that do not exist): refused with
    401/403 exactly for the roles the table refuses; the others get past the right check (an
    answer about the body or the object, never 401/403)."""
    client = client_for_role(role)
    checked = 0
    for method, path, codes in _api_operations():
        if method not in WRITE_METHODS:
            continue
        url = re.sub(r"\{[^}]+\}", "999999", path)
        response = client.generic(method, url, "{}", content_type="application/json")
        roles = roles_with(codes[0])
        if PUBLIC in roles or role in roles:
            assert response.status_code not in {401, 403}, (method, path, role)
        else:
            assert response.status_code == (401 if role == PUBLIC else 403), (
                method,
                path,
                role,
                response.status_code,
            )
        checked += 1
    assert checked > 0


def test_logout_refuses_get(client):
    # a GET (say, an <img src> on another site) must not end a session
    assert client.get(reverse("accounts:logout")).status_code == 405
