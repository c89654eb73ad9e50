"""Writer processes for the store conformance suite's concurrency tests.

Run as ``python -m actionplan.testing.workers COMMAND URL …``. Each worker opens the store,
prints ``ready``, waits until the file GO exists (so that all workers start together),
does its work and prints one result line:

* ``append URL PLAN INDICATOR COUNT TAG GO``: COUNT single-measurement appends (one
  transaction each), noted ``TAG-0`` … → ``appended COUNT``;
* ``save URL PLAN VERSION TITLE GO``: save the plan with a new title from VERSION →
  ``saved NEW_VERSION`` or ``conflict EXPECTED CURRENT``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path


def _wait_for(go: str) -> None:
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the go file never appeared")
        time.sleep(0.001)


def append(url: str, plan_id: str, indicator: str, count: str, tag: str, go: str) -> str:
    from actionplan import open_store
    from actionplan.model import Measurement

    with open_store(url) as store:
        store.info(plan_id)  # connect before the start signal
        _wait_for(go)
        for index in range(int(count)):
            store.append_measurement(plan_id, Measurement(date=dt.date(2026, 1, 1) + dt.timedelta(days=index % 365),
                                                          value=Decimal(1), indicator=indicator,
                                                          note=f"{tag}-{index}"), author=tag)
    return f"appended {count}"


def save(url: str, plan_id: str, version: str, title: str, go: str) -> str:
    import attrs

    from actionplan import open_store
    from actionplan.errors import ConflictError

    with open_store(url) as store:
        plan = store.get(plan_id).document
        _wait_for(go)
        try:
            saved = store.save(attrs.evolve(plan, title=title), expected_version=int(version), author=title)
        except ConflictError as exc:
            return f"conflict {exc.expected_version} {exc.current_version}"
    return f"saved {saved}"


COMMANDS: dict[str, Callable[..., str]] = {"append": append, "save": save}


def main(argv: list[str]) -> None:
    command, *args = argv
    print(COMMANDS[command](*args), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
