"""The floor: a bare Django view doing one indexed SELECT (a file's number by primary key),
through the same middleware as every page. Every operation is read as a ratio to it."""

from django.http import HttpResponse, HttpResponseNotFound

from workspace.models import File


def floor(request, pk: int):
    number = File.objects.filter(pk=pk).values_list("number", flat=True).first()
    if number is None:
        return HttpResponseNotFound("no such file")
    return HttpResponse(number, content_type="text/plain")
