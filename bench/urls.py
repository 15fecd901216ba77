"""Routed only when settings.NEWSBOARD_BENCH is on (newsboard/urls.py): the benchmark's "limit"."""

from django.urls import path

from bench import reference

urlpatterns = [
    path("reference/<int:size>/", reference.reference_page, name="bench_reference"),
    path("loop/<int:rows>/", reference.loop_page, name="bench_loop"),
]
