"""Import speed: the seed plan from text and from Word, growth with size, measurements, the schema.

Targets: importing the seed plan (text or Word) takes well under a second; a plan ten times
larger takes at most eleven times as long (the layout reader is linear); a sheet of
measurements is read at thousands of rows a second. Times are end to end, as
``actionplan import`` does it (reading, layout, validation with the core).

    python benchmarks/importing.py [--quick]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, main, measure, ratio_row, timing_row

ROOT = HERE.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_a7b77ef02470fb08.txt"
PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
SEED_BUDGET_MS = 1000.0
MAX_GROWTH = 11.0


def _import_bytes(raw: bytes, reader, name: str):
    from actionplan.documents import from_data
    from actionplan.importers import ImportContext

    result = reader(raw, ImportContext(source=name, options={"organisation": "Concertation Horizon"}))
    return from_data(result.data)


def scaled_text(text: str, factor: int) -> str:
    """``factor`` copies of every section (titles made distinct): a plan ``factor`` times larger."""
    head, marker, body = text.partition("ENJEUX FÉDÉRATEURS")
    copies = [body if copy == 0 else _renamed(body, copy) for copy in range(factor)]
    return head + marker + "".join(copies)


def _renamed(body: str, copy: int) -> str:
    lines = []
    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and "\t" not in line and stripped.isupper():
            line = line.rstrip("\n") + f" {copy}\n"
        lines.append(line)
    return "".join(lines)


def _docx(text: str) -> bytes:
    import docx

    from actionplan.importers.cells import segments

    document = docx.Document()
    rows: list[list[str]] = []

    def flush():
        if not rows:
            return
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, cells in enumerate(rows):
            for c, raw in enumerate(cells):
                cell = table.cell(r, c)
                for index, segment in enumerate(segments(raw)):
                    paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                    paragraph.add_run(segment.text)
                    if segment.bullet:
                        paragraph.style = document.styles["List Bullet"]
        rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
        elif line.strip():
            flush()
            document.add_paragraph(line.strip())
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sheet(indicator_ids: list[str], count: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Indicateur", "Date", "Valeur", "Note"])
    for n in range(count):
        sheet.append([indicator_ids[n % len(indicator_ids)], dt.date(2026, 1, 1) + dt.timedelta(days=n % 300), 1, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(quick: bool) -> list[Row]:
    from actionplan.importers.text import read_text

    result: list[Row] = []
    repeats = 3 if quick else 7
    text = SEED.read_text(encoding="utf-8")
    raw = text.encode("utf-8")
    seed = measure(lambda: _import_bytes(raw, read_text, "seed.txt"), repeats=repeats)
    result.append(timing_row("import", "seed 000, text → checked plan", seed, len(raw)))
    result.append(Row("import", "seed 000 text within budget", seed.best_ms, "ms", target=f"≤ {SEED_BUDGET_MS:g}",
                      ok=seed.best_ms <= SEED_BUDGET_MS))
    big = scaled_text(text, 10).encode("utf-8")
    large = measure(lambda: _import_bytes(big, read_text, "big.txt"), repeats=max(3, repeats // 2))
    result.append(timing_row("import", "10× seed 000, text", large, len(big)))
    result.append(ratio_row("import", "growth for a 10× plan (time ratio)", large, seed, MAX_GROWTH))
    try:
        from actionplan_word.docx_importer import read_docx
        from actionplan_word.measurements import read_xlsx_measurements
    except ImportError as exc:  # the Word plugin is optional
        result.append(Row("import", "docx / xlsx", None, "", note=f"skipped: {exc}"))
    else:
        word = _docx(text)
        docx_timing = measure(lambda: _import_bytes(word, read_docx, "seed.docx"), repeats=repeats)
        result.append(timing_row("import", "seed 000, Word table → checked plan", docx_timing, len(word)))
        result.append(Row("import", "seed 000 docx within budget", docx_timing.best_ms, "ms",
                          target=f"≤ {SEED_BUDGET_MS:g}", ok=docx_timing.best_ms <= SEED_BUDGET_MS))
        import actionplan
        from actionplan.importers import ImportContext

        plan = actionplan.load(PLAN)
        ids = [i.id for *_, i in plan.iter_indicators() if i.kind in ("count", "tracked", "minimum")]
        count = 1000 if quick else 5000
        sheet = _sheet(ids, count)
        ctx = ImportContext(source="suivi.xlsx", plan=plan)
        xlsx_timing = measure(lambda: read_xlsx_measurements(sheet, ctx), repeats=3)
        per_second = count / xlsx_timing.best
        result.append(timing_row("import", f"{count} measurement rows (xlsx)", xlsx_timing, len(sheet)))
        result.append(Row("import", "measurement rows per second", per_second, "rows/s", target="≥ 2000",
                          ok=per_second >= 2000))
    from actionplan.schema import generate_schema

    result.append(timing_row("schema", "generate the JSON Schema from the model", measure(generate_schema,
                                                                                          repeats=repeats)))
    return result


if __name__ == "__main__":
    sys.exit(main(rows, "importing"))
