"""Who may do what with a plan, built on the permission table (``accounts/permissions.py``).

The table says which roles hold a right; these functions add the object: a coordinator acts
for plans of their own organisation, an actor for the plans their organisation takes part in
and (for progress reports) for the measures it is responsible for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from passgenau.apps.accounts.access import user_has_perm

from .models import Actor, Measure, Plan, PlanStatus

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "may_change",
    "may_comment",
    "may_coordinate",
    "may_coordinate_any",
    "may_propose",
    "may_report_progress",
    "may_view_plan",
    "measures_reported_scope",
    "organisation_takes_part",
]


def _organisation_id(user: Visitor) -> int | None:
    return getattr(user, "organisation_id", None)


def organisation_takes_part(*, user: Visitor, plan: Plan) -> bool:
    """The user's organisation is the plan's coordinating office or one of its actors."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return False
    if plan.coordinating_organisation_id == organisation_id:
        return True
    return plan.actors.filter(organisation_id=organisation_id).exists()


def may_coordinate_any(*, user: Visitor) -> bool:
    """The user may create and coordinate plans (of their own organisation)."""
    return user_has_perm(user, "measures.coordinate") and _organisation_id(user) is not None


def may_coordinate(*, user: Visitor, plan: Plan) -> bool:
    """The coordinating office's staff, and the staff of actors in the steering group."""
    if not user_has_perm(user, "measures.coordinate"):
        return False
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return False
    if plan.coordinating_organisation_id == organisation_id:
        return True
    return plan.actors.filter(organisation_id=organisation_id, coordinates=True).exists()


def may_change(*, user: Visitor, plan: Plan) -> bool:
    """Areas, measures, actors and indicators change while the plan is open: a closed plan stays
    as it was (its successor carries the open measures over). Values, refreshes and reports go
    on under ``may_coordinate``."""
    return plan.status != PlanStatus.CLOSED and may_coordinate(user=user, plan=plan)


def may_view_plan(*, user: Visitor, plan: Plan) -> bool:
    if not user_has_perm(user, "measures.view_plans"):
        return False
    return organisation_takes_part(user=user, plan=plan)


def _takes_part(user: Visitor, plan: Plan) -> bool:
    if not user_has_perm(user, "measures.take_part"):
        return False
    return organisation_takes_part(user=user, plan=plan)


def may_comment(*, user: Visitor, plan: Plan) -> bool:
    """Actors comment while the plan is being made or carried out, not once it is closed."""
    if plan.status == PlanStatus.CLOSED:
        return False
    return _takes_part(user, plan) or may_coordinate(user=user, plan=plan)


def may_propose(*, user: Visitor, plan: Plan) -> bool:
    """New measures are proposed during the consultation only."""
    if plan.status != PlanStatus.CONSULTATION:
        return False
    return _takes_part(user, plan)


def may_report_progress(*, user: Visitor, measure: Measure) -> bool:
    """The coordinating office for every measure; an actor for the measures it leads."""
    plan = measure.plan
    if plan.status == PlanStatus.CLOSED:
        return False
    if may_coordinate(user=user, plan=plan):
        return True
    if not user_has_perm(user, "measures.take_part"):
        return False
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return False
    return measure.lead_actors.filter(organisation_id=organisation_id).exists()


def measures_reported_scope(*, user: Visitor) -> Q:
    """The measures whose progress ``user`` reports (``may_report_progress`` as a query): of
    plans not closed, every measure where the user's organisation coordinates the plan, and
    those it is responsible for where it takes part."""
    organisation_id = _organisation_id(user)
    parts = Q(pk__in=[])
    if organisation_id is None:
        return parts
    if user_has_perm(user, "measures.coordinate"):
        steering = Actor.objects.filter(
            plan=OuterRef("plan"), organisation_id=organisation_id, coordinates=True
        )
        parts |= Q(plan__coordinating_organisation_id=organisation_id) | Q(Exists(steering))
    if user_has_perm(user, "measures.take_part"):
        leading = Actor.objects.filter(led_measures=OuterRef("pk"), organisation_id=organisation_id)
        parts |= Q(Exists(leading))
    return parts & ~Q(plan__status=PlanStatus.CLOSED)
