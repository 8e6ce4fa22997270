"""Matching runs: snapshot a round's inputs, run the engine as a background task, store the
proposals with their explanations, export and reproduce a run.

A run works on a *snapshot* taken when it is started (the engine dictionaries of every household
and municipality profile, plus fixed and forbidden pairs, linked households, mechanism and seed),
so that later changes to profiles or interviews do not change it, and so that the plain instance
can be rebuilt from the run alone: same snapshot, same instance (same input hash), same result.

Who takes part in a run:

* households with a complete interview that are waiting for a place (status "interview complete");
* households already accepted by both sides, or whose published proposal awaits a decision, are
  **fixed** at that municipality (they keep their place and use up its capacity);
* a (household, municipality) pair that either side declined is **forbidden**.
"""

from __future__ import annotations

import dataclasses
import io
import json
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.errors import ServiceError
from passgenau.apps.core.input_problems import problem_texts, stored_problems
from passgenau.apps.core.models import ProtectedExport
from passgenau.apps.core.protected_exports import protected_export_create
from passgenau.engine.matching.criteria import Catalogue, CatalogueError, load_catalogue_version
from passgenau.engine.matching.explain import explanation_to_dict
from passgenau.engine.matching.instance import write_instance
from passgenau.engine.matching.model import Instance, SolveOptions
from passgenau.engine.matching.pipeline import MatchRun, constrain, match_profiles
from passgenau.engine.matching.profiles import (
    HouseholdProfile,
    SiteProfile,
    household_to_dict,
    profiles_from_dicts,
    site_to_dict,
)
from passgenau.engine.matching.scoring import score_profiles
from passgenau.engine.problems import InputError, InputProblem

from .. import policies
from ..models import (
    Household,
    HouseholdStatus,
    MatchingRun,
    Mechanism,
    Member,
    MunicipalityProfile,
    Proposal,
    ProposalStatus,
    Round,
    RoundAction,
    RoundStatus,
    RunStatus,
    organisation_id_from_site_id,
    site_id_for,
)
from . import rounds as round_services

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

SNAPSHOT_FORMAT = 1
# Households waiting for a place; households in these states take part in a run as free ones.
FREE_STATUSES = (HouseholdStatus.INTERVIEWED,)
# Proposals that hold a place: accepted by both sides, or published and awaiting decisions.
HOLDING_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.PUBLISHED)
ALTERNATIVES_SHOWN = 3


class RunError(ServiceError):
    """A run cannot be started, reproduced or exported as asked; ``problems`` are the engine's
    input problems behind it, if any."""

    def __init__(
        self,
        message: Any,
        code: str | None = None,
        params: Any = None,
        *,
        problems: Iterable[InputProblem] = (),
    ) -> None:
        super().__init__(message, code, params)
        self.problems = list(problems)


# At most this many input problems are stored with a failed run.
STORED_PROBLEMS = 50


def run_failure(exc: Exception) -> dict[str, Any]:
    """What a run stores about a failure: the technical text (for the log and the
    administrators) and the engine's input problems behind it by code and parameters, which the
    pages and the API show in the reader's language."""
    problems = exc.problems if isinstance(exc, InputError | RunError) else []
    return {
        "error": f"{type(exc).__name__}: {exc}"[:4000],
        "error_problems": [p.as_dict() for p in problems[:STORED_PROBLEMS]],
    }


def _require_coordinator(*, actor: User, round_: Round) -> None:
    if not policies.round_is_coordinated_by(actor, round_):
        raise RunError(_("Only the round's coordinators start matching runs."), code="forbidden")


# ---------------------------------------------------------------------------------------------
# Snapshot: models → engine dictionaries
# ---------------------------------------------------------------------------------------------


def _household_queryset() -> Any:
    return Household.objects.select_related("interview").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("position", "id"))
    )


def round_snapshot(*, round_: Round, mechanism: str, seed: int) -> dict[str, Any]:
    """Everything a run needs, as plain JSON: the inputs are frozen at this moment."""
    dims = list(round_.capacity_dimensions)
    profiles = list(
        MunicipalityProfile.objects.filter(round=round_)
        .select_related("municipality", "round")
        .order_by("municipality_id")
    )
    sites = [p.to_domain(dimensions=dims) for p in profiles]
    site_ids = {s.id for s in sites}
    holding = list(
        Proposal.objects.filter(
            run__round=round_, status__in=HOLDING_STATUSES, run__published_at__isnull=False
        )
        .exclude(household__status=HouseholdStatus.WITHDRAWN)  # a withdrawn household frees it
        .values_list("household_id", "municipality_id")
    )
    fixed_site = {hh: site_id_for(m) for hh, m in holding}
    holding_households = Household.objects.filter(
        proposals__run__round=round_,
        proposals__status__in=HOLDING_STATUSES,
        proposals__run__published_at__isnull=False,
    ).exclude(status=HouseholdStatus.WITHDRAWN)
    declined = Proposal.objects.filter(
        run__round=round_, status=ProposalStatus.DECLINED
    ).values_list("household_id", "municipality_id")
    households = list(
        _household_queryset()
        .filter(round=round_, interview__completed=True)
        # waiting for a place, or holding one (fixed)
        .filter(Q(status__in=FREE_STATUSES) | Q(pk__in=Subquery(holding_households.values("pk"))))
        .order_by("reference")
    )
    reference_of = {h.pk: h.reference for h in households}
    domain = [_known_places(h.to_domain(), site_ids) for h in households]
    links: dict[int, list[str]] = {}
    for h in households:
        if h.linked_with_id in reference_of:
            root = min(h.pk, h.linked_with_id)
            group = links.setdefault(root, [reference_of[root]])
            other = reference_of[h.pk if root != h.pk else h.linked_with_id]
            if other not in group:
                group.append(other)
    return {
        "format": SNAPSHOT_FORMAT,
        "round": round_.pk,
        "taken_at": timezone.now().isoformat(),
        "criteria_version": round_.criteria_version,
        "mechanism": mechanism,
        "seed": seed,
        "dimensions": dims,
        "households": [household_to_dict(h) for h in domain],
        "sites": [site_to_dict(s) for s in sites],
        "household_pks": {h.reference: h.pk for h in households},
        "fixed": sorted(
            [reference_of[hh], site] for hh, site in fixed_site.items() if hh in reference_of
        ),
        "forbidden": sorted(
            {(reference_of[hh], site_id_for(m)) for hh, m in declined if hh in reference_of}
        ),
        "links": [sorted(g) for g in links.values() if len(g) > 1],
    }


def _known_places(profile: HouseholdProfile, site_ids: set[str]) -> HouseholdProfile:
    """Drop places the household named that no longer take part in the round."""
    return dataclasses.replace(
        profile,
        ties=tuple(s for s in profile.ties if s in site_ids),
        ranked_places=tuple(s for s in profile.ranked_places if s in site_ids),
        excluded_places=frozenset(s for s in profile.excluded_places if s in site_ids),
    )


# ---------------------------------------------------------------------------------------------
# Snapshot → engine inputs (the same snapshot always gives the same instance)
# ---------------------------------------------------------------------------------------------


def _profiles_from_snapshot(
    snapshot: dict[str, Any],
) -> tuple[list[HouseholdProfile], list[SiteProfile]]:
    households, sites, problems = profiles_from_dicts(snapshot["households"], snapshot["sites"])
    if (
        problems
        or len(households) < len(snapshot["households"])
        or len(sites) < len(snapshot["sites"])
    ):
        text = " ".join(problem_texts(problems)) or _("The snapshot is damaged.")
        raise RunError(text, code="snapshot", problems=problems)
    return households, sites


def snapshot_catalogue(snapshot: dict[str, Any]) -> Catalogue:
    """The criteria catalogue of the version the snapshot recorded (never today's default)."""
    version = str(snapshot["criteria_version"])
    try:
        return load_catalogue_version(version)
    except CatalogueError as exc:
        raise RunError(
            _(
                "The run used criteria catalogue version “%(version)s”, which this version of "
                "passgenau no longer has; it cannot be reproduced or exported."
            )
            % {"version": version},
            code="catalogue_version",
            problems=exc.problems,
        ) from None


def _constraints(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "fixed": snapshot["fixed"],
        "forbidden": snapshot["forbidden"],
        "links": snapshot["links"],
    }


def build_instance(snapshot: dict[str, Any]) -> Instance:
    """The snapshot's plain instance: its profiles scored with its catalogue version, with its
    fixed, forbidden and linked households applied (by the engine, as a run does)."""
    households, sites = _profiles_from_snapshot(snapshot)
    scored, breakdown = score_profiles(households, sites, snapshot_catalogue(snapshot))
    return constrain(scored, breakdown, **_constraints(snapshot))


# ---------------------------------------------------------------------------------------------
# Starting and executing runs
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def run_start(
    *,
    actor: User,
    round_: Round,
    mechanism: str | None = None,
    seed: int = 0,
    label: str = "",
    snapshot: dict[str, Any] | None = None,
    based_on: MatchingRun | None = None,
) -> MatchingRun:
    """Snapshot the round's inputs, create the run and hand it to the task queue.

    The round moves to "matching" (from "open", or from "proposals" for a re-matching).
    """
    _require_coordinator(actor=actor, round_=round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    round_services.round_require(round_=round_, action=RoundAction.START_RUN)
    mechanism = mechanism or round_.mechanism
    if mechanism not in Mechanism.values:
        raise RunError(_("Unknown mechanism “%(value)s”.") % {"value": mechanism})
    if seed < 0:
        raise RunError(_("The seed must be 0 or more."))
    if round_.status != RoundStatus.MATCHING:
        round_services.round_transition(actor=actor, round_=round_, to_status=RoundStatus.MATCHING)
    if snapshot is None:
        snapshot = round_snapshot(round_=round_, mechanism=mechanism, seed=seed)
        if not snapshot["households"]:
            raise RunError(_("No household is waiting for a place."))
        if based_on is None and (snapshot["fixed"] or snapshot["forbidden"]):
            based_on = round_.runs.filter(published_at__isnull=False).order_by("-number").first()
    number = (round_.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = MatchingRun.objects.create(
        round=round_,
        number=number,
        label=label,
        mechanism=mechanism,
        seed=seed,
        criteria_version=snapshot["criteria_version"],
        snapshot=snapshot,
        based_on=based_on,
        started_by=actor,
        progress_message=_("queued"),
    )
    log_action(
        "relocation.run.started",
        actor=actor,
        obj=run,
        data={
            "mechanism": mechanism,
            "seed": seed,
            "households": len(snapshot["households"]),
            "fixed": len(snapshot["fixed"]),
            "forbidden": len(snapshot["forbidden"]),
        },
    )
    result = execute_run.enqueue(run.pk)
    MatchingRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def run_reproduce(*, actor: User, run: MatchingRun) -> MatchingRun:
    """A new run on exactly the same snapshot, mechanism, seed and criteria catalogue version (for
    audits); refused when this version of passgenau no longer has that catalogue."""
    snapshot_catalogue(run.snapshot)
    return run_start(
        actor=actor,
        round_=run.round,
        mechanism=run.mechanism,
        seed=run.seed,
        label=_("reproduction of run %(number)s") % {"number": run.number},
        snapshot=run.snapshot,
        based_on=run,
    )


def _progress(run_id: int, percent: int, message: str, **fields: Any) -> None:
    MatchingRun.objects.filter(pk=run_id).update(
        progress=percent, progress_message=message, **fields
    )


@task()
def execute_run(run_id: int) -> None:
    """The background task: never raises; a failure is stored on the run."""
    run_execute(run_id=run_id)


def run_execute(*, run_id: int) -> MatchingRun:
    run = MatchingRun.objects.select_related("round").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    _progress(run.pk, 5, _("scoring"), status=RunStatus.RUNNING, started_at=timezone.now())

    def stage(name: str, instance: Instance) -> None:
        if name == "solving":
            _progress(run.pk, 30, _("solving"), input_hash=instance.input_hash())
        else:
            _progress(run.pk, 70, _("explaining"))

    timings: dict[str, float] = {}
    try:
        households, sites = _profiles_from_snapshot(run.snapshot)
        matched = match_profiles(
            households,
            sites,
            snapshot_catalogue(run.snapshot),
            **_constraints(run.snapshot),
            mechanism=run.mechanism,
            options=SolveOptions(seed=run.seed),
            alternatives=ALTERNATIVES_SHOWN,
            on_stage=stage,
        )
        timings = dict(matched.timings)
        _progress(run.pk, 90, _("storing proposals"))
        with transaction.atomic():
            _store(run, matched, timings)
        return MatchingRun.objects.get(pk=run.pk)
    except Exception as exc:  # the run records what went wrong; the worker keeps going
        _progress(
            run.pk,
            100,
            _("failed"),
            status=RunStatus.FAILED,
            **run_failure(exc),
            finished_at=timezone.now(),
            timings=timings,
        )
        return MatchingRun.objects.get(pk=run.pk)


def _store(run: MatchingRun, matched: MatchRun, timings: dict[str, float]) -> None:
    instance, result = matched.instance, matched.result
    labels = {c.id: c.label("en") for c in matched.catalogue.criteria}
    pk_of = run.snapshot["household_pks"]
    fixed = {ref for ref, _site in run.snapshot["fixed"]}
    started = time.perf_counter()
    proposals = []
    unplaced = []
    for e in matched.explanations:
        if e.household_id in fixed:
            continue
        if e.site_id is None:
            unplaced.append(
                {
                    "household": pk_of[e.household_id],
                    "reference": e.household_id,
                    "reason": e.unplaced_reason,
                }
            )
            continue
        proposals.append(
            Proposal(
                run=run,
                household_id=pk_of[e.household_id],
                municipality_id=organisation_id_from_site_id(e.site_id),
                score=e.score,
                explanation=explanation_to_dict(e, labels),
                status=ProposalStatus.DRAFT,
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=500)
    timings["storing"] = time.perf_counter() - started
    run.status = RunStatus.SUCCEEDED
    run.progress = 100
    run.progress_message = _("finished")
    run.finished_at = timezone.now()
    run.input_hash = instance.input_hash()
    run.timings = timings
    run.metrics = matched.metrics
    run.result = {
        "mechanism": result.mechanism,
        "status": result.status,
        "objective": float(result.objective),
        "bound": None if result.bound is None else float(result.bound),
        "gap": result.gap,
        "solver": result.solver,
        "solver_version": result.solver_version,
        "seconds": float(result.seconds),
        "households": instance.n_households,
        "fixed": len(fixed),
        "proposals": len(proposals),
        "unplaced": unplaced,
        "allowed_pairs": instance.n_pairs,
    }
    run.save(
        update_fields=[
            "status",
            "progress",
            "progress_message",
            "finished_at",
            "input_hash",
            "timings",
            "metrics",
            "result",
        ]
    )


# ---------------------------------------------------------------------------------------------
# Households taken out of past runs (erasure, end of a retention period)
# ---------------------------------------------------------------------------------------------


def snapshot_without(
    snapshot: dict[str, Any], references: set[str], *, counter: str
) -> dict[str, Any] | None:
    """The run snapshot without the households ``references``, or None when none was in it.

    ``counter`` (``erased``, ``removed_by_retention``) counts the households taken out, so that a
    rebuilt instance that differs from the run's input hash is explained."""
    pks = snapshot.get("household_pks", {})
    households = snapshot.get("households", [])
    found = (set(pks) | {h.get("id") for h in households}) & references
    if not found:
        return None
    links = [[r for r in group if r not in found] for group in snapshot.get("links", [])]
    return {
        **snapshot,
        "households": [h for h in households if h.get("id") not in found],
        "household_pks": {ref: pk for ref, pk in pks.items() if ref not in found},
        "fixed": [pair for pair in snapshot.get("fixed", []) if pair[0] not in found],
        "forbidden": [pair for pair in snapshot.get("forbidden", []) if pair[0] not in found],
        "links": [group for group in links if len(group) > 1],
        counter: int(snapshot.get(counter, 0)) + len(found),
    }


def _failure_text(error: str, problems: list[dict[str, Any]]) -> str:
    """A failed run's error text once some of its input problems are gone (they may quote what
    was wrong: text of a household since erased): the kind of error and the problems left."""
    kind = error.split(":", 1)[0]
    texts = problem_texts(stored_problems(problems))
    removed = _("(the input problems were removed with their households)")
    return f"{kind}: {' '.join(texts) or removed}"


def runs_forget(*, households: Iterable[Household], counter: str) -> int:
    """Take the households out of the snapshots, results and input problems (of a failed run) of
    their rounds' runs; returns how many runs changed. Their proposals are left to the caller."""
    by_round: dict[int, set[str]] = {}
    for household in households:
        by_round.setdefault(household.round_id, set()).add(household.reference)
    changed = 0
    for round_id, references in sorted(by_round.items()):
        runs = MatchingRun.objects.select_for_update().filter(round_id=round_id)
        for run in runs.order_by("pk"):
            snapshot = snapshot_without(run.snapshot or {}, references, counter=counter)
            unplaced = (run.result or {}).get("unplaced", [])
            kept = [u for u in unplaced if u.get("reference") not in references]
            problems = run.error_problems or []
            kept_problems = [p for p in problems if p.get("record") not in references]
            if snapshot is None and len(kept) == len(unplaced) and problems == kept_problems:
                continue
            if snapshot is not None:
                run.snapshot = snapshot
            if len(kept) != len(unplaced):
                run.result = {**run.result, "unplaced": kept}
            if problems != kept_problems:
                run.error_problems = kept_problems
                run.error = _failure_text(run.error, kept_problems)
            run.save(update_fields=["snapshot", "result", "error_problems", "error"])
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Export in the plain instance format
# ---------------------------------------------------------------------------------------------


def run_export_download(*, actor: User, run: MatchingRun, password: str) -> ProtectedExport:
    """The files of :func:`run_export_zip` in a zip encrypted with ``password`` for ``actor`` only
    (docs/adr/0008): they hold the profiles (health needs included) of every household in the
    run's snapshot, so the export is audited with their ids."""
    with zipfile.ZipFile(io.BytesIO(run_export_zip(run=run))) as plain:
        files = {name: plain.read(name) for name in plain.namelist()}
    export = protected_export_create(
        owner=actor,
        filename=f"round-{run.round_id}-run-{run.number}-instance.zip",
        files=files,
        password=password,
    )
    references = [h["id"] for h in run.snapshot["households"]]
    ids = Household.objects.filter(reference__in=references).order_by("pk")
    log_action(
        "relocation.run.downloaded",
        actor=actor,
        obj=run,
        data={
            "households": len(references),
            "ids": [str(pk) for pk in ids.values_list("pk", flat=True)],
            "export": export.pk,
        },
    )
    return export


def run_export_zip(*, run: MatchingRun) -> bytes:
    """The run's plain instance (households, sites, scores, fixed, forbidden, links), its
    profiles, its placements and a ``run.json`` with the settings, as one zip file."""
    instance = build_instance(run.snapshot)
    # households taken out since: erased (Art. 17 GDPR) or at the end of a retention period
    erased = int(run.snapshot.get("erased", 0))
    retained = int(run.snapshot.get("removed_by_retention", 0))
    if run.input_hash and not (erased or retained) and instance.input_hash() != run.input_hash:
        raise RunError(_("The rebuilt instance differs from the run's input hash."))
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w") as archive:
        directory = Path(tmp) / "instance"
        write_instance(instance, directory)
        for path in sorted(directory.iterdir()):
            archive.write(path, f"instance/{path.name}")
        archive.writestr(
            "instance/forbidden.csv",
            _csv_text(["household_id", "site_id"], run.snapshot["forbidden"]),
        )
        archive.writestr("profiles/households.jsonl", _jsonl(run.snapshot["households"]))
        archive.writestr("profiles/sites.jsonl", _jsonl(run.snapshot["sites"]))
        placements = (
            Proposal.objects.filter(run=run)
            .select_related("household")
            .order_by("household__reference")
        )
        archive.writestr(
            "placements.csv",
            _csv_text(
                ["household_id", "site_id", "score", "overridden"],
                [
                    [p.household.reference, site_id_for(p.municipality_id), p.score, p.overridden]
                    for p in placements
                ],
            ),
        )
        archive.writestr(
            "run.json",
            json.dumps(
                {
                    "round": run.round_id,
                    "run": run.number,
                    "mechanism": run.mechanism,
                    "seed": run.seed,
                    "criteria_version": run.criteria_version,
                    "input_hash": instance.input_hash(),
                    "erased_households": erased,
                    "households_removed_by_retention": retained,
                    "result": {k: v for k, v in run.result.items() if k != "unplaced"},
                },
                indent=1,
            ),
        )
    return buffer.getvalue()


def _csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


__all__ = [
    "RunError",
    "build_instance",
    "execute_run",
    "round_snapshot",
    "run_execute",
    "run_export_download",
    "run_export_zip",
    "run_failure",
    "run_reproduce",
    "run_start",
    "runs_forget",
    "snapshot_without",
]
