"""Reading schedule texts (« échéanciers ») written in French or English.

The texts come from Word and PDF extractions: HTML fragments, arrows used as
bullets, accents present or not, any capitalisation. Reading happens in three steps:

1. **cleaning** — HTML tags are removed (block tags such as ``<p>`` separate parts),
   entities decoded, and the text cut into *segments* at arrows (``→ ⇒ ->``) and
   bullets (``• ·``);
2. **folding** — each segment is lower-cased and stripped of accents character by
   character, remembering where each folded character came from, so that notes
   (« pour ajouts ») can be copied from the original with their accents;
3. **scanning** — at each position the longest known *form* (a regular expression
   and a builder) is read; connectors (« et », ``,``, ``+``…) between forms are
   skipped; wording after a continuous, recurring or relative part becomes its note.

Anything else is refused with a :class:`~actionplan.errors.ScheduleError` listing
:data:`ACCEPTED_FORMS`, because a schedule silently misread is worse than one refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

import attrs

from ..errors import ScheduleError
from ..model.schedules import (
    Continuous,
    FiscalYear,
    FreeText,
    InMonth,
    InSeason,
    InYear,
    OnDate,
    Part,
    Recurrence,
    Relative,
    Schedule,
    YearSpan,
)

#: The forms the parser reads, with examples; shown in every :class:`ScheduleError`.
ACCEPTED_FORMS: tuple[str, ...] = (
    "a date: « 31 mars 2026 », « 1er mars 2026 », « d'ici le 31 mars 2023 », '31 March 2026', "
    "'March 31, 2026', '2026-03-31'",
    "a month: « Juillet 2019 », « mi-mars 2026 », 'July 2019', '2026-03'",
    "a season: « Hiver 2026 », « Hiver 2019-2020 », « à l'automne 2026 », 'Winter 2026'",
    "a year: « 2026 », « en 2026 », « Poursuite en 2026 », 'Continuing in 2026'",
    "a span of years (fiscal or calendar, as the plan says): « 2025-2026 », « 2019-2023 », « 2025 à 2026 »",
    "a fiscal year: « exercice 2020-2021 », 'FY 2020-2021'",
    "continuous over the plan: « En continu », « En continu pour ajouts », 'Ongoing', 'Continuous'",
    "a recurrence: « 2 fois par année », « Une rencontre », « Annuellement Automne », « chaque automne », "
    "« chaque mois de juin », « mensuellement », 'Twice a year', 'Every autumn', 'Each fall'",
    "an event: « À la fin de chaque projet », « au début de chaque projet », 'At the end of each project'",
    "combinations, joined by et, and, commas, arrows or bullets: « En continu 2026 », "
    "« → Hiver 2026 → En continu »",
)


class _Refusal(Exception):
    """A form was recognised but its content is impossible (31 February, 2026-2025)."""


# -- vocabulary (folded: lower case, no accents) ---------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "september": 9, "sept": 9, "sep": 9,
    "octobre": 10, "october": 10, "oct": 10,
    "novembre": 11, "november": 11, "nov": 11,
    "decembre": 12, "december": 12, "dec": 12,
}
_SEASONS = {
    "hiver": "winter", "printemps": "spring", "ete": "summer", "automne": "autumn",
    "winter": "winter", "spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
}
_SEASONS_PLURAL = {
    "hivers": "winter", "printemps": "spring", "etes": "summer", "automnes": "autumn",
    "winters": "winter", "springs": "spring", "summers": "summer", "autumns": "autumn", "falls": "autumn",
}
_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "once": 1, "twice": 2, "thrice": 3,
}


def _choice(name: str, words: Iterable[str]) -> str:
    """A named group matching any of ``words``, longest first so "mars" is not read as "mar"."""
    return f"(?P<{name}>" + "|".join(sorted(words, key=len, reverse=True)) + ")"


# -- regular-expression pieces ----------------------------------------------------------------

_YEAR = r"(?P<year>(?:19|20|21)[0-9]{2})"
_YEAR2 = r"(?P<year2>(?:19|20|21)[0-9]{2})"
_DAY = r"(?P<day>[0-3]?[0-9])(?:er|st|nd|rd|th)?"
_MONTH = _choice("month", _MONTHS) + r"\.?"
_SEASON = _choice("season", _SEASONS)
_SEASON_PLURAL = _choice("season", _SEASONS_PLURAL)
_NUMBER = r"(?P<n>[0-9]{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_PROJECT = r"proje(?:t|ct)s?"
_WEEKDAY = (
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday),? )?"
)
_DEADLINE = (  # a deadline is read as its date: it is due on that day
    r"(?:(?:d'ici(?: le| au)?|jusqu'au|jusqu'a|au plus tard(?: le)?|avant le|pour le|le"
    r"|by|before|no later than|due(?: on| by)?|on|until) )?"
)
_AT = r"(?:(?:a la|au|at the|in|vers la|vers le|vers) )?"
_AROUND = (  # « mi-mars », « fin 2026 », "early 2026": tolerated, the enclosing month/season/year is kept
    r"(?:" + _AT + r"(?:mid|mi) ?-? ?"
    r"|" + _AT + r"(?:debut|fin|early|late|end|beginning|start) (?:(?:de|of) |d')?)?"
)
_MONTH_PREFIX = r"(?:(?:en|au mois de|mois de|in|during|courant|durant) |(?:au mois|mois) d')?"
_SEASON_PREFIX = r"(?:(?:a|en|au|in|in the|during|during the|the|pendant|durant) |(?:a |pendant |durant )?l')?"
_YEAR_PREFIX = r"(?:(?:en|in|pour|for|durant|during|annee|l'annee|year) )?"
_PER_YEAR = (
    r"(?:par (?:annee|an)|l'an|/ ?(?:annee|an)|annuellement|chaque annee|(?:a|per|each|every) year"
    r"|/ ?(?:year|yr)|yearly|annually)"
)
_EVERY_YEAR = r"(?:annuellement|chaque annee|tous les ans|toutes les annees|annually|yearly|every year|each year)"
_END = r"(?![a-z0-9])"


# -- builders ---------------------------------------------------------------------------------


def _group(match: re.Match[str], name: str) -> str | None:
    return match.groupdict().get(name)


def _month_number(token: str) -> int:
    if token.isdigit():
        if not 1 <= int(token) <= 12:
            raise _Refusal(f"there is no month {token}")
        return int(token)
    return _MONTHS[token]


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBERS[token]


def _on_date(match: re.Match[str]) -> Part:
    year, month, day = int(match["year"]), _month_number(match["month"]), int(match["day"])
    try:
        return OnDate(dt.date(year, month, day))
    except ValueError:
        raise _Refusal(f"there is no day {day} in month {month} of {year}") from None


def _in_month(match: re.Match[str]) -> Part:
    return InMonth(int(match["year"]), _month_number(match["month"]))


def _in_season(match: re.Match[str]) -> Part:
    season, year, second = _SEASONS[match["season"]], int(match["year"]), _group(match, "year2")
    if second is None:
        return InSeason(season, year)
    if season != "winter":
        raise _Refusal(f"only a winter spans two years; name one year for the {season} (e.g. {year + 1})")
    if int(second) != year + 1:
        raise _Refusal(f"a winter spans two consecutive years, not {year}-{second}")
    return InSeason(season, year, int(second))


def _in_year(match: re.Match[str]) -> Part:
    return InYear(int(match["year"]))


def _continuing(match: re.Match[str]) -> Part:
    return InYear(int(match["year"]), continuing=True)


def _year_span(match: re.Match[str]) -> Part:
    first, last = int(match["year"]), int(match["year2"])
    if last == first:
        raise _Refusal(f"a span needs two different years; write « {first} » for one year")
    if last < first:
        raise _Refusal(f"the span {first}-{last} goes backwards; write the earlier year first ({last}-{first})")
    return YearSpan(first, last)


def _fiscal_year(match: re.Match[str]) -> Part:
    first, second = int(match["year"]), match["year2"]
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    if len(second) == 2 and last < first:
        last += 100
    if last != first + 1:
        raise _Refusal(f"a fiscal year runs over two consecutive years, not {first}-{second}")
    return FiscalYear(first)


def _continuous(match: re.Match[str]) -> Part:
    return Continuous()


def _times(match: re.Match[str]) -> Part:
    count = _number(match["n"])
    if not 1 <= count <= 366:
        raise _Refusal(f"{count} times a year is not a schedule (1 to 366)")
    return Recurrence(times_per_year=count)


_FREQUENCIES = {"yearly": 1, "half_yearly": 2, "quarterly": 4, "monthly": 12, "weekly": 52}


def _frequency(match: re.Match[str]) -> Part:
    return Recurrence(times_per_year=_FREQUENCIES[match.lastgroup])


def _each_season(match: re.Match[str]) -> Part:
    token = match["season"]
    return Recurrence(season=_SEASONS.get(token) or _SEASONS_PLURAL[token])


def _each_month(match: re.Match[str]) -> Part:
    return Recurrence(month=_MONTHS[match["month"]])


def _project_end(match: re.Match[str]) -> Part:
    return Relative("project_end")


def _project_start(match: re.Match[str]) -> Part:
    return Relative("project_start")


# -- forms ------------------------------------------------------------------------------------


@attrs.frozen
class _Form:
    """One way of writing a part: patterns (any may match) and the builder of the part.

    ``dated`` forms name a fixed time (a date, month, season, year): they may follow a
    note after a plain space (« En continu pour ajouts 2026 »).
    """

    name: str
    patterns: tuple[re.Pattern[str], ...]
    build: Callable[[re.Match[str]], Part]
    dated: bool


def _form(name: str, build: Callable[[re.Match[str]], Part], *patterns: str, dated: bool = True) -> _Form:
    compiled = tuple(re.compile(f"(?:{pattern}){_END}", re.ASCII) for pattern in patterns)
    return _Form(name, compiled, build, dated)


_FORMS: tuple[_Form, ...] = (
    _form("date", _on_date,
          _DEADLINE + _WEEKDAY + _DAY + r" (?:de |d')?" + _MONTH + r",? " + _YEAR,
          _DEADLINE + _WEEKDAY + _MONTH + " " + _DAY + r",? " + _YEAR,
          _DEADLINE + _YEAR + r"-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"),
    _form("month", _in_month,
          _MONTH_PREFIX + _AROUND + _MONTH + r"(?: (?:de|of))?,? " + _YEAR,
          _YEAR + r"-(?P<month>[0-9]{2})"),
    _form("season", _in_season,
          _SEASON_PREFIX + _AROUND + "(?:l')?" + _SEASON + r"(?: (?:de|of))? " + _YEAR
          + r"(?: ?[-/] ?" + _YEAR2 + ")?"),
    _form("year", _in_year, _YEAR_PREFIX + _AROUND + _YEAR),
    _form("continuing", _continuing,
          r"(?:poursuites?|se poursui(?:t|vra|vront)|continuing|continued|continues)"
          r"(?: (?:en|in|into|pour|for|through|durant|during))? " + _YEAR),
    _form("span", _year_span,
          r"(?:(?:de|from|du) )?(?:(?:annees|years) )?" + _YEAR
          + r"(?: ?[-/] ?| (?:a|au|to|until|through|jusqu'a|jusqu'en) )" + _YEAR2,
          r"(?:entre|between) " + _YEAR + r" (?:et|and) " + _YEAR2),
    _form("fiscal_year", _fiscal_year,
          r"(?:exercices?(?: financiers?)?|annees? financieres?|fiscal(?: years?)?|fy|af) ?(?:de )?"
          + _YEAR + r" ?[-/] ?(?P<year2>[0-9]{4}|[0-9]{2})"),
    _form("continuous", _continuous,
          r"(?:en continue?|de (?:facon|maniere) continue|continuellement|continue?|en permanence|en tout temps"
          r"|tout au long de l'annee|toute l'annee|ongoing|on-? ?going|continuous(?:ly)?|continually"
          r"|on an ongoing basis|at all times|all year(?: long| round)?|year-? ?round|throughout the year)",
          dated=False),
    _form("times", _times,
          _NUMBER + r" ?(?:fois|x|times) ?" + _PER_YEAR,
          r"(?P<n>once|twice|thrice) " + _PER_YEAR,
          _NUMBER + r" (?:rencontres?|reunions?|seances?|meetings?|sessions?)(?: " + _PER_YEAR + r"| annuelles?)?",
          dated=False),
    _form("frequency", _frequency,
          r"(?P<yearly>" + _EVERY_YEAR + ")"
          r"|(?P<half_yearly>semestriellement|chaque semestre|semi-? ?annually|half-? ?yearly"
          r"|twice yearly|tous les six mois|aux six mois|every six months)"
          r"|(?P<quarterly>trimestriellement|chaque trimestre|tous les trimestres|tous les trois mois"
          r"|aux trois mois|quarterly|every quarter|each quarter|every three months)"
          r"|(?P<monthly>mensuellement|chaque mois|tous les mois|monthly|every month|each month)"
          r"|(?P<weekly>hebdomadairement|chaque semaine|toutes les semaines|weekly|every week|each week)",
          dated=False),
    _form("each_season", _each_season,
          _EVERY_YEAR + r",? " + _SEASON_PREFIX + _SEASON,
          r"(?:(?:a|at) )?(?:chaque|every|each) (?:l')?" + _SEASON,
          r"(?:tous|toutes) les " + _SEASON_PLURAL,
          _SEASON + r",? " + _EVERY_YEAR,
          dated=False),
    _form("each_month", _each_month,
          _EVERY_YEAR + r",? (?:(?:en|in|au mois de) |au mois d')?" + _MONTH,
          r"(?:(?:a|at) )?(?:chaque|every|each|tous les) (?:mois de |mois d'|month of )?" + _MONTH,
          _MONTH + r",? " + _EVERY_YEAR,
          dated=False),
    _form("project_end", _project_end,
          r"(?:(?:a|au|at|en|in) )?(?:la |the )?(?:fin|end|terme|cloture|close) "
          r"(?:de chaque|de chacun des|du|des|de la|de|d'un|of each|of every|of the|of a|of) " + _PROJECT,
          r"au fur et a mesure des fins de " + _PROJECT,
          r"(?:(?:a|at) )?(?:each |every |the )?" + _PROJECT + r"(?:'s)? (?:end|completion|close)",
          dated=False),
    _form("project_start", _project_start,
          r"(?:(?:a|au|at|en|in) )?(?:la |le |the )?(?:debut|demarrage|lancement|start|beginning|launch|kick-?off) "
          r"(?:de chaque|de chacun des|du|des|de|d'un|of each|of every|of the|of a|of) " + _PROJECT,
          r"(?:(?:a|at) )?(?:each |every |the )?" + _PROJECT + r"(?:'s)? (?:start|launch|kick-?off)",
          dated=False),
)

#: Words and signs joining parts inside a segment: « 2 fois par année et en continu ».
_CONNECTOR = r"(?:,|;|\.|:|\+|&|-(?= |$)|\bet\b|\band\b|\bpuis\b|\bthen\b|\bainsi que\b|\bas well as\b)"
_SKIP = re.compile(r"(?: |" + _CONNECTOR + r")*", re.ASCII)
_BREAK = re.compile(r"(?P<connector> ?" + _CONNECTOR + r" ?)|(?P<space> )", re.ASCII)
_CONNECTOR_AHEAD = re.compile(r" ?(?:$|" + _CONNECTOR + ")", re.ASCII)


def _longest_form(folded: str, pos: int) -> tuple[_Form, re.Match[str]] | None:
    """The form matching the most text at ``pos`` (the first listed on a tie)."""
    best: tuple[_Form, re.Match[str]] | None = None
    for form in _FORMS:
        for pattern in form.patterns:
            match = pattern.match(folded, pos)
            if match and match.end() > pos and (best is None or match.end() > best[1].end()):
                best = (form, match)
    return best


# -- cleaning and folding -----------------------------------------------------------------------

_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|tr|td|th|table|tbody|thead|h[1-6])\b[^<>]*>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*[a-zA-Z][^<>]*>", re.DOTALL)
_PARAGRAPH = "\u2029"
_ARROWS = "→⇒⟶⟹➔➙➜➝➞➡►▶▸↦⇨"
_BULLETS = "•◦▪▫‣∙·●○■□|"
_SEPARATOR = re.compile(f"[{_PARAGRAPH}{_ARROWS}{_BULLETS}]|-+>|=+>")
_LEADING_BULLET = re.compile(r"^[-*–—]\s+")
_SUBSTITUTES = {
    "œ": "oe", "æ": "ae", "ß": "ss",
    "’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'", "′": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-", "―": "-",
}


def _segments(text: str) -> Iterator[str]:
    """Cut a cell's text into segments at paragraphs, arrows and bullets, HTML removed."""
    text = _BLOCK_TAG.sub(_PARAGRAPH, text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    for piece in _SEPARATOR.split(text):
        piece = _LEADING_BULLET.sub("", " ".join(piece.split()))
        if piece:
            yield piece


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character in lower case without accents; may be empty ("́") or longer ("œ" → "oe")."""
    lowered = char.lower()
    if lowered in _SUBSTITUTES:
        return _SUBSTITUTES[lowered]
    decomposed = unicodedata.normalize("NFKD", lowered)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_SUBSTITUTES.get(c, " " if c.isspace() else c) for c in kept)


def _fold(segment: str) -> tuple[str, list[int]]:
    """Fold a segment and map each folded character back to its position in the segment.

    Runs of spaces are collapsed so the patterns can use single spaces.
    """
    chars: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(segment):
        for folded in _fold_char(char):
            if folded == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(folded)
            origin.append(position)
    return "".join(chars), origin


# -- scanning -------------------------------------------------------------------------------------


def _note_end(folded: str, start: int) -> int:
    """Where a note that reaches ``start`` stops: before a connector followed by a form, or a
    plain space followed by a dated form that closes the segment (« En continu pour ajouts 2026 »);
    else at the end of the segment."""
    for gap in _BREAK.finditer(folded, start + 1):
        found = _longest_form(folded, gap.end())
        if found is None:
            continue
        if gap["connector"] is not None:
            return gap.start()
        form, match = found
        if form.dated and _CONNECTOR_AHEAD.match(folded, match.end()):
            return gap.start()
    return len(folded)


def _with_note(part: Part, note: str) -> Part | None:
    """The part with ``note`` attached, or ``None`` when the part takes no note (or has one)."""
    if not hasattr(part, "note") or part.note is not None or not note:
        return None
    return attrs.evolve(part, note=note)


def _parse_segment(segment: str, text: str) -> list[Part]:
    """Read a segment form after form; unknown words become the previous part's note, if it takes one.

    ``text`` is the whole schedule, named in errors.
    """
    folded, origin = _fold(segment)
    parts: list[Part] = []
    pos = 0
    while True:
        gap_start = pos
        pos = _SKIP.match(folded, pos).end()
        if pos >= len(folded):
            return parts
        found = _longest_form(folded, pos)
        if found is not None:
            form, match = found
            parts.append(_build(form, match, text))
            pos = match.end()
            continue
        note_start = gap_start + (folded.startswith(" ", gap_start))
        note_end = _note_end(folded, pos)
        note = segment[origin[note_start]:origin[note_end - 1] + 1].strip(" ,;:.-")
        noted = _with_note(parts[-1], note) if parts else None
        if noted is None:
            raise ScheduleError(text, ACCEPTED_FORMS, reason=_unreadable(segment[origin[pos]:], folded[pos:]))
        parts[-1] = noted
        pos = note_end


def _build(form: _Form, match: re.Match[str], text: str) -> Part:
    try:
        return form.build(match)
    except (_Refusal, ValueError) as exc:
        raise ScheduleError(text, ACCEPTED_FORMS, reason=str(exc)) from None


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NEEDS_YEAR = re.compile(f"(?:{_SEASON}|{_MONTH}){_END}", re.ASCII)


def _unreadable(unread: str, folded: str) -> str:
    """Why a fragment is refused, with a hint for the common slip of a season or month without a year."""
    reason = f"cannot read {_shorten(unread)!r}"
    if _NEEDS_YEAR.match(folded):
        reason += " (a season or month needs a year, « Hiver 2026 », or « chaque hiver » for every year)"
    return reason


# -- public ---------------------------------------------------------------------------------------


def parse_schedule(text: str, *, allow_free_text: bool = False) -> Schedule:
    """Read a schedule text into a :class:`Schedule` that keeps ``text`` verbatim.

    Raises :class:`~actionplan.errors.ScheduleError` (listing :data:`ACCEPTED_FORMS`)
    for wording it does not know or impossible content (« 31 février 2026 »,
    « 2026-2025 »). With ``allow_free_text=True`` such a text becomes a schedule made of
    one :class:`FreeText` part instead, and the caller is expected to warn.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_schedule() takes a str, not {type(text).__name__}")
    try:
        parts = [part for segment in _segments(text) for part in _parse_segment(segment, text)]
        if not parts:
            raise ScheduleError(text, ACCEPTED_FORMS, reason="the schedule is empty")
    except ScheduleError:
        if allow_free_text:
            return Schedule(text, (FreeText(text),))
        raise
    return Schedule(text, tuple(parts))
