"""JSON API of relocation rounds, one router per area (as views, services and selectors), put
together here: rounds, municipality profiles, households and interviews, runs, the review and the
decisions.

The same access functions as the pages decide what a caller sees (404 for what it may not see);
the same services make the changes (422 with field errors for bad input, 409 when the round's
state does not allow it). Every household read is logged.
"""

from __future__ import annotations

from ninja import Router

from . import decisions, intake, profiles, review, rounds, runs

router = Router()
for area in (rounds, profiles, intake, runs, review, decisions):
    router.add_router("", area.router)
