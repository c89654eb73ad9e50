"""One way for the tests to run the command line in-process: ``run(capsys, *args)``."""

from __future__ import annotations

import pytest

from actionplan.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``actionplan ARGS…`` in this process; return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err
