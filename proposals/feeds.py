"""An Atom feed of replies as they become public (a reply to a published item, or an item being published)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.text import render_body

from .cache import serve
from .selectors.public import latest_public_replies


class PublishedRepliesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # From the page cache for anonymous readers (proposals.cache), like the other public pages.
        return serve(request, lambda: super(PublishedRepliesFeed, self).__call__(request, *args, **kwargs))

    def title(self):
        return _("Replies to deputies' suggestions")

    def subtitle(self):
        return _("Replies of the handling units to deputies' suggestions, as they are published.")

    def link(self):
        return reverse("proposals:list")

    def feed_url(self):
        return reverse("proposals:feed")

    def items(self):
        return latest_public_replies(limit=30)

    def item_title(self, reply):
        # Atom titles are plain text: the feed writer escapes them.
        suggestion = reply.assignment.suggestion
        return _("%(number)s %(title)s: reply of %(unit)s (%(category)s)") % {
            "number": suggestion.number_label,
            "title": suggestion.title,
            "unit": reply.assignment.unit.name,
            "category": reply.category.code,
        }

    def item_description(self, reply):
        # The summary is HTML in Atom: the text is escaped first (render_body), so a
        # reader shows "<script>" as text instead of running it.
        return render_body(reply.text)

    def item_link(self, reply):
        return reverse("proposals:detail", args=[reply.assignment.suggestion_id]) + f"#reply-{reply.pk}"

    def item_pubdate(self, reply):
        return reply.public_at

    def item_updateddate(self, reply):
        return reply.public_at

    def item_author_name(self, reply):
        return reply.assignment.unit.name

    def item_categories(self, reply):
        return [str(reply.category)]
