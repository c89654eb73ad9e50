"""The benchmark runner: it finds every module with ``rows``, prints one table, and never hides a failure.

Timings are not tested here (speed targets live in ``benchmarks/``); this checks the harness on
tiny stand-in modules in a copy of the folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

GOOD = '''
from _table import Row, measure, ratio_row, timing_row

def rows(quick):
    fast, slow = measure(lambda: None, repeats=2), measure(lambda: sum(range(1000)), repeats=2)
    return [timing_row("good", "noop", fast, 1000), ratio_row("good", "noop / sum", fast, slow, 1.0),
            Row("good", "quick flag", 1.0 if quick else 0.0, "")]
'''
BROKEN = '''
def rows(quick):
    raise RuntimeError("the fixture data is missing")
'''
NOT_IMPORTABLE = "import a_module_that_does_not_exist\n"
HELPER = "VALUE = 1  # no rows(): not a benchmark\n"


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    for name in ("run.py", "_table.py"):
        shutil.copy(BENCHMARKS / name, tmp_path / name)
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.py").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "unimportable.py").write_text(NOT_IMPORTABLE, encoding="utf-8")
    (tmp_path / "helper.py").write_text(HELPER, encoding="utf-8")
    return tmp_path


def run(bench_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(bench_dir / "run.py"), *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_every_module_is_run_and_failures_are_rows(bench_dir):
    result = run(bench_dir, "--quick")
    lines = result.stdout.splitlines()
    assert "CPUs" in lines[0] and "quick run" in lines[0]
    assert any(line.startswith("good") and "noop / sum" in line and "≤ 1" in line for line in lines)
    assert any(line.startswith("broken") and "ERROR" in line and "the fixture data is missing" in line
               for line in lines)
    assert any(line.startswith("unimportable") and "ModuleNotFoundError" in line for line in lines)
    assert not any(line.startswith("helper") for line in lines)
    assert "modules failed: 2" in lines[-1]
    assert result.returncode == 1


def test_only_runs_one_module(bench_dir):
    result = run(bench_dir, "--only", "good")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout
    assert any("quick flag" in line and " 0.00" in line for line in result.stdout.splitlines())


def test_unknown_module_is_refused_with_the_known_ones(bench_dir):
    result = run(bench_dir, "--only", "nope")
    assert result.returncode == 2
    assert "good" in result.stderr and "nope" in result.stderr


def test_peers_are_shown_side_by_side():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from _table import Row, format_peers

    rows = [Row("documents", "load (with checks): actionplan", 40.0, "ms"), Row("documents", "load: pydantic v2", 45.0, "ms"),
            Row("documents", "load: msgspec", 14.0, "ms"), Row("documents", "dump: actionplan", 18.0, "ms"),
            Row("grants", "rank: actionplan", 5.0, "ms")]
    lines = format_peers(rows).splitlines()
    assert lines[0].split() == ["group", "operation", "(ms)", "actionplan", "(with", "checks)", "pydantic", "v2",
                                "msgspec"]
    assert lines[2].split() == ["documents", "load", "40.0", "45.0", "14.0"]
    assert len(lines) == 3  # dump was timed with actionplan alone: nothing to compare
    assert all("grants" not in line for line in lines)  # one library only: nothing to compare


def test_only_comparisons_with_other_libraries_are_pivoted():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from _table import Row, format_peers

    rows = [Row("reports", "html: seed plan", 23.0, "ms"), Row("reports", "html: 10x plan", 220.0, "ms"),
            Row("storage", "sqlite: record 1", 0.4, "ms")]
    assert format_peers(rows) == ""


def _table_module():
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    import _table

    return _table


def test_one_collector_policy_for_every_function_timed():
    import gc

    _table = _table_module()
    seen: dict[str, list[bool]] = {"a": [], "b": []}
    for policy, expected in (("on", True), ("paused", False)):
        for values in seen.values():
            values.clear()
        _table.measure_side_by_side({name: (lambda n=name: seen[n].append(gc.isenabled())) for name in seen},
                                    repeats=3, warmup=0, gc_policy=policy)
        assert seen == {"a": [expected] * 3, "b": [expected] * 3}, policy
        assert gc.isenabled()  # given back after each call
    with pytest.raises(ValueError, match="gc_policy"):
        _table.measure(lambda: None, gc_policy="sometimes")


def test_documents_benchmark_switches_off_actionplans_own_pause_under_gc_on():
    pytest.importorskip("msgspec")
    pytest.importorskip("pydantic")
    sys.path.insert(0, str(BENCHMARKS))
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmarks_documents_test", BENCHMARKS / "documents.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    from actionplan import documents

    original = documents.collector_paused
    with module.gc_policy_for_all("on"):
        with documents.collector_paused():
            assert __import__("gc").isenabled()  # actionplan loads with the collector running, as the peers do
    assert documents.collector_paused is original
    with module.gc_policy_for_all("paused"):
        assert documents.collector_paused is original


def test_the_benchmark_postgresql_server_is_durable():
    from actionplan.testing.postgres import PostgresServer, find_pg_bin

    psycopg = pytest.importorskip("psycopg")
    bindir = find_pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    with PostgresServer(bindir, durable=True) as server, psycopg.connect(server.dsn) as conn:
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("fsync", "synchronous_commit", "full_page_writes")}
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def test_the_grants_benchmark_runs_the_evaluator_with_the_collector_under_gc_on():
    import gc

    _table = _table_module()
    from actionplan.grants import evaluation

    original = evaluation.collector_paused
    with _table.gc_policy_for_all("on", evaluation):
        with evaluation.collector_paused():
            assert gc.isenabled()  # the evaluator judges with the collector running, as the loop does
    assert evaluation.collector_paused is original
    with _table.gc_policy_for_all("paused", evaluation):
        assert evaluation.collector_paused is original
    with pytest.raises(ValueError, match="gc_policy"):
        with _table.gc_policy_for_all("sometimes", evaluation):
            pass
    assert "gc_policy_for_all(policy, evaluation)" in (BENCHMARKS / "grants.py").read_text(encoding="utf-8")
