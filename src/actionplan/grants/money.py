"""Amounts in Canadian dollars, written as people write them: ``390 013 $`` or ``$390,013``.

Babel's ``fr_CA`` output separates thousands and the sign with no-break spaces
(``390\\xa0013,00\\xa0$``). Whole amounts may drop the cents (``390\\xa0013\\xa0$``), as the
budgets in the plans do.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from babel.numbers import format_currency

from ..i18n import Message, current_language

LOCALES = {"fr": "fr_CA", "en": "en_CA"}
#: Patterns without cents, used only for whole amounts (Babel would round otherwise).
WHOLE_PATTERNS = {"fr": "#,##0\u00a0¤", "en": "¤#,##0"}


def format_amount(amount: Decimal, lang: str = "fr", *, cents: bool | None = None, currency: str = "CAD") -> str:
    """``Decimal("390013")`` → ``"390 013 $"`` (no-break spaces); with cents when it has some."""
    if cents is None:
        cents = amount != amount.to_integral_value()
    lang = lang if lang in LOCALES else "fr"
    if cents:
        return format_currency(amount, currency, locale=LOCALES[lang])
    if amount != amount.to_integral_value():
        raise ValueError(f"{amount} has cents; it cannot be written without them")
    return format_currency(amount, currency, format=WHOLE_PATTERNS[lang], locale=LOCALES[lang], currency_digits=False)


def needs_cents(amounts: Iterable[Decimal]) -> bool:
    """Whether any amount of a table has cents: then every amount is written with them."""
    return any(a != a.to_integral_value() for a in amounts)


class Amount(Message):
    """An amount written in the reader's language, as a message parameter.

    ``Message("grants.waiting.payment", amount=Amount(remaining))`` reads « 40 000 $ » in
    French and « $40,000 » in English; with cents only when the amount has some.
    """

    __slots__ = ()

    def __init__(self, amount: Decimal, /):
        super().__init__("", amount=amount)

    def render(self, lang: str | None = None) -> str:
        return format_amount(self.values["amount"], current_language(lang))

    def __repr__(self) -> str:
        return f"Amount({self.values['amount']!r})"
