"""Admin forms of the stories: validation only (text cleaned, deputies of the story's congress,
photos checked and re-encoded by content)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.text import clean_text

from . import services
from .models import Story, StoryPhoto


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["congress", "title", "summary", "body", "published_on", "deputies"]

    def _clean_plain(self, name: str) -> str:
        return clean_text(self.cleaned_data.get(name) or "")

    def clean_title(self):
        value = self._clean_plain("title")
        if not value:
            raise ValidationError(_("Give the story a title."))
        return value

    def clean_summary(self):
        return self._clean_plain("summary")

    def clean_body(self):
        value = self._clean_plain("body")
        if not value:
            raise ValidationError(_("Write the story's text."))
        return value

    def clean(self):
        data = super().clean()
        congress, deputies = data.get("congress"), data.get("deputies")
        if congress is not None and deputies is not None:
            try:
                services.check_story_deputies(congress_id=congress.pk, deputies=list(deputies))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class StoryPhotoForm(forms.ModelForm):
    # A plain file input: the admin's default one links to the media URL, which is not served.
    file = forms.FileField(label=_("Photo"), help_text=_("A JPEG or PNG image."), widget=forms.FileInput)

    class Meta:
        model = StoryPhoto
        fields = ["file", "caption", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A saved photo keeps its file unless a new one is chosen.
            self.fields["file"].required = False
        self._checked_extension = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or upload is False or not hasattr(upload, "content_type"):
            return self.instance.file if self.instance.pk else upload
        try:
            self._checked_extension = services.check_photo(upload)
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["file"][0].messages) from exc
        return upload

    def clean_caption(self):
        return clean_text(self.cleaned_data.get("caption") or "")

    def save(self, commit=True):
        replaced = (
            self.instance.pk and StoryPhoto.objects.filter(pk=self.instance.pk).values_list("file", flat=True).first()
        )
        photo = super().save(commit=False)
        if self._checked_extension is not None:
            services.photo_prepare(photo, self.cleaned_data["file"], self._checked_extension)
            if replaced:
                # The replaced picture leaves the disk once the new one is saved for good.
                storage = photo.file.storage
                transaction.on_commit(lambda: storage.delete(replaced))
        if commit:
            photo.save()
        return photo
