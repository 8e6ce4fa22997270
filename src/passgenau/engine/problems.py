"""The engine's one way of reporting bad input: problems as data, raised together.

An :class:`InputProblem` says where (``source``: the file or input; ``line``: 1-based; ``field``)
and what (``code``: a stable name the shell translates; ``parameters``: the values its text
needs; ``message``: the English text, for the command line and logs). An :class:`InputError`
carries every problem found, not just the first. The engine's input errors (of instances,
profiles, catalogues, keys, apportionments, HSDS packages) are all :class:`InputError`; the web
application shows a problem by its ``code`` and ``parameters`` in the reader's language
(``passgenau.apps.core.input_problems``), never by the English ``message``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

__all__ = ["InputError", "InputProblem"]


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input: where it is, a stable code with its parameters, and the text."""

    source: str  # the file or input; "" for the arguments of a call
    line: int | None  # 1-based line, row or record; None: the input as a whole
    field: str | None
    code: str
    parameters: Mapping[str, Any] = _field(default_factory=dict)
    message: str = ""  # in English

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", row {self.line}"
        if self.field is not None:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}" if where else self.message


class InputError(ValueError):
    """Input the engine cannot use; ``problems`` holds every problem found."""

    separator = "\n"

    def __init__(self, problems: Sequence[Any]) -> None:
        self.problems = list(problems)
        super().__init__(self.separator.join(str(p) for p in self.problems))
