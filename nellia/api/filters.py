"""Shared filter backends for `/api/` lists."""

from django.db.models import F, QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class NullsLastOrderingFilter(OrderingFilter):
    """`?ordering=-relevance_score`: empty values sort last both ways, and `id` breaks ties (stable pages)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = [
            F(field[1:]).desc(nulls_last=True) if field.startswith("-") else F(field).asc(nulls_last=True)
            for field in ordering
        ]
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            expressions.append(F("id").desc())
        return queryset.order_by(*expressions)
