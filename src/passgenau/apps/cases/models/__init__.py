"""The tables of case management, one module per area (as services, selectors, forms and views):
``cases`` holds cases, consent, history, health data, integration plans, referrals, contact notes,
funding contracts and specialist hours; ``matching`` the engine's runs and their proposals;
``housing`` districts, flats, housing requests and flat proposals; ``mentoring`` mentors, mentee
requests, mentor proposals (pairs) and their meetings; ``mediation`` language mediators,
mediation requests of cases' appointments and mediator proposals (assignments).

Everything is importable from here (migrations and ``apps.get_model`` rely on it).
"""

from __future__ import annotations

from .cases import *  # noqa: F403 (every model and vocabulary of the area)
from .housing import *  # noqa: F403
from .matching import *  # noqa: F403
from .mediation import *  # noqa: F403
from .mentoring import *  # noqa: F403
