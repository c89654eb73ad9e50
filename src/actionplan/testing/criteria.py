"""The criterion conformance kit: the tests every grant criterion runs against itself.

Subclass :class:`CriterionConformance` in a test module, name your criterion and give
parameter sets it must accept and refuse, as a program file writes them::

    from actionplan.testing import CriterionConformance

    class TestMaxDuration(CriterionConformance):
        criterion_name = "max_duration"
        valid_params = ({"months": 24}, {"months": {"values": [{"from": "2019-04-01", "value": 36}]}})
        invalid_params = ({"months": 0}, {"months": "deux ans"})

The criterion must be installed (by entry point, or registered for the test). The kit
judges the applications of :func:`actionplan.testing.samples.grant_sample` (the Alliance
program of the MRC des Maskoutains and its eight applications), under that program and
under a bare one (no territory, no budget, no calls), and those of
:func:`~actionplan.testing.samples.edge_applications` (missing every optional piece of
data) through the public :class:`~actionplan.grants.evaluation.Evaluator`, and reads the
reasons back through :meth:`~actionplan.grants.evaluation.Assessment.explain`, in French
and English, as reports and the command line do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from ..errors import ValidationError
from ..grants.criteria import Criterion, get_criterion
from ..grants.evaluation import Assessment, Evaluator, as_data
from ..model.grants import CRITERION_ROLES, CriterionConfig
from .samples import GRANT_SAMPLE_NAMES, GrantSample, edge_applications, grant_samples

__all__ = ["CriterionConformance"]

LANGUAGES = ("fr", "en")
#: The path of the criterion's parameters when the kit's program lists it alone.
PARAMS_PATH = "program.criteria[0].params"
#: A date before every deposit: a dated value from it is in force for every application.
EARLIEST = dt.date(1900, 1, 1)
#: A placeholder left unformatted, or brackets around a value that came out empty.
_PLACEHOLDER = re.compile(r"\{\w*\}|\(\s*\)|«\s*»")


class _Only(dict):
    """A registry of one criterion, for :class:`Evaluator` (``get`` and ``names``)."""

    def names(self) -> list[str]:
        return list(self)


def _verdict_data(assessment: Assessment) -> tuple:
    verdict = assessment.verdicts[0]
    return verdict.passed, dict(verdict.facts), verdict.score


def _sentences(assessment: Assessment) -> dict[str, tuple[str, str | None]]:
    return {lang: assessment.explain(0, lang) for lang in LANGUAGES}


class CriterionConformance:
    """Every behaviour a :class:`~actionplan.grants.criteria.Criterion` promises, as tests.

    Class attributes to set:

    * ``criterion_name`` — the registered name of the criterion under test (required);
    * ``valid_params`` — parameter sets the criterion must accept, as a program file's
      ``params`` (plain data; the first one is used where one is enough);
    * ``invalid_params`` — parameter sets it must refuse, each with an error naming a
      parameter of the set;
    * ``language_dependent`` — ``True`` (the default) when the reasons are sentences, so
      that French and English differ;
    * ``gives_advice`` — ``True`` (the default) when a failed verdict says what would make
      it pass.

    Override :meth:`applications` to add applications of your own (marks on a grid…).
    """

    criterion_name: ClassVar[str] = ""
    valid_params: ClassVar[tuple[Mapping[str, Any], ...]] = ({},)
    invalid_params: ClassVar[tuple[Mapping[str, Any], ...]] = ()
    language_dependent: ClassVar[bool] = True
    gives_advice: ClassVar[bool] = True

    # -- fixtures and hooks to override --------------------------------------------------
    @pytest.fixture
    def criterion(self) -> Criterion:
        """The criterion under test: the installed criterion named ``criterion_name``."""
        if not self.criterion_name:
            pytest.fail("set criterion_name in your CriterionConformance subclass")
        found = get_criterion(self.criterion_name)
        assert found is not None, f"no installed criterion is named {self.criterion_name!r}"
        return found

    @pytest.fixture(params=GRANT_SAMPLE_NAMES)
    def sample(self, request) -> GrantSample:
        """The program, its plan and the applications judged, each of
        :func:`~actionplan.testing.samples.grant_samples` in turn."""
        return next(s for s in grant_samples() if s.name == request.param)

    def applications(self, sample: GrantSample) -> tuple[Any, ...]:
        """The applications judged: the sample's and :func:`~actionplan.testing.samples.edge_applications`."""
        return (*sample.applications, *edge_applications())

    # -- helpers ---------------------------------------------------------------------------
    def evaluator(self, sample: GrantSample, params: Mapping[str, Any], *, fresh: bool = False) -> Evaluator:
        """An evaluator of the sample program with this criterion alone, given ``params``.

        ``fresh``: with a new instance of the criterion's class rather than the installed one
        (whatever it remembers from earlier applications left behind), when the class takes
        no arguments.
        """
        config = CriterionConfig(criterion=self.criterion_name, params=dict(params))
        program = attrs.evolve(sample.program, criteria=(config,))
        registry = None
        if fresh:
            installed = get_criterion(self.criterion_name)
            assert installed is not None, f"no installed criterion is named {self.criterion_name!r}"
            try:
                registry = _Only({self.criterion_name: type(installed)()})
            except TypeError:  # a class that needs arguments: the installed instance it is
                registry = None
        return Evaluator(program, sample.plan, default_day=sample.default_day, registry=registry)

    def assess(self, sample: GrantSample, params: Mapping[str, Any]) -> list[Assessment]:
        return self.evaluator(sample, params).assess_all(self.applications(sample))

    def assert_refused(self, sample: GrantSample, params: Mapping[str, Any], *names: str) -> None:
        """The parameters are refused with a :class:`~actionplan.errors.ValidationError` naming one of ``names``."""
        with pytest.raises(ValidationError) as caught:
            self.evaluator(sample, params)
        issues = caught.value.issues
        assert issues, "a ValidationError without issues says nothing"
        paths = [issue.path for issue in issues]
        assert all(path.startswith(PARAMS_PATH) for path in paths), paths
        named = [p for p in paths for name in names if re.match(rf"^{re.escape(PARAMS_PATH)}\.{re.escape(name)}\b", p)]
        assert named, f"{dict(params)} was refused, but no issue names {' or '.join(names)}: {paths}"
        for issue in issues:
            assert issue.path in str(caught.value), "the error message does not show where the problem is"
            french, english = issue.render("fr"), issue.render("en")
            assert issue.path in french and issue.path in english, f"the issue does not show its path: {english!r}"
            assert french != english, f"the issue is not worded in French: {english!r}"

    # -- the declaration -------------------------------------------------------------------
    def test_the_criterion_is_declared_fully(self, criterion, sample):
        assert criterion.name == self.criterion_name
        assert criterion.role in CRITERION_ROLES
        compiled = self.evaluator(sample, self.valid_params[0]).criteria[0]
        titles = {lang: compiled.title(lang) for lang in LANGUAGES}
        assert all(title.strip() and title != self.criterion_name for title in titles.values()), (
            f"give {self.criterion_name} a title in both languages: {titles}")
        if self.language_dependent:
            assert titles["fr"] != titles["en"], f"the title is not translated: {titles}"

    def pytest_generate_tests(self, metafunc):
        """One test per parameter set: ``valid`` and ``invalid`` (``None`` when none is given)."""
        cls = metafunc.cls
        if "valid" in metafunc.fixturenames:
            metafunc.parametrize("valid", cls.valid_params, ids=[f"valid{i}" for i in range(len(cls.valid_params))])
        if "invalid" in metafunc.fixturenames:
            sets = cls.invalid_params or (None,)
            metafunc.parametrize("invalid", sets, ids=[f"invalid{i}" for i in range(len(sets))])

    # -- verdicts --------------------------------------------------------------------------
    def test_every_application_gets_a_verdict(self, criterion, sample, valid):
        params = valid
        evaluator = self.evaluator(sample, params)
        applications = self.applications(sample)
        assessments = evaluator.assess_all(applications)
        assert [a.application.id for a in assessments] == [a.id for a in applications]
        for assessment in assessments:
            [verdict] = assessment.verdicts
            where = f"{assessment.application.id} with {dict(params)}"
            assert isinstance(verdict.passed, bool), f"{where}: passed is {verdict.passed!r}, not a bool"
            assert isinstance(verdict.facts, Mapping), f"{where}: facts are not a mapping"
            assert verdict.score is None or isinstance(verdict.score, Decimal), f"{where}: a score is a Decimal"
        ranking = evaluator.rank(applications)
        assert len(ranking) == len(applications)
        eligible = {a.application.id for a in assessments if a.eligible}
        assert {a.application.id for a in ranking.ranked} == eligible
        for lang in LANGUAGES:  # what `actionplan grants check --format json` prints
            try:
                json.dumps(as_data(ranking, lang))
            except (TypeError, ValueError) as exc:
                pytest.fail(f"facts that JSON cannot hold (grants check --format json would fail): {exc}")

    def test_an_application_missing_optional_data_is_judged(self, criterion, sample):
        bare = edge_applications()[0]
        assessment = self.evaluator(sample, self.valid_params[0]).assess(bare)
        assert isinstance(assessment.verdicts[0].passed, bool)
        for lang in LANGUAGES:
            reason, _advice = assessment.explain(0, lang)
            assert reason.strip(), f"no reason in {lang} for an application with no optional data"

    def test_reasons_and_advice_in_both_languages(self, criterion, sample):
        for params in self.valid_params:
            for assessment in self.assess(sample, params):
                where = f"{assessment.application.id} with {dict(params)}"
                sentences = _sentences(assessment)
                listed = {lang: tuple(assessment.reasons(lang)[0][2:]) for lang in LANGUAGES}
                assert listed == sentences, f"{where}: Assessment.reasons and explain disagree"
                passed = assessment.verdicts[0].passed
                for lang, (reason, advice) in sentences.items():
                    assert isinstance(reason, str) and reason.strip(), f"{where}: no reason in {lang}"
                    for text in (reason, advice or ""):
                        assert not _PLACEHOLDER.search(text), f"{where}: a placeholder or an empty value left in {text!r}"
                    if passed:
                        assert advice is None, f"{where}: advice for a verdict that passed ({advice!r})"
                    elif self.gives_advice:
                        assert isinstance(advice, str) and advice.strip(), f"{where}: failed without advice in {lang}"
                if self.language_dependent:
                    (fr_reason, fr_advice), (en_reason, en_advice) = sentences["fr"], sentences["en"]
                    assert fr_reason != en_reason, f"{where}: the reason is not translated: {en_reason!r}"
                    assert fr_advice is None or fr_advice != en_advice, f"{where}: the advice is not translated"

    def test_verdicts_are_deterministic_and_independent(self, criterion, sample):
        """Each application judged alone by a new instance of the criterion, then all of them
        together in another order with the languages read in another order: the same verdicts
        and sentences (nothing one application leaves behind changes another's)."""
        params = self.valid_params[0]
        applications = self.applications(sample)
        alone = {}
        for application in applications:
            [assessment] = self.evaluator(sample, params, fresh=True).assess_all([application])
            alone[application.id] = (_verdict_data(assessment), _sentences(assessment))
        together = self.evaluator(sample, params)
        for assessment in together.assess_all(tuple(reversed(applications))):
            english_first = {lang: assessment.explain(0, lang) for lang in reversed(LANGUAGES)}
            english_first = {lang: english_first[lang] for lang in LANGUAGES}
            assert (_verdict_data(assessment), english_first) == alone[assessment.application.id], (
                f"{assessment.application.id}: another verdict or sentence when judged with the others")

    def test_judging_many_at_once_agrees_with_one_at_a_time(self, criterion, sample, valid):
        """``evaluate_all`` and ``explain_all`` (what the evaluator calls for many applications)
        give what ``evaluate`` and ``explain`` give for each one, sentences and advice included."""
        evaluator = self.evaluator(sample, valid)
        applications = self.applications(sample)
        alone = [evaluator.assess(application) for application in applications]
        together = evaluator.assess_all(applications)
        assert [_verdict_data(a) for a in together] == [_verdict_data(a) for a in alone], (
            f"evaluate_all and evaluate disagree with {dict(valid)}")
        ranking = evaluator.rank(applications)
        for lang in LANGUAGES:
            many = {a.application.id: [line[2:] for line in lines] for a, _, lines in ranking.explained(lang)}
            one = {a.application.id: [line[2:] for line in a.reasons(lang)] for a in alone}
            assert many == one, f"explain_all and explain disagree in {lang} with {dict(valid)}"

    # -- parameters ------------------------------------------------------------------------
    def test_valid_parameters_are_accepted(self, criterion, sample):
        for params in self.valid_params:
            self.evaluator(sample, params)  # a ValidationError here names what was refused

    def test_invalid_parameters_are_refused_naming_the_parameter(self, criterion, sample, invalid):
        if invalid is None:
            assert not criterion.parameters, (
                f"{self.criterion_name} declares parameters: list values it must refuse in invalid_params")
            return
        self.assert_refused(sample, invalid, *invalid)

    def test_an_unknown_parameter_is_refused(self, criterion, sample):
        self.assert_refused(sample, {**self.valid_params[0], "no_such_parameter": 1}, "no_such_parameter")

    def test_a_missing_required_parameter_is_refused(self, criterion, sample):
        for name, spec in criterion.parameters.items():
            if spec.required:
                given = {key: value for key, value in self.valid_params[0].items() if key != name}
                self.assert_refused(sample, given, name)

    def test_dated_parameters_judge_like_plain_ones(self, criterion, sample):
        """A value in force from before every deposit judges as the plain value does; a parameter
        declared ``dated=False`` refuses the dated form."""
        params = self.valid_params[0]
        plain = [_verdict_data(a) for a in self.assess(sample, params)]
        for name, value in params.items():
            spec = criterion.parameters.get(name)
            if spec is None or (isinstance(value, Mapping) and set(value) == {"values"}):
                continue
            dated = {**params, name: {"values": [{"from": EARLIEST.isoformat(), "value": value}]}}
            if spec.dated:
                assert [_verdict_data(a) for a in self.assess(sample, dated)] == plain, (
                    f"{name}: the dated form judges differently from the plain value")
            else:
                self.assert_refused(sample, dated, name)
