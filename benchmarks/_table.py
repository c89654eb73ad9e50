"""The contract every benchmark module follows, and the helpers they share.

A benchmark module in ``benchmarks/`` exposes ``rows(quick: bool) -> list[Row]``.
``benchmarks/run.py`` discovers every such module, runs it and prints one table;
``python benchmarks/<module>.py`` runs one module alone through :func:`main`.

Timing follows one rule everywhere: :func:`measure` calls a function repeatedly with
``time.perf_counter`` and keeps the *best* and the *median* of the repeats; figures and
ratios use the best (the run least disturbed by the machine), the median is shown so a
noisy run is visible.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the benchmark table.

    ``value`` is in ``unit`` (``ms``, ``MB/s``, ``ops/s``…). ``ratio`` compares it with a
    peer (ours / theirs: below 1.0 means faster for times). ``target`` is the text of the
    goal (``"≤ 1.0"``) and ``ok`` whether it is met; both stay ``None`` for a plain figure.
    ``note`` carries what does not fit a column (throughput, sizes, the median).
    """

    group: str
    name: str
    value: float | None
    unit: str
    ratio: float | None = None
    target: str | None = None
    ok: bool | None = None
    note: str | None = None


@dataclasses.dataclass(frozen=True)
class Timing:
    """Seconds per call: the best and the median of ``repeats`` repeats."""

    best: float
    median: float
    repeats: int

    @property
    def best_ms(self) -> float:
        return self.best * 1000.0

    @property
    def median_ms(self) -> float:
        return self.median * 1000.0

    def mb_per_s(self, size_bytes: int) -> float:
        return size_bytes / self.best / 1e6


#: The garbage-collector policies a benchmark may time under, the same for every library compared:
#: ``on`` (the collector runs, as in any program) and ``paused`` (disabled during each timed call).
GC_POLICIES = ("on", "paused")


@contextlib.contextmanager
def gc_policy_for_all(policy: str, *modules: Any) -> Iterator[None]:
    """The same collector policy for actionplan as for its peers: under ``on``, actionplan's own
    pause of the collector (``collector_paused``, as each of ``modules`` imported it) is switched
    off, so it runs with the collector as the peers do; under ``paused`` the harness pauses it
    around every function's call (:func:`measure_side_by_side`) and nothing is changed."""
    if policy not in GC_POLICIES:
        raise ValueError(f"gc_policy must be one of {GC_POLICIES}, not {policy!r}")
    saved = [module.collector_paused for module in modules]
    if policy == "on":
        for module in modules:
            module.collector_paused = contextlib.nullcontext
    try:
        yield
    finally:
        for module, original in zip(modules, saved):
            module.collector_paused = original


def measure(fn: Callable[[], Any], *, repeats: int = 7, min_seconds: float = 0.0, warmup: int = 1,
            gc_policy: str = "on") -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then at least ``repeats`` timed ones.

    Keeps repeating past ``repeats`` until ``min_seconds`` of timed calls have passed, so
    fast functions get enough samples. A full garbage collection runs before each call
    (untimed), so one call does not pay for the previous one's garbage.
    """
    return measure_side_by_side({"fn": fn}, repeats=repeats, min_seconds=min_seconds, warmup=warmup,
                                gc_policy=gc_policy)["fn"]


def measure_side_by_side(functions: dict[str, Callable[[], Any]], *, repeats: int = 7, min_seconds: float = 0.0,
                         warmup: int = 1, gc_policy: str = "on") -> dict[str, Timing]:
    """Time several functions in turns (a, b, c, a, b, c…) so that a busy moment of the
    machine slows all of them alike: their ratios stay meaningful on a shared machine.

    There are at least ``repeats`` rounds, and more until the slowest function has had
    ``min_seconds`` of timed calls (the others get as many calls). ``gc_policy`` (one of
    :data:`GC_POLICIES`) applies to every function alike: with ``"paused"`` the collector is
    disabled during each timed call and enabled again after it.
    """
    if gc_policy not in GC_POLICIES:
        raise ValueError(f"gc_policy must be one of {GC_POLICIES}, not {gc_policy!r}")
    paused = gc_policy == "paused"
    for fn in functions.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    totals = dict.fromkeys(functions, 0.0)
    rounds = 0
    while rounds < repeats or max(totals.values()) < min_seconds:
        for name, fn in functions.items():
            gc.collect()
            if paused:
                gc.disable()
            try:
                start = time.perf_counter()
                fn()
                elapsed = time.perf_counter() - start
            finally:
                if paused:
                    gc.enable()
            samples[name].append(elapsed)
            totals[name] += elapsed
        rounds += 1
        if rounds >= 1000:
            break
    return {
        name: Timing(best=min(times), median=statistics.median(times), repeats=len(times))
        for name, times in samples.items()
    }


def timing_row(group: str, name: str, timing: Timing, size_bytes: int | None = None) -> Row:
    """A row for one timed operation: best ms, with MB/s and the median in the note."""
    parts = []
    if size_bytes:
        parts.append(f"{timing.mb_per_s(size_bytes):.1f} MB/s")
    parts.append(f"median {timing.median_ms:.1f} ms of {timing.repeats}")
    return Row(group, name, timing.best_ms, "ms", note=", ".join(parts))


def ratio_row(group: str, name: str, ours: Timing, theirs: Timing, limit: float | None = None) -> Row:
    """ours / theirs (best times); with ``limit``, the target ``≤ limit`` and whether it is met."""
    ratio = ours.best / theirs.best
    if limit is None:
        return Row(group, name, ratio, "×", ratio=ratio)
    return Row(group, name, ratio, "×", ratio=ratio, target=f"≤ {limit}", ok=ratio <= limit)


def error_row(group: str, exc: BaseException) -> Row:
    """A row saying a module failed: shown in the table, never hidden."""
    message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    if len(message) > 200:
        message = message[:197] + "..."
    return Row(group, "FAILED", None, "", ok=False, note=message)


# -- printing ------------------------------------------------------------------------------

HEADERS = ("group", "benchmark", "value", "unit", "ratio", "target", "", "note")


def _format_value(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cells(row: Row) -> tuple[str, ...]:
    verdict = "" if row.ok is None else ("ok" if row.ok else "MISS")
    if row.name == "FAILED":
        verdict = "ERROR"
    return (
        row.group,
        row.name,
        _format_value(row.value),
        row.unit,
        "" if row.ratio is None else f"{row.ratio:.2f}",
        row.target or "",
        verdict,
        row.note or "",
    )


def format_table(rows: Sequence[Row]) -> str:
    """One aligned text table; numbers right-aligned, text left-aligned."""
    table = [HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    right = {2, 4}
    lines = []
    for index, line in enumerate(table):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(line)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_peers(rows: Sequence[Row]) -> str:
    """Times measured against peers, side by side: one line per operation, one column per library.

    Rows named ``"<operation>: <library>"`` in ``ms`` are pivoted; only operations timed with
    actionplan *and* another library are shown. Returns ``""`` when no row compares libraries.
    """
    columns: list[str] = []
    table: dict[tuple[str, str], dict[str, float]] = {}
    for row in rows:
        if row.unit != "ms" or ": " not in row.name or row.value is None:
            continue
        operation, library = row.name.rsplit(": ", 1)
        if operation.endswith(")") and " (" in operation:  # "load (with checks): actionplan"
            operation, variant = operation[:-1].split(" (", 1)
            library = f"{library} ({variant})"
        table.setdefault((row.group, operation), {})[library] = row.value
        if library not in columns:
            columns.append(library)

    def compares(times: dict[str, float]) -> bool:  # actionplan against at least one other library
        return any(n.startswith("actionplan") for n in times) and any(not n.startswith("actionplan") for n in times)

    lines_data = [(group, operation, times) for (group, operation), times in table.items() if compares(times)]
    if not lines_data:
        return ""
    used = {name for _, _, times in lines_data for name in times}
    columns = [name for name in columns if name in used]
    seen = {name: index for index, name in enumerate(columns)}  # actionplan's columns first, then the peers
    columns.sort(key=lambda name: (not name.startswith("actionplan"), name != "actionplan", seen[name]))
    headers = ("group", "operation (ms)", *columns)
    body = [(group, operation, *(f"{times[c]:.1f}" if c in times else "—" for c in columns))
            for group, operation, times in lines_data]
    widths = [max(len(str(line[i])) for line in (headers, *body)) for i in range(len(headers))]
    lines = []
    for index, line in enumerate((headers, *body)):
        lines.append("  ".join(str(cell).rjust(widths[i]) if i >= 2 else str(cell).ljust(widths[i])
                               for i, cell in enumerate(line)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def machine_line() -> str:
    """What the figures were measured on: they mean little without it."""
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )


def summary(rows: Iterable[Row]) -> tuple[str, int]:
    """A closing line, and how many modules failed."""
    rows = list(rows)
    failed = sum(1 for row in rows if row.name == "FAILED")
    met = sum(1 for row in rows if row.ok is True)
    missed = sum(1 for row in rows if row.ok is False and row.name != "FAILED")
    return f"targets: {met} met, {missed} missed; modules failed: {failed}", failed


def main(module_rows: Callable[[bool], list[Row]], group: str, argv: Sequence[str] | None = None) -> int:
    """Run one module alone (``python benchmarks/<module>.py [--quick]``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in args
    print(machine_line())
    try:
        rows = list(module_rows(quick))
    except Exception as exc:  # noqa: BLE001 - a failing benchmark is reported as a row
        rows = [error_row(group, exc)]
    print(format_table(rows))
    line, failed = summary(rows)
    print(line)
    return 1 if failed else 0
