"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str, env_lang: str | None = None):
    env = None
    if env_lang:
        import os

        env = {**os.environ, "ACTIONPLAN_LANG": env_lang}
    return subprocess.run([sys.executable, "-m", "actionplan", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert "actionplan" in result.stdout


def test_validate_a_valid_file(tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert "valide" in result.stdout


def test_validate_prints_every_error_and_exits_2(tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text.replace("target: 4", "target: quatre").replace("kind: rate", "kind: ratio"),
                    encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 2
    assert "2 erreurs" in result.stderr
    assert "indicators[0].target" in result.stderr and "indicators[1].kind" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ("validate", "does-not-exist.yaml"),
    ("show", "does-not-exist.yaml"),
    ("validate", "README.md"),
])
def test_user_errors_never_show_a_traceback(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_garbage_yaml_is_a_clean_error(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"id: [unclosed\n\xff\xfe")
    result = run("validate", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_show_in_french_and_english(tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text, encoding="utf-8")
    french = run("show", str(path), "--as-of", "2026-02-15")
    assert french.returncode == 0, french.stderr
    assert "Thème" in french.stdout and "À réaliser ce trimestre" in french.stdout
    english = run("--lang", "en", "show", str(path), "--as-of", "2026-02-15")
    assert english.returncode == 0, english.stderr
    assert "Theme" in english.stdout and "Due this quarter" in english.stdout
    assert "Thème" not in english.stdout


def test_bad_option_value_is_a_usage_error(tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text, encoding="utf-8")
    result = run("show", str(path), "--as-of", "demain")
    assert result.returncode == 2 and "attendu une date AAAA-MM-JJ, trouvé 'demain'" in result.stderr


def test_common_errors_in_french_and_english():
    french = run("validate", "nothere.yaml")
    assert "nothere.yaml : fichier introuvable" in french.stderr
    english = run("--lang", "en", "validate", "nothere.yaml")
    assert "nothere.yaml: no such file" in english.stderr
    french = run("--store", "foo:bar", "list")
    assert french.returncode == 2 and "aucun plugin installé n'ouvre l'adresse de stockage 'foo:bar'" in french.stderr
