"""Building users and logged-in clients; importable from any test (``tests/`` is on the path)."""

from __future__ import annotations

from passgenau.apps.accounts.roles import PUBLIC, Role

ROLES: list[str] = list(Role.values)
ROLES_AND_PUBLIC: list[str] = [*ROLES, PUBLIC]
TEST_PASSWORD = "correct-horse-battery-staple"

ORGANISATION_KIND_FOR_ROLE = {
    Role.COORDINATOR: "coordinating",
    Role.INTERVIEWER: "ngo",
    Role.MUNICIPAL_OFFICER: "municipality",
    Role.CASEWORKER: "municipality",
    Role.PROVIDER: "provider",
    Role.FUNDER: "funder",
    Role.DIRECTORY_EDITOR: "municipality",
    Role.LOTSE: "ngo",
    Role.ADMINISTRATOR: "operator",
}


def make_user(role: str, *, username: str | None = None, organisation=None, **fields):
    """A saved user of ``role`` in an organisation of the matching kind (created if needed)."""
    from passgenau.apps.accounts.models import Organisation, User

    if organisation is None:
        organisation, _ = Organisation.objects.get_or_create(
            name=f"Test organisation {role}", defaults={"kind": ORGANISATION_KIND_FOR_ROLE[role]}
        )
    user = User(
        username=username or f"test-{role}",
        role=role,
        organisation=organisation,
        is_staff=role == Role.ADMINISTRATOR,
        **fields,
    )
    user.set_password(TEST_PASSWORD)
    user.save()
    return user


def login_client(client, user):
    """Log ``client`` in as ``user`` with the second factor already confirmed."""
    from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED

    client.force_login(user)
    session = client.session
    session[SESSION_OTP_VERIFIED] = True
    session.save()
    return client


def invite(client, **fields):
    """Post the invitation form as ``client`` for a municipal officer "nora" (``fields`` override
    the form's data); the response."""
    from django.urls import reverse

    from passgenau.apps.accounts.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        name="Stadt Nord", defaults={"kind": "municipality"}
    )
    data = {
        "username": "nora",
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora@example.org",
        "role": "municipal_officer",
        "organisation": organisation.pk,
        **fields,
    }
    return client.post(reverse("accounts:user_invite"), data)
