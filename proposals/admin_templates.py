"""The Word templates of the office's letters in the admin: staff upload their own version of
the assignment letter, the reply summary or the urging notice (docxtpl fields, checked before
anything is saved), put one in use per congress and document, and download the shipped
defaults to start from. Scoped like every congress's data: staff see only their congresses."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin
from core.exceptions import NotAllowed
from core.uploads import DOCX
from core.views import download_response

from . import documents
from .models import DocumentTemplate


def fields_help() -> str:
    """Each document's fields and a link to its shipped default, for the upload form."""
    blocks = []
    for kind in DocumentTemplate.Kind:
        items = format_html_join("", "<li><code>{}</code>: {}</li>", documents.FIELDS[kind])
        blocks.append(
            format_html(
                '<p><strong>{}</strong> (<a href="{}">{}</a>)</p><ul>{}</ul>',
                kind.label,
                reverse("admin:proposals_documenttemplate_default", args=[kind.value]),
                _("download the shipped default"),
                items,
            )
        )
    intro = format_html(
        "<p>{}</p>",
        _(
            "A Word file (.docx) with docxtpl fields: {{ number }} for a value, {%p if … %} … {%p endif %} and "
            "{%p for … %} … {%p endfor %} around paragraphs, {%tr for … %} for table rows. Only the fields "
            "below may be used; the file is checked when it is uploaded."
        ),
    )
    return intro + format_html_join("", "{}", ((b,) for b in blocks))


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["congress", "kind", "file", "is_active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].help_text = fields_help()

    def _get_validation_exclusions(self):
        # The one constraint (one template in use per congress and document) is kept by the
        # service, which takes the previous one out of use: a new upload in use is no error, so
        # the model's check of that constraint is skipped (the form field still checks ``kind``).
        exclude = super()._get_validation_exclusions()
        exclude.add("kind")
        return exclude

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        kind = data.get("kind")
        if isinstance(upload, UploadedFile) and kind:
            try:
                documents.template_check(kind=kind, upload=upload)
            except ValidationError as exc:
                for message in exc.message_dict.get("file", exc.messages):
                    self.add_error("file", message)
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ScopedModelAdmin):
    form = DocumentTemplateForm
    list_display = ["kind", "congress", "is_active", "note", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "is_active", "congress"]
    search_fields = ["note"]
    list_select_related = ["congress", "uploaded_by"]
    actions = ["activate", "deactivate"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["congress", "kind", "file", "is_active", "note"]
        return ["congress", "kind", "template_file", "is_active", "note", "uploaded_by", "uploaded_at", "field_list"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # An uploaded file is what was checked: to change it, upload a new template.
        return ["congress", "kind", "template_file", "uploaded_by", "uploaded_at", "field_list"]

    @admin.display(description=_("Template file (.docx)"))
    def template_file(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:proposals_documenttemplate_download", args=[obj.pk]),
            obj.file.name.rsplit("/", 1)[-1],
        )

    @admin.display(description=_("Fields the template may use"))
    def field_list(self, obj):
        return format_html_join(", ", "<code>{}</code>", ((name,) for name in documents.field_names(obj.kind)))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        try:
            documents.template_save(actor=request.user, template=obj)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc

    def _run(self, request, queryset, func, done_message):
        done = 0
        for template in queryset.order_by("uploaded_at"):
            try:
                func(actor=request.user, template=template)
                done += 1
            except NotAllowed as exc:
                self.message_user(request, f"{template}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Put the selected template in use"))
    def activate(self, request, queryset):
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Choose exactly one template to put in use."), messages.ERROR)
            return
        self._run(
            request,
            queryset,
            documents.template_activate,
            _("The template is in use; the one in use before it for that document was taken out of use."),
        )

    @admin.action(description=_("Take the selected templates out of use (use the shipped default)"))
    def deactivate(self, request, queryset):
        self._run(
            request,
            queryset,
            documents.template_deactivate,
            _("%(n)d template(s) taken out of use; those documents use the shipped default again."),
        )

    def get_urls(self):
        return [
            path(
                "default/<str:kind>/",
                self.admin_site.admin_view(self.default_view),
                name="proposals_documenttemplate_default",
            ),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="proposals_documenttemplate_download",
            ),
        ] + super().get_urls()

    def default_view(self, request, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind not in DocumentTemplate.Kind.values:
            raise Http404
        label = DocumentTemplate.Kind(kind).label
        content = documents.default_path(kind).read_bytes()
        return download_response(content, filename=f"{label}-默认模板.docx", content_type=DOCX)

    def download_view(self, request, pk: int):
        template = self.get_queryset(request).filter(pk=pk).first()
        if template is None or not self.has_view_permission(request, template):
            raise Http404
        try:
            handle = template.file.open("rb")
        except FileNotFoundError:
            raise Http404
        return download_response(
            handle, filename=f"{template.get_kind_display()}-{template.pk}.docx", content_type=DOCX
        )
