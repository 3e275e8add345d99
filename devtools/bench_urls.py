"""The portal's URLs plus the hello-world view that `make bench` measures every page against, in the same server."""

from django.http import HttpResponse
from django.urls import path

from meister.urls import urlpatterns as portal_patterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *portal_patterns]
