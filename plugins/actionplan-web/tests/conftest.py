"""Fixtures of the site's tests: a seeded store, the site in process, real servers on free loopback ports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

import actionplan
from actionplan.api import ActionplanError, CliState
from actionplan.testing.postgres import free_port, postgres_server  # noqa: F401  (a session fixture)
from actionplan_web.commands import register

ROOT = Path(__file__).resolve().parents[3]
PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
TRACKING = ROOT / "examples" / "concertation-horizon-2026-suivi.yaml"
PLAN_ID = "concertation-horizon-2026"
PASSWORD = "une-phrase-de-passe-solide"

#: Two partners of the example plan and a count indicator each reports on.
PARTNER_A, INDICATOR_A = "cdp-securite-alimentaire", "sa-o2-a2-i2"
PARTNER_B, INDICATOR_B = "cdp-reussite-educative-sociale", "res-o1-a4-i1"

CLI = [sys.executable, "-m", "actionplan"]


@attrs.frozen
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, store: str, stdin: str | None = None, lang: str = "fr") -> Ran:
    """The site's commands run in this process, as ``actionplan --store STORE --lang LANG ARGS`` would."""
    group = click.Group()
    register(group)
    result = CliRunner().invoke(group, list(args), obj=CliState(lang=lang, store_url=store), input=stdin)
    if isinstance(result.exception, ActionplanError):
        return Ran(2, result.stdout, result.stderr + f"actionplan: {result.exception.message(lang)}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_actionplan(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command line, in a process of its own."""
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ACTIONPLAN_LANG": "fr"})


def seed(url: str) -> None:
    """The example plan and its tracking log (its measurements, review decisions and manual status, as
    ``actionplan save`` records them) in the store at ``url``, and a coordinator's account."""
    saved = run_actionplan("--store", url, "save", str(PLAN), str(TRACKING), "--by", "tests")
    assert saved.returncode == 0, saved.stderr
    result = run_cli("web", "user", "add", "coord", "--password-stdin", store=url, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def invite(url: str, organisation: str, *, days: int = 30, base: str = "https://testserver") -> str:
    result = run_cli("web", "invite", organisation, "--plan", PLAN_ID, "--days", str(days), "--base-url", base,
                     store=url)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory) -> str:
    url = f"sqlite:{tmp_path_factory.mktemp('web') / 'site.db'}"
    seed(url)
    return url


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


class Server:
    """``actionplan serve`` in a process of its own, on a free loopback port, stopped at the end."""

    def __init__(self, url: str, *extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([*CLI, "--store", url, "serve", "--port", str(self.port), *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"actionplan serve did not start: {self.process.stderr.read() if self.process.stderr else ''}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server(seeded_url) -> Iterator[Server]:
    running = Server(seeded_url)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per module."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                    "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()
