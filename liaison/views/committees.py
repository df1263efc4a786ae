"""The office's pages of committees (with their liaison deputies, activities, topics and
consultations) and professional groups (with their members and activities), under
/office/liaison/. Staff only, scoped to their congresses: anyone else 403, outside the scope 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import committees as selectors


@login_required
@require_GET
def committee_list(request):
    context = {
        "committees": list(selectors.committees_for_office(actor=request.user)),
        "groups": list(selectors.groups_for_office(actor=request.user)),
    }
    return render(request, "liaison/contacts/office_committees.html", context)


@login_required
@require_GET
def committee_detail(request, pk: int):
    committee = selectors.committee_get_for_office(actor=request.user, pk=pk)
    return render(request, "liaison/contacts/office_committee.html", {"committee": committee})


@login_required
@require_GET
def group_detail(request, pk: int):
    group = selectors.group_get_for_office(actor=request.user, pk=pk)
    return render(request, "liaison/contacts/office_group.html", {"group": group})
