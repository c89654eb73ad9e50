"""The site's commands: accounts from a prompt or stdin (never argv), invitations printed, revoked, listed."""

from __future__ import annotations

import actionplan
from conftest import PARTNER_A, PASSWORD, PLAN_ID, invite, run_actionplan, run_cli

from actionplan_web import records
from actionplan_web.security import Signer, check_password


def test_user_add_reads_the_password_from_stdin_and_stores_only_its_hash(seeded_url):
    result = run_cli("web", "user", "add", "marie", "--password-stdin", store=seeded_url, stdin=PASSWORD + "\n")
    assert result.returncode == 0 and "compte « marie » enregistré" in result.stdout
    with actionplan.open_store(seeded_url) as store:
        account = records.find_account(store, "marie")
        assert account is not None and account.password_hash.startswith("$argon2")
        assert PASSWORD not in repr(store.get("web-account.marie").document)
        assert check_password(account.password_hash, PASSWORD) and not check_password(account.password_hash, "x" * 12)


def test_user_add_refuses_short_passwords_bad_names_and_existing_accounts(seeded_url):
    short = run_cli("web", "user", "add", "paul", "--password-stdin", store=seeded_url, stdin="court\n")
    assert short.returncode == 2 and "trop court" in short.stderr and "Traceback" not in short.stderr
    bad = run_cli("web", "user", "add", "Paul Martin", "--password-stdin", store=seeded_url, stdin=PASSWORD + "\n")
    assert bad.returncode == 2 and "nom de compte invalide" in bad.stderr
    again = run_cli("web", "user", "add", "coord", "--password-stdin", store=seeded_url, stdin=PASSWORD + "\n")
    assert again.returncode == 2 and "existe déjà" in again.stderr
    with actionplan.open_store(seeded_url) as store:
        assert records.find_account(store, "paul") is None


def test_the_prompt_asks_twice(seeded_url):
    result = run_cli("web", "user", "add", "lea", store=seeded_url, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    assert "Mot de passe" in result.stderr


def test_invite_prints_a_link_that_names_a_stored_invitation(seeded_url):
    link = invite(seeded_url, PARTNER_A, days=7, base="https://suivi.example.org/")
    assert link.startswith("https://suivi.example.org/join/")
    with actionplan.open_store(seeded_url) as store:
        invitation_id = Signer(records.site_secret(store)).invitation_id(link.rsplit("/", 1)[1])
        invitation = records.find_invitation(store, invitation_id)
    assert invitation is not None and invitation.organisation == PARTNER_A and invitation.plan == PLAN_ID
    assert 6 <= (records.when(invitation.expires) - records.utcnow()).days <= 7


def test_invite_refuses_unknown_plans_and_organisations(seeded_url):
    unknown_plan = run_cli("web", "invite", PARTNER_A, "--plan", "nulle-part", store=seeded_url)
    assert unknown_plan.returncode == 2 and "aucun plan « nulle-part »" in unknown_plan.stderr
    unknown_org = run_cli("web", "invite", "nobody", "--plan", PLAN_ID, store=seeded_url, lang="en")
    assert unknown_org.returncode == 2 and "'nobody' is not an organisation" in unknown_org.stderr


def test_revoke_by_id_then_again(seeded_url):
    link = invite(seeded_url, PARTNER_A)
    listed = run_cli("web", "invitations", store=seeded_url)
    with actionplan.open_store(seeded_url) as store:
        invitation_id = Signer(records.site_secret(store)).invitation_id(link.rsplit("/", 1)[1])
    assert f"{invitation_id}  {PLAN_ID}  {PARTNER_A}" in listed.stdout
    assert run_cli("web", "revoke", invitation_id, store=seeded_url).returncode == 0
    again = run_cli("web", "revoke", invitation_id, store=seeded_url)
    assert again.returncode == 2 and "déjà révoquée" in again.stderr
    assert f"{invitation_id}  {PLAN_ID}  {PARTNER_A}" in run_cli("web", "invitations", store=seeded_url).stdout
    assert "révoquée" in run_cli("web", "invitations", store=seeded_url).stdout
    unknown = run_cli("web", "revoke", "web-invitation.0000000000000000", store=seeded_url)
    assert unknown.returncode == 2 and "aucune invitation" in unknown.stderr


def test_the_real_command_line_prints_the_link_and_refuses_cleanly(seeded_url):
    result = run_actionplan("--store", seeded_url, "web", "invite", PARTNER_A, "--plan", PLAN_ID,
                            "--base-url", "https://suivi.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("https://suivi.example.org/join/") and result.stdout.count("\n") == 1
    refused = run_actionplan("--store", seeded_url, "web", "user", "add", "x y", "--password-stdin",
                             stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("actionplan: nom de compte invalide")


def test_serve_refuses_an_address_it_cannot_listen_on(seeded_url):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), store=seeded_url)
    assert result.returncode == 2
    assert f"impossible d'écouter sur 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
