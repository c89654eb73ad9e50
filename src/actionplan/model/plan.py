"""The action plan: themes → general objective → specific objectives → actions → indicators."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from .base import check_id, check_ids, check_optional_id, check_optional_weight, check_text, to_decimal
from .grants import GrantProgram
from .indicators import Indicator
from .organisations import Organisation, Participation
from .reporting import Reporting
from .review import ReviewPolicy
from .schedules import Period, Schedule
from .territory import Territory

SCHEMA_VERSION = 1

#: Languages a plan's text may be written in (the reports speak them too).
LANGUAGES = ("fr", "en")

#: Kinds of theme seen in round tables' plans; others may be used (any slug).
THEME_KINDS = (
    "enjeu_federateur",
    "visee_transversale",
    "vie_associative",
    "mobilisation",
    "communications",
    "priorite",
    "autre",
)


@attrs.frozen
class Section:
    """A titled block of narrative text (context, portrait, method…)."""

    title: str
    body: str


@attrs.frozen
class Action:
    """A means / action (« moyen / action »): what is done, by whom, when, measured how."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    description: str | None = None
    partners: tuple[Participation, ...] = ()
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    schedule: Schedule | None = None
    indicators: tuple[Indicator, ...] = ()
    scale: str | None = None  # territorial scale of action: "MRC", "régional"…
    population: str | None = None  # target population
    note: str | None = None
    weight: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_weight)  # in rollups (1)


@attrs.frozen
class Objective:
    """A specific objective (« objectif spécifique ») and its actions."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    subheading: str | None = None  # a sub-heading row above it in the source table
    actions: tuple[Action, ...] = ()
    note: str | None = None
    weight: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_weight)  # in rollups (1)


@attrs.frozen
class Theme:
    """A top-level section of a plan: an enjeu fédérateur, a visée transversale, a priority…"""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    kind: str = "autre"
    heading: str | None = None  # the group heading above it ("Enjeux fédérateurs")
    general_objective: str | None = None
    objectives: tuple[Objective, ...] = ()
    number: int | None = None  # "Priorité d'action #3"
    note: str | None = None
    weight: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_weight)  # in rollups (1)


@attrs.frozen
class Task:
    """A row of a summary schedule (« échéancier sommaire »): who does what, from when to when."""

    id: str = attrs.field(validator=check_id)
    objective: str = attrs.field(validator=check_text)
    tasks: str | None = None
    responsible: str | None = None
    responsible_organisations: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    start: Schedule | None = None
    deadline: Schedule | None = None


@attrs.frozen
class ActionPlan:
    """An organisation's action plan for a period."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    period: Period
    organisation: str | None = attrs.field(default=None, validator=check_optional_id)
    schema_version: int = SCHEMA_VERSION
    language: str = attrs.field(default="fr", validator=attrs.validators.in_(LANGUAGES))
    fiscal_years: bool = False  # spans "2025-2026" are fiscal years (1 April → 31 March)
    free_text_schedules: bool = False  # keep unknown schedule wording as text, with a warning
    mission: str | None = None
    context: tuple[Section, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    partners: tuple[Participation, ...] = ()  # plan-level roles: funders, mandating bodies
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    custom_territories: tuple[Territory, ...] = ()
    themes: tuple[Theme, ...] = ()
    tasks: tuple[Task, ...] = ()
    source: str | None = None  # where the plan came from (document, adoption date…)
    illustrative: bool = False  # True when the data is made up for demonstration
    program: GrantProgram | None = None  # the grant program this plan carries (see docs/grants.md)
    reporting: Reporting | None = None  # reporting cadence, reporters, stale delay, on-track band (docs/progress.md)
    review: ReviewPolicy | None = None  # whether updates wait for a reviewer (see docs/storage.md)

    # -- navigation (pure, derived) ------------------------------------------------
    def iter_objectives(self) -> Iterator[tuple[Theme, Objective]]:
        for theme in self.themes:
            for objective in theme.objectives:
                yield theme, objective

    def iter_actions(self) -> Iterator[tuple[Theme, Objective, Action]]:
        for theme, objective in self.iter_objectives():
            for action in objective.actions:
                yield theme, objective, action

    def iter_indicators(self) -> Iterator[tuple[Theme, Objective, Action, Indicator]]:
        for theme, objective, action in self.iter_actions():
            for indicator in action.indicators:
                yield theme, objective, action, indicator

    def organisation_by_id(self, organisation_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == organisation_id), None)

    def find_indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for *_, i in self.iter_indicators() if i.id == indicator_id), None)
