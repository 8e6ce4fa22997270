"""Matching runs and their review: what the coordinator sees (runs of its rounds, the proposals
of a run with explanations, load per municipality and dimension, comparisons of two runs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.input_problems import problem_line, stored_problems
from passgenau.engine.matching.criteria import load_catalogue

from .. import policies
from ..models import MatchingRun, Proposal, ProposalStatus, Round
from ..models.vocab import CapacityDimension
from ..wording import alternative_reason, no_room
from .lists import ListFields, ListFilters, list_filtered, log_households_shown

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

PROPOSALS_PER_PAGE = 100


def runs_of_round(*, round_: Round) -> QuerySet[MatchingRun]:
    return (
        MatchingRun.objects.filter(round=round_)
        .defer("snapshot")
        .select_related("started_by", "based_on")
        .annotate(
            proposal_count=Count("proposals"),
            overridden_count=Count("proposals", filter=Q(proposals__overridden=True)),
        )
        .order_by("-number")
    )


def runs_for_user(*, user: Visitor) -> QuerySet[MatchingRun]:
    """Coordinators: runs of the rounds their organisation coordinates. Others: none."""
    return policies.scoped(MatchingRun.objects.all(), policies.runs_scope(user))


def run_get_for_user(*, user: Visitor, pk: int, with_snapshot: bool = False) -> MatchingRun:
    runs = runs_for_user(user=user).select_related("round", "started_by", "based_on")
    if not with_snapshot:
        runs = runs.defer("snapshot")
    found = runs.filter(pk=pk).first()
    if found is None:
        raise Http404("no such run")
    return found


def run_failure_lines(*, run: MatchingRun) -> dict[str, list[str]]:
    """Why the run failed (``run``) and why its figures could not be computed again after a
    change (``remeasure``): the engine's input problems stored with it, in the active language."""
    return {
        "run": _problem_lines(run.error_problems),
        "remeasure": _problem_lines(run.result.get("remeasure_problems", [])),
    }


def _problem_lines(stored: Any) -> list[str]:
    problems = stored_problems(stored if isinstance(stored, list) else [])
    return [problem_line(p, in_file=False) for p in problems]


def criterion_labels(language: str) -> dict[str, str]:
    return {c.id: c.label(language) for c in load_catalogue().criteria}


def run_proposals(*, run: MatchingRun) -> QuerySet[Proposal]:
    """The proposals of a run, with household and municipality (two queries, however many)."""
    return (
        Proposal.objects.filter(run=run)
        .select_related("household", "municipality", "original_municipality")
        .order_by("municipality__name", "household__reference", "pk")
    )


def run_proposals_search(
    *, user: Visitor, run: MatchingRun, filters: ListFilters
) -> QuerySet[Proposal]:
    """The run's proposals for its review, filtered (status, municipality, the household's
    code or, for whom names are searchable, its names). Not logged here: the page logs what it
    shows (:func:`run_proposals_log_read`)."""
    return list_filtered(
        run_proposals(run=run), user=user, filters=filters, fields=ListFields(round_=None)
    )


def run_proposals_log_read(
    *, user: Visitor, run: MatchingRun, proposals: Iterable[Proposal], query: str = ""
) -> list[Proposal]:
    shown = list(proposals)
    log_households_shown(
        user=user, households=[p.household for p in shown], query=query, run=run.pk
    )
    return shown


def run_proposals_page(
    *, user: Visitor, run: MatchingRun, page: int = 1, per_page: int = PROPOSALS_PER_PAGE
) -> tuple[list[Proposal], int]:
    """One page of proposals (households are personal data: the read is logged)."""
    proposals = run_proposals(run=run)
    total = proposals.count()
    start = max(0, (page - 1) * per_page)
    shown = run_proposals_log_read(
        user=user, run=run, proposals=proposals[start : start + per_page]
    )
    return shown, total


def run_load_chart(*, run: MatchingRun) -> list[dict[str, Any]]:
    """Per municipality: each dimension's load, capacity and share (0–100) for bars, the
    dimensions in the round's order (PostgreSQL's jsonb keeps no key order)."""
    order = {dim: k for k, dim in enumerate(run.round.capacity_dimensions)}
    rows = []
    for site in run.metrics.get("load", []):
        bars = []
        dims = sorted(
            site["capacity"].items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
        for dim, capacity in dims:
            load = site["load"].get(dim, 0)
            share = 0.0 if not capacity else min(100.0, 100.0 * load / capacity)
            bars.append({"dimension": dim, "load": load, "capacity": capacity, "share": share})
        rows.append({"name": site["site_name"], "site_id": site["site_id"], "bars": bars})
    return rows


COMPARED = (
    ("mechanism", "text", _("mechanism")),
    ("status", "text", _("solver status")),
    ("households", "int", _("households")),
    ("placed_households", "int", _("households placed")),
    ("placed_persons", "int", _("persons placed")),
    ("placed_household_share", "share", _("share of households placed")),
    ("first_share", "share", _("share with their first choice")),
    ("top3_share", "share", _("share among their top three")),
    ("objective", "float", _("total score")),
    ("bound", "float", _("proven upper bound")),
    ("gap", "share", _("gap to the bound")),
    ("blocking_pairs", "int", _("blocking pairs")),
    ("seconds", "float", _("solver seconds")),
    ("input_hash", "hash", _("input hash")),
)


def runs_compare(*, first: MatchingRun, second: MatchingRun) -> list[dict[str, Any]]:
    """The engine's metrics of two runs side by side (plus the score mean and load spread)."""
    if first.round_id != second.round_id:
        raise Http404("runs of different rounds")
    rows = []
    for key, kind, label in COMPARED:
        a, b = first.metrics.get(key), second.metrics.get(key)
        rows.append(
            {"key": key, "label": label, "kind": kind, "first": a, "second": b, "differs": a != b}
        )
    for key, label, path in (
        ("score_mean", _("mean score"), ("scores", "mean")),
        ("score_min", _("lowest score"), ("scores", "min")),
    ):
        a = (first.metrics.get(path[0]) or {}).get(path[1])
        b = (second.metrics.get(path[0]) or {}).get(path[1])
        rows.append(
            {
                "key": key,
                "label": label,
                "kind": "float",
                "first": a,
                "second": b,
                "differs": a != b,
            }
        )
    labels = dict(CapacityDimension.choices)
    dims = sorted(set(first.metrics.get("spread", {})) | set(second.metrics.get("spread", {})))
    for dim in dims:
        a = first.metrics.get("spread", {}).get(dim, {}).get("max_abs_deviation_pp")
        b = second.metrics.get("spread", {}).get(dim, {}).get("max_abs_deviation_pp")
        rows.append(
            {
                "key": f"spread:{dim}",
                "label": _("largest deviation from the quota in %(dimension)s (pp)")
                % {"dimension": labels.get(dim, dim)},
                "kind": "float",
                "first": a,
                "second": b,
                "differs": a != b,
            }
        )
    return rows


def run_publish_summary(*, run: MatchingRun) -> dict[str, int]:
    """What publishing the run would send out: its draft proposals and the municipalities
    that would receive them."""
    drafts = Proposal.objects.filter(run=run, status=ProposalStatus.DRAFT)
    return {
        "proposals": drafts.count(),
        "municipalities": drafts.values("municipality").distinct().count(),
    }


def run_decision_counts(*, run: MatchingRun) -> dict[str, int]:
    counts = dict.fromkeys(ProposalStatus.values, 0)
    for status, n in (
        Proposal.objects.filter(run=run).values_list("status").annotate(n=Count("id")).order_by()
    ):
        counts[status] = n
    return counts


def explanation_relabel(
    explanation: dict[str, Any],
    labels: dict[str, str],
    room: Callable[[str, int, int], str] = no_room,
) -> None:
    """Criterion labels in the reader's language (the stored explanation has English ones), and
    each alternative's reason in words (``text``; ``room`` names a dimension without room, as
    in :func:`..wording.alternative_reason`)."""
    for item in explanation.get("contributions", []):
        item["label"] = labels.get(item["criterion"], item["label"])
    for alternative in explanation.get("alternatives", []):
        for item in alternative.get("hard_criteria", []):
            item["label"] = labels.get(item["id"], item["label"])
        alternative["text"] = alternative_reason(alternative, labels, room)
