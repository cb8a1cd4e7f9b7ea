"""The learner's wallet pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.issuing.selectors import credentials_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "wallet/home.html", {"credentials": credentials_of(request.user)})
