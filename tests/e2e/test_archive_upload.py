"""Direct uploads in a real browser: site/static/js/archive-upload.js on the admin's upload page
and in the oral history form, with local storage and then straight to a real S3 server.

Headless Chromium (see test_browser.py); the live server and the test share the process, so the
storage setting switched here applies to both.
"""

import io
import wave

from django.test import Client
from django.urls import reverse

import pytest

from archive.models import MediaFile
from tests.e2e.test_browser import CHROMIUM, browser, ensure_wagtail_roots  # noqa: F401
from tests.factories import MemberFactory
from tests.factories.archive import ContributorFactory, InstitutionFactory
from tests.s3_plugin import s3_storage_settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]

ADDED = "was checked and added"


def wav(tone: int) -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes([tone]) * 32000)
    return output.getvalue()


@pytest.fixture
def contributor_tab(browser, live_server, transactional_db, empty_cache):  # noqa: F811
    ensure_wagtail_roots()
    institution = InstitutionFactory(code="CMSH", member=MemberFactory(name="Centre minier"))
    user = ContributorFactory(institution=institution).user
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    tab = context.new_page()
    yield tab
    context.close()


def choose_file(tab, controls, name: str, data: bytes, mime="audio/wav"):
    controls.locator("[data-upload-file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )


def wait_for_status(tab, controls, text: str) -> str:
    status = controls.locator("[data-upload-status]")
    status.filter(has_text=text).wait_for(timeout=20_000)
    return status.inner_text()


def test_uploads_from_the_admin_in_a_browser(
    contributor_tab, live_server, settings, s3_server, django_db_blocker
):
    tab = contributor_tab

    # Local storage: the upload page, then the oral history form's recording picker.
    tab.goto(live_server.url + reverse("archive_uploads:index"))
    controls = tab.locator("[data-archive-upload]")
    controls.locator("[data-upload-kind]").select_option("audio")
    choose_file(tab, controls, "Entretien.wav", wav(1))
    assert "“Entretien.wav” was checked and added" in wait_for_status(tab, controls, ADDED)
    first = MediaFile.objects.get()
    assert first.key.startswith("archive/cmsh/media/")

    tab.goto(f"{live_server.url}{reverse('archive_items:add')}?kind=oral_history")
    picker = tab.locator("select[name=media]")
    controls = tab.locator(f"[data-archive-upload][data-select-id={picker.get_attribute('id')}]")
    choose_file(tab, controls, "Second entretien.wav", wav(2))
    wait_for_status(tab, controls, ADDED)
    second = MediaFile.objects.exclude(pk=first.pk).get()
    assert picker.input_value() == str(second.pk)  # the new file is chosen in the form

    # S3: the browser posts to the bucket itself.
    bucket = s3_server.create_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(s3_server, bucket)}
    try:
        tab.goto(live_server.url + reverse("archive_uploads:index"))
        controls = tab.locator("[data-archive-upload]")
        controls.locator("[data-upload-kind]").select_option("audio")
        choose_file(tab, controls, "page.wav", b"<!DOCTYPE html><html><body>x</body></html>" * 40)
        refusal = wait_for_status(tab, controls, "This file is not an audio recording")
        assert "web page (HTML)" in refusal
        assert MediaFile.objects.count() == 2

        choose_file(tab, controls, "Copie.wav", wav(1))
        wait_for_status(tab, controls, ADDED)
        warning = controls.locator("[data-upload-warning]")
        assert warning.is_visible()
        assert "already has this very file" in warning.inner_text()
        copy = MediaFile.objects.get(original_name="Copie.wav")
        assert copy.sha256 == first.sha256
        objects = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
        assert [obj["Key"] for obj in objects] == [copy.key]
    finally:
        s3_server.remove_bucket(bucket)
