"""The site under load: partners submitting updates at once to one ``actionplan serve``, on loopback.

50 partners (each with an invitation of its own, in a thread of its own) submit 20 updates each
through the measurement form: every one of the 1 000 must be stored, none twice. The rows give
the median and 95th percentile of the form's POST, on SQLite and on PostgreSQL. ``--quick``:
10 partners × 5 updates. Needs the actionplan-web plugin (and actionplan-postgresql for the
PostgreSQL row); the server only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _table import Row

GROUP = "web"
ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
PLAN_ID = "concertation-horizon-2026"
ORGANISATION, INDICATOR = "cdp-securite-alimentaire", "sa-o2-a2-i2"
#: The 95th percentile of one submission, on an idle machine.
P95_TARGET_MS = 500.0


def _serve(url: str):
    from actionplan.testing.postgres import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "actionplan", "--store", url, "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/login", timeout=5):
                return process, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("actionplan serve did not start") from None
            time.sleep(0.2)


def _partner(base: str, link: str, index: int, count: int, times: list[float], errors: list[str]) -> None:
    import httpx

    with httpx.Client(follow_redirects=False, timeout=60) as http:
        joined = http.get(link)
        cookie = re.match(r"(actionplan_session=[^;]*)", joined.headers.get("set-cookie", ""))
        if cookie is None:
            errors.append(f"partner {index}: no session ({joined.status_code})")
            return
        headers = {"cookie": cookie.group(1)}
        form = http.get(f"{base}/plans/{PLAN_ID}/indicators/{INDICATOR}/update", headers=headers)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        if csrf is None:
            errors.append(f"partner {index}: no form ({form.status_code})")
            return
        for number in range(count):
            data = {"csrf": csrf.group(1), "value": "1", "date": dt.date.today().isoformat(),
                    "note": f"charge {index}-{number}"}
            start = time.perf_counter()
            response = http.post(f"{base}/plans/{PLAN_ID}/indicators/{INDICATOR}/update", data=data, headers=headers)
            times.append(time.perf_counter() - start)
            if response.status_code != 303:
                errors.append(f"partner {index}, update {number}: HTTP {response.status_code}")


def load_rows(backend: str, url: str, partners: int, count: int) -> list[Row]:
    import actionplan
    from actionplan_web import records
    from actionplan_web.commands import invitation_url
    from actionplan_web.security import Signer

    with actionplan.open_store(url) as store:
        store.save(actionplan.load(PLAN))
        signer = Signer(records.site_secret(store))
        links = []
        for _ in range(partners):
            invitation = records.new_invitation(ORGANISATION, PLAN_ID, 1, "benchmark")
            store.save(invitation)
            links.append(invitation.id)
    process, base = _serve(url)
    times: list[float] = []
    errors: list[str] = []
    try:
        threads = [threading.Thread(target=_partner, args=(base, invitation_url(base, signer, link), i, count, times,
                                                           errors)) for i, link in enumerate(links)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)
    with actionplan.open_store(url) as store:
        notes = [u.measurement.note for u in store.updates(PLAN_ID, status="submitted")]
    expected = partners * count
    stored = sum(1 for n in notes if n and n.startswith("charge "))
    distinct = len({n for n in notes if n and n.startswith("charge ")})
    cuts = statistics.quantiles([t * 1000 for t in times], n=20) if len(times) >= 2 else [0.0] * 19
    name = f"{backend}: {partners} partners × {count} updates"
    note = f"{stored} of {expected} stored, {distinct} distinct, {len(errors)} errors, {elapsed:.1f} s in all"
    return [
        Row(GROUP, f"{name}: stored once each", float(distinct), "updates", target=f"= {expected}",
            ok=stored == expected == distinct and not errors, note=note if not errors else f"{note}; {errors[0]}"),
        Row(GROUP, f"{name}: p50 per update", statistics.median(t * 1000 for t in times) if times else None, "ms"),
        Row(GROUP, f"{name}: p95 per update", cuts[18], "ms", target=f"≤ {P95_TARGET_MS:.0f}",
            ok=cuts[18] <= P95_TARGET_MS),
    ]


def rows(quick: bool) -> list[Row]:
    try:
        import actionplan_web  # noqa: F401
    except ImportError:
        return [Row(GROUP, "site under load", None, "", note="skipped: the actionplan-web plugin is not installed")]
    from storage import postgres

    partners, count = (10, 5) if quick else (50, 20)
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-web-") as tmp, postgres() as (server, why_not):
        result += load_rows("sqlite", f"sqlite:{Path(tmp) / 'site.db'}", partners, count)
        if server is not None:
            result += load_rows("postgresql", server.new_store_url(), partners, count)
        else:
            result.append(Row(GROUP, "postgresql: site under load", None, "", note=f"skipped: {why_not}"))
    return result


if __name__ == "__main__":
    from _table import main

    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(main(rows, GROUP))
