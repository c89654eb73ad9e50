"""Test helpers for plugin authors: sample documents and the conformance kits.

Three kits, one per kind of plugin, each a pytest class to subclass (docs/testing-plugins.md):

* :class:`StoreConformance` (:mod:`.store`) — a storage backend;
* :class:`ReportFormatConformance` (:mod:`.reports`) — a report format;
* :class:`CriterionConformance` (:mod:`.criteria`) — a grant criterion.

The documents they use ship with the package (:mod:`.samples`). A store backend proves it
behaves like the built-in ones by running one suite against itself::

    import itertools, pytest
    from actionplan.testing import StoreConformance

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def make_store_url(self, tmp_path):
            numbers = itertools.count()
            return lambda: f"mystore:{tmp_path}/store-{next(numbers)}"

See docs/storage.md and docs/testing-plugins.md. The kits need pytest; the sample documents do not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..model.indicators import Measurement

#: The id of :func:`sample_plan`'s plan.
SAMPLE_PLAN_ID = "table-exemple-2026"


def sample_plan_data(plan_id: str = SAMPLE_PLAN_ID, *, title: str | None = None, mission: str | None = None,
                     extra_indicators: tuple[dict, ...] = ()) -> dict:
    """A small plan with one indicator of every kind, as plain data (French text, accents, money)."""
    indicators = [
        {"id": "rencontres-tp", "label": "4 rencontres de la table des partenaires", "kind": "count",
         "unit": "rencontres", "target": 4},
        {"id": "taux-participation", "label": "Taux de participation", "kind": "rate", "unit": "%", "target": 75},
        {"id": "qualite-collaborations", "label": "Qualité des collaborations", "kind": "qualitative"},
        {"id": "fiche-synthese", "label": "Rôles identifiés, fiche synthèse réalisée", "kind": "deliverable"},
        {"id": "aga", "label": "AGA tenue", "kind": "milestone", "due": dt.date(2026, 3, 31)},
        {"id": "couverture-mrc", "label": "Participation des territoires de MRC", "kind": "coverage",
         "target_territories": ["mrc:les-maskoutains", "mrc:roussillon"]},
        {"id": "participants", "label": "Nombre de participants", "kind": "tracked"},
        {"id": "projets", "label": "Au moins 1 projet", "kind": "minimum", "target": 1},
        {"id": "sommes-engagees", "label": "Sommes engagées", "kind": "tracked", "unit": "$",
         "target": "195007.01"},
        *extra_indicators,
    ]
    return {
        "id": plan_id,
        "title": title or "Plan d'action 2026 — Table d'exemple en développement social",
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
        "organisation": "table-exemple",
        "mission": mission or "Mobiliser les acteurs du développement social de la Montérégie.",
        "organisations": [
            {"id": "table-exemple", "name": "Table d'exemple en développement social"},
            {"id": "cdc-maskoutains", "name": "Corporation de développement communautaire des Maskoutains"},
        ],
        "territories": ["mrc:roussillon", "mrc:les-maskoutains"],
        "themes": [{
            "id": "vie-associative",
            "title": "Vie associative",
            "kind": "vie_associative",
            "general_objective": "Assurer une vie associative dynamique et démocratique",
            "objectives": [{
                "id": "gouvernance",
                "title": "Tenir une gouvernance démocratique",
                "actions": [{
                    "id": "tenir-tp",
                    "title": "Tenir les rencontres de la table des partenaires (TP)",
                    "schedule": "En continu",
                    "partners": [{"organisation": "table-exemple", "role": "lead"},
                                 {"organisation": "cdc-maskoutains", "role": "collaborator"}],
                    "indicators": indicators,
                }],
            }],
        }],
    }


def sample_plan(plan_id: str = SAMPLE_PLAN_ID, **changes: Any):
    """:func:`sample_plan_data` as a checked :class:`~actionplan.model.ActionPlan`."""
    from ..documents import from_data

    return from_data(sample_plan_data(plan_id, **changes))


def sample_measurements() -> list[Measurement]:
    """One valid measurement for each indicator of the sample plan."""
    return [
        Measurement(date=dt.date(2026, 2, 12), value=Decimal(1), indicator="rencontres-tp", note="4e TP tenue"),
        Measurement(date=dt.date(2026, 2, 12), numerator=Decimal(12), denominator=Decimal(20),
                    indicator="taux-participation"),
        Measurement(date=dt.date(2026, 3, 1), level="satisfaisant", indicator="qualite-collaborations"),
        Measurement(date=dt.date(2026, 4, 2), done=True, indicator="fiche-synthese"),
        Measurement(date=dt.date(2026, 3, 31), done=True, indicator="aga"),
        Measurement(date=dt.date(2026, 5, 5), territories=("mrc:les-maskoutains",), indicator="couverture-mrc"),
        Measurement(date=dt.date(2026, 5, 6), value=Decimal(37), indicator="participants"),
        Measurement(date=dt.date(2026, 6, 1), value=Decimal(1), indicator="projets"),
        Measurement(date=dt.date(2026, 6, 30), value=Decimal("12345678901234567.89"), indicator="sommes-engagees"),
    ]


_KITS = {"StoreConformance": "store", "ReportFormatConformance": "reports", "CriterionConformance": "criteria"}


def __getattr__(name: str):
    module = _KITS.get(name)
    if module is not None:  # imported lazily: the kits need pytest
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(name)


__all__ = ["SAMPLE_PLAN_ID", "CriterionConformance", "ReportFormatConformance", "StoreConformance",
           "sample_measurements", "sample_plan", "sample_plan_data"]
