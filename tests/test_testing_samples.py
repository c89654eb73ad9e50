"""The sample documents shipped in actionplan.testing are the project's examples, and load."""

from __future__ import annotations

import pytest

from actionplan.testing import samples


@pytest.mark.parametrize("name", samples.SAMPLE_FILES)
def test_each_shipped_sample_is_the_example_of_the_same_name(name, examples):
    shipped = samples._data(name)
    assert shipped == (examples / name).read_bytes(), (
        f"actionplan/testing/data/{name} differs from examples/{name}: copy the example over")


def test_the_report_samples_hold_what_the_kits_promise():
    by_name = {s.name: s for s in samples.report_samples()}
    assert tuple(by_name) == samples.REPORT_SAMPLE_NAMES
    assert sum(1 for _ in by_name["concertation-horizon-2026"].plan.iter_indicators()) == 105
    assert by_name["alliance-maskoutains-2019-2023"].plan.program is not None
    assert by_name["alliance-maskoutains-2019-2023"].applications is not None
    assert by_name["empty"].plan.themes == ()
    hostile = by_name["hostile"].plan
    texts = {hostile.title, hostile.mission, *(a.title for _, _, a in hostile.iter_actions())}
    for text in samples.HOSTILE_TEXTS:
        assert any(text in t for t in texts), text[:40]
    assert hostile.program is not None and by_name["hostile"].applications.applications


def test_a_hostile_sample_is_a_valid_plan():
    from actionplan.checks import check_plan

    sample = samples.hostile_sample()
    assert [i for i in check_plan(sample.plan) if i.severity == "error"] == []


def test_an_unknown_sample_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="concertation-horizon-2026"):
        samples.report_sample("absent")
    with pytest.raises(ValueError, match="alliance-maskoutains-demandes.yaml"):
        samples.load_sample("absent.yaml")
