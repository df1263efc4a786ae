"""The publicity rows of the admin matrix (tests/security/test_admin_matrix.py).

Stories are the office's own writing: each office adds, edits, publishes (an action calling the
service) and deletes the stories of its congresses. Photos are edited inline on their story.
"""

import datetime

STAFF_ALL = {"staff": "lvacd", "superuser": "lvacd"}

MATRIX = {
    "publicity.Story": STAFF_ALL,
}


def rows(congress, deputy, tag) -> dict:
    from publicity.models import Story

    story = Story.objects.create(
        congress=congress,
        title=f"{tag}代表走进联络站",
        body="代表在联络站接待群众。",
        published_on=datetime.date(2025, 3, 1),
    )
    story.deputies.add(deputy)
    return {"publicity.Story": story}
