"""One trivial page, served through the project's whole middleware stack: the load drill's baseline."""

from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("hello/", hello)]
