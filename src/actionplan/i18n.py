"""User-facing messages of the CLI in French (default) and English.

The language is chosen by ``--lang``, else ``ACTIONPLAN_LANG``, else French. A
message key missing in one language is a bug caught by the tests.
"""

from __future__ import annotations

import os

LANGUAGES = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "valid": {"fr": "{source} : valide", "en": "{source}: valid"},
    "invalid": {"fr": "{source} : {count} erreur(s)", "en": "{source}: {count} error(s)"},
    "warning": {"fr": "avertissement", "en": "warning"},
    "error": {"fr": "erreur", "en": "error"},
    "plan": {"fr": "Plan", "en": "Plan"},
    "period": {"fr": "Période", "en": "Period"},
    "organisation": {"fr": "Organisation", "en": "Organisation"},
    "theme": {"fr": "Thème", "en": "Theme"},
    "themes": {"fr": "Thèmes", "en": "Themes"},
    "objectives": {"fr": "Objectifs", "en": "Objectives"},
    "actions": {"fr": "Actions", "en": "Actions"},
    "indicators": {"fr": "Indicateurs", "en": "Indicators"},
    "progress": {"fr": "Avancement", "en": "Progress"},
    "status": {"fr": "Statut", "en": "Status"},
    "due_title": {"fr": "À réaliser ce trimestre ({start} au {end})", "en": "Due this quarter ({start} to {end})"},
    "due_continuous": {"fr": "… et {count} action(s) en continu.", "en": "… and {count} continuous action(s)."},
    "due_none": {"fr": "Rien de prévu ce trimestre.", "en": "Nothing due this quarter."},
    "schedule": {"fr": "Échéancier", "en": "Schedule"},
    "late_title": {"fr": "En retard ou à risque", "en": "Late or at risk"},
    "as_of": {"fr": "en date du {date}", "en": "as of {date}"},
    "total": {"fr": "Total", "en": "Total"},
    "status.not_started": {"fr": "non commencé", "en": "not started"},
    "status.on_track": {"fr": "en bonne voie", "en": "on track"},
    "status.at_risk": {"fr": "à risque", "en": "at risk"},
    "status.late": {"fr": "en retard", "en": "late"},
    "status.achieved": {"fr": "atteint", "en": "achieved"},
    "bug": {
        "fr": "erreur interne inattendue ({error}); merci de la signaler avec la commande lancée",
        "en": "unexpected internal error ({error}); please report it with the command you ran",
    },
}


def current_language(explicit: str | None = None) -> str:
    lang = (explicit or os.environ.get("ACTIONPLAN_LANG") or "fr").lower()[:2]
    return lang if lang in LANGUAGES else "fr"


Catalogue = dict[str, dict[str, str]]

#: Every catalogue made with :func:`catalogue`, so one test checks them all.
CATALOGUES: list[Catalogue] = []


def catalogue(messages: Catalogue):
    """A lookup function over a module's own fr/en messages: ``_m("key", lang, name=…)``."""
    CATALOGUES.append(messages)

    def lookup(key: str, lang: str = "fr", **values: object) -> str:
        return messages[key][lang].format(**values)

    return lookup


message = catalogue(MESSAGES)
