"""Apportionment: distribute an integer total among units in proportion to weights.

The total is a whole number of indivisible things: persons, seats, euro cents. One entry point,
:func:`apportion`, dispatches to three classical methods:

``largest-remainder``
    Hare-Niemeyer (Hamilton): every unit gets the integer part of its quota, the seats left over
    go to the largest fractional remainders.
``sainte-lague``
    Sainte-Laguë/Schepers (Webster): divisor method with standard rounding (signposts k + 1/2).
``dhondt``
    D'Hondt (Jefferson): divisor method rounding down (signposts k + 1).

Every computation is exact (integers and :class:`fractions.Fraction`); floats are used only to
find a starting divisor, never to decide an allocation.

Bounds: each unit may have a minimum and a maximum (one number for all units or one per unit).
A divisor method with bounds gives unit *i* ``clamp(round(w_i / D), min_i, max_i)`` for one
common divisor *D* (the minimum-maximum restricted variants of divisor methods in Pukelsheim 2017;
Balinski & Young 2001 for minimum requirements); the largest remainder method with bounds rounds
the bounded quotas ``clamp(λ·w_i, min_i, max_i)`` that add up to the total. Without bounds both
reduce to the textbook methods.

Ties: when several units have an equal claim on the last seats (equal remainders, or equal
quotients at the final divisor), the tie rule decides. ``ties="order"`` (default) prefers the unit
that comes first in the input -- sort your units (for example by id) to make that the rule you
want; ``ties="lot"`` draws lots with :class:`random.Random` seeded by ``seed``, as laws like
§ 6 Abs. 2 BWahlG ("so entscheidet das ... zu ziehende Los") require. Either way the result lists
the tied units and how many seats were decided among them.

Units with weight zero receive their minimum (zero unless a minimum is given) and never more.

References
----------
M. L. Balinski and H. P. Young, *Fair Representation: Meeting the Ideal of One Man, One Vote*,
2nd ed., Brookings Institution Press, 2001.

F. Pukelsheim, *Proportional Representation: Apportionment Methods and Their Applications*,
2nd ed., Springer, 2017.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal, TypeAlias

from .problems import InputError, InputProblem

__all__ = [
    "METHODS",
    "TIE_RULES",
    "Apportionment",
    "ApportionmentError",
    "Method",
    "TieRule",
    "WeightLike",
    "apportion",
    "to_fraction",
]

Method = Literal["largest-remainder", "sainte-lague", "dhondt"]
TieRule = Literal["order", "lot"]
METHODS: tuple[str, ...] = ("largest-remainder", "sainte-lague", "dhondt")
TIE_RULES: tuple[str, ...] = ("order", "lot")

WeightLike: TypeAlias = int | Fraction | Decimal | str | float
Bound: TypeAlias = int | Mapping[str, int] | None

# Aliases accepted for the method names (German usage and spelling without diacritics).
_METHOD_ALIASES: dict[str, str] = {
    "largest-remainder": "largest-remainder",
    "hare-niemeyer": "largest-remainder",
    "hamilton": "largest-remainder",
    "sainte-lague": "sainte-lague",
    "sainte-laguë": "sainte-lague",
    "webster": "sainte-lague",
    "dhondt": "dhondt",
    "d'hondt": "dhondt",
    "jefferson": "dhondt",
}


class ApportionmentError(InputError):
    """Input that cannot be apportioned; carries every problem found (:class:`InputProblem`,
    codes ``apportion.*``)."""

    separator = "; "
    problems: list[InputProblem]


def _problem(code: str, **parameters: Any) -> InputProblem:
    return InputProblem("", None, None, code, parameters)


@dataclass(frozen=True)
class Apportionment:
    """The result of :func:`apportion`.

    Attributes
    ----------
    method
        The method used (canonical name).
    total
        The integer total that was distributed.
    ids
        Unit ids in input order.
    weights
        The weights as exact fractions, in input order.
    quotas
        ``total * weight / sum(weights)`` per unit, exact (the unbounded fair share).
    allocations
        Integers per unit, in input order; they add up to ``total``.
    tied
        Units that had an equal claim on the last seats and between which the tie rule decided
        (empty when no tie occurred).
    tie_seats
        How many seats were decided among ``tied`` by the tie rule.
    ties
        The tie rule in force (``"order"`` or ``"lot"``).
    seed
        The seed of the lot, if any.
    """

    method: str
    total: int
    ids: tuple[str, ...]
    weights: tuple[Fraction, ...]
    quotas: tuple[Fraction, ...]
    allocations: tuple[int, ...]
    tied: tuple[str, ...] = ()
    tie_seats: int = 0
    ties: str = "order"
    seed: int | None = None

    def as_dict(self) -> dict[str, int]:
        """The allocations keyed by unit id (in input order)."""
        return dict(zip(self.ids, self.allocations, strict=True))

    def quota_of(self, unit: str) -> Fraction:
        """The quota of one unit."""
        return self.quotas[self.ids.index(unit)]


def to_fraction(value: object) -> Fraction:
    """Convert a weight to an exact fraction, or raise ``ValueError`` with a reason.

    Integers, fractions and decimals are taken exactly; a string must be a plain decimal number
    with ``.`` as decimal point (``"13.01280"``, ``"1/3"`` is also accepted); a float is taken as
    its shortest decimal representation (``0.1`` means one tenth, not the binary approximation).
    Booleans, NaN and infinities are rejected.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty value is not a number")
        try:
            if "/" in text:
                return Fraction(text)
            number = Decimal(text)
        except (InvalidOperation, ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number") from None
        if not number.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return Fraction(number)
    raise ValueError(f"{value!r} is not a number")


def apportion(
    total: int,
    weights: Mapping[str, WeightLike] | Sequence[WeightLike],
    *,
    method: str = "largest-remainder",
    minimum: Bound = None,
    maximum: Bound = None,
    ties: str = "order",
    seed: int | None = None,
) -> Apportionment:
    """Apportion an integer ``total`` among units in proportion to ``weights``.

    Parameters
    ----------
    total
        A non-negative integer (persons, seats, euro cents).
    weights
        Non-negative weights, either a mapping from unit id to weight (insertion order is the
        input order) or a sequence (ids are then ``"0"``, ``"1"``, ...). Weights may be ints,
        fractions, decimals, decimal strings or floats (see :func:`to_fraction`).
    method
        ``"largest-remainder"`` (Hare-Niemeyer), ``"sainte-lague"`` (Webster) or ``"dhondt"``
        (Jefferson).
    minimum, maximum
        Optional bounds: one integer for every unit, or a mapping from unit id to integer (units
        not in the mapping are unbounded on that side).
    ties
        ``"order"``: among tied units the one earlier in the input wins; ``"lot"``: a lot seeded
        by ``seed`` decides.
    seed
        The seed of the lot; required when ``ties="lot"``.

    Returns
    -------
    Apportionment
        Quotas, allocations and the tied units. The allocations add up to ``total`` exactly.

    Raises
    ------
    ApportionmentError
        For a negative or non-numeric weight, an empty key, all-zero weights with a positive
        total, a negative total, unknown method or tie rule, or bounds that cannot be met.

    Notes
    -----
    Divisor methods are computed by a divisor search: a floating-point bisection proposes a
    divisor, the exact allocation at that divisor is computed with fractions, and single seats
    are then added (highest next quotient first) or removed (lowest last quotient first) until the
    total is met. This is equivalent to the sequential "highest averages" procedure
    (Balinski & Young 2001; Pukelsheim 2017) but takes time independent of
    the size of the total, so that 800,000,000 cents are as fast as 8 seats.

    Examples
    --------
    >>> result = apportion(10, {"A": 6, "B": 3, "C": 1}, method="dhondt")
    >>> result.as_dict()
    {'A': 6, 'B': 3, 'C': 1}
    >>> apportion(5, [1, 1, 1]).allocations, apportion(5, [1, 1, 1]).tied
    ((2, 2, 1), ('0', '1', '2'))
    """
    problems: list[InputProblem] = []
    canonical = _METHOD_ALIASES.get(str(method).strip().lower())
    if canonical is None:
        problems.append(
            _problem(
                "apportion.unknown_method",
                method=str(method),
                choices=", ".join(METHODS),
            )
        )
    if ties not in TIE_RULES:
        problems.append(
            _problem(
                "apportion.unknown_ties",
                ties=str(ties),
                choices=", ".join(TIE_RULES),
            )
        )
    if ties == "lot" and seed is None:
        problems.append(_problem("apportion.lot_needs_seed"))
    if isinstance(total, bool) or not isinstance(total, int):
        problems.append(
            _problem(
                "apportion.total_not_integer",
                total=repr(total),
            )
        )
    elif total < 0:
        problems.append(
            _problem(
                "apportion.total_negative",
                total=total,
            )
        )

    ids, fractions = _read_weights(weights, problems)
    lows = [lo or 0 for lo in _read_bound(minimum, ids, "minimum", problems)]
    highs = _read_bound(maximum, ids, "maximum", problems)
    if problems:
        raise ApportionmentError(problems)
    assert canonical is not None

    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0 and total > 0:
        problems.append(_problem("apportion.no_key"))
    for uid, lo, hi in zip(ids, lows, highs, strict=True):
        if hi is not None and lo > hi:
            problems.append(
                _problem(
                    "apportion.min_above_max",
                    unit=uid,
                    minimum=lo,
                    maximum=hi,
                )
            )
    sum_low = sum(lows)
    if sum_low > total:
        problems.append(
            _problem(
                "apportion.minimums_exceed_total",
                sum=sum_low,
                total=total,
            )
        )
    # Units with weight zero never get more than their minimum.
    reachable = [lo if w == 0 else hi for w, lo, hi in zip(fractions, lows, highs, strict=True)]
    if all(r is not None for r in reachable):
        cap = sum(r for r in reachable if r is not None)
        if cap < total:
            problems.append(
                _problem(
                    "apportion.maximums_below_total",
                    sum=cap,
                    total=total,
                )
            )
    if problems:
        raise ApportionmentError(problems)

    quotas = tuple((total * w / weight_sum) if weight_sum else Fraction(0) for w in fractions)
    tie_breaker = _TieBreaker(ties, seed)
    if canonical == "largest-remainder":
        allocations = _largest_remainder(total, fractions, lows, highs, tie_breaker)
    else:
        signpost = _SIGNPOSTS[canonical]
        allocations = _divisor_method(total, fractions, lows, highs, signpost, tie_breaker)

    assert sum(allocations) == total
    return Apportionment(
        method=canonical,
        total=total,
        ids=ids,
        weights=fractions,
        quotas=quotas,
        allocations=tuple(allocations),
        tied=tuple(ids[i] for i in tie_breaker.tied),
        tie_seats=tie_breaker.seats,
        ties=ties,
        seed=seed,
    )


# --- input -----------------------------------------------------------------------------------


def _read_weights(
    weights: Mapping[str, WeightLike] | Sequence[WeightLike], problems: list[InputProblem]
) -> tuple[tuple[str, ...], tuple[Fraction, ...]]:
    if isinstance(weights, Mapping):
        pairs = [(str(k), v) for k, v in weights.items()]
        if len({k for k, _ in pairs}) != len(pairs):
            problems.append(_problem("apportion.ids_not_distinct"))
    elif isinstance(weights, str | bytes):
        problems.append(_problem("apportion.weights_string"))
        return (), ()
    else:
        pairs = [(str(i), v) for i, v in enumerate(weights)]
    if not pairs:
        problems.append(_problem("apportion.key_empty"))
    ids: list[str] = []
    fractions: list[Fraction] = []
    for uid, raw in pairs:
        try:
            value = to_fraction(raw)
        except ValueError as exc:
            problems.append(
                _problem(
                    "apportion.weight_invalid",
                    unit=uid,
                    detail=str(exc),
                )
            )
            continue
        if value < 0:
            problems.append(
                _problem(
                    "apportion.weight_negative",
                    unit=uid,
                    weight=str(raw),
                )
            )
            continue
        ids.append(uid)
        fractions.append(value)
    return tuple(ids), tuple(fractions)


def _read_bound(
    bound: Bound, ids: tuple[str, ...], name: str, problems: list[InputProblem]
) -> list[int | None]:
    """One bound per unit (``None``: unbounded on that side)."""
    if bound is None:
        return [None] * len(ids)
    if isinstance(bound, Mapping):
        unknown = [str(k) for k in bound if str(k) not in ids]
        if unknown:
            problems.append(
                _problem(
                    "apportion.bound_unknown_units",
                    bound=name,
                    units=", ".join(sorted(unknown)),
                )
            )
        lookup = {str(k): v for k, v in bound.items()}
        return [_check_bound(lookup.get(uid), name, uid, problems) for uid in ids]
    checked = _check_bound(bound, name, None, problems)
    return [checked] * len(ids)


def _check_bound(
    value: object, name: str, uid: str | None, problems: list[InputProblem]
) -> int | None:
    if value is None:
        return None
    prefix = "apportion.unit_" if uid is not None else "apportion."
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(
            _problem(
                f"{prefix}bound_not_integer",
                unit=uid,
                bound=name,
                value=repr(value),
            )
        )
        return None
    if value < 0:
        problems.append(
            _problem(
                f"{prefix}bound_negative",
                unit=uid,
                bound=name,
                value=value,
            )
        )
        return None
    return value


# --- tie rule --------------------------------------------------------------------------------


class _TieBreaker:
    """Chooses ``k`` winners among tied units and remembers whom it chose among."""

    def __init__(self, rule: str, seed: int | None) -> None:
        self.rule = rule
        self.rng = random.Random(seed)
        self.tied: tuple[int, ...] = ()
        self.seats = 0

    def choose(self, candidates: Sequence[int], k: int) -> list[int]:
        """Pick ``k`` of ``candidates`` (unit indices); earliest first for ``order``."""
        ordered = sorted(candidates)
        self.tied = tuple(ordered)
        self.seats = k
        if self.rule == "lot":
            return sorted(self.rng.sample(ordered, k))
        return ordered[:k]

    def choose_losers(self, candidates: Sequence[int], k: int) -> list[int]:
        """Pick ``k`` of ``candidates`` to lose a seat: the winners keep theirs."""
        keep = self.choose(candidates, len(candidates) - k)
        self.seats = len(candidates) - k
        return [c for c in sorted(candidates) if c not in keep]


# --- largest remainder -----------------------------------------------------------------------


def _bounded_quotas(
    total: int,
    weights: Sequence[Fraction],
    lows: Sequence[int],
    highs: Sequence[int | None],
) -> list[Fraction]:
    """Quotas ``clamp(λ·w_i, lo_i, hi_i)`` with one λ such that they add up to ``total``.

    Iterative water-filling: compute λ for the free units, fix the violators of the side that
    overshoots (they are provably bounded at the final λ as well), repeat. At most n rounds.
    """
    n = len(weights)
    value: list[Fraction | None] = [None] * n
    for i in range(n):
        if weights[i] == 0:
            value[i] = Fraction(lows[i])
    while True:
        free = [i for i in range(n) if value[i] is None]
        fixed_sum = sum((v for v in value if v is not None), Fraction(0))
        if not free:
            break
        free_weight = sum((weights[i] for i in free), Fraction(0))
        lam = (total - fixed_sum) / free_weight
        below = [i for i in free if lam * weights[i] < lows[i]]
        above = [i for i in free if (h := highs[i]) is not None and lam * weights[i] > h]
        if not below and not above:
            for i in free:
                value[i] = lam * weights[i]
            break
        excess = sum((lows[i] - lam * weights[i] for i in below), Fraction(0)) - sum(
            (lam * weights[i] - (highs[i] or 0) for i in above), Fraction(0)
        )
        if excess >= 0:
            for i in below:
                value[i] = Fraction(lows[i])
        if excess <= 0:
            for i in above:
                value[i] = Fraction(highs[i] or 0)
    return [v if v is not None else Fraction(0) for v in value]


def _largest_remainder(
    total: int,
    weights: Sequence[Fraction],
    lows: Sequence[int],
    highs: Sequence[int | None],
    tie_breaker: _TieBreaker,
) -> list[int]:
    quotas = _bounded_quotas(total, weights, lows, highs)
    allocation = [math.floor(q) for q in quotas]
    left = total - sum(allocation)
    if left == 0:
        return allocation
    remainders = [q - a for q, a in zip(quotas, allocation, strict=True)]
    # Positive remainders only: a unit with an integral (or bounded) quota gets nothing more.
    order = sorted(
        (i for i in range(len(quotas)) if remainders[i] > 0), key=lambda i: -remainders[i]
    )
    cutoff = remainders[order[left - 1]]
    sure = [i for i in order if remainders[i] > cutoff]
    at_cutoff = [i for i in order if remainders[i] == cutoff]
    winners = list(sure)
    seats_at_cutoff = left - len(sure)
    if len(at_cutoff) > seats_at_cutoff:
        winners += tie_breaker.choose(at_cutoff, seats_at_cutoff)
    else:
        winners += at_cutoff
    for i in winners:
        allocation[i] += 1
    return allocation


# --- divisor methods -------------------------------------------------------------------------

Signpost = Callable[[int], Fraction]


def _signpost_dhondt(k: int) -> Fraction:
    return Fraction(k + 1)


def _signpost_sainte_lague(k: int) -> Fraction:
    return Fraction(2 * k + 1, 2)


_SIGNPOSTS: dict[str, Signpost] = {
    "dhondt": _signpost_dhondt,
    "sainte-lague": _signpost_sainte_lague,
}


def _seats_at(weight: Fraction, divisor: Fraction, signpost: Signpost) -> int:
    """Number of seats k with ``weight / divisor > signpost(k - 1)`` (strictly above)."""
    if weight == 0:
        return 0
    # Signposts are k + c with c = 1 (D'Hondt) or 1/2 (Sainte-Laguë): seats = ceil(t - c), >= 0.
    return max(0, math.ceil(weight / divisor - signpost(0)))


def _clamp(value: int, lo: int, hi: int | None) -> int:
    if value < lo:
        return lo
    if hi is not None and value > hi:
        return hi
    return value


def _start_divisor(
    total: int,
    weights: Sequence[Fraction],
    lows: Sequence[int],
    highs: Sequence[int | None],
    signpost: Signpost,
) -> Fraction:
    """A divisor whose bounded seat count is close to ``total`` (floating-point bisection)."""
    largest = max(weights)
    if largest == 0:
        return Fraction(1)
    # Scaled to (0, 1] so that huge or tiny exact weights do not overflow a float.
    floats = [float(w / largest) for w in weights]
    positive = [w for w in floats if w > 0]

    offset = float(signpost(0))

    def count(divisor: float) -> int:
        s = 0
        for w, lo, hi in zip(floats, lows, highs, strict=True):
            seats = max(0, math.ceil(w / divisor - offset)) if w > 0 else 0
            s += _clamp(seats, lo, hi)
        return s

    # Bracket in log space: at `high` every unit is at its minimum, at `low` above the total.
    high = max(positive) / float(signpost(0)) * 2.0
    low = sum(positive) / (total + len(floats) + 1) / 2.0
    for _ in range(200):
        if count(low) >= total or low < 1e-300:
            break
        low /= 2.0
    for _ in range(100):
        middle = math.sqrt(low * high)
        c = count(middle)
        if c == total:
            return Fraction(middle) * largest
        if c > total:
            low = middle
        else:
            high = middle
        if high / low < 1 + 1e-15:
            break
    return Fraction(high) * largest


def _divisor_method(
    total: int,
    weights: Sequence[Fraction],
    lows: Sequence[int],
    highs: Sequence[int | None],
    signpost: Signpost,
    tie_breaker: _TieBreaker,
) -> list[int]:
    n = len(weights)
    divisor = _start_divisor(total, weights, lows, highs, signpost)
    seats = [_clamp(_seats_at(weights[i], divisor, signpost), lows[i], highs[i]) for i in range(n)]
    missing = total - sum(seats)
    if missing > 0:
        _add_seats(seats, missing, weights, highs, signpost, tie_breaker)
    elif missing < 0:
        _remove_seats(seats, -missing, weights, lows, signpost, tie_breaker)
    return seats


def _add_seats(
    seats: list[int],
    count: int,
    weights: Sequence[Fraction],
    highs: Sequence[int | None],
    signpost: Signpost,
    tie_breaker: _TieBreaker,
) -> None:
    """Give ``count`` more seats, each to the highest next quotient ``w / signpost(seats)``."""

    def can_grow(i: int) -> bool:
        h = highs[i]
        return weights[i] > 0 and (h is None or seats[i] < h)

    _move_seats(
        seats,
        count,
        +1,
        lambda i: -weights[i] / signpost(seats[i]),
        can_grow,
        tie_breaker.choose,
        "apportion.no_room_above",
    )


def _remove_seats(
    seats: list[int],
    count: int,
    weights: Sequence[Fraction],
    lows: Sequence[int],
    signpost: Signpost,
    tie_breaker: _TieBreaker,
) -> None:
    """Take ``count`` seats back, each from the lowest last quotient ``w / signpost(seats-1)``."""
    _move_seats(
        seats,
        count,
        -1,
        lambda i: weights[i] / signpost(seats[i] - 1),
        lambda i: seats[i] > lows[i],
        tie_breaker.choose_losers,
        "apportion.no_room_below",
    )


def _move_seats(
    seats: list[int],
    count: int,
    step: int,
    priority: Callable[[int], Fraction],
    movable: Callable[[int], bool],
    pick: Callable[[Sequence[int], int], list[int]],
    no_room: str,
) -> None:
    """Change ``count`` seats by ``step``, one unit at a time, always at the movable unit whose
    ``priority`` (at its current seats) is lowest; ``pick`` chooses among the units tied for the
    last seats; ``no_room``: the problem's code when no unit may move any more."""
    heap = [(priority(i), i) for i in range(len(seats)) if movable(i)]
    heapq.heapify(heap)
    while count > 0:
        if not heap:
            raise ApportionmentError([_problem(no_room)])
        level = heap[0][0]
        group = []
        while heap and heap[0][0] == level:
            group.append(heapq.heappop(heap)[1])
        if len(group) > count:
            group = pick(group, count)
        for i in group:
            seats[i] += step
            count -= 1
            if movable(i):
                heapq.heappush(heap, (priority(i), i))
