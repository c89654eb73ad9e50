"""What the words of a plan say: indicator kinds, actors, dates and capitals.

The rules follow how round tables write their indicator column (see the transcription
notes of ``examples/concertation-horizon-2026.yaml``): « 4 rencontres » is a count with a
target, « Nombre de … » is tracked without one, « Taux de … » is a rate, « au moins … »
a minimum, a date a milestone, « les 5 MRC » a coverage, « Pertinence / Qualité /
Impact … » qualitative, « … réalisé(e) / identifiés / en place / à jour » a deliverable.
Names of bodies written there (« Équipe CH », « Table des partenaires ») are the
responsible parties, not indicators. Rules are tried in a fixed order; the first that
matches wins. A wording that no rule recognises is left to the caller, which reports it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ..model.base import fold
from .cells import strip_tags

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                "huit": 8, "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_WORD = r"[^\s,;:()«»\"]+"

_DATE = re.compile(r"\b(?P<d>\d{1,2})(?:er)?\s+(?P<m>" + "|".join(MONTHS) + r")\s+(?P<y>\d{4})\b")
_RATE = re.compile(r"^(?:taux|pourcentage|proportion)\b")
_TRACKED = re.compile(r"^nombre\s+(?:de|d')\s*(?P<rest>.+)$")
_MINIMUM = re.compile(r"\bau moins\s+" + _NUMBER + r"\s+(?P<unit>" + _WORD + r")")
#: « 4 rencontres », « Une rencontre … », « Publication de 10 infolettres » (digits only after « de »:
#: « Obtention d'un financement » is an article, not a count).
_COUNT = re.compile(r"^(?:" + _NUMBER + r"|" + _WORD + r"\s+(?:de|d')\s*(?P<digits>\d{1,3}))\s+(?P<unit>" + _WORD + r")"
                    r"(?P<complement>\s+d'" + _WORD + r")?")
_COVERAGE_LEAD = re.compile(r"^(?:participation|presence|couverture|couvrir)\b.*?\b" + _NUMBER
                            + r"\s+(?P<what>territoires|mrc|municipalites)\b")
_COVERAGE_ANY = re.compile(r"\b(?:les|des)\s+" + _NUMBER + r"\s+(?P<what>territoires|mrc|municipalites)\b")
_PER = (
    (re.compile(r"\b(?:par annee|par an|chaque annee|annuel(?:le)?s?|annuellement)\b"), "year"),
    (re.compile(r"\b(?:par mois|chaque mois|mensuel(?:le)?s?)\b"), "month"),
    (re.compile(r"\b(?:par trimestre|trimestriel(?:le)?s?)\b"), "quarter"),
    (re.compile(r"\bpar (?:territoire|mrc)\b"), "territory"),
)
_PER_WORDS = re.compile(r"\s*\b(?:par ann[ée]e|par an|chaque ann[ée]e|annuel(?:le)?s?|annuellement)\b", re.IGNORECASE)

#: Beginnings of wordings judged by people on a scale (checked before deliverables).
QUALITATIVE = (
    "pertinence", "qualite", "impact", "adhesion", "contribution", "utilisation", "mobilisation", "partage",
    "creation de liens", "satisfaction", "appreciation", "engagement", "implication", "rayonnement",
    "participation des ", "participation du ", "participation de la ", "participation de l'", "perception",
    "sentiment", "interet", "niveau de ", "degre de ",
)
#: Beginnings of wordings naming something done or not.
DELIVERABLE_START = (
    "participation a", "mise a jour", "mise en place", "mise en ligne", "diffusion", "realisation", "obtention",
    "formalisation", "identification", "creation", "integration", "publication", "elaboration", "sondage", "test",
    "ajout", "tenue", "lancement", "redaction", "production", "adoption", "depot", "signature", "organisation",
    "plan ", "plan d", "outil", "infolettre", "rapport", "fiche", "guide", "site", "entente", "orientation",
    "exigence", "bilan", "portrait", "cartographie", "recension", "strategie", "politique", "document",
    "presentation", "transfert", "deploiement", "conception", "evaluation", "recherche",
)
#: Endings (past participles and states) naming something done.
DELIVERABLE_WORDS = re.compile(
    r"\b(?:identifie|realise|rempli|adopte|depose|signe|complete|termine|livre|produit|publie|obtenu|"
    r"tenu)e?s?\b|\ben place\b|\ba jour\b|\baccessibles?\b|\bdisponibles?\b|\ben ligne\b"
)
#: First words of names of bodies (« Équipe CH », « Comité régional … », « Pôle … »).
ORGANISATION_WORDS = {
    "equipe", "table", "tables", "cdp", "communaute", "comite", "comites", "pole", "conseil", "coalition",
    "reseau", "ministere", "mrc", "cdc", "centre", "corporation", "regroupement", "federation", "association",
    "fondation", "commission", "bureau", "secretariat", "direction", "cisss", "ciusss", "ville", "municipalite",
    "organisme", "organismes", "chambre", "caisse", "carrefour", "societe", "office", "agence", "consortium",
    "collectif", "cooperative", "instance", "groupe", "conference", "forum", "observatoire", "fonds",
}


@attrs.frozen
class Reading:
    """What an indicator's wording says: its kind and the fields that follow."""

    kind: str
    fields: dict = attrs.field(factory=dict)
    strong: bool = False  # a quantified reading (count, minimum, coverage…): may stand alone in a compound


def number_value(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def french_date(text: str) -> dt.date | None:
    """The first full date written in ``text`` (« 31 mars 2026 », « 1er avril 2025 »)."""
    match = _DATE.search(fold(text))
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), MONTHS[match["m"]], int(match["d"]))
    except ValueError:
        return None


def per_of(folded: str) -> str | None:
    for pattern, per in _PER:
        if pattern.search(folded):
            return per
    return None


def fold_in_place(text: str) -> str:
    """Lower case without accents, one character for one: positions match the original."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[0].lower()
        out.append(base if len(base) == 1 else char)
    return "".join(out).replace("’", "'")


def _as_unit(text: str) -> str:
    """A unit as written (accents kept), lower-cased unless it is an acronym."""
    unit = text.strip()
    return unit if unit.isupper() and len(unit) > 1 else unit[:1].lower() + unit[1:]


def read_indicator(label: str, coverage_targets: Sequence[str] = ()) -> Reading | None:
    """The kind and fields of an indicator from its wording, or ``None`` when no rule applies.

    ``coverage_targets`` are the territories « les N MRC » refers to (the plan's own);
    when their number is not N the wording is read as a count of territories instead.
    Positions found in the folded text slice the original, so units keep their accents.
    """
    folded = fold_in_place(label)

    def cut(match: re.Match, group: str) -> str:
        return _as_unit(label[match.start(group):match.end(group)])

    per = per_of(folded)
    extra = {"per": per} if per else {}

    due = french_date(label)
    if due is not None:
        return Reading("milestone", {"due": due}, strong=True)
    if _RATE.match(folded):
        return Reading("rate", dict(extra), strong=True)
    match = _TRACKED.match(folded)
    if match:
        unit = _PER_WORDS.sub("", label[match.start("rest"):]).strip() or None
        fields = {"unit": unit} if unit else {}
        return Reading("tracked", {**fields, **extra}, strong=True)
    match = _MINIMUM.search(folded)
    if match:
        return Reading("minimum", {"target": Decimal(number_value(match["n"])), "unit": cut(match, "unit"), **extra},
                       strong=True)
    match = _COVERAGE_LEAD.match(folded)
    if match:
        return _coverage(match, coverage_targets, extra)
    match = _COUNT.match(folded)
    if match:
        target = Decimal(number_value(match["n"] or match["digits"]))
        unit = cut(match, "unit") + (" " + cut(match, "complement") if match.group("complement") else "")
        return Reading("count", {"target": target, "unit": unit, **extra}, strong=True)
    if folded.startswith(QUALITATIVE):
        return Reading("qualitative")
    match = _COVERAGE_ANY.search(folded)
    if match:
        return _coverage(match, coverage_targets, extra)
    if folded.startswith(DELIVERABLE_START) or DELIVERABLE_WORDS.search(folded):
        return Reading("deliverable")
    return None


def _coverage(match: re.Match, targets: Sequence[str], extra: dict) -> Reading:
    wanted = number_value(match["n"])
    if len(targets) == wanted and match["what"] != "municipalites":
        return Reading("coverage", {"target_territories": list(targets)}, strong=True)
    unit = {"mrc": "MRC", "territoires": "territoires", "municipalites": "municipalités"}[match["what"]]
    return Reading("count", {"target": Decimal(wanted), "unit": unit, **extra, "_coverage_unresolved": True},
                   strong=True)


def split_compound(label: str, coverage_targets: Sequence[str] = ()) -> list[str]:
    """« Tenue d'au moins une rencontre par année et couvrir ultimement les 5 MRC » → two wordings.

    A wording is cut at « et » only when both halves are quantified indicators on their
    own (a minimum and a coverage, two counts…); « Nouveau site à jour et accessible »
    stays whole.
    """
    for match in re.finditer(r"\s+et\s+", label):
        left, right = label[: match.start()].strip(), label[match.end():].strip()
        if not left or not right:
            continue
        first, second = read_indicator(left, coverage_targets), read_indicator(right, coverage_targets)
        if first and second and first.strong and second.strong:
            return [left, right[:1].upper() + right[1:]]
    return [label]


# -- actors ----------------------------------------------------------------------------------

_ACRONYM = re.compile(r"^[A-ZÀ-ÖØ-Ý0-9][A-ZÀ-ÖØ-Ý0-9+&.\-]+$")


def is_actor_name(text: str) -> bool:
    """« Équipe CH », « TCRM », « Living Wage », « comités du CISSMO »: a body, not a wording."""
    words = text.split()
    if not words or len(words) > 12:
        return False
    if all(_ACRONYM.match(w) for w in words):
        return True
    first = fold(words[0]).strip("«»\"'")
    if first in ORGANISATION_WORDS:
        return True
    significant = [w for w in words if len(w) >= 3]
    return bool(significant) and len(words) <= 5 and all(w[0].isupper() for w in significant)


def read_actors(text: str) -> list[tuple[str, str | None]] | None:
    """``[(name, note)]`` when ``text`` only names bodies, else ``None``.

    « Pôle d'économie sociale du Haut-St-Laurent, TCRM, TCGFM, etc. » → four names;
    « RQDS : Conseil d'administration et autres comités de travail » → RQDS with a note.
    """
    head, colon, tail = text.partition(":")
    if colon and head.strip() and is_actor_name(head.strip()) and len(head.split()) <= 6:
        return [(head.strip(), tail.strip() or None)]
    parts = [p.strip() for p in re.split(r"\s*[;,]\s*", text)]
    parts = [p for p in parts if p and fold(p).rstrip(".") != "etc"]
    if parts and all(is_actor_name(p) for p in parts):
        return [(p, None) for p in parts]
    return None


# -- capitals ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ+]+")


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@attrs.define
class Vocabulary:
    """Words a document writes in capitals on purpose: acronyms (MRC, CH) and proper names.

    Learnt from the document's mixed-case text, so that a heading written all in capitals
    (« MOBILISATION DES MRC DE LA MONTÉRÉGIE ») can be written in sentence case while
    keeping « MRC » and « Montérégie ».
    """

    acronyms: set[str] = attrs.field(factory=set)
    proper: set[str] = attrs.field(factory=set)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Vocabulary:
        """Acronyms, and words capitalised inside sentences at least as often as written in lower case."""
        acronyms: set[str] = set()
        capitalised: Counter[str] = Counter()
        lowered: Counter[str] = Counter()
        for text in texts:
            if is_all_caps(text):
                continue
            for sentence in re.split(r"(?<=[.!?:])\s+|\n|\t|[→⇒]", strip_tags(text)):
                for position, match in enumerate(_TOKEN.finditer(sentence)):
                    word = match.group(0)
                    after_apostrophe = match.start() > 0 and sentence[match.start() - 1] in "'’"
                    if len(word) >= 2 and word.isupper():
                        acronyms.add(word)
                    elif word[0].isupper() and (position > 0 and not after_apostrophe or position > 1):
                        capitalised[word.casefold()] += 1
                    elif word.islower():
                        lowered[word] += 1
        return cls(acronyms, {word for word, count in capitalised.items() if count >= lowered[word]})

    def sentence_case(self, text: str) -> str:
        """« RÉUSSITE ÉDUCATIVE ET SOCIALE » → « Réussite éducative et sociale »; mixed case is kept."""
        if not is_all_caps(text):
            return text

        def word(match: re.Match) -> str:
            token = match.group(0)
            if token in self.acronyms:
                return token
            lower = token.lower()
            return lower.capitalize() if lower in self.proper else lower

        result = _TOKEN.sub(word, text)
        result = "/".join(_capitalise_first(part) for part in result.split("/"))
        return re.sub(r"([.!?]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), result)


def _capitalise_first(text: str) -> str:
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1:]
    return text
