"""``actionplan remind``: one .eml per organisation, and --send through a real SMTP server (aiosmtpd), once.

The server runs in the test process on 127.0.0.1 and a free port; the tests read what arrived.
"""

from __future__ import annotations

import email
import email.policy
import shutil

import pytest

from actionplan import open_store
from actionplan.reminders import REMINDER_EVENT, smtp_settings
from test_storage_cli import run  # noqa: F401 - the command line in a fresh folder (a fixture)

PLAN = "concertation-horizon-2026"
ORGANISATIONS_WITH_AN_ADDRESS = ["concertation-horizon", "cdp-securite-alimentaire", "cdp-reussite-educative-sociale",
                                 "cdp-logement-social", "comite-ensemble-logement"]

controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed (pip install aiosmtpd)")


class Inbox:
    """An aiosmtpd handler keeping every message it accepted; it refuses the recipients in ``refuse``."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(monkeypatch):
    import socket

    handler = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its server by connecting to the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = controller_module.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("ACTIONPLAN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ACTIONPLAN_SMTP_PORT", str(port))
        monkeypatch.setenv("ACTIONPLAN_SMTP_FROM", "coordination@concertation-horizon.example")
        for name in ("ACTIONPLAN_SMTP_USER", "ACTIONPLAN_SMTP_PASSWORD", "ACTIONPLAN_SMTP_STARTTLS", "ACTIONPLAN_WEB_URL"):
            monkeypatch.delenv(name, raising=False)
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def store(run, tmp_path, examples, monkeypatch):
    for name in ("ACTIONPLAN_SMTP_HOST", "ACTIONPLAN_WEB_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in (f"{PLAN}.yaml", f"{PLAN}-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    return tmp_path


def read_eml(path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def text(message) -> str:
    """The body as its reader sees it (lines end with CRLF on the wire and in the file)."""
    return message.get_content().replace("\r\n", "\n")


def reminder_events():
    with open_store("sqlite:actionplan.db") as s:
        return s.events(PLAN, kind=REMINDER_EVENT)


def test_remind_writes_one_message_per_organisation_with_an_address(run, store):
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out/")
    assert code == 0, err
    assert sorted(p.stem for p in (store / "out").iterdir()) == sorted(ORGANISATIONS_WITH_AN_ADDRESS)
    assert ("ignorée : Communauté de pratique en transport collectif (cdp-transport-collectif) n'a pas d'adresse "
            "courriel dans le plan (3 rappels non écrits)") in out
    message = read_eml(store / "out" / "cdp-securite-alimentaire.eml")
    assert message["To"] == "cdp-sa@concertation-horizon.example"
    assert message["From"] == "suivi@concertation-horizon.example"  # the table's own address, without SMTP settings
    assert message["Subject"] == ("Concertation Horizon — Plan d'action 2026 : 1 mise à jour à remettre "
                                  "(au 1er octobre 2026)")
    assert message["Content-Language"] == "fr-CA" and message["Message-ID"] and message["Date"]
    body = text(message)
    assert body.startswith("Bonjour Communauté de pratique en sécurité alimentaire,\n\nVoici où en sont, au 1er "
                           "octobre 2026, les mises à jour que vous avez à remettre pour « Concertation Horizon")
    assert ("À remettre (1) :\n  - 2026-T3 · 2 rencontres [va-o4-a1-i1] — Rencontres de la Communauté de pratique en "
            "Sécurité alimentaire — à remettre au plus tard le 30 octobre 2026\n") in body
    assert "  actionplan track concertation-horizon-2026 va-o4-a1-i1 VALEUR --date AAAA-MM-JJ" in body
    late = text(read_eml(store / "out" / "cdp-reussite-educative-sociale.eml"))
    assert "En retard (1) :\n  - 2026-T1 · 2 rencontres [va-o4-a2-i1]" in late and "154 jours de retard" in late


def test_remind_in_english_and_with_the_site_link(run, store, monkeypatch):
    monkeypatch.setenv("ACTIONPLAN_WEB_URL", "https://suivi.example.org/")
    assert run("remind", PLAN, "--as-of", "2026-10-01", "-o", "en", "--lang", "en")[0] == 0
    message = read_eml(store / "en" / "cdp-securite-alimentaire.eml")
    assert message["Subject"] == "Concertation Horizon — Plan d'action 2026: 1 update owed (as of October 1, 2026)"
    body = text(message)
    assert "Due (1):" in body and "due by October 30, 2026" in body
    assert "https://suivi.example.org/plans/concertation-horizon-2026/organisations/cdp-securite-alimentaire" in body
    assert "actionplan track" not in body


def test_remind_never_replaces_a_message_without_force(run, store):
    assert run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out")[0] == 0
    before = (store / "out" / "concertation-horizon.eml").read_bytes()
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-02", "-o", "out")
    assert code == 2 and "existe déjà" in err and "--force" in err
    assert (store / "out" / "concertation-horizon.eml").read_bytes() == before
    assert run("remind", PLAN, "--as-of", "2026-10-02", "-o", "out", "--force")[0] == 0


def test_send_without_smtp_settings_is_refused_and_nothing_is_written_or_sent(run, store):
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out", "--send")
    assert code == 2 and "aucun serveur SMTP configuré" in err and "ACTIONPLAN_SMTP_HOST" in err
    assert not (store / "out").exists() and reminder_events() == []


def test_send_delivers_each_reminder_once(run, store, inbox):
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out", "--send", "--by", "Coordination")
    assert code == 0, err
    assert "5 messages envoyés par 127.0.0.1:" in out
    assert sorted(str(m["To"]) for m in inbox.messages) == sorted(
        str(read_eml(p)["To"]) for p in (store / "out").iterdir())
    received = next(m for m in inbox.messages if m["To"] == "cdp-sa@concertation-horizon.example")
    assert received["From"] == "coordination@concertation-horizon.example"
    assert "2026-T3 · 2 rencontres [va-o4-a1-i1]" in text(received)
    events = reminder_events()
    assert [e.subject for e in events] == ORGANISATIONS_WITH_AN_ADDRESS
    assert events[1].data["items"] == "va-o4-a1-i1/2026-T3#due" and events[1].recorded_by == "Coordination"
    # the same reminders again: nothing new is sent
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "again", "--send")
    assert code == 0, err
    assert len(inbox.messages) == 5 and "aucun nouveau rappel" in out and len(reminder_events()) == 5
    # a month later the T3 update of the CDP is late: a new reminder (late), once
    code, out, err = run("remind", PLAN, "--as-of", "2026-11-02", "-o", "later", "--send")
    assert code == 0, err
    late = [m for m in inbox.messages[5:] if m["To"] == "cdp-sa@concertation-horizon.example"]
    assert len(late) == 1 and "En retard (1)" in text(late[0])


def test_a_refusing_server_stops_with_a_clear_error_and_what_was_sent_is_recorded(run, store, inbox):
    inbox.refuse.add("cdp-sa@concertation-horizon.example")
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out", "--send")
    assert code == 2 and "le serveur SMTP 127.0.0.1:" in err and "cdp-securite-alimentaire" in err
    assert "550" in err and "rappels déjà envoyés et consignés : 1" in err
    assert [str(m["To"]) for m in inbox.messages] == ["suivi@concertation-horizon.example"]
    assert [e.subject for e in reminder_events()] == ["concertation-horizon"]
    inbox.refuse.clear()
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out", "--send", "--force")
    assert code == 0, err
    assert len(inbox.messages) == 5  # the first one is not sent again
    assert sorted(e.subject for e in reminder_events()) == sorted(ORGANISATIONS_WITH_AN_ADDRESS)


def test_starttls_required_from_a_server_without_it_sends_nothing(run, store, inbox, monkeypatch):
    monkeypatch.setenv("ACTIONPLAN_SMTP_STARTTLS", "required")
    code, out, err = run("remind", PLAN, "--as-of", "2026-10-01", "-o", "out", "--send")
    assert code == 2 and "n'offre pas STARTTLS" in err
    assert inbox.messages == [] and reminder_events() == []


def test_send_needs_a_stored_plan(run, store, inbox):
    code, out, err = run("remind", f"{PLAN}.yaml", "--as-of", "2026-10-01", "-o", "out", "--send")
    assert code == 2 and "--send a besoin d'un plan du magasin" in err and inbox.messages == []


def test_smtp_settings_come_from_the_environment_only():
    assert smtp_settings({}) is None
    settings = smtp_settings({"ACTIONPLAN_SMTP_HOST": "smtp.example.org", "ACTIONPLAN_SMTP_USER": "table@example.org",
                              "ACTIONPLAN_SMTP_PASSWORD": "secret"})
    assert (settings.port, settings.sender, settings.starttls) == (587, "table@example.org", "auto")
    assert "secret" not in repr(settings)
    from actionplan.api import ActionplanError

    for bad in ({"ACTIONPLAN_SMTP_PORT": "smtp"}, {"ACTIONPLAN_SMTP_STARTTLS": "maybe"},
                {"ACTIONPLAN_SMTP_USER": "table@example.org"}, {}):
        with pytest.raises(ActionplanError):
            smtp_settings({"ACTIONPLAN_SMTP_HOST": "smtp.example.org", **bad})


def test_track_records_its_evidence(run, store):
    code, out, err = run("track", PLAN, "va-o4-a1-i1", "1", "--date", "2026-10-05",
                         "--evidence", "https://drive.example.org/cr-2026-10-05.pdf")
    assert code == 0, err
    (store / "compte-rendu.pdf").write_bytes(b"%PDF-1.4")
    assert run("track", PLAN, "va-o4-a1-i1", "1", "--date", "2026-10-06", "--evidence", "compte-rendu.pdf")[0] == 0
    with open_store("sqlite:actionplan.db") as s:
        evidence = [m.evidence for m in s.measurements(PLAN, indicator="va-o4-a1-i1")][-2:]
    assert evidence == ["https://drive.example.org/cr-2026-10-05.pdf", "compte-rendu.pdf"]
    code, out, err = run("track", PLAN, "va-o4-a1-i1", "1", "--evidence", "nulle-part.pdf")
    assert code == 2 and "--evidence nulle-part.pdf" in err and "adresse web" in err
