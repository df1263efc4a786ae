"""An Atom feed of replies as they become public (a reply to a published item, or an item being published).

On PostgreSQL each entry is stored once drawn (``proposals.renditions``, key ``entry:<reply id>``)
and reused while its item is unchanged: a request reads which thirty replies are the newest and
their stored entries, and draws only the entries missing or out of date, with Django's feed
writer, as the whole feed is drawn without renditions. An entry's links are absolute: the
scheme and host are stored as a marker and the request's own put in.
"""

import io

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, SimplerXMLGenerator
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.text import render_body

from . import renditions
from .cache import serve
from .selectors.public import latest_public_replies, public_replies_by_id


def _joined(response: HttpResponse) -> HttpResponse:
    """The response's body as one piece: Django's feed writer leaves it in dozens of small
    pieces, and a WSGI server sends each piece in a write of its own."""
    response.content = response.content
    return response


class KeptEntriesFeed(Atom1Feed):
    """An Atom feed whose entries are already written (``entries``, newest first)."""

    def __init__(self, *args, entries: list[str], latest, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries, self.latest = entries, latest

    def latest_post_date(self):
        return self.latest or super().latest_post_date()

    def write_items(self, handler):
        for entry in self.entries:
            handler._write(entry)


def entry_xml(feed: Atom1Feed, item: dict) -> str:
    """One <entry> as Atom1Feed.write_items writes it."""
    out = io.StringIO()
    handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
    handler.startElement("entry", feed.item_attributes(item))
    feed.add_item_elements(handler, item)
    handler.endElement("entry")
    return out.getvalue()


class PublishedRepliesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # From the page cache for anonymous readers (proposals.cache), like the other public pages.
        if renditions.enabled():
            return serve(request, lambda: self._from_renditions(request))
        return serve(request, lambda: _joined(super(PublishedRepliesFeed, self).__call__(request, *args, **kwargs)))

    def _from_renditions(self, request):
        language = get_language()
        found = renditions.latest_entries(30, language)
        keys = [key for key, _ in found]
        wanted = [(k.suggestion_id, f"entry:{k.pk}") for k in keys]
        stored = {pair: html for pair, (_, html) in zip(wanted, found, strict=True) if html is not None}
        missing = [k for k, pair in zip(keys, wanted, strict=True) if pair not in stored]
        origin = f"{request.scheme}://{request.get_host()}"
        if missing:
            revisions = renditions.revisions(sorted({k.suggestion_id for k in missing}))
            drawn = type(self)()
            drawn.only = public_replies_by_id([k.pk for k in missing])
            feed = drawn.get_feed(None, request)
            parts = []
            for reply, item in zip(drawn.only, feed.items, strict=True):
                xml = entry_xml(feed, item)
                # Stored without the scheme and host, in the links only (a reply's text may
                # quote the site's address; it is escaped in the summary).
                xml = xml.replace(f'href="{origin}/', 'href="/').replace(f"<id>{origin}/", "<id>/")
                pair = (reply.assignment.suggestion_id, f"entry:{reply.pk}")
                stored[pair] = xml
                if pair[0] in revisions:
                    parts.append((pair[0], pair[1], revisions[pair[0]], "", xml))
            renditions.store(parts, language)
        entries = [
            stored[pair].replace('href="/', f'href="{origin}/').replace("<id>/", f"<id>{origin}/")
            for pair in wanted
            if pair in stored
        ]
        bare = type(self)()
        bare.only = []
        header = bare.get_feed(None, request)
        feed = KeptEntriesFeed(entries=entries, latest=keys[0].public_at if keys else None, **header.feed)
        out = io.StringIO()
        feed.write(out, "utf-8")
        response = HttpResponse(out.getvalue(), content_type=feed.content_type)
        response.headers["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        return response

    def title(self):
        return _("Replies to deputies' suggestions")

    def subtitle(self):
        return _("Replies of the handling units to deputies' suggestions, as they are published.")

    def link(self):
        return reverse("proposals:list")

    def feed_url(self):
        return reverse("proposals:feed")

    # The replies to draw, when only some entries are missing (see _from_renditions).
    only = None

    def items(self):
        if self.only is not None:
            return self.only
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
