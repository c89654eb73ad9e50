"""``actionplan diff``: what changed between two plans (files, or plans in the store)."""

from __future__ import annotations

import os
import re

import click

import actionplan

from ..errors import ActionplanError
from ..i18n import N_, Message
from .common import STDOUT, check_output, output_option, write_output

_STORED = re.compile(r"^(?P<id>[a-z0-9][a-z0-9._-]*)(?:@(?P<version>\d+))?$")

DIFF_FORMATS = ("text", "json", "html")


def load_side(state, ref: str):
    """The plan ``ref`` names: a plan file, or ``PLAN`` / ``PLAN@N`` in the store (``N``: its version)."""
    from ..model import ActionPlan
    from ..storage import DEFAULT_URL, open_store, redact_url
    from .common import load_document_of

    match = _STORED.match(ref)
    if os.path.exists(ref) or match is None:
        return load_document_of(ref, ActionPlan)
    url = getattr(state, "store_url", None) or DEFAULT_URL
    with open_store(url) as store:
        if store.version(match["id"]) is None:
            raise ActionplanError(Message("cli.diff.unknown", ref=ref, store=redact_url(url)))
        wanted = match["version"]
        stored = store.get(match["id"]) if wanted is None else store.get_version(match["id"], int(wanted))
    if not isinstance(stored.document, ActionPlan):
        raise ActionplanError(Message("cli.diff.not_a_plan", ref=ref))
    return stored.document


def render_diff(diff, fmt: str, lang: str) -> bytes:
    """The diff's bytes in ``fmt`` (text, json or html)."""
    from ..diff import render_html, render_text

    if fmt == "json":
        import orjson

        return orjson.dumps(diff.to_data(), option=orjson.OPT_INDENT_2) + b"\n"
    if fmt == "html":
        return render_html(diff, lang).encode("utf-8")
    return render_text(diff, lang).encode("utf-8")


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command("diff", help=N_("cli.diff.help"))
    @click.argument("old")
    @click.argument("new")
    @click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True,
                  help=N_("cli.diff.option.format"))
    @output_option(N_("cli.diff.option.output"))
    @click.pass_obj
    def diff_command(state, old, new, fmt, output, force):
        """What changed from OLD to NEW: objectives, actions, indicators and targets added, changed, moved, removed."""
        from ..diff import diff_plans

        output = output or STDOUT
        read = [old if os.path.exists(old) else None, new if os.path.exists(new) else None]
        check_output(output, inputs=read, state=state)
        payload = render_diff(diff_plans(load_side(state, old), load_side(state, new), old, new), fmt, state.lang)
        path = write_output(payload, output, force=force, inputs=read, state=state)
        if path != STDOUT:
            click.echo(Message("cli.diff.written", path=path).render(state.lang), err=True)


__all__ = ["DIFF_FORMATS", "load_side", "render_diff"]
