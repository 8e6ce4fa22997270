"""Engine input problems are shown by their code, in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from passgenau.apps.core.input_problems import TEXTS, problem_text
from passgenau.engine.apportionment import PROBLEM_CODES, ApportionmentError, apportion
from passgenau.engine.problems import InputError, InputProblem

SAMPLE = {
    "method": "x",
    "choices": "a, b",
    "ties": "y",
    "total": 10,
    "unit": "A",
    "minimum": 3,
    "maximum": 2,
    "sum": 12,
    "detail": "is not a number",
    "weight": "-1",
    "bound": "minimum",
    "units": "Z",
    "value": -1,
}


def test_every_code_the_engine_reports_has_a_text() -> None:
    assert set(PROBLEM_CODES) <= set(TEXTS)


@pytest.mark.parametrize("language", ["de", "en", "uk", "ru"])
@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_every_text_takes_its_parameters_in_every_language(language: str, code: str) -> None:
    problem = InputProblem("", None, None, code, {k: SAMPLE[k] for k in PROBLEM_CODES[code]})
    with translation.override(language):
        text = problem_text(problem)
    assert text and "%(" not in text
    if language != "en":
        with translation.override("en"):
            assert text != problem_text(problem), "not translated"


def test_an_apportionment_problem_reads_in_german() -> None:
    with pytest.raises(ApportionmentError) as info:
        apportion(10, [1, 1], minimum=6)
    assert isinstance(info.value, InputError)
    (problem,) = info.value.problems
    assert str(problem) == "the minimums add up to 12, more than the total 10"  # the CLI's text
    with translation.override("de"):
        assert (
            problem_text(problem) == "Die Minima ergeben zusammen 12, mehr als die Gesamtmenge 10."
        )


def test_an_unknown_code_is_no_english_text() -> None:
    problem = InputProblem("x.csv", 2, "id", "hsds.whatever", {}, "some English")
    with translation.override("de"):
        assert problem_text(problem) == "Die Eingabe hat ein Problem (hsds.whatever)."
