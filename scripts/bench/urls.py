"""The project's URLs plus one trivial page through the whole middleware stack: the baseline."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

HELLO_PATH = "/__bench__/hello/"


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path(HELLO_PATH.lstrip("/"), hello), *project_urlpatterns]
