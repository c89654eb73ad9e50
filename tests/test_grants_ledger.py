"""The fiscal-year ledger: seed 003's envelopes, carry-over, lapse, refusals, and the invariant."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actionplan.errors import GrantError
from actionplan.grants.ledger import Ledger
from actionplan.model.grants import fiscal_year_of, fiscal_year_period, fiscal_years_between
from actionplan.grants.money import format_amount

D = Decimal
SEED_BUDGET = {"2019-2020": D(0), "2020-2021": D(195007), "2021-2022": D(97503), "2022-2023": D(97503)}
START, END = dt.date(2019, 4, 1), dt.date(2023, 3, 31)


def seed_ledger() -> Ledger:
    return Ledger(SEED_BUDGET, START, END)


def test_fiscal_years_run_from_april_to_march():
    assert fiscal_year_of(dt.date(2020, 3, 31)) == "2019-2020"
    assert fiscal_year_of(dt.date(2020, 4, 1)) == "2020-2021"
    assert fiscal_year_period("2022-2023").start == dt.date(2022, 4, 1)
    assert fiscal_year_period("2022-2023").end == dt.date(2023, 3, 31)
    assert fiscal_years_between(START, END) == tuple(SEED_BUDGET)
    with pytest.raises(ValueError, match="consecutive"):
        fiscal_year_period("2020-2022")


def test_seed_total_is_390_013_dollars():
    ledger = seed_ledger()
    assert ledger.total == D(390013)
    assert format_amount(ledger.total, "fr") == "390\xa0013\xa0$"
    assert format_amount(ledger.total, "fr", cents=True) == "390\xa0013,00\xa0$"
    assert format_amount(D(195007), "en") == "$195,007"


def test_nothing_committed_everything_carries_then_lapses():
    ledger = seed_ledger()
    during = ledger.rows(dt.date(2021, 6, 1))
    assert [r.carried_in for r in during] == [D(0), D(0), D(195007), D(292510)]
    assert [r.status for r in during] == ["closed", "closed", "current", "future"]
    assert all(r.lapsed == 0 for r in during)
    assert ledger.totals(dt.date(2021, 6, 1)).available == D(390013)
    after = ledger.rows(dt.date(2023, 4, 1))
    assert after[-1].lapsed == D(390013) and after[-1].carried_out == 0
    totals = ledger.totals(dt.date(2023, 4, 1))
    assert (totals.committed, totals.available, totals.lapsed) == (0, 0, D(390013))


def test_commitments_carry_over_the_rest():
    ledger = seed_ledger()
    ledger.commit("a", {"2020-2021": D(150000), "2021-2022": D(75000)}, dt.date(2020, 3, 26))
    rows = {r.fiscal_year: r for r in ledger.rows(dt.date(2024, 1, 1))}
    assert rows["2020-2021"].committed == D(150000)
    assert rows["2020-2021"].carried_out == D(45007)
    assert rows["2021-2022"].carried_in == D(45007)
    assert rows["2021-2022"].carried_out == D(67510)
    assert rows["2022-2023"].lapsed == D(165013)
    totals = ledger.totals(dt.date(2024, 1, 1))
    assert totals.committed + totals.available + totals.lapsed == totals.total == D(390013)


def test_a_year_can_use_money_carried_from_earlier_years():
    ledger = seed_ledger()
    # 2021-2022 alone has 97 503 $, but 2020-2021 left 195 007 $ uncommitted
    ledger.commit("a", {"2021-2022": D(250000)}, dt.date(2021, 4, 10))
    assert ledger.available("2021-2022") == D(42510)
    assert ledger.available("2022-2023") == D(42510) + D(97503)


def test_money_of_a_later_year_cannot_be_used_earlier():
    ledger = seed_ledger()
    with pytest.raises(GrantError, match="only .*195,007.* available"):
        ledger.commit("a", {"2020-2021": D(200000)}, dt.date(2020, 3, 26))
    assert ledger.commitments == [] and ledger.available("2020-2021") == D(195007)


def test_over_commitment_is_refused_with_a_french_message_too():
    ledger = seed_ledger()
    ledger.commit("a", {"2020-2021": D(195007)}, dt.date(2020, 3, 26))
    with pytest.raises(GrantError) as info:
        ledger.commit("b", {"2020-2021": D(1)}, dt.date(2020, 3, 26))
    assert "engagement refusé" in info.value.message("fr")
    assert "0\xa0$ disponibles" in info.value.message("fr")


def test_commitment_after_the_end_or_to_a_closed_year_is_refused():
    ledger = seed_ledger()
    with pytest.raises(GrantError, match="after the program's end"):
        ledger.commit("a", {"2022-2023": D(10)}, dt.date(2023, 4, 1))
    with pytest.raises(GrantError, match="2020-2021 has ended"):
        ledger.commit("a", {"2020-2021": D(10)}, dt.date(2021, 4, 1))
    with pytest.raises(GrantError, match="not a fiscal year of the program"):
        ledger.commit("a", {"2023-2024": D(10)}, dt.date(2022, 4, 1))
    with pytest.raises(GrantError, match="before the program starts"):
        ledger.commit("a", {"2020-2021": D(10)}, dt.date(2019, 3, 31))
    assert ledger.commitments == []


@pytest.mark.parametrize("amount", [10.5, 10, "10", D("-1"), D(0), D("0.001")])
def test_amounts_are_positive_decimals_in_cents(amount):
    ledger = seed_ledger()
    with pytest.raises(GrantError):
        ledger.commit("a", {"2020-2021": amount}, dt.date(2020, 5, 1))
    assert ledger.commitments == []


def test_payments_follow_commitments_and_never_exceed_them():
    ledger = seed_ledger()
    with pytest.raises(GrantError, match="nothing committed"):
        ledger.pay("a", D(10), dt.date(2020, 5, 1))
    ledger.commit("a", {"2020-2021": D(1000)}, dt.date(2020, 5, 1))
    with pytest.raises(GrantError, match="before the commitment"):
        ledger.pay("a", D(10), dt.date(2020, 4, 30))
    ledger.pay("a", D("600.50"), dt.date(2020, 6, 1))
    with pytest.raises(GrantError, match="remain"):
        ledger.pay("a", D(400), dt.date(2020, 7, 1))
    with pytest.raises(GrantError, match="outside the program's period"):
        ledger.pay("a", D(1), dt.date(2023, 4, 1))
    ledger.pay("a", D("399.50"), dt.date(2021, 6, 1))
    rows = {r.fiscal_year: r for r in ledger.rows(dt.date(2022, 1, 1))}
    assert rows["2020-2021"].paid == D("600.50") and rows["2021-2022"].paid == D("399.50")


def test_a_budget_must_be_consecutive_fiscal_years():
    with pytest.raises(GrantError, match="follow each other"):
        Ledger({"2019-2020": D(1), "2021-2022": D(1)}, START, END)
    with pytest.raises(GrantError, match="no budget"):
        Ledger({}, START, END)


def test_rows_only_count_what_was_recorded_by_the_date():
    ledger = seed_ledger()
    ledger.commit("a", {"2021-2022": D(5000)}, dt.date(2021, 5, 1))
    assert ledger.rows(dt.date(2021, 4, 30))[2].committed == 0
    assert ledger.rows(dt.date(2021, 5, 1))[2].committed == D(5000)


# -- the invariant, under random operations -------------------------------------------------

YEARS = tuple(SEED_BUDGET)
days = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2023, 12, 31))
amounts = st.decimals(min_value=D("0.01"), max_value=D(250000), places=2, allow_nan=False, allow_infinity=False)
commit_op = st.tuples(st.just("commit"), st.sampled_from("abcde"),
                      st.dictionaries(st.sampled_from(YEARS), amounts, min_size=1, max_size=3), days)
pay_op = st.tuples(st.just("pay"), st.sampled_from("abcde"), amounts, days)


def _snapshot(ledger: Ledger):
    return (list(ledger.commitments), list(ledger.payments))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(commit_op, pay_op), max_size=40), days)
def test_committed_plus_available_plus_lapsed_is_always_the_total(operations, as_of):
    ledger = seed_ledger()
    for kind, application, value, day in operations:
        before = _snapshot(ledger)
        try:
            if kind == "commit":
                ledger.commit(application, value, day)
            else:
                ledger.pay(application, value, day)
        except GrantError:
            assert _snapshot(ledger) == before  # a refusal changes nothing
    for day in (as_of, END, END + dt.timedelta(days=1)):
        totals = ledger.totals(day)
        assert totals.committed + totals.available + totals.lapsed == totals.total == D(390013)
        assert totals.available >= 0 and totals.lapsed >= 0
        rows = ledger.rows(day)
        for row, following in itertools.pairwise(rows):
            assert row.carried_out == following.carried_in
        for row in rows:
            assert row.balance >= 0  # no fiscal year ever spends money it does not have
            assert row.carried_out >= 0
        assert totals.paid <= totals.committed
        for application in "abcde":
            committed = sum((c.amount for c in ledger.commitments if c.application == application and c.date <= day), D(0))
            paid = sum((p.amount for p in ledger.payments if p.application == application and p.date <= day), D(0))
            assert paid <= committed
    for application in "abcde":
        assert ledger.paid_to(application) <= ledger.committed_to(application)
    assert all(isinstance(c.amount, Decimal) for c in ledger.commitments)
