from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.admin import ReadOnlyScopedModelAdmin, ScopedModelAdmin
from accounts.admin import UserAdmin as AccountUserAdmin
from accounts.models import User
from accounts.roles import can_view_personal_data
from core.exceptions import InvalidTransition, NotAllowed
from core.masking import mask_mobile
from dataio.formats import PortalImportExportMixin

from . import selectors, services, workflow
from .account_resources import UserResource
from .models import (
    ByElection,
    ByElectionResult,
    Congress,
    CongressSession,
    CredentialsReview,
    Deputy,
    DeputyGroup,
    ElectoralUnit,
    PerformanceAssistant,
    StandingCommitteeMember,
    StatusChange,
    Term,
    Vacancy,
)
from .resources import DeputyGroupResource, DeputyResource, ElectoralUnitResource

PERSONAL_FIELDS = ("mobile", "id_number", "address")


@admin.register(Congress)
class CongressAdmin(ScopedModelAdmin):
    congress_path = "id"
    list_display = ["name", "short_name", "level", "parent", "motion_min_cosigners"]
    list_filter = ["level"]
    search_fields = ["name", "short_name"]

    # Congresses are set up, moved in the tree or removed by a superuser: an office changes
    # its own congress's settings, never where it hangs (that decides who sees it).
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "level", "parent"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Term)
class TermAdmin(ScopedModelAdmin):
    list_display = ["__str__", "congress", "number", "start_date", "end_date", "is_current"]
    list_filter = ["congress", "is_current"]
    search_fields = ["name", "congress__name"]


@admin.register(CongressSession)
class CongressSessionAdmin(ScopedModelAdmin):
    congress_path = "term__congress_id"
    list_display = ["name", "term", "start_date", "end_date"]
    list_filter = ["term__congress", "term"]
    search_fields = ["name"]


@admin.register(ElectoralUnit)
class ElectoralUnitAdmin(PortalImportExportMixin, ScopedModelAdmin):
    resource_classes = [ElectoralUnitResource]
    list_display = ["name", "congress", "electing_congress", "seats", "serving", "vacancies", "order"]
    list_filter = ["congress"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # The counts are computed from the deputies and vacancies of the current term.
        from django.db.models import Count, OuterRef, Q, Subquery, Value
        from django.db.models.functions import Coalesce

        open_vacancies = (
            Vacancy.objects.filter(electoral_unit=OuterRef("pk"), status=Vacancy.Status.OPEN, term__is_current=True)
            .order_by()
            .values("electoral_unit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return qs.select_related("congress", "electing_congress").annotate(
            serving_count=Count(
                "deputies",
                filter=Q(deputies__status=Deputy.Status.SERVING, deputies__term__is_current=True),
            ),
            vacancy_count=Coalesce(Subquery(open_vacancies), Value(0)),
        )

    @admin.display(description=_("Serving deputies"), ordering="serving_count")
    def serving(self, obj):
        return obj.serving_count

    @admin.display(description=_("Vacancies"), ordering="vacancy_count")
    def vacancies(self, obj):
        return obj.vacancy_count


class ServedScopeAdminMixin:
    """Rows of the office's own congresses and of the national and provincial deputies and
    groups it serves (work plan item 7): seen, changed and added by the city office, never by
    a district office or another city's (``deputies.selectors.reach_q``).

    ``reach_path`` leads from the row to the deputy or group its scope follows ("" for a
    group itself). Put it before ``ScopedModelAdmin``: it replaces the plain congress filter.
    """

    reach_path = ""

    def _reach_prefix(self) -> str:
        return f"{self.reach_path}__" if self.reach_path else ""

    def _reach_target(self, obj):
        return getattr(obj, self.reach_path, None) if self.reach_path else obj

    def _reach_target_from(self, data):
        if self.reach_path:
            return data.get(self.reach_path)
        congress = data.get("congress")
        if congress is None:
            return None
        served_by = data.get("served_by")
        return SimpleNamespace(
            congress=congress,
            congress_id=congress.pk,
            served_by_id=served_by.pk if served_by else None,
            electoral_unit=data.get("electoral_unit"),
        )

    def get_queryset(self, request):
        return selectors.reached(admin.ModelAdmin.get_queryset(self, request), request.user, self._reach_prefix())

    def _obj_in_scope(self, request, obj):
        return obj is None or selectors.in_reach(request.user, self._reach_target(obj))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        owner = self

        class ReachForm(form):
            def clean(self):
                data = super().clean()
                target = owner._reach_target_from(data)
                if target is not None and not selectors.in_reach(request.user, target):
                    raise ValidationError(
                        _(
                            "Your office does not serve this congress's deputies. For a national or "
                            "provincial group, name your congress under “Served by the office of”."
                        )
                    )
                return data

        return ReachForm

    def save_model(self, request, obj, form, change):
        if not selectors.in_reach(request.user, self._reach_target(obj)):
            raise PermissionDenied
        admin.ModelAdmin.save_model(self, request, obj, form, change)


@admin.register(DeputyGroup)
class DeputyGroupAdmin(ServedScopeAdminMixin, PortalImportExportMixin, ScopedModelAdmin):
    resource_classes = [DeputyGroupResource]
    list_display = ["name", "kind", "congress", "term", "electoral_unit", "served_by", "leader", "field"]
    list_filter = ["kind", "congress", "term"]
    search_fields = ["name", "field"]
    autocomplete_fields = ["leader", "members", "electoral_unit"]
    list_select_related = ["congress", "term", "electoral_unit", "served_by", "leader"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A group of the national or provincial deputies elected in the city belongs to the
        # higher congress: the office may pick that congress and its term, and names itself
        # as the office that serves the group.
        scope = roles.congress_scope_ids(request.user)
        if scope is not None:
            reachable = Q(pk__in=scope) | Q(level__in=selectors.ABOVE_CITY)
            if db_field.name == "congress":
                kwargs["queryset"] = Congress.objects.filter(reachable)
            elif db_field.name == "term":
                kwargs["queryset"] = Term.objects.filter(
                    Q(congress_id__in=scope) | Q(congress__level__in=selectors.ABOVE_CITY)
                ).select_related("congress")
            elif db_field.name == "served_by":
                kwargs["queryset"] = Congress.objects.filter(pk__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fk_name = "deputy"
    extra = 0
    can_delete = False
    fields = ["kind", "reason", "from_status", "to_status", "effective_date", "note", "actor", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deputy)
class DeputyAdmin(PortalImportExportMixin, ScopedModelAdmin):
    resource_classes = [DeputyResource]
    list_display = [
        "name",
        "gender",
        "electoral_unit",
        "congress",
        "term",
        "employer",
        "is_grassroots",
        "status",
        "masked_mobile",
        "has_account",
    ]
    list_filter = ["congress", "term", "status", "is_grassroots", "gender", "electoral_unit", "party"]
    search_fields = ["name", "employer", "occupation"]
    autocomplete_fields = ["electoral_unit", "user"]
    list_select_related = ["electoral_unit", "congress", "term", "user"]
    list_per_page = 50
    inlines = [StatusChangeInline]
    readonly_fields = ["status", "created_at"]
    fieldsets = [
        (
            None,
            {"fields": ["congress", "term", "electoral_unit", "name", "gender", "ethnicity", "birth_year", "party"]},
        ),
        (_("Occupation"), {"fields": ["occupation", "employer", "is_grassroots"]}),
        (_("Personal data (confidential)"), {"fields": ["mobile", "id_number", "address", "email"]}),
        (_("Public profile"), {"fields": ["public_bio", "is_public"]}),
        (_("Status and account"), {"fields": ["status", "elected_on", "user", "served_by", "created_at"]}),
    ]

    def get_queryset(self, request):
        # Not the plain congress filter: the city office also serves the NPC and provincial
        # deputies elected in the city (accounts.roles.deputy_scope_q).
        # Also those it serves by name (``served_by``): see deputies.selectors.reach_q.
        return selectors.reached(admin.ModelAdmin.get_queryset(self, request), request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_personal_data(request.user, obj):
            return fieldsets
        # Without the permission the private fields are neither shown nor submitted.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in PERSONAL_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if can_view_personal_data(request.user):
            fields.append("=mobile")
        return fields

    @admin.display(description=_("Mobile number"))
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    @admin.display(description=_("Has an account"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None

    def save_model(self, request, obj, form, change):
        # The status is read-only here: a new deputy serves (the default); changes go through the services.
        super().save_model(request, obj, form, change)
        if obj.user_id:
            from accounts.services import user_sync_roles

            user_sync_roles(user=obj.user)


@admin.register(StandingCommitteeMember)
class StandingCommitteeMemberAdmin(ScopedModelAdmin):
    congress_path = "term__congress_id"
    list_display = ["deputy", "position", "term", "start_date", "end_date"]
    list_filter = ["position", "term"]
    search_fields = ["deputy__name"]
    autocomplete_fields = ["deputy"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.deputy.user_id:
            from accounts.services import user_sync_roles

            user_sync_roles(user=obj.deputy.user)


class StatusChangeForm(forms.ModelForm):
    """Suspend, resume or terminate a deputy: validated against the transition table."""

    class Meta:
        model = StatusChange
        fields = ["deputy", "kind", "reason", "effective_date", "note"]

    def clean(self):
        data = super().clean()
        deputy, kind, reason = data.get("deputy"), data.get("kind"), data.get("reason")
        if not deputy or not kind:
            return data
        if kind == StatusChange.Kind.CONFIRM:
            raise forms.ValidationError(_("Confirmation goes through a credentials review report."))
        sources = workflow.DEPUTY_STATUS.leaves_from(kind)
        if deputy.status not in sources:
            raise forms.ValidationError(
                _("Deputy “%(name)s” is “%(status)s”; this change is not possible.")
                % {"name": deputy.name, "status": deputy.get_status_display()}
            )
        if kind == StatusChange.Kind.TERMINATE and reason not in services.TERMINATION_REASONS:
            self.add_error("reason", _("Choose a legal ground for the termination."))
        if kind == StatusChange.Kind.SUSPEND and reason not in services.SUSPENSION_REASONS:
            self.add_error("reason", _("Choose a ground for the suspension."))
        return data


@admin.register(StatusChange)
class StatusChangeAdmin(ScopedModelAdmin):
    """Adding a row runs the service (it changes the status and opens a vacancy); rows are never edited."""

    congress_path = "deputy__congress_id"
    form = StatusChangeForm
    list_display = ["deputy", "kind", "reason", "from_status", "to_status", "effective_date", "actor", "created_at"]
    list_filter = ["kind", "reason"]
    search_fields = ["deputy__name"]
    autocomplete_fields = ["deputy"]
    list_select_related = ["deputy", "actor"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "deputy": data["deputy"],
            "effective_date": data["effective_date"],
            "note": data["note"],
        }
        try:
            if data["kind"] == StatusChange.Kind.SUSPEND:
                result = services.deputy_suspend(reason=data["reason"], **common)
            elif data["kind"] == StatusChange.Kind.RESUME:
                result = services.deputy_resume(**common)
            else:
                result = services.deputy_terminate(reason=data["reason"], **common).vacated_by.status_changes.first()
        except (InvalidTransition, NotAllowed) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            return
        obj.pk = result.pk

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # the service refused; the message says why
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyScopedModelAdmin):
    """Vacancies follow from terminations and by-elections; nobody types them in."""

    congress_path = "term__congress_id"
    list_display = [
        "vacated_by",
        "electoral_unit",
        "term",
        "opened_on",
        "status",
        "filled_by",
        "filled_on",
        "by_election_link",
    ]
    list_filter = ["status", "electoral_unit", "term"]
    search_fields = ["vacated_by__name", "filled_by__name"]
    list_select_related = ["vacated_by", "electoral_unit", "term", "filled_by", "by_election_result"]

    @admin.display(description=_("By-election"))
    def by_election_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        result = getattr(obj, "by_election_result", None)
        if result is not None:
            return result.deputy.name
        if obj.status != Vacancy.Status.OPEN:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:deputies_vacancy_by_election", args=[obj.pk]), _("Record by-election")
        )

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:pk>/by-election/",
                self.admin_site.admin_view(self.by_election_view),
                name="deputies_vacancy_by_election",
            )
        ] + super().get_urls()

    def by_election_view(self, request, pk):
        """Record the by-election for an open vacancy through the service."""
        from django.shortcuts import get_object_or_404, redirect
        from django.template.response import TemplateResponse

        from .forms import ByElectionForm

        vacancy = get_object_or_404(self.get_queryset(request).select_related("vacated_by", "term"), pk=pk)
        form = ByElectionForm(request.POST or None, term=vacancy.term)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.by_election_record(
                    actor=request.user,
                    vacancy=vacancy,
                    held_on=form.cleaned_data["held_on"],
                    held_by=form.cleaned_data["held_by"],
                    review=form.cleaned_data["review"],
                    elected=form.elected_fields(),
                )
            except (InvalidTransition, NotAllowed) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _("By-election recorded: %(name)s awaits the credentials review.") % {"name": result.deputy.name},
                    messages.SUCCESS,
                )
                return redirect("admin:deputies_vacancy_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record by-election"),
            "vacancy": vacancy,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/deputies/vacancy/by_election.html", context)


class ByElectionResultInline(admin.TabularInline):
    model = ByElectionResult
    extra = 0
    readonly_fields = ["deputy", "vacancy"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ByElection)
class ByElectionAdmin(ScopedModelAdmin):
    congress_path = "term__congress_id"
    list_display = ["electoral_unit", "term", "held_on", "held_by", "review"]
    list_filter = ["electoral_unit", "term"]
    inlines = [ByElectionResultInline]

    def has_add_permission(self, request):
        # By-elections are recorded from an open vacancy (services.by_election_record).
        return False


@admin.register(CredentialsReview)
class CredentialsReviewAdmin(ScopedModelAdmin):
    congress_path = "term__congress_id"
    list_filter = ["status", "term"]
    readonly_fields = ["status", "approved_on"]
    actions = ["approve"]
    list_display = ["title", "term", "meeting_date", "status", "approved_on", "report_link"]

    @admin.display(description=_("Report"))
    def report_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a>', reverse("admin:deputies_credentialsreview_report", args=[obj.pk]), _("View report")
        )

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="deputies_credentialsreview_report",
            )
        ] + super().get_urls()

    def report_view(self, request, pk):
        """The report to the SC: terminations and by-elected deputies since the last review, and the counts."""
        from django.shortcuts import get_object_or_404
        from django.template.response import TemplateResponse

        from .reports import credentials_report

        review = get_object_or_404(self.get_queryset(request).select_related("term__congress"), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": review.title,
            "review": review,
            "opts": self.model._meta,
            **credentials_report(review=review),
        }
        return TemplateResponse(request, "admin/deputies/credentialsreview/report.html", context)

    @admin.action(description=_("SC confirms the selected reports (by-elected deputies start serving)"))
    def approve(self, request, queryset):
        from django.utils import timezone

        for review in queryset:
            try:
                n = services.credentials_review_approve(
                    actor=request.user, review=review, approved_on=timezone.localdate()
                )
                self.message_user(request, _("%(title)s: %(n)d deputies confirmed.") % {"title": review.title, "n": n})
            except (InvalidTransition, NotAllowed) as exc:
                self.message_user(
                    request, f"{review}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )


@admin.register(PerformanceAssistant)
class PerformanceAssistantAdmin(ServedScopeAdminMixin, ScopedModelAdmin):
    congress_path = "deputy__congress_id"
    reach_path = "deputy"
    list_display = ["name", "deputy", "employer", "start_date", "end_date"]
    list_select_related = ["deputy"]
    search_fields = ["name", "deputy__name"]
    autocomplete_fields = ["deputy", "user"]


# --- Accounts, with import and export ------------------------------------------------------


class UserAdmin(PortalImportExportMixin, AccountUserAdmin):
    """The accounts page of ``accounts/admin.py`` plus Excel/CSV import and export of accounts."""

    resource_classes = [UserResource]


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
