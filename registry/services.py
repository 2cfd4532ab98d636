"""Writes that start from the registry: turning establishments into the caller's leads (`companies_to_leads`).

A lead gets the registry's facts: name, CNAE (→ sector), porte (→ size), address, contacts, CNPJ, and a website
when the e-mail is on the company's own domain. Duplicates (the caller already has a lead with the CNPJ or the
website, or an earlier row of the same request has the website) are reported, not created. New leads count
against the caller's prospecting quota; what does not fit is counted in `quota_exceeded`. The leads are written
by the lead import service (one COPY, events, optional queueing for the pipeline).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from leads.importing import import_leads
from leads.models import Lead
from leads.websites import normalize_website
from mcp_bridge.agent_server.extraction import format_cnpj
from mcp_bridge.agent_server.geo import CITIES
from mcp_bridge.agent_server.text import fold
from prospecting.selectors import plan_status
from registry.models import Company
from registry.sectors import sector_label
from registry.selectors import SITUACAO_NAMES, format_phone

FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "hotmail.com", "hotmail.com.br", "outlook.com", "outlook.com.br", "live.com", "yahoo.com",
    "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br", "icloud.com", "globo.com",
    "globomail.com", "msn.com", "r7.com", "zipmail.com.br", "protonmail.com",
})
PORTE_SIZES = {Company.Porte.ME: "micro", Company.Porte.EPP: "small", Company.Porte.DEMAIS: "medium"}
_LOWER_WORDS = {"de", "da", "do", "das", "dos", "e", "em"}
_UPPER_WORDS = {"ltda", "me", "epp", "eireli", "s.a.", "s/a", "sa", "ss", "ti", "cia"}
_CITY_NAMES = {fold(city): city for city in CITIES}


@dataclass
class ToLeadsResult:
    created: list[uuid.UUID] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    quota_exceeded: int = 0
    not_found: list[str] = field(default_factory=list)


def _title(text: str) -> str:
    words = []
    for index, word in enumerate(text.lower().split()):
        if word in _UPPER_WORDS:
            words.append(word.upper())
        elif word in _LOWER_WORDS and index:
            words.append(word)
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)


def _city(name: str | None) -> str:
    """`SAO PAULO` → `São Paulo` (accents back for the cities the agents know)."""
    if not name:
        return ""
    return _CITY_NAMES.get(fold(name), _title(name))


def website_from_email(email: str) -> str:
    """`contato@acme.com.br` → `https://acme.com.br`; "" for free-mail providers and malformed addresses."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain or domain in FREE_MAIL_DOMAINS:
        return ""
    try:
        return normalize_website(domain)
    except ValueError:
        return ""


def lead_row(row: dict[str, Any]) -> dict[str, Any]:
    """An import row (see `leads.importing.clean_row`) with the registry's facts about one establishment."""
    email = (row["email"] or "").lower()
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    name = _title(row["nome_fantasia"] or row["razao_social"] or format_cnpj(row["cnpj"]))
    razao = _title(row["razao_social"] or "")
    city = _city(row["municipio_name"])
    region = "/".join(part for part in (city, row["uf"]) if part)
    phone = format_phone(row["phone1"] or row["phone2"] or "")
    cnae = row["cnae_description"] or ""
    address = ", ".join(part for part in (
        " ".join(p for p in (row["tipo_logradouro"], row["logradouro"]) if p).title(), row["numero"],
        (row["bairro"] or "").title(), region, f"CEP {row['cep']}" if row["cep"] else "",
    ) if part)
    size = PORTE_SIZES.get(row["porte_code"], "")
    facts = [
        f"Razão social: {razao}" if razao else "",
        f"CNPJ: {format_cnpj(row['cnpj'])} ({'matriz' if row['matriz'] else 'filial'})",
        f"Atividade principal (CNAE {row['cnae_code']}): {cnae}" if row["cnae_code"] else "",
        f"Porte: {Company.Porte(row['porte_code']).label}" if row["porte_code"] in Company.Porte.values else "",
        f"Capital social: R$ {row['capital_social']:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        if row["capital_social"] else "",
        f"Aberta em: {row['opened_at']:%d/%m/%Y}" if row["opened_at"] else "",
        f"Situação cadastral: {SITUACAO_NAMES.get(row['situacao_code'], row['situacao_code'])}",
        f"Endereço: {address}" if address else "",
        f"Cidade: {region}" if region else "",
        f"Telefone: {phone}" if phone else "",
        f"E-mail: {email}" if email else "",
    ]
    return {
        "company_name": name[:255],
        "website": website_from_email(email),
        "description": f"{cnae}. {razao}, {city}/{row['uf']}." if cnae else f"{razao}, {region}.",
        "source_text": "\n".join(f for f in facts if f),
        "company_sector": (sector_label(row["cnae_division"]) or cnae)[:120],
        "company_size": size,
        "market_region": region[:120],
        "contact_email": email,
        "contact_phone": phone,
        "_facts": {"cnpj": row["cnpj"]},
    }


def companies_to_leads(*, owner: Any, rows: list[dict[str, Any]], process: bool = False,
                       job: Any = None) -> ToLeadsResult:
    """Create leads for `owner` from establishment rows (`registry.selectors.lead_rows`), in order.

    Serialised per owner (a row lock on the user) so two requests cannot both spend the last of the quota.
    `job`: the prospecting job the leads belong to (its quota accounting applies instead of the registry's).
    """
    result = ToLeadsResult()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        existing_cnpjs = dict(
            Lead.objects.filter(owner=owner, cnpj__in=[r["cnpj"] for r in rows]).exclude(cnpj="")
            .values_list("cnpj", "id")
        )
        candidates = [(r["cnpj"], lead_row(r)) for r in rows]
        websites = {data["website"] for _cnpj, data in candidates if data["website"]}
        existing_websites = dict(
            Lead.objects.filter(owner=owner, website__in=websites).exclude(website="").values_list("website", "id")
        )
        fresh: list[dict[str, Any]] = []
        seen_websites: set[str] = set()
        for cnpj, data in candidates:
            website = data["website"]
            if cnpj in existing_cnpjs:
                result.duplicates.append({"cnpj": cnpj, "reason": "cnpj", "lead_id": existing_cnpjs[cnpj]})
            elif website and (website in existing_websites or website in seen_websites):
                result.duplicates.append({"cnpj": cnpj, "reason": "website", "lead_id": existing_websites.get(website)})
            else:
                seen_websites.add(website)
                if job is not None:
                    data["_facts"]["prospect_job_id"] = job.pk
                fresh.append(data)
        remaining = plan_status(owner).remaining if job is None else None
        if remaining is not None and len(fresh) > remaining:
            result.quota_exceeded = len(fresh) - remaining
            fresh = fresh[:remaining]
        if fresh:
            report = import_leads(owner=owner, rows=fresh, process=process, source=Lead.Source.REGISTRY)
            result.created = report.lead_ids
    return result
