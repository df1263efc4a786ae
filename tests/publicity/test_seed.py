"""The demo (seed_publicity) writes its stories through the services, with photos, and a second
run adds nothing."""

import pytest
from django.core.management import call_command

from demo.management.commands.seed_publicity import STORIES
from publicity.models import Story, StoryPhoto

from .. import builders, factories
from ..conftest import with_totp

pytestmark = pytest.mark.django_db


def test_the_demo_builds_its_stories_once(city, term, electoral_unit):
    with_totp(factories.StaffFactory(congress=city, email="staff@example.org", full_name="工作人员"))
    demo = builders.make_deputy_user(city, term, "演示代表", electoral_unit)
    type(demo).objects.filter(pk=demo.pk).update(email="deputy@example.org")
    builders.serving_deputies(8, city=city, term=term, unit=electoral_unit)
    call_command("seed_publicity", stdout=open("/dev/null", "w"))
    published = [s for s in STORIES if s[-1]]
    assert Story.objects.filter(is_published=True).count() == len(published)
    assert Story.objects.filter(is_published=False).count() == len(STORIES) - len(published)
    assert StoryPhoto.objects.count() == sum(len(s[6]) for s in STORIES)
    assert Story.objects.filter(deputies__user__email="deputy@example.org").exists()
    call_command("seed_publicity", stdout=open("/dev/null", "w"))
    assert Story.objects.count() == len(STORIES)
