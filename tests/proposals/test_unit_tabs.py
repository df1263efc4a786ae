"""The unit's home page tabs tell the lead unit's reply from a joint unit's part: only the lead
unit replies to the deputy; a joint unit owes its written view or its co-signature."""

import pytest
from django.urls import reverse

from ..builders import assigned_to


@pytest.fixture
def officer_client(client, unit_officer):
    client.force_login(unit_officer)
    return client


def test_a_joint_units_opened_assignment_is_to_assist_not_to_reply(
    officer_client, deputy, staff, unit_officer, other_unit
):
    # Led by the officer's unit, and one where the officer's unit is the joint one.
    _led, (lead, _j) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (other_unit, "joint")], title="本单位主办的建议"
    )
    _joint, (_l, joint) = assigned_to(
        deputy, staff, [(other_unit, "lead"), (unit_officer.unit, "joint")], title="本单位会办的建议"
    )
    home = reverse("proposals_unit:home")
    for assignment in (lead, joint):  # opening an assignment records its receipt
        officer_client.get(reverse("proposals_unit:assignment", args=[assignment.pk]))
    counts = officer_client.get(home).context["counts"]
    assert (counts["receive"], counts["reply"], counts["assist"]) == (0, 1, 1)
    to_reply = officer_client.get(home, {"status": "reply"}).content.decode()
    assert "本单位主办的建议" in to_reply and "本单位会办的建议" not in to_reply
    to_assist = officer_client.get(home, {"status": "assist"}).content.decode()
    assert "本单位会办的建议" in to_assist and "本单位主办的建议" not in to_assist
    assert "待提出协办意见或会签" in to_assist
