"""The criterion conformance kit on the Alliance's three criteria."""

from __future__ import annotations

from actionplan.testing import CriterionConformance

BAD_MINIMUMS = ({"minimum": 0}, {"minimum": "deux"}, {"minimum": {"values": [{"from": "avril", "value": 2}]}})


class TestExecutingOrganisations(CriterionConformance):
    criterion_name = "executing_organisations"
    valid_params = ({}, {"minimum": 3}, {"minimum": {"values": [{"from": "2019-04-01", "value": 2},
                                                                {"from": "2021-04-01", "value": 3}]}})
    invalid_params = BAD_MINIMUMS


class TestMunicipalitiesInTerritory(CriterionConformance):
    criterion_name = "municipalities_in_territory"
    valid_params = ({}, {"minimum": 4}, {"minimum": 17})
    invalid_params = BAD_MINIMUMS


class TestMultiplePrioritiesFirst(CriterionConformance):
    criterion_name = "multiple_priorities_first"
    valid_params = ({}, {"minimum": 1}, {"minimum": 3})
    invalid_params = BAD_MINIMUMS
