"""Shared filter backends for `/api/` lists."""

from django.db.models import F, Model, OrderBy, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request

from nellia.search import UnaccentIContains


def ordered_by(model: type[Model], field: str) -> OrderBy:
    """`field` (`-field`: descending) with empty values last, where the column can be empty at all: NULLS LAST on a
    NOT NULL column would stop PostgreSQL from walking the (owner, -created_at)-style indexes (it sorts every row
    of the user instead)."""
    name = field.lstrip("-")
    try:
        nulls_last = True if getattr(model._meta.get_field(name), "null", True) else None
    except Exception:  # an annotation or a related path: keep NULLS LAST
        nulls_last = True
    return F(name).desc(nulls_last=nulls_last) if field.startswith("-") else F(name).asc(nulls_last=nulls_last)


class NullsLastOrderingFilter(OrderingFilter):
    """`?ordering=-relevance_score`: empty values sort last both ways, and `id` breaks ties (stable pages)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = [ordered_by(queryset.model, field) for field in ordering]
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            expressions.append(F("id").desc())
        return queryset.order_by(*expressions)


class UnaccentSearchFilter(SearchFilter):
    """`?search=`: each term in any search field, ignoring case and accents, from trigram indexes (nellia/search.py)."""

    default_lookup = UnaccentIContains.lookup_name


class ParamFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the filters: building a FilterSet and its form
    deep-copies every filter and form field (~2 ms per list request); with no parameter, no filter applies anyway
    (the FilterSets here have no defaults)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not set(request.query_params).intersection(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
