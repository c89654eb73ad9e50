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
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from ..errors import ScheduleError
from ..i18n import N_, Message
from ..model.schedules import (
    Continuous,
    Deadline,
    FiscalYear,
    FreeText,
    InMonth,
    InQuarter,
    InSeason,
    InSemester,
    InYear,
    OnDate,
    Part,
    Portion,
    Range,
    Recurrence,
    Relative,
    Schedule,
    Start,
    Unscheduled,
    YearSpan,
)

#: The forms the parser reads, with examples; shown in every :class:`ScheduleError`.
ACCEPTED_FORMS: tuple[str, ...] = (
    "a date: « 31 mars 2026 », « 1er mars 2026 », '31 March 2026', 'March 31, 2026', '2026-03-31'",
    "a month: « Juillet 2019 », « en septembre 2019 », 'July 2019', '2026-03'",
    "a season: « Hiver 2026 », « Hiver 2019-2020 », « à l'automne 2026 », 'Winter 2026'",
    "a year: « 2026 », « en 2026 », « Poursuite en 2026 », 'Continuing in 2026'",
    "a quarter or semester (fiscal when named by two years): « T2 2026 », « 1er trimestre 2026-2027 », "
    "« S1 2026 », « 2e semestre 2026 », 'Q3 2026', 'Q1 2026-2027', 'first half of 2026'",
    "part of a month, season or year: « début 2026 », « mi-mars 2026 », « fin de l'hiver 2026 », 'late 2026'",
    "a range: « janvier à mars 2026 », « janvier-mars 2026 », « printemps-été 2026 », "
    "« du 1er au 15 mars 2026 », "
    "'from January to March 2026', 'spring to fall 2026'",
    "a deadline: « d'ici juin 2026 », « au plus tard le 15 mai 2026 », « avant le 15 mai 2026 », "
    "« d'ici la fin de 2026 », 'by fall 2026', 'before June 2026'",
    "a start: « dès janvier 2026 », « à partir du 15 mai 2026 », 'starting spring 2026', 'from March 2026'",
    "a span of years (fiscal or calendar, as the plan says): « 2025-2026 », « 2019-2023 », « 2025 à 2026 »",
    "a fiscal year: « exercice 2020-2021 », 'FY 2020-2021'",
    "continuous over the plan: « En continu », « En continu pour ajouts », 'Ongoing', 'Continuous'",
    "a recurrence: « 2 fois par année », « Une rencontre », « hebdomadaire », « aux deux semaines », "
    "« bimensuel », "
    "« mensuellement », « trimestriel », « Annuellement Automne », « chaque mois de juin », 'Twice a year', "
    "'weekly', 'biweekly', 'quarterly', 'Every autumn'",
    "an event: « À la fin de chaque projet », « au début de chaque projet », 'At the end of each project'",
    "unscheduled, alone: « Au besoin », « À déterminer », 'As needed', 'TBD'",
    "combinations, joined by et, and, commas, arrows or bullets: « En continu 2026 », "
    "« → Hiver 2026 → En continu »",
)


#: :data:`ACCEPTED_FORMS` in the reader's language.
FORMS = Message("schedule.forms")

#: Divisions of a year → the code of « a year has N …, not M ».
DIVISION_CODES = {"quarter": N_("schedule.year_has_4_quarters"), "semester": N_("schedule.year_has_2_semesters")}

#: Seasons → their name in messages (« l'automne »).
SEASON_CODES = {"winter": N_("schedule.season.winter"), "spring": N_("schedule.season.spring"),
                "summer": N_("schedule.season.summer"), "autumn": N_("schedule.season.autumn")}


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
#: Ordinals of quarters and semesters: « 1er trimestre », « 2e semestre », "third quarter".
_ORDINALS = {
    "1er": 1, "1re": 1, "1ere": 1, "premier": 1, "premiere": 1, "1st": 1, "first": 1,
    "2e": 2, "2eme": 2, "2nd": 2, "deuxieme": 2, "second": 2, "seconde": 2,
    "3e": 3, "3eme": 3, "3rd": 3, "troisieme": 3, "third": 3,
    "4e": 4, "4eme": 4, "4th": 4, "quatrieme": 4, "fourth": 4,
}
_PORTIONS = {
    "debut": "early", "commencement": "early", "early": "early", "beginning": "early", "start": "early",
    "mi": "mid", "milieu": "mid", "mid": "mid", "middle": "mid",
    "fin": "late", "late": "late", "end": "late",
}


def _choice(name: str, words: Iterable[str]) -> str:
    """A named group matching any of ``words``, longest first so "mars" is not read as "mar"."""
    return f"(?P<{name}>" + "|".join(sorted(words, key=len, reverse=True)) + ")"


# -- regular-expression pieces ----------------------------------------------------------------
# A block of time (a date, a month, a season, a year, a quarter, a semester, part of one of these)
# is written by functions taking a suffix for its group names, so that a range can hold two.


def _year(s: str = "") -> str:
    return rf"(?P<year{s}>(?:19|20|21)[0-9]{{2}})"


def _year2(s: str = "") -> str:
    return rf"(?P<year2{s}>(?:19|20|21)[0-9]{{2}})"


def _day(s: str = "") -> str:
    return rf"(?P<day{s}>[0-3]?[0-9])(?:er|st|nd|rd|th)?"


def _month(s: str = "") -> str:
    return _choice(f"month{s}", _MONTHS) + r"\.?"


def _season(s: str = "") -> str:
    return _choice(f"season{s}", _SEASONS)


_NUMBER = r"(?P<n>[0-9]{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_PROJECT = r"proje(?:t|ct)s?"
_DAYS_FR = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_DAYS_EN = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WEEKDAY = f"(?:(?:{_DAYS_FR}|{_DAYS_EN}),? )?"


def _dates(s: str = "") -> list[str]:
    return [_WEEKDAY + _day(s) + r" (?:de |d')?" + _month(s) + r",? " + _year(s),
            _WEEKDAY + _month(s) + " " + _day(s) + r",? " + _year(s),
            _year(s) + rf"-(?P<month{s}>[0-9]{{2}})-(?P<day{s}>[0-9]{{2}})"]


def _months(s: str = "") -> list[str]:
    return [_month(s) + r"(?: (?:de|of))?,? " + _year(s), _year(s) + rf"-(?P<month{s}>[0-9]{{2}})"]


def _seasons(s: str = "") -> list[str]:
    return [r"(?:l')?" + _season(s) + r"(?: (?:de|of))? " + _year(s) + r"(?: ?[-/] ?" + _year2(s) + ")?"]


def _years(s: str = "") -> list[str]:
    return [r"(?:(?:l')?annee |the year |year )?" + _year(s)]


def _of_year(s: str = "") -> str:
    """The year a quarter or semester belongs to: « 2026 », or a fiscal year « 2026-2027 », « FY2026-27 »."""
    return (r"(?:(?:de|du|of|of the) |d')?(?:(?:l'(?:annee financiere|exercice(?: financier)?|annee)"
            r"|annee financiere|exercice(?: financier)?|fiscal year|fiscal|fy|af) ?)?"
            + _year(s) + rf"(?: ?[-/] ?(?P<next{s}>[0-9]{{4}}|[0-9]{{2}}))?")


def _divisions(letters: str, words: str, s: str = "") -> list[str]:
    """Quarters (« T2 2026 », « 1er trimestre 2026-2027 ») or semesters (« S1 2026 »): ``index`` or ``ord``."""
    return [rf"[{letters}](?P<index{s}>[1-4]) " + _of_year(s),
            _year(s) + rf" ?-? ?[{letters}](?P<index{s}>[1-4])",
            _choice(f"ord{s}", _ORDINALS) + rf" (?:{words})[ ,]?" + _of_year(s),
            rf"(?:{words}) (?P<index{s}>[1-4]) " + _of_year(s)]


def _quarters(s: str = "") -> list[str]:
    return _divisions("tq", "trimestre|quarter", s)


def _semesters(s: str = "") -> list[str]:
    return _divisions("sh", "semestre|half|half-year|half year", s)


#: Before a part of a period: « à la fin de 2026 », « au début de l'été 2026 », "in early 2026".
_AT = r"(?:(?:a la|au|en|at the|in the|in|the|vers la|vers le|vers) )?"
_PORTION_LINK = r"(?: ?- ?| (?:(?:de|du|of|of the) )?| d')"


def _portion(blocks: Callable[[str], list[str]], s: str = "") -> list[str]:
    return [_AT + _choice(f"portion{s}", _PORTIONS) + _PORTION_LINK + pattern for pattern in blocks(s)]


_MONTH_PREFIX = r"(?:(?:en|au mois de|mois de|in|during|courant|durant) |(?:au mois|mois) d')?"
_SEASON_PREFIX = r"(?:(?:a|en|au|in|in the|during|during the|the|pendant|durant) |(?:a |pendant |durant )?l')?"
_YEAR_PREFIX = r"(?:(?:en|in|pour|for|durant|during|annee|l'annee|year) )?"
_DIVISION_PREFIX = r"(?:(?:au|en|le|la|in|in the|the|during|during the|durant|pendant) )?"
_DATE_PREFIX = r"(?:(?:le|pour le|on|due on|due) )?"  # a date written with these is due on that day
#: Deadlines due by the last day of what follows (« d'ici juin 2026 » is by 30 June)…
_BY = (r"(?:d'ici(?: a)?|au plus tard|jusqu'(?:au|a|en)|by|no later than|not later than|at the latest by"
       r"|due by|until|till)")
#: …or by the day before it begins (« avant le 15 mai 2026 » is by 14 May).
_BEFORE = r"(?P<before>avant|before|prior to)"
_ARTICLE = r"(?:(?:le|la|au|a|a la|en|in|on|the) |l')?"
_END_OF = r"(?:a )?(?:la |the )?(?:fin|end) (?:(?:de|du|of|of the) |d')?"  # « d'ici la fin de 2026 »
_FROM = (r"(?:(?:des|a partir (?:de|du)|a compter (?:de|du)|from|starting(?: (?:in|on|from))?|beginning (?:in|on)"
         r"|as of|as from|commencant (?:en|le)|debutant (?:en|le)) " + _ARTICLE + r"|(?:a partir|a compter) d')")
_PER_YEAR = (
    r"(?:par (?:annee|an)|l'an|/ ?(?:annee|an)|annuellement|chaque annee|(?:a|per|each|every) year"
    r"|/ ?(?:year|yr)|yearly|annually)"
)
_MEETINGS = r" (?:rencontres?|reunions?|seances?|meetings?|sessions?)"
_PER_MONTH = r"(?:par mois|/ ?mois|(?:a|per|each|every) month|/ ?month)"
_PER_WEEK = r"(?:par semaine|/ ?semaine|(?:a|per|each|every) week|/ ?week)"
_EVERY_YEAR = r"(?:annuellement|chaque annee|tous les ans|toutes les annees|annually|yearly|every year|each year)"
_END = r"(?![a-z0-9])"


# -- builders ---------------------------------------------------------------------------------


def _month_number(token: str) -> int:
    if token.isdigit():
        if not 1 <= int(token) <= 12:
            raise _Refusal(Message("schedule.no_month", month=token))
        return int(token)
    return _MONTHS[token]


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBERS[token]


#: The groups a block of time is read from: a match's, or a range's with one end completed from the other.
_Groups = Mapping[str, "str | None"]
#: A fixed block of time: what a range, a deadline or a start is made of.
_Built = OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion


def _need(groups: _Groups, name: str) -> str:
    value = groups.get(name)
    assert value is not None, name  # the patterns make these groups mandatory
    return value


def _on_date(groups: _Groups, s: str = "") -> OnDate:
    year, month = int(_need(groups, f"year{s}")), _month_number(_need(groups, f"month{s}"))
    day = int(_need(groups, f"day{s}"))
    try:
        return OnDate(dt.date(year, month, day))
    except ValueError:
        raise _Refusal(Message("schedule.no_day", day=day, month=month, year=year)) from None


def _in_month(groups: _Groups, s: str = "") -> InMonth:
    return InMonth(int(_need(groups, f"year{s}")), _month_number(_need(groups, f"month{s}")))


def _in_season(groups: _Groups, s: str = "") -> InSeason:
    season, year = _SEASONS[_need(groups, f"season{s}")], int(_need(groups, f"year{s}"))
    second = groups.get(f"year2{s}")
    if second is None:
        return InSeason(season, year)
    if season != "winter":
        raise _Refusal(Message("schedule.only_winter_spans", season=Message(SEASON_CODES[season]), year=year + 1))
    if int(second) != year + 1:
        raise _Refusal(Message("schedule.winter_consecutive", years=f"{year}-{second}"))
    return InSeason(season, year, int(second))


def _in_year(groups: _Groups, s: str = "") -> InYear:
    return InYear(int(_need(groups, f"year{s}")))


def _second_year(first: int, second: str) -> int:
    """The second year of « 2020-2021 » or « 2020-21 »."""
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    return last + 100 if len(second) == 2 and last < first else last


def _division(cls: type[InQuarter | InSemester], name: str, highest: int) -> Callable[[_Groups, str], _Built]:
    def build(groups: _Groups, s: str = "") -> _Built:
        index = groups.get(f"index{s}")
        number = int(index) if index is not None else _ORDINALS[_need(groups, f"ord{s}")]
        if not 1 <= number <= highest:
            raise _Refusal(Message(DIVISION_CODES[name], number=number))
        year, second = int(_need(groups, f"year{s}")), groups.get(f"next{s}")
        if second is not None and _second_year(year, second) != year + 1:
            raise _Refusal(Message("schedule.fiscal_consecutive", years=f"{year}-{second}"))
        return cls(year, number, fiscal=second is not None)
    return build


def _portion_of(inner: Callable[[_Groups, str], InMonth | InSeason | InYear]) -> Callable[[_Groups, str], _Built]:
    def build(groups: _Groups, s: str = "") -> _Built:
        return Portion(_PORTIONS[_need(groups, f"portion{s}")], inner(groups, s))
    return build


def _continuing(match: re.Match[str]) -> Part:
    return InYear(int(match["year"]), continuing=True)


def _year_span(match: re.Match[str]) -> Part:
    first, last = int(match["year"]), int(match["year2"])
    if last == first:
        raise _Refusal(Message("schedule.span_two_years", year=first))
    if last < first:
        raise _Refusal(Message("schedule.span_backwards", span=f"{first}-{last}", fixed=f"{last}-{first}"))
    return YearSpan(first, last)


def _fiscal_year(match: re.Match[str]) -> Part:
    first, second = int(match["year"]), match["year2"]
    if _second_year(first, second) != first + 1:
        raise _Refusal(Message("schedule.fiscal_consecutive", years=f"{first}-{second}"))
    return FiscalYear(first)


def _continuous(match: re.Match[str]) -> Part:
    return Continuous()


def _times(match: re.Match[str]) -> Part:
    count = _number(match["n"])
    if not 1 <= count <= 366:
        raise _Refusal(Message("schedule.times_out_of_range", count=count))
    return Recurrence(times_per_year=count)


def _times_per(per_year: int):
    def build(match: re.Match[str]) -> Part:
        count = _number(match["n"]) * per_year
        if not 1 <= count <= 366:
            raise _Refusal(Message("schedule.times_out_of_range", count=count))
        return Recurrence(times_per_year=count)
    return build


#: Frequencies in words → times a year. Weekly is 52 times, every two weeks 26, « bimensuel »
#: (twice a month) 24, « bimestriel » (every two months) 6, daily 365.
_FREQUENCIES = {"yearly": 1, "half_yearly": 2, "quarterly": 4, "bimonthly": 6, "monthly": 12, "twice_monthly": 24,
                "biweekly": 26, "weekly": 52, "daily": 365}


def _frequency(match: re.Match[str]) -> Part:
    return Recurrence(times_per_year=_FREQUENCIES[str(match.lastgroup)])


def _each_season(match: re.Match[str]) -> Part:
    token = match["season"]
    return Recurrence(season=_SEASONS.get(token) or _SEASONS_PLURAL[token])


def _each_month(match: re.Match[str]) -> Part:
    return Recurrence(month=_MONTHS[match["month"]])


def _project_end(match: re.Match[str]) -> Part:
    return Relative("project_end")


def _project_start(match: re.Match[str]) -> Part:
    return Relative("project_start")


def _unscheduled(match: re.Match[str]) -> Part:
    return Unscheduled("as_needed" if match["as_needed"] is not None else "to_be_determined")


# -- blocks of time and what is built on them -----------------------------------------------------


@attrs.frozen
class _Block:
    """A block of time: its patterns (taking a group suffix), its builder, and its prefixes when alone."""

    name: str
    patterns: Callable[[str], list[str]]
    build: Callable[[_Groups, str], _Built]
    prefix: str


_BLOCKS: tuple[_Block, ...] = (
    _Block("date", _dates, _on_date, _DATE_PREFIX),
    _Block("month", _months, _in_month, _MONTH_PREFIX),
    _Block("season", _seasons, _in_season, _SEASON_PREFIX),
    _Block("year", _years, _in_year, _YEAR_PREFIX),
    _Block("quarter", _quarters, _division(InQuarter, "quarter", 4), _DIVISION_PREFIX),
    _Block("semester", _semesters, _division(InSemester, "semester", 2), _DIVISION_PREFIX),
    _Block("portion", lambda s: _portion(_months, s), _portion_of(_in_month), ""),
    _Block("portion", lambda s: _portion(_seasons, s), _portion_of(_in_season), ""),
    _Block("portion", lambda s: _portion(_years, s), _portion_of(_in_year), ""),
)


def _alone_builder(block: _Block) -> Callable[[re.Match[str]], Part]:
    def build(match: re.Match[str]) -> Part:
        return block.build(match.groupdict(), "")
    return build


def _deadline(block: _Block) -> Callable[[re.Match[str]], Part]:
    def build(match: re.Match[str]) -> Part:
        groups = match.groupdict()
        return Deadline(block.build(groups, ""), before=groups.get("before") is not None)
    return build


def _start(block: _Block) -> Callable[[re.Match[str]], Part]:
    def build(match: re.Match[str]) -> Part:
        return Start(block.build(match.groupdict(), ""))
    return build


_BACKWARDS = Message("schedule.range_backwards")


def _range(first: Callable[[_Groups, str], _Built], last: Callable[[_Groups, str], _Built],
           *fill: str) -> Callable[[re.Match[str]], Part]:
    """A range builder; groups named in ``fill`` missing from one end are taken from the other."""
    def build(match: re.Match[str]) -> Part:
        groups = match.groupdict()
        for name in fill:
            if groups[f"{name}a"] is None:
                groups[f"{name}a"] = groups[f"{name}b"]
            elif groups[f"{name}b"] is None:
                groups[f"{name}b"] = groups[f"{name}a"]
        try:
            return Range(first(groups, "a"), last(groups, "b"))
        except ValueError:
            raise _Refusal(_BACKWARDS) from None
    return build


_RANGE_TO = r"(?: ?- ?| (?:a|au|jusqu'a|jusqu'au|jusqu'en|to|through|thru|until|till) )"
_RANGE_FROM = r"(?:(?:de|du|from) |d')?"
_BETWEEN = r"(?:entre|between) "
_AND = r" (?:et|and) "


def _month_range(first: str, last: str) -> list[str]:
    return [_RANGE_FROM + first + _RANGE_TO + _MONTH_PREFIX + last, _BETWEEN + first + _AND + last]


#: The first end of a range of days: « du 1er », « du 1er mars », « du 1er mars 2026 ».
_FIRST_DAY = _day("a") + r"(?: (?:de |d')?" + _month("a") + r"(?:,? " + _year("a") + ")?)?"

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


def _alone(block: _Block) -> _Form:
    return _form(block.name, _alone_builder(block), *(block.prefix + p for p in block.patterns("")))


def _deadline_form(block: _Block) -> _Form:
    patterns = block.patterns("")
    return _form("deadline", _deadline(block),
                 *(rf"(?:{_BY}|avant|before|prior to) {_END_OF}{p}" for p in patterns),  # « avant la fin de 2026 »
                 *(f"{_BY} {_ARTICLE}{p}" for p in patterns),
                 *(f"{_BEFORE} {_ARTICLE}{p}" for p in patterns))


def _start_form(block: _Block) -> _Form:
    return _form("start", _start(block), *(_FROM + p for p in block.patterns("")))


_SEASON_END = {s: r"(?:l')?" + _season(s) for s in "ab"}
_SEASON_YEARS = {s: " " + _year(s) + r"(?: ?[-/] ?" + _year2(s) + ")?" for s in "ab"}

_FORMS: tuple[_Form, ...] = (
    *(_alone(block) for block in _BLOCKS),
    *(_deadline_form(block) for block in _BLOCKS),
    *(_start_form(block) for block in _BLOCKS),
    _form("month_range", _range(_in_month, _in_month, "year"),
          *_month_range(_month("a") + r"(?:,? " + _year("a") + ")?", _month("b") + r"(?: (?:de|of))?,? " + _year("b"))),
    _form("season_range", _range(_in_season, _in_season, "year"),
          _RANGE_FROM + _SEASON_END["a"] + f"(?:{_SEASON_YEARS['a']})?" + _RANGE_TO + _SEASON_END["b"]
          + _SEASON_YEARS["b"],
          _BETWEEN + _SEASON_END["a"] + f"(?:{_SEASON_YEARS['a']})?" + _AND + _SEASON_END["b"] + _SEASON_YEARS["b"]),
    _form("date_range", _range(_on_date, _on_date, "year", "month"),
          r"(?:(?:du|de|from) )?" + _FIRST_DAY + r"(?: au | a | ?- ?| to )(?:le )?" + _day("b")
          + r" (?:de |d')?" + _month("b") + r",? " + _year("b"),
          r"(?:entre|between) (?:le )?" + _FIRST_DAY + r" (?:et|and) (?:le )?" + _day("b")
          + r" (?:de |d')?" + _month("b") + r",? " + _year("b"),
          r"(?:from )?" + _month("a") + " " + _day("a") + r"(?:,? " + _year("a") + r")?(?: ?- ?| (?:to|through|until) )"
          + "(?:" + _month("b") + " )?" + _day("b") + r",? " + _year("b"),
          _dates("a")[2] + _RANGE_TO + _dates("b")[2]),
    _form("continuing", _continuing,
          r"(?:poursuites?|se poursui(?:t|vra|vront)|continuing|continued|continues)"
          r"(?: (?:en|in|into|pour|for|through|durant|during))? " + _year()),
    _form("span", _year_span,
          r"(?:(?:de|from|du) )?(?:(?:annees|years) )?" + _year()
          + r"(?: ?[-/] ?| (?:a|au|to|until|through|jusqu'a|jusqu'en) )" + _year2(),
          r"(?:entre|between) " + _year() + r" (?:et|and) " + _year2()),
    _form("fiscal_year", _fiscal_year,
          r"(?:exercices?(?: financiers?)?|annees? financieres?|fiscal(?: years?)?|fy|af) ?(?:de )?"
          + _year() + r" ?[-/] ?(?P<year2>[0-9]{4}|[0-9]{2})"),
    _form("continuous", _continuous,
          r"(?:en continue?|de (?:facon|maniere) continue|continuellement|continue?|en permanence|en tout temps"
          r"|tout au long de l'annee|toute l'annee|ongoing|on-? ?going|continuous(?:ly)?|continually"
          r"|on an ongoing basis|at all times|all year(?: long| round)?|year-? ?round|throughout the year)",
          dated=False),
    _form("times", _times,
          _NUMBER + r" ?(?:fois|x|times) ?" + _PER_YEAR,
          r"(?P<n>once|twice|thrice) " + _PER_YEAR,
          _NUMBER + _MEETINGS + r"(?: " + _PER_YEAR + r"| annuelles?)?",
          dated=False),
    _form("times_a_month", _times_per(12),
          _NUMBER + r" ?(?:fois|x|times) ?" + _PER_MONTH, r"(?P<n>once|twice|thrice) " + _PER_MONTH,
          _NUMBER + _MEETINGS + " " + _PER_MONTH, dated=False),
    _form("times_a_week", _times_per(52),
          _NUMBER + r" ?(?:fois|x|times) ?" + _PER_WEEK, r"(?P<n>once|twice|thrice) " + _PER_WEEK,
          _NUMBER + _MEETINGS + " " + _PER_WEEK, dated=False),
    _form("frequency", _frequency,
          r"(?P<yearly>" + _EVERY_YEAR + r"|annuel(?:le)?s?)"
          r"|(?P<half_yearly>semestriellement|semestriel(?:le)?s?|chaque semestre|semi-? ?annually|semi-? ?annual"
          r"|half-? ?yearly|twice yearly|biannuel(?:le)?s?|biannual(?:ly)?|tous les six mois|aux six mois"
          r"|every six months)"
          r"|(?P<quarterly>trimestriellement|trimestriel(?:le)?s?|chaque trimestre|tous les trimestres"
          r"|tous les trois mois|aux trois mois|quarterly|every quarter|each quarter|every three months)"
          r"|(?P<bimonthly>bimestriellement|bimestriel(?:le)?s?|tous les deux mois|aux deux mois|every two months"
          r"|every other month)"
          r"|(?P<monthly>mensuellement|mensuel(?:le)?s?|chaque mois|tous les mois|monthly|every month|each month)"
          r"|(?P<twice_monthly>bimensuellement|bimensuel(?:le)?s?|semi-? ?monthly)"
          r"|(?P<biweekly>aux deux semaines|toutes les deux semaines|aux (?:quinze|15) jours"
          r"|tous les (?:quinze|15) jours|every (?:two|2) weeks|every other week|bi-? ?weekly|fortnightly)"
          r"|(?P<weekly>hebdomadairement|hebdomadaires?|chaque semaine|toutes les semaines|weekly|every week"
          r"|each week|(?:tous les|les) " + _DAYS_FR + r"s|chaque " + _DAYS_FR + r"|(?:every|each) " + _DAYS_EN
          + r"|" + _DAYS_EN + r"s)"
          r"|(?P<daily>quotidiennement|quotidien(?:ne)?s?|chaque jour|tous les jours|daily|every day|each day)",
          dated=False),
    _form("each_season", _each_season,
          _EVERY_YEAR + r",? " + _SEASON_PREFIX + _season(),
          r"(?:(?:a|at) )?(?:chaque|every|each) (?:l')?" + _season(),
          r"(?:tous|toutes) les " + _choice("season", _SEASONS_PLURAL),
          _season() + r",? " + _EVERY_YEAR,
          dated=False),
    _form("each_month", _each_month,
          _EVERY_YEAR + r",? (?:(?:en|in|au mois de) |au mois d')?" + _month(),
          r"(?:(?:a|at) )?(?:chaque|every|each|tous les) (?:mois de |mois d'|month of )?" + _month(),
          _month() + r",? " + _EVERY_YEAR,
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
    # only at the start of a segment: « En continu au besoin » is continuous, with a note
    _form("unscheduled", _unscheduled,
          r"^(?:(?P<as_needed>au besoin|selon les besoins|selon le besoin|si besoin|si necessaire|lorsque requis"
          r"|lorsque necessaire|ponctuellement|sur demande|as needed|when needed|if needed|as required|when required"
          r"|on demand|on request)"
          r"|(?P<to_be_determined>(?:date )?a (?:determiner|definir|confirmer|preciser|planifier)|non planifiee?"
          r"|tbd|tba|tbc|to be (?:determined|confirmed|announced|defined|scheduled)|not yet scheduled))",
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


#: The parts that take a note.
_NOTED = (Continuous, Recurrence, Relative, Unscheduled)


def _with_note(part: Part, note: str) -> Part | None:
    """The part with ``note`` attached, or ``None`` when the part takes no note (or has one)."""
    if not isinstance(part, _NOTED) or part.note is not None or not note:
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
        skipped = _SKIP.match(folded, pos)
        pos = skipped.end() if skipped else pos
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
            raise ScheduleError(text, ACCEPTED_FORMS, forms=FORMS, reason=_unreadable(segment[origin[pos]:], folded[pos:]))
        parts[-1] = noted
        pos = note_end


def _build(form: _Form, match: re.Match[str], text: str) -> Part:
    try:
        return form.build(match)
    except (_Refusal, ValueError) as exc:
        first = exc.args[0] if exc.args else None
        raise ScheduleError(text, ACCEPTED_FORMS, forms=FORMS, reason=first if isinstance(first, Message) else str(exc)) from None


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NEEDS_YEAR = re.compile(f"(?:{_season()}|{_month()}){_END}", re.ASCII)


def _unreadable(unread: str, folded: str) -> Message:
    """Why a fragment is refused, with a hint for the common slip of a season or month without a year."""
    if _NEEDS_YEAR.match(folded):
        return Message("schedule.cannot_read_needs_year", text=repr(_shorten(unread)))
    return Message("schedule.cannot_read", text=repr(_shorten(unread)))


def _check_unscheduled(parts: list[Part], text: str) -> None:
    """« Au besoin » and « à déterminer » say there is no date: beside a dated part they contradict it."""
    unscheduled = [part for part in parts if isinstance(part, Unscheduled)]
    if unscheduled and len(unscheduled) < len(parts):
        raise ScheduleError(text, ACCEPTED_FORMS, forms=FORMS, reason=_MIXED_UNSCHEDULED)


_MIXED_UNSCHEDULED = Message("schedule.unscheduled_alone")


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
            raise ScheduleError(text, ACCEPTED_FORMS, forms=FORMS, reason=Message("schedule.empty"))
        _check_unscheduled(parts, text)
    except ScheduleError:
        if allow_free_text:
            return Schedule(text, (FreeText(text),))
        raise
    return Schedule(text, tuple(parts))
