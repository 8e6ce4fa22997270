"""Engine input problems are shown by their code, in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from passgenau.apps.core.input_problems import TEXTS, problem_line, problem_text, stored_problems
from passgenau.engine.apportionment import ApportionmentError, apportion
from passgenau.engine.matching.profiles import ProfileError, read_profiles
from passgenau.engine.problems import MESSAGES, InputError, InputProblem, parameter_names

LANGUAGES = ("de", "en", "uk", "ru")


def sample(code: str) -> InputProblem:
    """A problem of ``code`` with a value for every parameter its English text takes."""
    values = {name: f"<{name}>" for name in parameter_names(code)}
    return InputProblem("x.csv", 3, "id", code, values)


def test_every_code_the_engine_reports_has_a_text_and_no_other() -> None:
    assert set(TEXTS) == set(MESSAGES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_text_takes_its_parameters_in_every_language(language: str, code: str) -> None:
    problem = sample(code)
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


def test_a_profile_problem_names_its_place_in_the_readers_language(tmp_path: Path) -> None:
    (tmp_path / "sites.jsonl").write_text('{"id": "s1", "capacity": {"persons": 4}}\n')
    (tmp_path / "households.jsonl").write_text(
        '{"id": "h1", "members": [{"age_band": "30-44", "role": "adult"}], "ties": ["s9"]}\n'
    )
    with pytest.raises(ProfileError) as info:
        read_profiles(tmp_path)
    (problem,) = info.value.problems
    assert (problem.code, dict(problem.parameters)) == ("id.unknown", {"kind": "site", "id": "s9"})
    assert str(problem).endswith("record 1 (id 'h1'), field 'ties': unknown site id 's9'")
    with translation.override("de"):
        line = problem_line(problem)
    assert line.endswith(
        "households.jsonl, Datensatz 1 „h1“, Feld „ties“: Unbekannte Kennung „s9“ (Ort)."
    )
    assert "unknown" not in line


def test_an_engine_word_in_a_parameter_is_translated() -> None:
    problem = InputProblem(
        "sites.csv", 4, "persons", "number.negative", {"what": "capacity", "value": -2}
    )
    assert problem.message == "capacity must not be negative, found -2"
    with translation.override("de"):
        assert problem_text(problem) == "Kapazität darf nicht negativ sein (Wert: -2)."


def test_a_stored_problem_reads_back_and_an_unknown_code_is_left_out() -> None:
    problem = sample("id.not_taking_part")
    stored = [problem.as_dict(), {**problem.as_dict(), "code": "gone.since"}]
    assert stored_problems(stored) == [problem]


def test_a_problem_without_its_parameters_or_with_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="parameters"):
        InputProblem("", None, None, "number.invalid")
    with pytest.raises(ValueError, match="unknown input problem code"):
        InputProblem("", None, None, "no.such_code")


@pytest.mark.parametrize(
    ("count", "german"),
    [
        (1, "… und 1 weitere Zeile mit demselben Problem."),
        (2, "… und 2 weitere Zeilen mit demselben Problem."),
        (21, "… und 21 weitere Zeilen mit demselben Problem."),
    ],
)
def test_more_rows_take_the_plural_form_of_their_count(count: int, german: str) -> None:
    problem = InputProblem("sites.csv", None, "persons", "rows.more", {"count": count})
    with translation.override("de"):
        assert problem_text(problem) == german
    with translation.override("en"):
        assert problem_text(problem).startswith(f"… and {count} more row")
        assert problem_text(problem).endswith("rows with the same problem.") == (count != 1)


def test_more_rows_in_russian_take_its_three_plural_forms() -> None:
    texts = []
    with translation.override("ru"):
        for count in (1, 3, 5, 21):
            problem = InputProblem("sites.csv", None, None, "rows.more", {"count": count})
            texts.append(problem_text(problem))
    assert texts == [
        "… и ещё 1 строка с той же проблемой.",
        "… и ещё 3 строки с той же проблемой.",
        "… и ещё 5 строк с той же проблемой.",
        "… и ещё 21 строка с той же проблемой.",
    ]


def test_rows_over_the_limit_take_the_plural_form_of_their_count() -> None:
    def texts(language: str) -> list[str]:
        with translation.override(language):
            return [
                problem_text(
                    InputProblem("", None, None, "rows.over_limit", {"count": n, "limit": 20})
                )
                for n in (21, 22, 25)
            ]

    assert texts("uk") == [
        "Вхідні дані мають 21 рядок; дозволено щонайбільше 20.",
        "Вхідні дані мають 22 рядки; дозволено щонайбільше 20.",
        "Вхідні дані мають 25 рядків; дозволено щонайбільше 20.",
    ]
    assert texts("ru") == [
        "Во входных данных 21 строка; допускается не более 20.",
        "Во входных данных 22 строки; допускается не более 20.",
        "Во входных данных 25 строк; допускается не более 20.",
    ]
    assert texts("de")[0] == "Die Eingabe hat 21 Zeilen; höchstens 20 sind erlaubt."
    assert texts("en")[2] == "The input has 25 rows; at most 20 are allowed."
