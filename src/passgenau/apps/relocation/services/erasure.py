"""Erasure (Art. 17 GDPR), the relocation part: a household with everything recorded about it, or
one member. Who may erase, the reason and the audit entry are the privacy app's
(``passgenau.apps.privacy.services``), which calls these inside its transaction once the data
other apps took over from the household (cases) is gone.

Deleting the household removes, by cascade, its contact data, members, consents, interview,
proposals with their decisions, travel and arrival, and its follow-up surveys. What refers to it
without a foreign key is removed here: its profile in the snapshots of the round's matching runs
(with its fixed, forbidden and linked pairs and its line among the unplaced) and the input
problems of a failed run about it (they quote the values that were wrong).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Household, HouseholdContact, Member, Relation
from .runs import runs_forget

__all__ = [
    "household_delete",
    "member_delete",
    "member_name_lines",
]


def household_delete(*, household: Household) -> None:
    """Delete the household with everything recorded about it (the caller holds its row lock
    and has removed what other apps keep about it; a case still referring to it is refused by
    the database's PROTECT)."""
    runs_forget(households=[household], counter="erased")
    household.delete()


def member_name_lines(household: Household) -> list[str]:
    """The lines of the household's "names of all members" (one name per line)."""
    contact = HouseholdContact.objects.filter(household=household).first()
    if contact is None:
        return []
    return [line for line in contact.member_names.splitlines() if line.strip()]


def member_delete(*, household: Household, member: Member, name_line: int | None) -> None:
    """Delete one member and, when given, the line (0-based) with their name; the others keep
    their order. The main contact person and the last member cannot be erased alone."""
    if member.household_id != household.pk:
        raise ValidationError({"member": _("This person is not a member of the household.")})
    if member.relation == Relation.MAIN_CONTACT:
        raise ValidationError(
            {
                "member": _(
                    "The main contact person cannot be erased alone: erase the household, or "
                    "first record another adult as the main contact in the interview."
                )
            },
            code="main_contact",
        )
    members = list(Member.objects.select_for_update().filter(household=household))
    if len(members) <= 1:
        raise ValidationError(
            {"member": _("The only member cannot be erased alone: erase the household.")},
            code="last_member",
        )
    if name_line is not None:
        contact = HouseholdContact.objects.select_for_update().get(household=household)
        lines = [line for line in contact.member_names.splitlines() if line.strip()]
        if not 0 <= name_line < len(lines):
            raise ValidationError({"name_line": _("Choose a line of the names of all members.")})
        del lines[name_line]
        contact.member_names = "\n".join(lines)
        contact.save(update_fields=["member_names", "updated_at"])
    member.delete()
    rest = [m for m in members if m.pk != member.pk]
    for position, other in enumerate(sorted(rest, key=lambda m: (m.position, m.pk))):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
