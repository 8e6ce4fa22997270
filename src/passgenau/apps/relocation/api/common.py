"""What the relocation API modules share: a reference to a municipality. (Errors: the one
schema of the whole API, ``passgenau.apps.core.errors.ErrorOut``.)"""

from __future__ import annotations

from ninja import Schema


class MunicipalityRef(Schema):
    id: int
    name: str
