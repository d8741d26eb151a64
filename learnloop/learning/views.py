from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from learnloop.permissions import require


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, "learning.use")
    return render(request, "learning/home.html")
