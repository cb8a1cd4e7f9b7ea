"""In a real browser: a provider's admin registers an LMS (the page shows the URLs to give the LMS), opens and
saves it; the course page an instructor lands on; a refused launch. Each page screenshot at 1280 and 390 px and
checked by axe-core."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from microcred.lti import services
from microcred.lti.models import Course, LineItemMap, Platform
from microcred.lti.tests.conftest import School, Signer
from microcred.lti.tests.lms import INSTRUCTOR, LEARNER, Person
from microcred.lti.tests.lms import Platform as LmsPlatform
from microcred.testing.factories import PASSWORD
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_registers_an_lms_and_sees_a_course(page, school: School, signer: Signer) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(school.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/organizations/{school.provider.slug}/lti/")
    expect(page.get_by_text("/lti/jwks")).to_be_visible()
    page.locator("#id_name").fill("Lakes Moodle")
    page.locator("#id_issuer").fill("https://moodle.lakes.example")
    page.locator("#id_client_id").fill("abc123")
    page.locator("#id_deployment_ids").fill("1")
    page.locator("#id_auth_login_url").fill("https://moodle.lakes.example/mod/lti/auth.php")
    page.locator("#id_auth_token_url").fill("https://moodle.lakes.example/mod/lti/token.php")
    page.locator("#id_key_set").fill(json.dumps(signer.jwks()))
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The platform is registered.")).to_be_visible()
    check_page(page, "lti-platforms")
    page.get_by_role("link", name="Lakes Moodle").click()
    page.wait_for_load_state()
    check_page(page, "lti-platform")
    page.locator("#id_key_set_url").fill("https://moodle.lakes.example/mod/lti/certs.php")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert Platform.objects.get().key_set_url == "https://moodle.lakes.example/mod/lti/certs.php"

    course = Course.objects.create(
        platform=Platform.objects.get(), context_id="c1", title="Power Systems 101", credential=school.credential
    )
    LineItemMap.objects.create(course=course, line_item_id="https://moodle.lakes.example/li/1", label="Final exam")
    page.goto(f"/lti/courses/{course.pk}/")
    expect(page.get_by_role("button", name="Sync grades")).to_be_visible()
    check_page(page, "lti-course")

    page.goto("/lti/login?iss=https://impostor.example&login_hint=1&target_link_uri=x")
    expect(page.get_by_text("unknown_issuer")).to_be_visible()
    check_page(page, "lti-refused")


def test_an_instructor_deep_links_and_a_learner_launches_from_the_lms_in_a_browser(
    page, school: School, live_server, settings
) -> None:
    lms = LmsPlatform(live_server.url, host="localhost").start()
    try:
        settings.LOCAL_HTTP_HOSTS = [urlsplit(lms.url).netloc]
        lms.course.people = {
            "t1": Person("t1", "tia@lakes.example", "Tia Teacher", [INSTRUCTOR]),
            "s1": Person("s1", "sam@lakes.example", "Sam Student", [LEARNER]),
        }
        services.register_platform(actor=school.admin, provider=school.provider, data=lms.settings())
        page.goto(lms.login_url("t1", "deeplink"))
        page.wait_for_url("**/lti/deep-link/**")
        check_page(page, "lti-deep-link")
        page.get_by_label("Grid Safety Essentials").check()
        page.get_by_role("button", name="Attach to the course").click()
        page.wait_for_url(f"{lms.url}/deep-link-return")  # the page handed the signed answer on to the LMS
        assert [item["title"] for item in lms.course.deep_linked] == ["Grid Safety Essentials"]

        page.goto(lms.login_url("s1"))
        page.wait_for_url("**/assessment/enrolments/**")
        expect(page.get_by_role("heading", name="Grid Safety Essentials").first).to_be_visible()
    finally:
        lms.stop()
