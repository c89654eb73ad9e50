"""Amounts in Canadian dollars, written as people write them: ``390 013 $`` or ``$390,013``.

Babel's ``fr_CA`` output separates thousands and the sign with no-break spaces
(``390\\xa0013,00\\xa0$``). Whole amounts may drop the cents (``390\\xa0013\\xa0$``), as the
budgets in the plans do.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from babel.numbers import format_currency

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
