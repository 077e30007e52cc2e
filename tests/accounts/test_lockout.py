"""Sign-in lockout: a (username, address) pair is refused for AXES_COOLOFF_TIME after
AXES_FAILURE_LIMIT failures, on Wagtail's admin and front-end logins alike."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest

PASSWORD = "correct horse battery staple"
ADMIN_LOGIN = "/admin/login/"
FRONT_LOGIN = "/fr/_util/login/"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editrice", "editrice@example.org", PASSWORD)


@pytest.fixture
def colleague(db):
    return get_user_model().objects.create_superuser("collegue", "collegue@example.org", PASSWORD)


def sign_in(client, username, password, *, address=HOME, url=ADMIN_LOGIN):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


def fail(client, username, times, **kwargs):
    for attempt in range(1, times + 1):
        response = sign_in(client, username, "wrong password", **kwargs)
        # The login form again with its error; the fifth failure gets the lockout page.
        assert response.status_code == (429 if attempt >= 5 else 200)


def signed_in(response) -> bool:
    return response.status_code == 302 and "login" not in response.url


@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_LOGIN])
def test_five_failures_lock_the_account_from_that_address_for_fifteen_minutes(
    client, editor, time_machine, url, site_tree
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    fail(client, "editrice", 5, url=url)

    refused = sign_in(client, "editrice", PASSWORD, url=url)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Connexion temporairement bloquée" in page or "Sign-in temporarily blocked" in page
    until = timezone.localtime(start + datetime.timedelta(minutes=15))
    assert f"{until:%H:%M}" in page  # when to try again
    assert "_user_id" not in client.session

    time_machine.move_to(start + datetime.timedelta(minutes=14), tick=False)
    assert sign_in(client, "editrice", PASSWORD, url=url).status_code == 429

    time_machine.move_to(start + datetime.timedelta(minutes=15, seconds=1), tick=False)
    assert signed_in(sign_in(client, "editrice", PASSWORD, url=url))


def test_four_failures_do_not_lock(client, editor):
    fail(client, "editrice", 4)
    assert signed_in(sign_in(client, "editrice", PASSWORD))


def test_a_lockout_spares_other_accounts_and_other_addresses(client, editor, colleague):
    fail(client, "editrice", 5)
    assert sign_in(client, "editrice", PASSWORD).status_code == 429

    assert signed_in(sign_in(client, "collegue", PASSWORD))  # same address, other account
    client.logout()
    assert signed_in(sign_in(client, "editrice", PASSWORD, address=ELSEWHERE))


def test_the_lockout_page_names_whom_to_contact(client, editor, settings):
    settings.LOGIN_HELP_EMAIL = "aide@fabrique.example"
    fail(client, "editrice", 5)
    page = sign_in(client, "editrice", PASSWORD).content.decode()
    assert "mailto:aide@fabrique.example" in page
    assert "/admin/password_reset/" in page


def test_an_administrator_sees_the_lockout_and_unlocks_it(client, editor, colleague):
    fail(client, "editrice", 5)
    admin = client.__class__()
    admin.force_login(colleague)

    listing = admin.get("/admin/locked-sign-ins/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert 'data-lockout="editrice"' in page
    assert HOME in page and ">5<" in page

    admin.post("/admin/locked-sign-ins/unlock/", {"username": "editrice", "ip_address": HOME})
    assert 'data-lockout="editrice"' not in admin.get("/admin/locked-sign-ins/").content.decode()
    assert signed_in(sign_in(client, "editrice", PASSWORD))


def test_only_superusers_see_the_lockouts(client, editor, db):
    staff = get_user_model().objects.create_user("redac", "redac@example.org", PASSWORD)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get("/admin/locked-sign-ins/").status_code in (302, 403)
    response = client.post(
        "/admin/locked-sign-ins/unlock/", {"username": "editrice", "ip_address": HOME}
    )
    assert response.status_code in (302, 403)
    assert "locked-sign-ins" not in client.get("/admin/").content.decode()
