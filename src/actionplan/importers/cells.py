"""Reading the text of one table cell as round tables write it.

Cells come from Word tables or from text extractions of them, with their artefacts:
raw HTML fragments (``<ul style=…>``, ``<p …>``, ``<i>``), arrows used as bullets
(``→ item → item``), lead-ins ending with a colon (« En collaboration avec les acteurs
locaux : ») above the bullets, and paragraphs flattened onto one line. This module turns
a cell into :class:`Segment` objects; the layout reader decides what they mean.
"""

from __future__ import annotations

import html
import re

import attrs

#: Characters used as bullets in the plans (the arrows of seed 000, Word's bullets).
BULLETS = "→⇒•▪►➢➔"
_BULLET_SPLIT = re.compile(r"\s*[→⇒•▪►➢➔]\s*")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
#: Tags that end a block of text (a paragraph, a list); others (<i>, <b>, <span>) are inline.
_BLOCK_TAGS = {"p", "ul", "ol", "li", "br", "div", "tr", "td", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
#: Word form placeholders left in documents by unfilled content controls.
PLACEHOLDERS = (
    "choisissez un élément.",
    "cliquez ou appuyez ici pour entrer du texte.",
    "cliquez ici pour entrer du texte.",
    "choose an item.",
    "click or tap here to enter text.",
    "click here to enter text.",
)


@attrs.frozen
class Segment:
    """A piece of a cell: a ``bullet`` item, or ``plain`` text (one paragraph)."""

    text: str
    bullet: bool = False

    @property
    def is_lead_in(self) -> bool:
        """Plain text ending with a colon introduces the bullets below it."""
        return not self.bullet and self.text.rstrip().endswith(":")


def normalise_space(text: str) -> str:
    """One space between words; no-break spaces become plain ones only between words."""
    return _SPACES.sub(" ", text).strip()


def unescape(text: str) -> str:
    """Undo extraction escapes: HTML entities and markdown's ``\\$``."""
    return html.unescape(text).replace("\\$", "$").replace("\\*", "*")


def strip_tags(text: str) -> str:
    """Text without HTML tags, block tags becoming line breaks."""

    def replace(match: re.Match) -> str:
        return "\n" if match.group(1).lower() in _BLOCK_TAGS else ""

    return unescape(_TAG.sub(replace, text))


def plain_text(text: str) -> str:
    """A cell's text on one line, without tags (arrows kept): for schedules kept whole."""
    return normalise_space(strip_tags(text).replace("\n", " "))


def is_placeholder(text: str) -> bool:
    return normalise_space(text).casefold() in PLACEHOLDERS


def segments(text: str) -> list[Segment]:
    """The segments of a cell, in order: plain paragraphs and bullet items.

    Paragraph boundaries are line breaks and HTML block tags; each paragraph is split at
    its arrows. A lead-in glued to the end of the previous bullet by the extraction
    (« … des milieux Rencontres avec différents publics : » followed by a list) is cut
    off and returned as its own plain segment.
    """
    result: list[Segment] = []
    paragraphs = [normalise_space(p) for p in strip_tags(text).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    for index, paragraph in enumerate(paragraphs):
        parts = _BULLET_SPLIT.split(paragraph)
        head, bullets = parts[0].strip(), [b.strip() for b in parts[1:] if b.strip()]
        if head:
            result.append(Segment(head))
        for position, bullet in enumerate(bullets):
            glued = position == len(bullets) - 1 and index < len(paragraphs) - 1 and bullet.endswith(":")
            if glued:
                item, lead = split_glued_lead_in(bullet)
                if item:
                    result.append(Segment(item, bullet=True))
                result.append(Segment(lead))
            else:
                result.append(Segment(bullet, bullet=True))
    return result


_GLUE = re.compile(r"(?<=[a-zà-ÿ0-9.)»])\s+(?=[A-ZÀ-ÖØ-Ý][a-zà-ÿ])")


_FUNCTION_WORDS = {"le", "la", "les", "l'", "l’", "de", "du", "des", "d'", "d’", "avec", "et", "ou", "à", "au", "aux",
                   "pour", "en", "par", "sur", "chez", "dans", "entre", "un", "une"}


def _previous_word(text: str, end: int) -> str:
    words = text[:end].split()
    if not words:
        return ""
    return words[-1].casefold()


def split_glued_lead_in(text: str) -> tuple[str, str]:
    """``"… des milieux Rencontres avec différents publics :"`` → (item, lead-in).

    The lead-in starts at the last place where a capitalised word follows a lower-case
    one without punctuation (a paragraph joined to the previous one). With no such
    place, the whole text is the lead-in.
    """
    cuts = [m.end() for m in _GLUE.finditer(text) if _previous_word(text, m.start()) not in _FUNCTION_WORDS]
    if not cuts:
        return "", text
    cut = cuts[-1]
    return text[:cut].strip(), text[cut:].strip()


_EXAMPLE_NOTE = re.compile(r"^(?P<label>.*?)\s*(?P<note>\((?:ex|p\.\s*ex|e\.g)\b[^()]*(?:\([^()]*\)[^()]*)*\))\s*$",
                           re.IGNORECASE)


def split_example_note(text: str) -> tuple[str, str | None]:
    """``"Pertinence pour les partenaires (Ex. : Forum …)"`` → (label, "(Ex. : Forum …)")."""
    match = _EXAMPLE_NOTE.match(text)
    if match and match.group("label"):
        return match.group("label").strip(), match.group("note").strip()
    return text, None


_ARTICLE = re.compile(r"^(?:(?:les|le|la|du|des|de la)\s+|l['’]\s*|de l['’]\s*)", re.IGNORECASE)
_WITH = re.compile(r"^(?:en (?:collaboration|partenariat) )?avec\s+(?P<who>[^:]+?)\s*(?P<colon>:)\s*(?P<rest>.*)$",
                   re.IGNORECASE)


def strip_article(name: str) -> str:
    return _ARTICLE.sub("", name.strip(), count=1).strip()


def lead_in_partner(lead_in: str) -> str | None:
    """The organisation a lead-in names (« Avec la TCGFM : » → ``"TCGFM"``), if it names one.

    Only proper names count: « avec les acteurs locaux : » names nobody in particular.
    """
    match = _WITH.match(lead_in.strip())
    if not match:
        return None
    who = strip_article(match.group("who"))
    if who and (who[0].isupper() or who[0].isdigit()):
        return who
    return None


def split_inline_lead_in(item: str) -> tuple[str | None, str]:
    """``"Avec le Pôle VHSL : Développement …"`` → ("Avec le Pôle VHSL :", "Développement …")."""
    match = _WITH.match(item)
    if match and match.group("rest") and lead_in_partner(item):
        return item[: match.end("colon")].strip(), match.group("rest").strip()
    return None, item
