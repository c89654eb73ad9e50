"""The worked examples of the guides: fenced blocks marked ``<!-- worked-example: NAME -->``."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def worked_example(text: str, name: str, doc: str) -> str:
    """The fenced block right after ``<!-- worked-example: name -->`` in ``text`` (the guide ``doc``)."""
    match = re.search(rf"<!-- worked-example: {name} -->\n```\w+\n(.*?)```", text, flags=re.DOTALL)
    assert match, f"{doc} has no worked example {name!r}"
    return match.group(1)
