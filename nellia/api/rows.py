"""List pages represented from `.values()` rows, exactly as a ModelSerializer represents model instances."""

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from rest_framework.serializers import ModelSerializer

Step = tuple[Any, str, Any]  # (output key, row key, the field's to_representation)


class RowRepresentation:
    """How `serializer_class` represents an instance, applied to `.values()` rows of the columns its fields read:
    each field's own `to_representation` on the value the model would hold (`.values()` applies the same
    converters, JSON decoding included), without what a page of wide rows spends around it — a model instance per
    row (~40 fields), DRF's generic attribute lookup and a deep copy of the serializer's fields per request.

    Every readable field's `source` must be a concrete column of the model (no methods, relations or `*`).
    """

    def __init__(self, serializer_class: type[ModelSerializer]):
        self.serializer_class = serializer_class

    @cached_property
    def _plan(self) -> tuple[list[str], list[Step]]:
        serializer = self.serializer_class()
        opts = serializer.Meta.model._meta  # type: ignore[attr-defined]
        columns: list[str] = []
        steps: list[Step] = []
        for field in serializer._readable_fields:
            column = opts.get_field(field.source)
            if not column.concrete or column.many_to_many or column.one_to_many:
                raise ValueError(f"{field.field_name}: not a column of {opts.label}")
            columns.append(column.attname)
            steps.append((field.field_name, column.attname, field.to_representation))
        return columns, steps

    def values(self, queryset: QuerySet) -> QuerySet:
        """`queryset` (filtered, ordered) as the rows `represent` reads."""
        return queryset.values(*self._plan[0])

    def represent(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """What `serializer_class(instances, many=True).data` would be for the instances of `rows`."""
        steps = self._plan[1]
        return [
            {name: None if (value := row[key]) is None else represent(value) for name, key, represent in steps}
            for row in rows
        ]
