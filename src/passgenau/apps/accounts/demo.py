"""Demo organisations and one user per role (``passgenau demo``; refused unless DEBUG is on).

Loading is idempotent: existing organisations and users are left exactly as they are. Users of
roles that need a one-time password are enrolled at once; their secrets are printed so that the
demo can be tried with any authenticator app (or ``python -c "import pyotp; ..."``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .models import Organisation, OrganisationKind, User
from .roles import Role
from .services import organisation_create, totp_new_secret, user_create

DEMO_PASSWORD = "passgenau-demo"  # noqa: S105 - printed on purpose; demo data only

DEMO_ORGANISATIONS: dict[str, str] = {
    "Demo-Koordinierungsstelle": OrganisationKind.COORDINATING,
    "Demo-Partnerorganisation (NGO)": OrganisationKind.NGO,
    "Demo-Kommune": OrganisationKind.MUNICIPALITY,
    "Demo-Beratungsverein": OrganisationKind.PROVIDER,
    "Demo-Landesministerium": OrganisationKind.FUNDER,
    "Demo-Betrieb": OrganisationKind.OPERATOR,
}

# The demo municipality stands for this Kreis (Salzgitter, a city of about 100,000) when the
# territories' demo places are loaded.
DEMO_MUNICIPALITY_KREIS = "03102"

# user name, role, organisation
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("demo-coordinator", Role.COORDINATOR, "Demo-Koordinierungsstelle"),
    ("demo-interviewer", Role.INTERVIEWER, "Demo-Partnerorganisation (NGO)"),
    ("demo-municipal", Role.MUNICIPAL_OFFICER, "Demo-Kommune"),
    ("demo-caseworker", Role.CASEWORKER, "Demo-Kommune"),
    ("demo-provider", Role.PROVIDER, "Demo-Beratungsverein"),
    ("demo-funder", Role.FUNDER, "Demo-Landesministerium"),
    ("demo-editor", Role.DIRECTORY_EDITOR, "Demo-Kommune"),
    ("demo-lotse", Role.LOTSE, "Demo-Partnerorganisation (NGO)"),
    ("demo-admin", Role.ADMINISTRATOR, "Demo-Betrieb"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    totp_secret: str  # empty when the role needs no one-time password


def _demo_kreis(kind: str) -> Any:
    if kind != OrganisationKind.MUNICIPALITY or not apps.is_installed("passgenau.apps.territories"):
        return None
    kreis_model = apps.get_model("territories", "Kreis")
    return kreis_model.objects.filter(ags=DEMO_MUNICIPALITY_KREIS).first()


@transaction.atomic
def load_demo_accounts() -> tuple[list[DemoLogin], int]:
    """Create what is missing; return the log-ins and how many objects were created."""
    created = 0
    organisations: dict[str, Organisation] = {}
    for name, kind in DEMO_ORGANISATIONS.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = organisation_create(
                actor=None, name=name, kind=kind, kreis=_demo_kreis(kind)
            )
            created += 1
        organisations[name] = organisation
    logins = []
    for username, role, organisation_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                organisation=organisations[organisation_name],
            )
            if role == Role.ADMINISTRATOR:
                user.is_staff = True
            if user.requires_totp:
                user.totp_secret = totp_new_secret()
                user.totp_confirmed_at = timezone.now()
            user.save(update_fields=["is_staff", "totp_secret", "totp_confirmed_at"])
            created += 1
        logins.append(DemoLogin(username, DEMO_PASSWORD, user.role, user.totp_secret))
    return logins, created


def load() -> str:
    """Demo loader hook called by ``passgenau demo`` (each app may have a ``demo.load``)."""
    logins, created = load_demo_accounts()
    lines = [f"accounts: {created} objects created", "", "Demo log-ins (password, TOTP secret):"]
    for login in logins:
        secret = login.totp_secret or "(no one-time password needed)"
        lines.append(f"  {login.role:<18} {login.username:<18} {login.password}  {secret}")
    lines.append("")
    lines.append(
        "A current code: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""
    )
    return "\n".join(lines)
