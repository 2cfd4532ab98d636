"""List pages represented from `.values()` rows, exactly as a ModelSerializer represents model instances."""

import json
import re
from functools import cached_property
from typing import Any

import orjson
from django.db import models
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from rest_framework.serializers import ModelSerializer

Step = tuple[Any, str, Any]  # (output key, row key, the field's to_representation)


# A run of 19 digits: maybe an integer beyond 64 bits, which orjson reads as a float and the stdlib exactly.
_LONG_NUMBER = re.compile(r"\d{19}")


def _json_value(text: str) -> Any:
    """A JSON column's text decoded as Django's JSONField decodes it (orjson: several times the stdlib's speed)."""
    return json.loads(text) if _LONG_NUMBER.search(text) else orjson.loads(text)


class RowRepresentation:
    """How `serializer_class` represents an instance, applied to rows of the columns its fields read: each field's
    own `to_representation`, without what a page of wide rows spends around it — a model instance per row,
    DRF's generic attribute lookup, the stdlib decoding of every JSON column and a deep copy of the serializer's
    fields per request. JSON columns are fetched as their text and decoded by orjson.

    Every readable field's `source` must be a concrete column of the model (no methods, relations or `*`).
    """

    def __init__(self, serializer_class: type[ModelSerializer]):
        self.serializer_class = serializer_class

    @cached_property
    def _plan(self) -> tuple[list[str], dict[str, Cast], list[Step]]:
        serializer = self.serializer_class()
        opts = serializer.Meta.model._meta  # type: ignore[attr-defined]
        columns: list[str] = []
        json_text: dict[str, Cast] = {}
        steps: list[Step] = []
        for field in serializer._readable_fields:
            column = opts.get_field(field.source)
            if not column.concrete or column.many_to_many or column.one_to_many:
                raise ValueError(f"{field.field_name}: not a column of {opts.label}")
            if isinstance(column, models.JSONField):
                key = f"{column.attname}_json"
                json_text[key] = Cast(column.attname, TextField())
                steps.append((field.field_name, key, lambda text, field=field: field.to_representation(_json_value(text))))
            else:
                key = column.attname
                columns.append(key)
                steps.append((field.field_name, key, field.to_representation))
        return columns, json_text, steps

    def values(self, queryset: QuerySet) -> QuerySet:
        """`queryset` (filtered, ordered) as the rows `represent` reads."""
        columns, json_text, _ = self._plan
        return queryset.values(*columns, **json_text)

    def represent(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """What `serializer_class(instances, many=True).data` would be for the instances of `rows`."""
        steps = self._plan[2]
        return [
            {name: None if (value := row[key]) is None else represent(value) for name, key, represent in steps}
            for row in rows
        ]
