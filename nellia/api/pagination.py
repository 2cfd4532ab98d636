from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request


class KnownCountPaginator(Paginator):
    """A Django paginator told the total (no COUNT query)."""

    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # `count` is a cached_property


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M` (default 20, max 100) → `{count, next, previous, results}`."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        """A view may know the total without counting: `view.known_count(queryset) -> int | None`. Otherwise a
        first page that holds the whole list (one row more is read to know) is its own count; other pages COUNT."""
        known = getattr(view, "known_count", None)
        count = known(queryset) if known is not None else None
        size = self.get_page_size(request)
        object_list: QuerySet | list = queryset
        if count is None and size and request.query_params.get(self.page_query_param) in (None, "", "1"):
            rows = list(queryset[: size + 1])
            count = len(rows) if len(rows) <= size else queryset.count()
            object_list = rows[:size]  # the first page, sliced from the list (no second query)
        paginator: Any = Paginator if count is None else partial(KnownCountPaginator, count=count)
        self.django_paginator_class = paginator
        return super().paginate_queryset(object_list, request, view)  # type: ignore[arg-type]
