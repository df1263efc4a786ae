"""The training app's rows of the admin matrix (tests/security/test_admin_matrix.py): courses,
materials and data requests are read-only in the admin (their actions run on the office pages
through the services), each office within its congresses."""

from tests import factories

MATRIX = {
    "training.Course": {"staff": "lv", "superuser": "lv"},
    "training.Material": {"staff": "lv", "superuser": "lv"},
    "training.DataRequest": {"staff": "lv", "superuser": "lv"},
}


def rows(congress, deputy, tag) -> dict:
    from training.models import Course, DataRequest, Material

    staff = factories.StaffFactory(congress=congress, full_name=f"{tag}培训工作人员")
    return {
        "training.Course": Course.objects.create(
            congress=congress, title=f"{tag}人大代表讲坛", organiser=f"{tag}代表工委", created_by=staff
        ),
        "training.Material": Material.objects.create(congress=congress, title=f"{tag}学习材料", created_by=staff),
        "training.DataRequest": DataRequest.objects.create(
            congress=congress,
            deputy=deputy,
            subject=f"{tag}资料申请",
            wanted="数据",
            reason="理由",
            status=DataRequest.Status.SUBMITTED,
        ),
    }
