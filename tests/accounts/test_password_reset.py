"""Password reset requests are limited per address asked for and per client address, with the
same answer whether the address has an account or not."""

from django.contrib.auth import get_user_model
from django.core import mail

import pytest

RESET = "/admin/password_reset/"


@pytest.fixture
def editor(db, empty_cache):
    return get_user_model().objects.create_superuser("editrice", "editrice@example.org", "x")


def ask(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


@pytest.mark.parametrize("email", ["editrice@example.org", "personne@example.org"])
def test_a_fourth_request_for_one_address_within_the_hour_is_refused(client, editor, email):
    for _ in range(3):
        assert ask(client, email).status_code == 302  # "check your inbox"
    sent = len(mail.outbox)

    refused = ask(client, email)
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert len(mail.outbox) == sent
    # Another address is not held back by this one.
    assert ask(client, "autre@example.org", address="198.51.100.9").status_code == 302


def test_the_answers_are_the_same_for_an_address_without_an_account(client, editor):
    known = [ask(client, "editrice@example.org").status_code for _ in range(4)]
    unknown = [ask(client, "personne@example.org", "192.0.2.1").status_code for _ in range(4)]
    assert known == unknown == [302, 302, 302, 429]
    assert len(mail.outbox) == 3  # only the account that exists got its emails


def test_one_client_cannot_ask_for_many_addresses(client, editor, settings):
    settings.PASSWORD_RESET_RATE_IP = "5/h"
    for number in range(5):
        assert ask(client, f"personne{number}@example.org").status_code == 302
    assert ask(client, "editrice@example.org").status_code == 429
    assert not mail.outbox
    assert ask(client, "editrice@example.org", address="198.51.100.9").status_code == 302
