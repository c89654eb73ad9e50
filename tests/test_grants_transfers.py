"""Residual money moved to another envelope: explicit entries in the ledger, refusals with their path."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from cli_runs import run

from actionplan.errors import GrantRefusal
from actionplan.grants.ledger import Ledger

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BUDGET = {"2019-2020": D(0), "2020-2021": D(195007), "2021-2022": D(97503), "2022-2023": D(97503)}
REGION = "Fonds régional de la Table des préfets de la Montérégie"


def ledger() -> Ledger:
    book = Ledger(BUDGET, dt.date(2019, 4, 1), dt.date(2023, 3, 31))
    book.commit("a", {"2020-2021": D(195007), "2022-2023": D(37490)}, dt.date(2020, 3, 26))
    return book


def test_a_transfer_leaves_one_envelope_and_keeps_the_invariant():
    book = ledger()
    book.transfer("2022-2023", REGION, D(150000), dt.date(2023, 3, 15), "TPM-2023-018")
    rows = {r.fiscal_year: r for r in book.rows(dt.date(2023, 4, 1))}
    assert rows["2022-2023"].transferred == D(150000) and rows["2022-2023"].lapsed == D(7516)
    totals = book.totals(dt.date(2023, 4, 1))
    assert totals.transferred == D(150000)
    assert totals.committed + totals.transferred + totals.available + totals.lapsed == totals.total
    assert book.available("2022-2023") == D(7516)
    before = book.rows(dt.date(2023, 3, 14))
    assert sum(r.transferred for r in before) == 0  # the entry is dated


def test_a_transfer_from_an_empty_envelope_or_beyond_it_is_refused_and_changes_nothing():
    book = ledger()
    with pytest.raises(GrantRefusal) as info:
        book.transfer("2020-2021", REGION, D(1), dt.date(2021, 3, 1))
    assert info.value.message("fr") == f"l'enveloppe 2020-2021 est vide le 2021-03-01 : rien ne peut être viré vers {REGION}"
    with pytest.raises(GrantRefusal) as info:
        book.transfer("2022-2023", REGION, D(200000), dt.date(2023, 3, 15))
    assert "dépasse ce qui y reste (157\u00a0516\u00a0$)" in info.value.message("fr")
    with pytest.raises(GrantRefusal, match="ended before"):
        book.transfer("2021-2022", REGION, D(10), dt.date(2022, 5, 1))
    assert book.transfers == [] and book.available("2022-2023") == D(157516)
    # and the money transferred is no longer there to commit
    book.transfer("2022-2023", REGION, D(157516), dt.date(2022, 4, 2))
    with pytest.raises(GrantRefusal):
        book.commit("b", {"2022-2023": D(1)}, dt.date(2022, 4, 3))



@pytest.fixture
def files(tmp_path):
    for name in ("alliance-maskoutains-2019-2023.yaml", "alliance-maskoutains-demandes.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return str(tmp_path / "alliance-maskoutains-2019-2023.yaml"), tmp_path / "alliance-maskoutains-demandes.yaml"


def test_the_ledger_shows_the_transfer_out_of_one_envelope_and_into_the_other(capsys, files):
    plan, apps = files
    apps.write_text(apps.read_text(encoding="utf-8") + f"""
transfers:
  - {{date: 2023-03-15, fiscal_year: 2022-2023, to: "{REGION}", amount: 30013, resolution: "TPM-2023-018"}}
""", encoding="utf-8")
    code, out, err = run(capsys, "grants", "ledger", plan, str(apps), "--as-of", "2023-04-01")
    assert code == 0, err
    assert "Viré" in out.splitlines()[1]
    assert "  2023-03-15 — sortie de l'enveloppe 2022-2023 : −30\u00a0013\u00a0$ (résolution TPM-2023-018)" in out
    assert f"  2023-03-15 — entrée dans {REGION} : +30\u00a0013\u00a0$ (résolution TPM-2023-018)" in out
    assert "Engagé 360\u00a0000\u00a0$ + viré 30\u00a0013\u00a0$ + disponible 0\u00a0$ + périmé 0\u00a0$" in out
    code, out, _ = run(capsys, "grants", "ledger", plan, str(apps), "--as-of", "2023-04-01", "--format", "json")
    data = json.loads(out)
    assert data["transfers"] == [{"date": "2023-03-15", "from": "2022-2023", "to": REGION, "amount": "30013",
                                  "resolution": "TPM-2023-018"}]
    assert data["totals"]["transferred"] == "30013" and data["totals"]["lapsed"] == "0"


def test_a_transfer_beyond_the_envelope_is_an_error_with_its_path(capsys, files):
    plan, apps = files
    apps.write_text(apps.read_text(encoding="utf-8") + f"""
transfers:
  - {{date: 2023-03-15, fiscal_year: 2022-2023, to: "{REGION}", amount: 50000}}
""", encoding="utf-8")
    code, out, err = run(capsys, "grants", "ledger", plan, str(apps), "--as-of", "2023-04-01")
    assert code == 2
    assert "transfers[0]" in err and "dépasse ce qui y reste (30\u00a0013\u00a0$)" in err
    assert "Traceback" not in err
