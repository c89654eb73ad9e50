"""The grant program an Alliance plan describes, read from what the layout reader found.

An Alliance pour la solidarité plan (seed 003) carries, besides its priorities, what a
``program:`` section needs: the territory (« À quelle échelle… ? MRC des Maskoutains »), the
complementary criteria (a paragraph), the summary schedule (calls for projects, the
selection sequence, reports) and the forecast budget by fiscal year with its carry-over
sentence. :func:`build_program` turns them into the section's plain data; every choice a
person should check is a warning (docs/importing.md lists the judgment calls):

* priorities: the themes of kind ``priorite``, in order;
* criteria: each sentence of the complementary criteria is offered to the installed
  criteria (:meth:`~actionplan.grants.criteria.Criterion.recognise`); a sentence none
  recognises is a warning (it stays in the plan's context);
* budget: the envelope of each fiscal year is the sum of the budget's lines (« - $ » and an
  empty cell are 0 $); the stated totals are checked against it; the carry-over sentence
  (« … jusqu'à la fin du programme au 31 mars 2023 ») becomes the program's note and, with
  its date, the end of the program;
* calls: the schedule's rows about an « appel de projets »; the chain: the sentence « le
  comité … fera une recommandation au … qui lui recommandera à la … »; reports: the rows
  about a « reddition ».
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ..grants.criteria import criteria_registry, get_criterion
from ..i18n import N_
from ..model.base import fold, slugify

_FISCAL = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")
_AMOUNT = re.compile(r"^\s*(-|[\d\s\u00a0\u202f]+(?:,\d{1,2})?)\s*\\?\$\s*$")
_CHAIN = re.compile(r"(?:le |la |les )?(comit[eé][^,.;]*?)\s+fera une recommandation\s+(?:au|a la|à la|à l'|a l')\s*"
                    r"([^,.;]+?)\s+qui\s+(?:lui\s+)?recommandera\s+(?:au|a la|à la|à l'|a l')\s*([^,.;]+)",
                    re.IGNORECASE)

#: A row of the schedule that is a call for projects: « Lancement du premier appel de projets, … », « Autres appels de projets ».
_CALL = re.compile(r"^(?:lancement (?:du |de l'|de la |des ))?((?:premier |deuxieme |nouvel |nouveaux |autres? )?appels? de projets)")

#: A warning: (where, code, found, params).
Warn = Callable[..., None]


def amount(cell: str) -> Decimal | None:
    """« 195 007 $ » → 195007; « - $ » → 0; anything else (an empty cell, words) → ``None``."""
    match = _AMOUNT.match(cell)
    if not match:
        return None
    digits = match.group(1)
    if digits.strip() == "-":
        return Decimal(0)
    try:
        return Decimal(re.sub(r"[\s\u00a0\u202f]", "", digits).replace(",", "."))
    except InvalidOperation:
        return None


def read_budget(rows: Sequence[Sequence[str]], where: Sequence[str], warn: Warn) -> dict[str, Any]:
    """Envelopes by fiscal year, the stated total and the carry-over sentence of a budget table.

    ``rows`` are the table's cells (the header first), ``where`` each row's place in the source.
    """
    header = [fold(c) for c in rows[0]]
    years = {i: f"{m.group(1)}-{m.group(2)}" for i, c in enumerate(header) if (m := _FISCAL.match(c))}
    total_column = next((i for i, c in enumerate(header) if c.startswith("total")), None)
    envelopes = {year: Decimal(0) for year in years.values()}
    stated_totals: list[tuple[str, Decimal]] = []
    carry: str | None = None
    for index, row in enumerate(rows[1:], start=1):
        label = row[0].strip() if row else ""
        amounts = {i: amount(row[i]) for i in years if i < len(row)}
        total = amount(row[total_column]) if total_column is not None and total_column < len(row) else None
        folded = fold(label)
        if "report" in folded and "engag" in folded:
            carry = label
        if label:  # a budget line: its amounts add to the envelopes
            for i, value in amounts.items():
                if value is not None:
                    envelopes[years[i]] += value
            if total is not None:
                stated_totals.append((where[index], total))
        elif any(v is not None for v in amounts.values()) and all(v is not None for v in amounts.values()):
            # a line of totals by year (no label): it must agree with the lines above
            line = {years[i]: v for i, v in amounts.items() if v is not None}
            if any(line[y] != envelopes[y] for y in line) and any(envelopes.values()):
                warn(where[index], N_("importers.program.budget_totals_differ"),
                     " | ".join(f"{y}: {line[y]}" for y in line))
            elif not any(envelopes.values()):
                envelopes.update(line)
        elif total is not None:
            stated_totals.append((where[index], total))
    grand = sum(envelopes.values(), Decimal(0))
    for place, total in stated_totals:
        if total not in (grand, Decimal(0)):
            warn(place, N_("importers.program.budget_total_differs"), str(total), sum=str(grand))
    result: dict[str, Any] = {"budget": {year: _plain(v) for year, v in envelopes.items()}}
    if any(total == grand for _, total in stated_totals):
        result["total"] = _plain(grand)
    if carry:
        result["carry_over"] = carry
    return result


def _plain(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def recognise_criteria(text: str, where: str, warn: Warn, registry=None) -> list[dict[str, Any]]:
    """The configured criteria a paragraph of complementary criteria states, one per sentence recognised."""
    installed = registry if registry is not None else criteria_registry()
    found: list[dict[str, Any]] = []
    for sentence in _sentences(text):
        matched = None
        for name in installed.names():
            criterion = get_criterion(name, installed)
            recognise = getattr(criterion, "recognise", None)
            params = recognise(sentence) if criterion is not None and recognise is not None else None
            if params is not None:
                matched = {"criterion": name, "params": dict(params), "note": sentence}
                break
        if matched is None:
            warn(where, N_("importers.program.criterion_not_recognised"), f"« {sentence} »")
        elif all(c["criterion"] != matched["criterion"] for c in found):
            found.append(matched)
    return found


def _sentences(text: str) -> list[str]:
    """The sentences of a paragraph (« … implications. Également, … »), a leading « Critères … : » cut off."""
    text = re.sub(r"^[^:]{0,60}:\s*", "", text.strip()) if ":" in text[:60] else text.strip()
    return [s.strip() for s in re.split(r"(?<=[.;])\s+", text) if s.strip()]


def read_chain(texts: Sequence[str]) -> dict[str, Any] | None:
    """The approval chain from « le comité de sélection fera une recommandation au conseil de la MRC
    qui lui recommandera à la table des préfets » (the first such sentence), else ``None``."""
    for text in texts:
        match = _CHAIN.search(text)
        if match:
            titles = [_capital(match.group(i).strip()) for i in (1, 2, 3)]
            steps = [{"id": slugify(title, 40), "title": title, "decides": "recommend"} for title in titles]
            steps[-1]["decides"] = "approve"
            return {"steps": steps}
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_calls_and_reports(tasks: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """Calls for projects and required reports from the rows of a summary schedule."""
    calls: list[dict] = []
    reports: list[dict] = []
    seen: set[str] = set()
    for task in tasks:
        objective = task.get("objective", "")
        folded = fold(objective)
        named = _CALL.match(folded)
        if named:  # the call itself (« Lancement du premier appel de projets, … »), not a task preparing it
            title = _capital(objective[named.start(1):].split(",")[0].strip())
            call: dict[str, Any] = {"id": _unique(slugify(title, 50), seen), "title": title}
            if task.get("start"):
                call["schedule"] = task["start"]
            calls.append(call)
        elif "reddition" in folded:
            report: dict[str, Any] = {"id": _unique(slugify(objective, 50), seen), "title": objective}
            report["due"] = task.get("deadline") or task.get("start") or objective
            reports.append(report)
    return calls, reports


def _unique(base: str, seen: set[str]) -> str:
    candidate, n = base, 2
    while candidate in seen:
        candidate, n = f"{base}-{n}", n + 1
    seen.add(candidate)
    return candidate
