"""More journeys driven by the keyboard alone (GB/T 37668-2019 / WCAG 2.1: 2.1.1 keyboard, 2.4.7
focus visible), in the manner of tests/e2e/test_keyboard_journeys.py and with its helpers: each
control is reached by Tab (every stop on the way shows its focus ring), then typed into or
pressed with Enter; only the first page is opened with ``goto``.

1. A member of staff logs in with the second factor: password, then the authenticator's code.
2. A citizen proposes a livelihood project idea on the public pages.
3. A deputy reads a study material sent to them: the office sees the read receipt.
"""

import re

import pytest
from playwright.sync_api import expect

from livelihood.models import Idea
from tests import builders, factories
from tests.accounts.test_mfa_failures import _codes
from tests.builders import open_livelihood_cycle
from tests.conftest import with_totp
from tests.e2e import test_keyboard_journeys as keys
from tests.e2e.test_keyboard_journeys import PASSWORD, by_id, by_text, log_in_by_keys, tab_to
from training import services as training_services
from training.models import Receipt

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

city = keys.city  # the same small city: a congress and its term

SUBMIT_IN_MAIN = "(el) => el.type === 'submit' && !!el.closest('main form')"


def test_staff_log_in_with_the_second_factor_by_keyboard(page, live_server, city, settings):
    congress, _term = city
    settings.REQUIRE_STAFF_MFA = True
    staff = with_totp(factories.StaffFactory(congress=congress, full_name="工作人员甲", email="staff@example.org"))
    page.goto("/accounts/login/")
    tab_to(page, by_id("id_login"), where="login")
    page.keyboard.type(staff.email)
    tab_to(page, by_id("id_password"), max_steps=3, where="login")
    page.keyboard.type(PASSWORD)
    tab_to(page, SUBMIT_IN_MAIN, max_steps=5, where="login")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    # The code field: reached by keys from the top of the page, the skip link first.
    tab_to(page, "(el) => el.name === 'code'", where="second factor")
    code, _wrong = _codes(staff)
    page.keyboard.type(code)
    tab_to(page, SUBMIT_IN_MAIN, max_steps=5, where="second factor")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    expect(page.get_by_role("banner")).to_contain_text("工作人员甲")


def test_a_citizen_proposes_a_livelihood_idea_by_keyboard(page, live_server, city, settings):
    congress, _term = city
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    staff = factories.StaffFactory(congress=congress, full_name="工作人员甲")
    cycle = open_livelihood_cycle(staff, congress)
    page.goto("/livelihood/")
    tab_to(page, by_text("a", "提出建议"), max_steps=120, where="livelihood home")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/livelihood/ideas/new/$"))
    tab_to(page, by_id("id_title"), max_steps=120, where="idea form")
    page.keyboard.type("增设社区电动自行车充电车棚")
    tab_to(page, by_id("id_what_where"), max_steps=3, where="idea form")
    page.keyboard.type("在梅园新村小区周边集中建设电动自行车充电车棚。")
    tab_to(page, by_id("id_why"), max_steps=3, where="idea form")
    page.keyboard.type("很多人在楼道里充电，有火灾隐患。")
    tab_to(page, SUBMIT_IN_MAIN, max_steps=8, where="idea form")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text("谢谢您！您的建议已收到。")
    idea = Idea.objects.get()
    assert idea.title == "增设社区电动自行车充电车棚" and idea.source == Idea.Source.PUBLIC
    assert idea.cycle == cycle


def test_a_deputy_reads_a_material_by_keyboard(page, live_server, city):
    congress, term = city
    staff = factories.StaffFactory(congress=congress, full_name="工作人员甲")
    deputy = builders.make_deputy_user(congress, term, "李代表")
    material = training_services.material_create(
        actor=staff, congress=congress, title="关于2026年市级预算草案的说明", body="一、预算编制情况。请各位代表审阅。"
    )
    training_services.material_publish(actor=staff, material=material)
    log_in_by_keys(page, deputy.email)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    # The header's navigation, by keys: the study section, then its materials.
    tab_to(
        page,
        "(el) => el.tagName === 'A' && el.closest('nav') && /^学习培训/.test(el.innerText.trim())",
        max_steps=60,
        where="portal",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/training/$"))
    tab_to(
        page,
        "(el) => el.tagName === 'A' && !!el.closest('main') && el.innerText.trim() === '学习材料'",
        max_steps=60,
        where="study",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/training/materials/$"))
    tab_to(page, by_text("a", material.title), max_steps=60, where="materials")
    assert not Receipt.objects.filter(material=material).exists()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/training/materials/{material.pk}/$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(material.title)
    expect(main).to_contain_text("请各位代表审阅")
    assert Receipt.objects.filter(material=material, deputy=deputy.mandate).count() == 1
