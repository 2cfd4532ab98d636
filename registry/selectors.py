"""Reads of the registry: the establishment search (`search`), one record (`get_establishment`), counts.

The search walks establishments in CNPJ order (the keyset of the cursor), active ones by default, through the
partial indexes on (CNAE division, UF) and (UF, município); names are matched on folded text (trigram indexes on
PostgreSQL). Counts are exact up to REGISTRY_COUNT_CAP, then reported as "at least the cap".
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.http import Http404

from registry.cnae import CnaeFilter
from registry.ibge import IBGE_LENGTH
from registry.importing import fold_name
from registry.models import Company, Establishment, Municipio, Partner, Simples

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import NegatedExpression
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

PORTES = {"me": Company.Porte.ME, "epp": Company.Porte.EPP, "demais": Company.Porte.DEMAIS}
PORTE_NAMES = {code: name for name, code in PORTES.items()}
SITUACOES = {label.lower(): code for code, label in Establishment.Situacao.choices}
SITUACAO_NAMES = {code: name for name, code in SITUACOES.items()}


@dataclass
class SearchFilters:
    """A validated search (see `registry.serializers.SearchQuerySerializer` for the query-string form)."""

    cnae: list[CnaeFilter] = field(default_factory=list)
    cnae_scope: str = "main"  # "main" or "any" (main + secondary)
    uf: list[str] = field(default_factory=list)
    municipio: list[str] = field(default_factory=list)  # Receita codes, IBGE codes or names
    porte: list[str] = field(default_factory=list)  # Company.Porte codes
    situacao: list[str] = field(default_factory=lambda: [Establishment.Situacao.ATIVA])
    opened_after: date | None = None
    opened_before: date | None = None
    capital_min: Decimal | None = None
    capital_max: Decimal | None = None
    matriz: bool | None = None
    has_email: bool | None = None
    has_phone: bool | None = None
    simples: bool | None = None
    mei: bool | None = None
    search: str = ""


def _cnae_q(item: CnaeFilter, scope: str) -> Q:
    if item.prefix:
        q = Q(cnae_division=item.divisions[0], cnae_principal__code__startswith=item.prefix)
        secondary = [f",{item.prefix}"]
    else:
        q = Q(cnae_division__in=item.divisions)
        secondary = [f",{division:02d}" for division in item.divisions]
    if scope == "any":
        for text in secondary:
            q |= Q(cnaes_secundarios__contains=text)
    return q


def _bool(q: Q | Exists, value: bool | None) -> Q | Exists | NegatedExpression | None:
    return None if value is None else (q if value else ~q)


def municipio_codes(values: list[str]) -> list[str]:
    """Receita município codes for validated values: Receita codes (4 digits) as they are; IBGE codes (7 digits)
    and names (a name may match towns in several UFs) through one query of the município table."""
    codes = [v for v in values if v.isdigit() and len(v) != IBGE_LENGTH]
    ibge_codes = [v for v in values if v.isdigit() and len(v) == IBGE_LENGTH]
    names = [fold_name(v).strip() for v in values if not v.isdigit()]
    if ibge_codes or names:
        codes += Municipio.objects.filter(Q(ibge_code__in=ibge_codes) | Q(search_name__in=names)).values_list(
            "code", flat=True)
    return codes


NAME_WORDS = re.compile(r"[a-z0-9]+")


class NameMatch(Func):
    """PostgreSQL full-text match of an establishment's names: every word, whole (`transportes & silva`; a prefix
    match costs 5-10x more on common words), against `search_vector`, the stored `tsvector` of `search_name`
    that migration 0002 adds (with its GIN index)."""

    output_field = BooleanField()

    def __init__(self, words: list[str]):
        super().__init__(Value(" & ".join(words)))

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, function: str | None = None,
               template: str | None = None, arg_joiner: str | None = None, **extra: Any) -> _AsSqlType:
        query, params = compiler.compile(self.source_expressions[0])
        table = compiler.quote_name_unless_alias(Establishment._meta.db_table)
        return f"{table}.search_vector @@ to_tsquery('simple', {query})", params


def name_matches(words: list[str]) -> Q | NameMatch:
    """Names holding every word (whole words on PostgreSQL; anywhere in the name elsewhere: SQLite, at demo
    scale)."""
    if connection.vendor == "postgresql":
        return NameMatch(words)
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    return condition


def search(filters: SearchFilters) -> QuerySet[Establishment]:
    """Establishments matching `filters`, in CNPJ order (removed ones never)."""
    queryset = Establishment.objects.filter(removed_month="")
    if filters.situacao:
        queryset = queryset.filter(situacao__in=filters.situacao)
    if filters.cnae:
        cnae_q = Q()
        for item in filters.cnae:
            cnae_q |= _cnae_q(item, filters.cnae_scope)
        queryset = queryset.filter(cnae_q)
    if filters.uf:
        queryset = queryset.filter(uf__in=filters.uf)
    if filters.municipio:
        queryset = queryset.filter(municipio_id__in=municipio_codes(filters.municipio))
    if filters.porte:
        queryset = queryset.filter(company__porte__in=filters.porte)
    if filters.opened_after:
        queryset = queryset.filter(opened_at__gte=filters.opened_after)
    if filters.opened_before:
        queryset = queryset.filter(opened_at__lte=filters.opened_before)
    if filters.capital_min is not None:
        queryset = queryset.filter(company__capital_social__gte=filters.capital_min)
    if filters.capital_max is not None:
        queryset = queryset.filter(company__capital_social__lte=filters.capital_max)
    if filters.matriz is not None:
        queryset = queryset.filter(matriz=filters.matriz)
    simples_rows = Simples.objects.filter(cnpj_basico=OuterRef("company_id"))
    for q in (
        _bool(Q(has_email=True), filters.has_email),
        _bool(Q(has_phone=True), filters.has_phone),
        _bool(Exists(simples_rows.filter(simples=True)), filters.simples),
        _bool(Exists(simples_rows.filter(mei=True)), filters.mei),
    ):
        if q is not None:
            queryset = queryset.filter(q)
    words = NAME_WORDS.findall(fold_name(filters.search))
    if words:  # nome fantasia and razão social, both in `search_name`
        queryset = queryset.filter(name_matches(words))
    return queryset.order_by("cnpj")


# A search result's values: plain columns, and aliases for joined or renamed ones.
RESULT_COLUMNS = ("cnpj", "nome_fantasia", "uf", "email", "phone1", "phone2", "opened_at")
RESULT_ALIASES = {
    "razao_social": F("company__razao_social"),
    "cnae_code": F("cnae_principal_id"),
    "cnae_description": F("cnae_principal__description"),
    "municipio_name": F("municipio__description"),
    "municipio_ibge": F("municipio__ibge_code"),
    "porte_code": F("company__porte"),
    "situacao_code": F("situacao"),
}
# What a lead needs from an establishment (`registry.services.lead_row`).
LEAD_COLUMNS = (*RESULT_COLUMNS, "matriz", "cnae_division", "tipo_logradouro", "logradouro", "numero", "bairro", "cep")
LEAD_ALIASES = {**RESULT_ALIASES, "capital_social": F("company__capital_social")}


def lead_rows(*, cnpjs: list[str] | None = None, queryset: QuerySet[Establishment] | None = None,
              limit: int = 50) -> list[dict[str, Any]]:
    """Establishments as rows for leads: the given CNPJs (in that order; unknown ones left out), or the first
    `limit` of a search."""
    if cnpjs is not None:
        found = {row["cnpj"]: row for row in Establishment.objects.filter(cnpj__in=cnpjs).values(*LEAD_COLUMNS, **LEAD_ALIASES)}
        return [found[cnpj] for cnpj in cnpjs if cnpj in found]
    if queryset is None:
        raise TypeError("lead_rows() needs `cnpjs` or `queryset`.")
    return list(queryset.values(*LEAD_COLUMNS, **LEAD_ALIASES)[:limit])


def format_phone(value: str) -> str:
    """`1134567890` (DDD + number, as stored) → `(11) 3456-7890`."""
    return f"({value[:2]}) {value[2:-4]}-{value[-4:]}" if len(value) >= 10 else value


def encode_cursor(cnpj: str) -> str:
    return base64.urlsafe_b64encode(cnpj.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The CNPJ a cursor points after; ValueError for a cursor this API did not make."""
    try:
        cnpj = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("Invalid cursor.") from None
    if len(cnpj) != 14 or not cnpj.isdigit():
        raise ValueError("Invalid cursor.")
    return cnpj


@dataclass(frozen=True)
class Page:
    results: list[dict[str, Any]]
    next: str | None
    count: int
    count_is_exact: bool


def page(queryset: QuerySet[Establishment], *, after: str | None, size: int) -> Page:
    """One page of `search` results after the CNPJ `after`, with the capped count of the whole search."""
    cap = settings.REGISTRY_COUNT_CAP
    rows = list((queryset.filter(cnpj__gt=after) if after else queryset).values(*RESULT_COLUMNS, **RESULT_ALIASES)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    # A first page that holds the whole search is its count; otherwise only the key is selected, an index-only
    # scan of the partial indexes (which hold the contact flags).
    whole = after is None and not more
    count = len(rows) if whole else queryset.order_by().values("pk")[: cap + 1].count()
    return Page(
        results=rows,
        next=encode_cursor(rows[-1]["cnpj"]) if more else None,
        count=min(count, cap),
        count_is_exact=count <= cap,
    )


def get_establishment(cnpj: str) -> Establishment:
    """One establishment with its company (Http404 when the registry does not hold it)."""
    found = (
        Establishment.objects.select_related("company", "company__natureza_juridica", "cnae_principal", "municipio")
        .filter(cnpj=cnpj)
        .first()
    )
    if found is None:
        raise Http404("The registry holds no establishment with this CNPJ.")
    return found


def simples_of(cnpj_basico: str) -> Simples | None:
    return Simples.objects.filter(cnpj_basico=cnpj_basico).first()


def partners_of(cnpj_basico: str) -> QuerySet[Partner]:
    return Partner.objects.filter(company_id=cnpj_basico)


def cnae_descriptions(codes: list[str]) -> dict[str, str]:
    from registry.models import Cnae

    return dict(Cnae.objects.filter(code__in=codes).values_list("code", "description"))


def holds_data() -> bool:
    """Whether the registry holds any establishment (prospecting harvests from it only then)."""
    return Establishment.objects.exists()
