"""Staff screens of the desk. Thin: parse, call one service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "workspace/home.html")
