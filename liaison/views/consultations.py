"""Consultations: the office drafts, publishes, reads comments per article, decides on each and
exports them (/office/liaison/consultations/); deputies comment and see what was adopted
(/portal/liaison/consultations/)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import InvalidTransition
from core.spreadsheet import safe_cell
from core.views import XLSX, download_response, paginate, run_action

from .. import services_consultations as services
from ..forms_contacts import CommentForm, ConsultationForm, DecideForm
from ..models import ConsultationComment
from ..selectors import consultations as selectors

PAGE_SIZE = 50


# --- The office -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def office_list(request):
    committees = selectors.committees_for_office(actor=request.user)
    form = ConsultationForm(request.POST or None, committees=committees)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services.consultation_create(
                actor=request.user,
                committee=d["committee"],
                title=d["title"],
                draft=d["draft"],
                by_article=d["by_article"],
                closes_on=d["closes_on"],
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The draft was saved; publish it to ask the deputies."))
            return redirect("liaison_office:consultation", pk=result.value.pk)
        status = result.status
    page = paginate(request, selectors.consultations_for_office(actor=request.user), size=PAGE_SIZE)
    return render(request, "liaison/contacts/office_consultations.html", {"page": page, "form": form}, status=status)


def _render_office(request, consultation, *, status=200, bound=None, bound_pk=None):
    for article in consultation.articles.all():
        for comment in article.comments.all():
            comment.form = bound if bound_pk == comment.pk else DecideForm(prefix=f"c{comment.pk}")
    for comment in consultation.whole_comments:
        comment.form = bound if bound_pk == comment.pk else DecideForm(prefix=f"c{comment.pk}")
    context = {"consultation": consultation, "open": consultation.is_open()}
    return render(request, "liaison/contacts/office_consultation.html", context, status=status)


@login_required
@require_GET
def office_detail(request, pk: int):
    return _render_office(request, selectors.consultation_get_for_office(actor=request.user, pk=pk))


@login_required
@require_POST
def office_publish(request, pk: int):
    consultation = selectors.consultation_get_for_office(actor=request.user, pk=pk)
    try:
        services.consultation_publish(actor=request.user, consultation=consultation)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The draft is published; the deputies were told."))
    return redirect("liaison_office:consultation", pk=pk)


@login_required
@require_POST
def office_decide(request, pk: int):
    comment = ConsultationComment.objects.filter(pk=pk).select_related("consultation__committee").first()
    if comment is None:
        raise Http404
    consultation = selectors.consultation_get_for_office(actor=request.user, pk=comment.consultation_id)
    form = DecideForm(request.POST, prefix=f"c{comment.pk}")
    result = run_action(
        form,
        lambda d: services.comment_decide(actor=request.user, comment=comment, adopted=d["adopted"], note=d["note"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The decision was saved; the deputy can read it."))
        return redirect("liaison_office:consultation", pk=consultation.pk)
    return _render_office(request, consultation, status=result.status, bound=form, bound_pk=comment.pk)


@login_required
@require_GET
def office_export(request, pk: int):
    import openpyxl

    consultation = selectors.consultation_get_for_office(actor=request.user, pk=pk)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Comments"))
    headers = [_("Article"), _("Deputy"), _("Comment"), _("Adopted"), _("How it was handled")]
    sheet.append([safe_cell(sheet, h, bold=True) for h in headers])

    def verdict(c):
        return "" if c.adopted is None else _("Adopted") if c.adopted else _("Not adopted")

    rows = [(_("The draft as a whole"), c) for c in consultation.whole_comments]
    rows += [(_("Article %(n)d") % {"n": a.number}, c) for a in consultation.articles.all() for c in a.comments.all()]
    for label, c in rows:
        sheet.append([safe_cell(sheet, v) for v in (label, c.deputy.name, c.text, verdict(c), c.decision_note)])
    out = io.BytesIO()
    book.save(out)
    return download_response(out.getvalue(), filename=f"consultation-{consultation.pk}.xlsx", content_type=XLSX)


# --- The portal -------------------------------------------------------------------------------


@login_required
@require_GET
def portal_list(request):
    rows = list(selectors.consultations_for_deputy(user=request.user))
    return render(request, "liaison/contacts/portal_consultations.html", {"rows": rows, "today": timezone.localdate()})


def _render_portal(request, consultation, mandate, mine, *, form=None, status=200):
    articles = list(consultation.articles.all())
    for article in articles:
        article.mine = mine.get(article.pk)
    context = {
        "consultation": consultation,
        "articles": articles,
        "whole": mine.get(None),
        "open": consultation.is_open() and mandate is not None,
        "form": form or CommentForm(articles=articles),
    }
    return render(request, "liaison/contacts/portal_consultation.html", context, status=status)


@login_required
@require_GET
def portal_detail(request, pk: int):
    return _render_portal(request, *selectors.consultation_get_for_deputy(user=request.user, pk=pk))


@login_required
@require_POST
def portal_comment(request, pk: int):
    consultation, mandate, mine = selectors.consultation_get_for_deputy(user=request.user, pk=pk)
    articles = {a.pk: a for a in consultation.articles.all()}
    form = CommentForm(request.POST, articles=articles.values())
    if mandate is None:
        raise Http404
    result = run_action(
        form,
        lambda d: services.consultation_comment(
            actor=request.user,
            consultation=consultation,
            deputy=mandate,
            article=articles.get(d["article"]),
            text=d["text"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your comment was saved."))
        return redirect("liaison_portal:consultation", pk=pk)
    return _render_portal(request, consultation, mandate, mine, form=form, status=result.status)
