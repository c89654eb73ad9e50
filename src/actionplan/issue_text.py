"""Issues in the reader's language.

Issues are built in English by the checks (the API and the logs stay in one language).
The command line shows them in French by default: :func:`issue_text` renders an issue with
French connectors and translates the core's known messages and phrases. Anything it does
not know (a plugin's own message) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import Issue

KINDS_FR = {
    "theme": "thème", "objective": "objectif", "action": "action", "indicator": "indicateur",
    "task": "tâche", "organisation": "organisme", "territory": "territoire",
    "count": "compte", "tracked": "suivi", "rate": "taux", "milestone": "jalon", "deliverable": "livrable",
    "coverage": "couverture", "minimum": "minimum", "qualitative": "qualitatif",
}


#: A short French reminder of the schedule forms (the full list is in docs/schedules.md).
SCHEDULE_FORMS_FR = (
    "une date « 31 mars 2026 », un mois « Juillet 2019 », une saison « Hiver 2026 », une année « 2026 », "
    "« Poursuite en 2026 », un trimestre « T2 2026 » ou « 1er trimestre 2026-2027 », un semestre « S1 2026 », "
    "une partie « début 2026 », « mi-mars 2026 », une plage « janvier à mars 2026 », « printemps-été 2026 », "
    "une échéance « d'ici juin 2026 », « avant le 15 mai 2026 », un début « dès janvier 2026 », "
    "une période « 2025-2026 », un exercice « exercice 2020-2021 », « En continu », "
    "une récurrence « 2 fois par année », « hebdomadaire », « Annuellement Automne », "
    "un événement « À la fin de chaque projet », « Au besoin » ou « À déterminer » seuls, "
    "et leurs combinaisons « → Hiver 2026 → En continu »"
)


def _kind(match: re.Match, group: int = 1) -> str:
    name = match.group(group).strip("'")
    return KINDS_FR.get(name, name)


def _de(word: str) -> str:
    """French « de » with its elision: « d'indicateur », « de thème »."""
    return f"d'{word}" if word[:1].lower() in "aeiouyéèêh" else f"de {word}"


#: The indicator kinds' descriptions (``INDICATOR_KINDS``) in French.
KIND_DESCRIPTIONS_FR = {
    "count": "un compte avec une cible : « 4 rencontres »",
    "tracked": "un compte suivi sans cible : « Nombre de participants »",
    "rate": "un taux (numérateur / dénominateur) : « Taux de participation »",
    "milestone": "un jalon daté : l'AGA du « 31 mars 2026 »",
    "deliverable": "un livrable, réalisé ou non : « Fiche synthèse réalisée »",
    "coverage": "des territoires couverts : « couvrir ultimement les 5 MRC »",
    "minimum": "un minimum à atteindre : « au moins 1 projet »",
    "qualitative": "une appréciation sur une échelle : « Pertinence pour les partenaires »",
}


Rule = tuple[re.Pattern, Callable[[re.Match], str]]


def _rules(pairs) -> list[Rule]:
    return [(re.compile(pattern), (lambda m, t=template: m.expand(t)) if isinstance(template, str) else template)
            for pattern, template in pairs]


SEASONS_FR = {"winter": "l'hiver", "spring": "le printemps", "summer": "l'été", "autumn": "l'automne"}

#: Why the schedule parser refused a text, in French.
SCHEDULE_REASONS_FR: list[Rule] = _rules([
    (r"^cannot read (.+?) \(a season or month needs a year, .+\)$",
     r"illisible : \1 — une saison ou un mois demande une année, « Hiver 2026 », ou « chaque hiver » pour chaque année"),
    (r"^cannot read (.+)$", r"illisible : \1"),
    (r"^the schedule is empty$", "l'échéancier est vide"),
    (r"^there is no month (.+)$", r"il n'y a pas de mois \1"),
    (r"^there is no day (\d+) in month (\d+) of (\d+)$", r"il n'y a pas de jour \1 au mois \2 de \3"),
    (r"^only a winter spans two years; name one year for the (\w+) \(e\.g\. (\d+)\)$",
     lambda m: f"seul l'hiver s'étend sur deux années; nommez une année pour {SEASONS_FR.get(m.group(1), m.group(1))} "
               f"(p. ex. {m.group(2)})"),
    (r"^a winter spans two consecutive years, not (.+)$", r"un hiver s'étend sur deux années consécutives, pas \1"),
    (r"^a span needs two different years; write « (.+) » for one year$",
     r"une période demande deux années différentes; écrivez « \1 » pour une seule année"),
    (r"^the span (.+) goes backwards; write the earlier year first \((.+)\)$",
     r"la période \1 est à rebours; écrivez d'abord l'année la plus ancienne (\2)"),
    (r"^a fiscal year runs over two consecutive years, not (.+)$",
     r"un exercice financier couvre deux années consécutives, pas \1"),
    (r"^(\d+) times a year is not a schedule \(1 to 366\)$", r"\1 fois par année n'est pas un échéancier (1 à 366)"),
    (r"^a year has 4 quarters, not (\d+)$", r"une année compte 4 trimestres, pas \1"),
    (r"^a year has 2 semesters, not (\d+)$", r"une année compte 2 semestres, pas \1"),
    (r"^the range goes backwards; write the earlier end first, each with its year \((.+)\)$",
     r"la plage va à rebours; écrivez d'abord le début, chaque bout avec son année (\1)"),
    (r"^« au besoin » or « à déterminer » stands alone: .+$",
     "« au besoin » ou « à déterminer » s'écrit seul : un échéancier nomme un moment ou dit qu'il n'en a pas, "
     "pas les deux"),
])

#: What the YAML and JSON loaders refuse, in French (the part after « erreur YAML à la ligne … : »).
LOADING_FR: list[Rule] = _rules([
    (r"^nested more than (\d+) levels deep$", r"imbriqué sur plus de \1 niveaux"),
    (r"^nested too deeply$", "imbriqué trop profondément"),
    (r"^aliases \(\*name\) repeat parts of the document more than (\d+) times over \(an alias bomb\?\); refused$",
     r"les alias (*nom) répètent des parties du document plus de \1 fois (une bombe d'alias ?) ; refusé"),
    (r"^an alias \(\*name\) refers to a node that contains it; refused$",
     "un alias (*nom) renvoie à un nœud qui le contient ; refusé"),
    (r"^character U\+([0-9A-F]+) is not allowed in YAML text$", r"le caractère U+\1 n'est pas permis dans du YAML"),
    (r"^could not determine a constructor for the tag '(.+)'$",
     r"étiquette YAML '\1' refusée (le chargement sûr ne construit aucun objet)"),
    (r"^found unhashable key$", "une clé ne peut être ni une liste ni un ensemble de champs"),
    (r"^but found another document$", "un seul document est attendu, un autre commence ici"),
    (r"^found undefined alias '(.+)'$", r"alias '\1' non défini"),
    (r'^found duplicate key "(.*)" with value "(.*)" \(original value: "(.*)"\)$',
     r"clé « \1 » en double : valeur « \2 », alors que la première valeur est « \3 »"),
    (r"^(.+) at byte (\d+) \(line (\d+), column (\d+)\); save the file as UTF-8$",
     r"\1 à l'octet \2 (ligne \3, colonne \4) ; enregistrer le fichier en UTF-8"),
])

#: English message → French, whole-message patterns of the core's checks.
MESSAGES_FR: list[Rule] = _rules([
    (r"^wrong type$", "type incorrect"),
    (r"^unknown key$", "clé inconnue"),
    (r"^required field missing$", "champ obligatoire manquant"),
    (r"^invalid value$", "valeur invalide"),
    (r"^not an accepted value$", "valeur non acceptée"),
    (r"^unknown territory$", "territoire inconnu"),
    (r"^unknown (\w+)$", lambda m: f"{_kind(m)} inconnu"),
    (r"^duplicate (\w+) id \(first used at (.+)\)$",
     lambda m: f"identifiant {_de(_kind(m))} en double (déjà utilisé à {m.group(2)})"),
    (r"^duplicate organisation id$", "identifiant d'organisme en double"),
    (r"^a '(\w+)' indicator needs (\w+)$", lambda m: f"un indicateur de type {_kind(m)} exige {m.group(2)}"),
    (r"^scale levels must be distinct$", "les niveaux de l'échelle doivent être distincts"),
    (r"^not a level of the (?:indicator's )?scale$", "pas un niveau de l'échelle"),
    (r"^measurement names another indicator$", "la mesure nomme un autre indicateur"),
    (r"^a rate measurement needs numerator and denominator \(or a value\)$",
     "une mesure de taux exige un numérateur et un dénominateur (ou une valeur)"),
    (r"^must be positive$", "doit être positif"),
    (r"^a rate's numerator cannot exceed its denominator$", "le numérateur d'un taux ne peut dépasser son dénominateur"),
    (r"^a qualitative measurement needs a level$", "une mesure qualitative exige un niveau"),
    (r"^a (\w+) measurement says whether it is done$", lambda m: f"une mesure {_de(_kind(m))} dit si c'est fait"),
    (r"^a coverage measurement lists the territories covered$",
     "une mesure de couverture énumère les territoires couverts"),
    (r"^a (\w+) measurement needs a value$", lambda m: f"une mesure {_de(_kind(m))} exige une valeur"),
    (r"^a count cannot be negative$", "un compte ne peut être négatif"),
    (r"^tracking log is for another plan$", "le journal de suivi est celui d'un autre plan"),
    (r"^YAML error at line (\d+), column (\d+): (.+)$",
     lambda m: f"erreur YAML à la ligne {m.group(1)}, colonne {m.group(2)} : {_translate(m.group(3), LOADING_FR)}"),
    (r"^YAML error: (.+)$", lambda m: f"erreur YAML : {_translate(m.group(1), LOADING_FR)}"),
    (r"^JSON error at line (\d+), column (\d+): (.+)$", r"erreur JSON à la ligne \1, colonne \2 : \3"),
    (r"^JSON error: (.+)$", lambda m: f"erreur JSON : {_translate(m.group(1), LOADING_FR)}"),
    (r"^not UTF-8 text: (.+)$", lambda m: f"texte non UTF-8 : {_translate(m.group(1), LOADING_FR)}"),
    (r"^key given twice in the same object; a JSON reader keeps only the last value$",
     "clé donnée deux fois dans le même objet ; un lecteur JSON n'en garde que la dernière valeur"),
    (r"^number at line (\d+), column (\d+) has more digits than JSON numbers keep exactly$",
     r"le nombre de la ligne \1, colonne \2 a plus de chiffres que les nombres JSON n'en gardent exactement"),
    (r"^number too large$", "nombre trop grand"),
    (r"^date out of range$", "date hors limites"),
    (r"^out of range$", "hors limites"),
    (r"^period too long$", "période trop longue"),
    (r"^file is (\d+) bytes; the limit is (\d+)$", r"le fichier fait \1 octets; la limite est \2"),
    (r"^a document must be a mapping of fields$", "un document doit être un ensemble de champs (clé : valeur)"),
    (r"^unknown document type$", "type de document inconnu"),
    (r"^invalid schema version$", "version de schéma invalide"),
    (r"^invalid backup format version$", "version de format de sauvegarde invalide"),
    (r"^written by a newer version of actionplan; upgrade actionplan to read it$",
     "écrit par une version plus récente d'actionplan; mettez actionplan à jour pour le lire"),
    (r"^the period ends before it starts$", "la période se termine avant de commencer"),
    (r"^Period\.end \((.+)\) is before Period\.start \((.+)\)$", r"la fin (\1) précède le début (\2)"),
    (r"^unrecognised schedule (.+?)(?:: (.+?))?; accepted forms: (.+)$",
     lambda m: f"échéancier non reconnu {m.group(1)}"
               f"{' (' + _translate(m.group(2), SCHEDULE_REASONS_FR) + ')' if m.group(2) else ''}; "
               f"formes acceptées (docs/schedules.md) : {SCHEDULE_FORMS_FR}"),
    (r"^unrecognised schedule (.+)$", r"échéancier non reconnu \1"),
    (r"^schedule (.+) kept as free text$", r"échéancier \1 gardé comme texte libre"),
])

#: Phrases of ``expected`` and ``found`` (and described values), whole or leading.
PHRASES_FR: list[Rule] = _rules([
    (r"^a number smaller than 10\*\*21 \(.+\)$", "un nombre inférieur à 10**21 (mille milliards de milliards)"),
    (r"^(.+) \((\d+) digits\)$", r"\1 (\2 chiffres)"),
    (r"^a number$", "un nombre"),
    (r"^a finite number$", "un nombre fini"),
    (r"^a whole number$", "un nombre entier"),
    (r"^a whole number (.+)$", r"le nombre entier \1"),
    (r"^a positive whole number$", "un nombre entier positif"),
    (r"^text$", "du texte"),
    (r"^text (.+)$", r"le texte \1"),
    (r"^non-empty text$", "un texte non vide"),
    (r"^true or false$", "true ou false"),
    (r"^a boolean (.+)$", r"le booléen \1"),
    (r"^a number (.+)$", r"le nombre \1"),
    (r"^a list$", "une liste"),
    (r"^a list (.+)$", r"la liste \1"),
    (r"^a mapping$", "un ensemble de champs"),
    (r"^a mapping (.+)$", r"l'ensemble \1"),
    (r"^a mapping \(the fields of (\w+)\)$", r"un ensemble de champs (ceux de \1)"),
    (r"^nothing \(null\)$", "rien (null)"),
    (r"^nothing$", "rien"),
    (r"^neither$", "ni l'un ni l'autre"),
    (r"^a date \(YYYY-MM-DD\)$", "une date (AAAA-MM-JJ)"),
    (r"^a date \(YYYY-MM-DD\) without a time$", "une date (AAAA-MM-JJ) sans heure"),
    (r"^a date \(YYYY-MM-DD\) in the years (\d+) to (\d+)$", r"une date (AAAA-MM-JJ) des années \1 à \2"),
    (r"^a schedule text$", "un texte d'échéancier"),
    (r"^the fields of (\w+)$", r"les champs de \1"),
    (r"^one of the fields of (\w+)$", r"un des champs de \1"),
    (r"^one of (.+)$", r"l'une des valeurs \1"),
    (r"^at most (\d+)$", r"au plus \1"),
    (r"^an id of the plan's (\w+)s$", lambda m: f"l'identifiant d'un {_kind(m)} du plan"),
    (r"^a gazetteer id such as '(.+)' or a custom territory$",
     r"un identifiant du répertoire des territoires, comme '\1', ou un territoire du plan"),
    (r"^an id of letters, digits, .+$",
     "un identifiant de lettres, chiffres, « . », « _ », « : » ou « - » (sans « .. », 200 caractères au plus)"),
    (r"^a gazetteer id or a custom territory of the program's plan$",
     "un identifiant du répertoire des territoires ou un territoire du plan du programme (custom_territories)"),
    (r"^numerator and denominator$", "un numérateur et un dénominateur"),
    (r"^territory ids$", "des identifiants de territoires"),
    (r"^an empty document$", "un document vide"),
    (r"^each key once$", "chaque clé une seule fois"),
    (r"^the number written as text, in quotes: (.+)$", r"le nombre écrit comme du texte, entre guillemets : \1"),
    (r"^a year from (\d+) to (\d+)$", r"une année de \1 à \2"),
    (r"^at most (\d+) years$", r"au plus \1 ans"),
    (r"^(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)$", r"du \1 au \2"),
    (r"^(a|an) schedule text such as (.+)$", r"un texte d'échéancier comme \2"),
])

def _kind_descriptions() -> list[Rule]:
    from .model.indicators import INDICATOR_KINDS

    return [(re.compile("^" + re.escape(description) + "$"), lambda m, fr=KIND_DESCRIPTIONS_FR[kind]: fr)
            for kind, (description, _needs) in INDICATOR_KINDS.items()]


PHRASES_FR[:0] = _kind_descriptions()

HINT_FR = _rules([(r"^did you mean (.+)\?$", r"vouliez-vous dire \1 ?")])


def _translate(text: str | None, rules: list[Rule]) -> str | None:
    if text is None:
        return None
    for pattern, render in rules:
        match = pattern.match(text)
        if match:
            return render(match)
    return text


def issue_text(issue: Issue, lang: str = "en") -> str:
    """One line for ``issue`` in ``lang`` (``fr`` or ``en``)."""
    if lang != "fr" or issue.code is not None:
        return issue.render(lang)
    where = issue.path or "(document)"
    message = issue.translations.get("fr") or _translate(issue.message, MESSAGES_FR)
    text = f"{where} : {message}"
    if issue.expected is not None:
        text += f"; attendu : {_translate(issue.expected, PHRASES_FR)}"
    if issue.found is not None:
        text += f", trouvé : {_translate(issue.found, PHRASES_FR)}"
    if issue.hint:
        text += f" ({_translate(issue.hint, HINT_FR)})"
    return text
