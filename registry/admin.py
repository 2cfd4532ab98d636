"""Read-only admin for the registry: the data comes from the Receita's files (`registry_import`), never edited here.

Lists of the big tables never count all their rows (a capped count, like the API's) and search by exact CNPJ or
by folded name (accents and case ignored, the trigram indexes on PostgreSQL).
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from registry.importing import fold_name
from registry.models import (
    Cnae,
    Company,
    Establishment,
    ImportedFile,
    Motivo,
    Municipio,
    NaturezaJuridica,
    Pais,
    Partner,
    Qualificacao,
    Simples,
)


class CappedCountPaginator(Paginator):
    """Counts at most REGISTRY_COUNT_CAP rows (+1): a full COUNT(*) over millions of rows is too slow."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list  # the changelist's queryset; a list needs no cap
        return rows[: settings.REGISTRY_COUNT_CAP + 1].count() if isinstance(rows, QuerySet) else len(rows)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BigTableAdmin(ReadOnlyAdmin):
    paginator = CappedCountPaginator
    show_full_result_count = False
    name_lookups: tuple[str, ...] = ()  # lookups given the folded term (accents and case dropped)
    key_field = "pk"  # searched by its beginning when the term is a number

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = "".join(ch for ch in term if ch.isdigit())
        if digits and len(digits) == len(term.replace(".", "").replace("/", "").replace("-", "")):
            return queryset.filter(**{f"{self.key_field}__startswith": digits}), False
        folded = fold_name(term)
        condition = Q()
        for lookup in self.name_lookups:
            condition |= Q(**{lookup: folded})
        return queryset.filter(condition), False


@admin.register(Establishment)
class EstablishmentAdmin(BigTableAdmin):
    list_display = ("cnpj", "nome_fantasia", "company", "situacao", "cnae_principal_id", "uf", "municipio", "email")
    list_filter = ("situacao", "uf", "matriz", "company__porte", "removed_month")
    list_select_related = ("company", "municipio")
    search_fields = ("cnpj",)
    search_help_text = "A CNPJ (or its beginning) or part of the nome fantasia / razão social."
    name_lookups = ("search_name__contains",)
    raw_id_fields = ("company", "cnae_principal", "municipio")


@admin.register(Company)
class CompanyAdmin(BigTableAdmin):
    list_display = ("cnpj_basico", "razao_social", "natureza_juridica_id", "porte", "capital_social", "month")
    list_filter = ("porte", "removed_month")
    search_fields = ("cnpj_basico",)
    search_help_text = "A CNPJ básico (8 digits) or part of the razão social."
    name_lookups = ("search_name__contains",)
    raw_id_fields = ("natureza_juridica",)


@admin.register(Simples)
class SimplesAdmin(BigTableAdmin):
    list_display = ("cnpj_basico", "simples", "simples_since", "mei", "mei_since")
    list_filter = ("simples", "mei")
    search_fields = ("cnpj_basico",)


@admin.register(Partner)
class PartnerAdmin(BigTableAdmin):
    list_display = ("company_id", "name", "kind", "document", "qualificacao", "joined_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    search_help_text = "A CNPJ básico or part of the partner's name."
    name_lookups = ("name__icontains",)
    key_field = "company_id"
    raw_id_fields = ("company",)


@admin.register(Cnae, NaturezaJuridica, Motivo, Pais, Qualificacao)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")


@admin.register(Municipio)
class MunicipioAdmin(ReadOnlyAdmin):
    list_display = ("code", "description", "ibge_code")
    search_fields = ("code", "description", "ibge_code")


@admin.register(ImportedFile)
class ImportedFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "month", "kind", "status", "rows", "rejected", "started_at", "finished_at")
    list_filter = ("status", "kind", "month")
