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
        model = queryset.model

        def nullable(name: str) -> bool:
            try:
                return model._meta.get_field(name).null
            except Exception:  # an annotation or a related path: keep NULLS LAST
                return True

        # NULLS LAST only where NULLs can exist: on NOT NULL columns it would stop PostgreSQL from using the
        # (owner, -created_at)-style indexes and sort every row of the user instead.
        expressions = [
            F(field[1:]).desc(nulls_last=True if nullable(field[1:]) else None)
            if field.startswith("-")
            else F(field).asc(nulls_last=True if nullable(field) else None)
            for field in ordering
        ]
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            expressions.append(F("id").desc())
        return queryset.order_by(*expressions)
