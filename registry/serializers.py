"""Input and output shapes of `/api/registry/...`: the search's query parameters (also the `filters` of
to-leads), the search results, the full record and the to-leads request/answer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mcp_bridge.agent_server.extraction import format_cnpj, is_valid_cnpj
from mcp_bridge.agent_server.geo import STATES
from registry.cnae import format_subclass, parse_cnae_filter
from registry.ibge import IBGE_LENGTH, RECEITA_LENGTH, is_ibge_code
from registry.selectors import (
    PORTE_NAMES,
    PORTES,
    SITUACAO_NAMES,
    SITUACOES,
    SearchFilters,
    decode_cursor,
    format_phone,
)

MAX_TO_LEADS = 1000
MUNICIPIO_IBGE_HELP = "The município's IBGE code (7 digits); null when unknown."


def clean_cnpj(value: str) -> str:
    """14 digits with valid check digits, punctuation allowed; ValidationError otherwise."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 14 or not is_valid_cnpj(digits) or any(ch.isalpha() for ch in str(value)):
        raise serializers.ValidationError(f"'{value}' is not a valid CNPJ (14 digits with valid check digits).")
    return digits


class ListParam(serializers.ListField):
    """A repeatable parameter: `?uf=SP&uf=RJ`, `?uf=SP,RJ`, or (JSON) a list or a single string."""

    def to_internal_value(self, data: Any) -> list:
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list):
            raise serializers.ValidationError("Expected a list of values.")
        items = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        try:
            return super().to_internal_value(items)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_flat(exc.detail)) from None


def _flat(detail: Any) -> list[str]:
    """A list field's errors (`{index: [messages]}`) as the contract's flat list of messages."""
    if isinstance(detail, dict):
        return [message for messages in detail.values() for message in _flat(messages)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flat(item)]
    return [str(detail)]


class SearchFiltersSerializer(serializers.Serializer):
    """The search filters, as query parameters (GET) or as the `filters` object of to-leads."""

    cnae = ListParam(child=serializers.CharField(max_length=12), required=False, max_length=50,
                     help_text="Subclass `4930202`, class `4930-2`/`49302`, group `493`, division `49` or section `H`; repeatable.")
    cnae_scope = serializers.ChoiceField(choices=["main", "any"], default="main",
                                         help_text="`main` (default): the main CNAE; `any`: main or secondary.")
    uf = ListParam(child=serializers.ChoiceField(choices=sorted(STATES)), required=False, help_text="Repeatable.")
    municipio = ListParam(child=serializers.CharField(max_length=120), required=False,
                          help_text="The município's IBGE code (7 digits), the Receita's own code (4 digits) or its "
                                    "name (every town of that name); repeatable.")
    porte = ListParam(child=serializers.ChoiceField(choices=sorted(PORTES)), required=False, help_text="`me`, `epp`, `demais`.")
    situacao = ListParam(child=serializers.ChoiceField(choices=sorted(SITUACOES)), required=False,
                         help_text="Default `ativa`; repeatable.")
    opened_after = serializers.DateField(required=False)
    opened_before = serializers.DateField(required=False)
    capital_min = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0, required=False)
    capital_max = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0, required=False)
    matriz = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_email = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_phone = serializers.BooleanField(required=False, allow_null=True, default=None)
    simples = serializers.BooleanField(required=False, allow_null=True, default=None)
    mei = serializers.BooleanField(required=False, allow_null=True, default=None)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                   help_text="Razão social or nome fantasia, accent- and case-insensitive.")

    def validate_cnae(self, values: list[str]) -> list:
        try:
            return [parse_cnae_filter(value) for value in values]
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_municipio(self, values: list[str]) -> list[str]:
        errors = []
        for value in values:
            if value.isdigit() and len(value) == IBGE_LENGTH and not is_ibge_code(value):
                errors.append(f"'{value}' is not the IBGE code of a município.")
            elif value.isdigit() and len(value) not in (IBGE_LENGTH, RECEITA_LENGTH):
                errors.append(f"'{value}': give the município's IBGE code (7 digits), the Receita's code (4 digits) "
                              "or its name.")
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def validate_search(self, value: str) -> str:
        if value.strip() and len(value.strip()) < 3:
            raise serializers.ValidationError("Give at least 3 characters.")
        return value.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for low, high in (("opened_after", "opened_before"), ("capital_min", "capital_max")):
            if attrs.get(low) is not None and attrs.get(high) is not None and attrs[low] > attrs[high]:
                raise serializers.ValidationError({high: [f"Must not be before {low}."]})
        return attrs

    def to_filters(self) -> SearchFilters:
        data = dict(self.validated_data)
        data.pop("cursor", None)
        data.pop("page_size", None)
        data["porte"] = [PORTES[name] for name in data.get("porte", [])]
        data["situacao"] = [SITUACOES[name] for name in data.get("situacao") or ["ativa"]]
        return SearchFilters(**data)


class SearchQuerySerializer(SearchFiltersSerializer):
    cursor = serializers.CharField(required=False, help_text="The `next` of the previous page.")
    page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    def validate_cursor(self, value: str) -> str:
        try:
            return decode_cursor(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class CnaeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Subclass, e.g. `4930-2/02`.")
    description = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    """One search result (from the selector's row dicts)."""

    cnpj = serializers.CharField(help_text="14 digits.")
    razao_social = serializers.CharField(allow_null=True)
    nome_fantasia = serializers.CharField()
    cnae = CnaeSerializer(allow_null=True)
    uf = serializers.CharField()
    municipio = serializers.CharField(allow_null=True)
    municipio_ibge = serializers.CharField(allow_null=True, help_text=MUNICIPIO_IBGE_HELP)
    porte = serializers.ChoiceField(choices=sorted(PORTES), allow_null=True)
    email = serializers.CharField()
    phone = serializers.CharField()
    opened_at = serializers.DateField(allow_null=True)
    situacao = serializers.CharField()

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        code = row["cnae_code"]
        return {
            "cnpj": row["cnpj"],
            "razao_social": row["razao_social"],
            "nome_fantasia": row["nome_fantasia"],
            "cnae": {"code": format_subclass(code), "description": row["cnae_description"] or ""} if code else None,
            "uf": row["uf"],
            "municipio": row["municipio_name"],
            "municipio_ibge": row["municipio_ibge"] or None,
            "porte": PORTE_NAMES.get(row["porte_code"]),
            "email": row["email"],
            "phone": format_phone(row["phone1"] or row["phone2"]),
            "opened_at": row["opened_at"].isoformat() if row["opened_at"] else None,
            "situacao": SITUACAO_NAMES.get(row["situacao_code"], row["situacao_code"]),
        }


class SearchPageSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    count_is_exact = serializers.BooleanField()


class AddressSerializer(serializers.Serializer):
    tipo_logradouro = serializers.CharField()
    logradouro = serializers.CharField()
    numero = serializers.CharField()
    complemento = serializers.CharField()
    bairro = serializers.CharField()
    cep = serializers.CharField()


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    document = serializers.CharField(help_text="As published: a natural person's CPF stays masked.")
    qualificacao = serializers.CharField()
    joined_at = serializers.DateField(allow_null=True)


class EstablishmentDetailSerializer(serializers.Serializer):
    """The full record of one establishment and its company (built by `registry.views`)."""

    cnpj = serializers.CharField()
    cnpj_formatted = serializers.CharField()
    matriz = serializers.BooleanField()
    razao_social = serializers.CharField(allow_null=True)
    nome_fantasia = serializers.CharField()
    situacao = serializers.CharField()
    situacao_date = serializers.DateField(allow_null=True)
    opened_at = serializers.DateField(allow_null=True)
    cnae = CnaeSerializer(allow_null=True)
    cnaes_secundarios = CnaeSerializer(many=True)
    natureza_juridica = CnaeSerializer(allow_null=True)
    porte = serializers.CharField(allow_null=True)
    capital_social = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    simples = serializers.BooleanField(allow_null=True)
    mei = serializers.BooleanField(allow_null=True)
    address = AddressSerializer()
    uf = serializers.CharField()
    municipio = serializers.CharField(allow_null=True)
    municipio_ibge = serializers.CharField(allow_null=True, help_text=MUNICIPIO_IBGE_HELP)
    email = serializers.CharField()
    phones = serializers.ListField(child=serializers.CharField())
    partners = PartnerSerializer(many=True, help_text="Only when the operator stores them.")
    month = serializers.CharField(help_text="Month of the registry files this record comes from.")
    removed_month = serializers.CharField(help_text="Set when a later month no longer lists it.")


def detail_representation(establishment: Any, *, simples: Any, partners: list, secondary: dict[str, str]) -> dict:
    company = establishment.company
    natureza = company.natureza_juridica if company else None
    return {
        "cnpj": establishment.cnpj,
        "cnpj_formatted": format_cnpj(establishment.cnpj),
        "matriz": establishment.matriz,
        "razao_social": company.razao_social if company else None,
        "nome_fantasia": establishment.nome_fantasia,
        "situacao": SITUACAO_NAMES.get(establishment.situacao, establishment.situacao),
        "situacao_date": establishment.situacao_date,
        "opened_at": establishment.opened_at,
        "cnae": {"code": format_subclass(establishment.cnae_principal_id),
                 "description": establishment.cnae_principal.description if establishment.cnae_principal else ""}
        if establishment.cnae_principal_id else None,
        "cnaes_secundarios": [{"code": format_subclass(code), "description": secondary.get(code, "")}
                              for code in establishment.cnaes_secundarios.strip(",").split(",") if code],
        "natureza_juridica": {"code": natureza.code, "description": natureza.description} if natureza else None,
        "porte": PORTE_NAMES.get(company.porte) if company else None,
        "capital_social": company.capital_social if company else None,
        "simples": simples.simples if simples else None,
        "mei": simples.mei if simples else None,
        "address": {
            "tipo_logradouro": establishment.tipo_logradouro, "logradouro": establishment.logradouro,
            "numero": establishment.numero, "complemento": establishment.complemento,
            "bairro": establishment.bairro, "cep": establishment.cep,
        },
        "uf": establishment.uf,
        "municipio": establishment.municipio.description if establishment.municipio else None,
        "municipio_ibge": (establishment.municipio.ibge_code or None) if establishment.municipio else None,
        "email": establishment.email,
        "phones": [format_phone(p) for p in (establishment.phone1, establishment.phone2) if p],
        "partners": [{"name": p.name, "kind": p.get_kind_display(), "document": p.document,
                      "qualificacao": p.qualificacao, "joined_at": p.joined_at} for p in partners],
        "month": establishment.month,
        "removed_month": establishment.removed_month,
    }


class ToLeadsSerializer(serializers.Serializer):
    cnpjs = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=MAX_TO_LEADS,
                                  allow_empty=False)
    filters = serializers.DictField(required=False, help_text="The search's parameters, e.g. {\"cnae\": [\"49\"], \"uf\": [\"GO\"]}.")
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=MAX_TO_LEADS)
    process = serializers.BooleanField(required=False, default=False)

    def validate_cnpjs(self, values: list[str]) -> list[str]:
        errors, cleaned = [], []
        for value in values:
            try:
                cleaned.append(clean_cnpj(value))
            except serializers.ValidationError as exc:
                errors += _flat(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return list(dict.fromkeys(cleaned))

    def validate_filters(self, value: dict) -> SearchFiltersSerializer:
        filters = SearchFiltersSerializer(data=value)
        unknown = sorted(set(value) - set(filters.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown filter."] for name in unknown})
        filters.is_valid(raise_exception=True)
        return filters

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("cnpjs" in attrs) == ("filters" in attrs):
            raise serializers.ValidationError("Give either `cnpjs` or `filters` (with an optional `limit`).")
        return attrs


class DuplicateSerializer(serializers.Serializer):
    cnpj = serializers.CharField()
    reason = serializers.ChoiceField(choices=["cnpj", "website"])
    lead_id = serializers.UUIDField(allow_null=True, help_text="The lead that already has it (null: another row of this request).")


class ToLeadsResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.UUIDField())
    duplicates = DuplicateSerializer(many=True)
    quota_exceeded = serializers.IntegerField(help_text="Companies left out because the prospecting quota ran out.")
    not_found = serializers.ListField(child=serializers.CharField(), help_text="Requested CNPJs the registry lacks.")
