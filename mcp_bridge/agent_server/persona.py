"""Offline persona: the likely buyer at the lead, derived from size, the ideal-customer role and detected signals."""

from __future__ import annotations

import re

from .models import BusinessContextData, Persona, PersonaOutput
from .profile import LeadProfile
from .text import fold, is_portuguese, pick, stable_index

FIRST_NAMES = ("Ana", "Bruno", "Carla", "Diego", "Fernanda", "Gustavo", "Juliana", "Lucas", "Mariana", "Rafael",
               "Patrícia", "Rodrigo", "Camila", "Thiago", "Beatriz", "Eduardo", "Larissa", "Felipe")
LAST_NAMES = ("Silva", "Souza", "Oliveira", "Costa", "Pereira", "Almeida", "Ribeiro", "Carvalho", "Gomes", "Martins",
              "Rocha", "Barbosa", "Teixeira", "Mendes")

# Role defaults by company size: (pt, en, seniority pt, seniority en, decision-maker probability).
ROLE_BY_SIZE = {
    "micro": ("Sócio(a)-proprietário(a)", "Owner", "Sócio / dono", "Owner", 0.95),
    "small": ("Sócio(a) e Diretor(a) Comercial", "Founder and Sales Director", "Sócio / diretoria", "Founder", 0.85),
    "medium": ("Head de Vendas", "Head of Sales", "Diretoria", "Head / Director", 0.75),
    "large": ("Diretor(a) Comercial", "Commercial Director", "Diretoria", "Director", 0.7),
    "enterprise": ("Diretor(a) Comercial", "VP of Sales", "Diretoria executiva", "VP / Executive", 0.6),
}
_ROLE_WORDS = ("head", "diretor", "director", "gerente", "manager", "ceo", "cfo", "cto", "coo", "vp", "socio",
               "owner", "founder", "coordenador", "coordinator", "chief", "presidente")
# Seniority weight of a role word when the operator or ICP names the role.
_ROLE_WEIGHT = {"ceo": 0.95, "owner": 0.95, "socio": 0.9, "founder": 0.9, "presidente": 0.9, "vp": 0.8,
                "chief": 0.85, "diretor": 0.8, "director": 0.8, "head": 0.75, "cfo": 0.75, "cto": 0.7, "coo": 0.75,
                "gerente": 0.55, "manager": 0.55, "coordenador": 0.4, "coordinator": 0.4}
_DEPARTMENTS = ((("marketing",), "Marketing", "Marketing"), (("cto", "tecnologia", "ti ", "technology"), "Tecnologia",
                "Technology"), (("cfo", "financ"), "Financeiro", "Finance"), (("ceo", "owner", "socio", "founder",
                "presidente"), "Diretoria", "Executive"))


def _icp_roles(ctx: BusinessContextData) -> list[str]:
    """Role names in the ideal customer ('Head of Sales or Commercial Director at a growing B2B company')."""
    head = re.split(r"\s+(?:at|em|de uma|de um|in)\s+", ctx.ideal_customer or "", maxsplit=1)[0]
    roles = [r.strip(" ,.") for r in re.split(r"\s+(?:or|ou)\s+|/|,", head) if r.strip()]
    return [r for r in roles if any(w in fold(r) for w in _ROLE_WORDS)]


def likely_role(p: LeadProfile, ctx: BusinessContextData, lang_pt: bool) -> tuple[str, float]:
    if p.lead.contact_role.strip():
        role = p.lead.contact_role.strip()
    else:
        roles = _icp_roles(ctx) if p.size not in ("micro", "small") else []
        default_pt, default_en, *_ = ROLE_BY_SIZE[p.size]
        # Mid-size companies: the first ICP role; bigger ones: the most senior (last listed) one.
        role = (roles[0] if p.size == "medium" else roles[-1]) if roles else pick(lang_pt, default_pt, default_en)
    words = [w for w in _ROLE_WEIGHT if w in fold(role)]
    probability = max((_ROLE_WEIGHT[w] for w in words), default=ROLE_BY_SIZE[p.size][4])
    if p.size == "enterprise":
        probability -= 0.1  # buying committees dilute any one person's say
    return role, round(min(0.98, max(0.1, probability)), 2)


def department(role: str, lang_pt: bool) -> str:
    folded = f"{fold(role)} "
    for words, pt, en in _DEPARTMENTS:
        if any(w in folded for w in words):
            return pick(lang_pt, pt, en)
    return pick(lang_pt, "Comercial", "Sales")


def goals(p: LeadProfile, lang_pt: bool) -> list[str]:
    by_trigger = {
        "hiring_sales": ("Colocar a nova equipe comercial para produzir em semanas, não meses",
                         "Get the new sales hires productive in weeks, not months"),
        "funding_round": ("Transformar o investimento recebido em crescimento de receita",
                          "Turn the new funding into revenue growth"),
        "expansion": ("Abrir e ganhar tração nos novos mercados", "Open and win the new markets"),
        "new_branch": ("Encher a agenda das novas unidades", "Fill the pipeline of the new sites"),
        "new_product": ("Acelerar a adoção do novo produto", "Speed up adoption of the new product"),
    }
    found = [pick(lang_pt, *by_trigger[s.key]) for s, _ in p.triggers if s.key in by_trigger]
    return [*found, pick(lang_pt, "Bater a meta de receita com previsibilidade", "Hit the revenue target predictably")]


def build_persona(p: LeadProfile, ctx: BusinessContextData) -> PersonaOutput:
    lang_pt = is_portuguese(ctx.language)
    role, probability = likely_role(p, ctx, lang_pt)
    seniority_pt, seniority_en = ROLE_BY_SIZE[p.size][2:4]
    name_key = p.name + p.domain
    challenges = [s.label(lang_pt) for s, _ in p.pains]
    if p.sector:
        challenges += list(p.sector.challenges_pt[:2] if lang_pt else p.sector.challenges_en[:2])
    top_pain = challenges[0].lower() if challenges else pick(lang_pt, "crescer vendas", "growing sales")
    offer = ctx.product_service_description or pick(lang_pt, "soluções práticas", "practical solutions")
    technical = p.sector is not None and p.sector.key in ("technology", "telecom")
    style = (
        pick(lang_pt, "Informal e prático; responde rápido no WhatsApp", "Informal and practical; answers fast on WhatsApp")
        if p.size in ("micro", "small") else
        pick(lang_pt, "Direto e técnico; gosta de dados, integrações e provas", "Direct and technical; likes data, integrations and proof")
        if technical else
        pick(lang_pt, "Objetivo e formal; quer números e casos do seu setor", "Concise and formal; wants numbers and cases from their sector")
    )
    process = {
        "micro": pick(lang_pt, "Decide sozinho(a), rápido, por preço e confiança", "Decides alone and fast, on price and trust"),
        "small": pick(lang_pt, "Decide com os sócios em poucas semanas", "Decides with partners within a few weeks"),
        "medium": pick(lang_pt, "Valida com a diretoria após um piloto curto com métricas",
                       "Validates with leadership after a short pilot with metrics"),
    }.get(p.size, pick(lang_pt, "Comitê com TI, compras e jurídico (LGPD); exige ROI claro; ciclo de 1 a 3 meses",
                       "Committee with IT, procurement and legal (LGPD); needs clear ROI; 1–3 month cycle"))
    persona = Persona(
        fictional_name=f"{FIRST_NAMES[stable_index(name_key, len(FIRST_NAMES))]} "
                       f"{LAST_NAMES[stable_index(name_key[::-1], len(LAST_NAMES))]}",
        likely_role=role,
        decision_maker_probability=probability,
        seniority=pick(lang_pt, seniority_pt, seniority_en),
        department=department(role, lang_pt),
        key_responsibilities=[
            pick(lang_pt, "Meta de receita e previsão de vendas", "Revenue target and sales forecast"),
            pick(lang_pt, "Geração e qualificação de pipeline", "Pipeline generation and qualification"),
            pick(lang_pt, "Gestão e produtividade do time comercial", "Sales team management and productivity"),
        ],
        professional_goals=goals(p, lang_pt),
        main_challenges=list(dict.fromkeys(challenges))[:4],
        motivations=[
            pick(lang_pt, "Resultados mensuráveis em pouco tempo", "Measurable results quickly"),
            pick(lang_pt, "Menos trabalho manual para o time", "Less manual work for the team"),
            pick(lang_pt, "Ser visto(a) como quem fez a área crescer", "Being seen as the one who grew the area"),
        ],
        solution_seeking=pick(lang_pt, f"Procura {offer} que ajude com {top_pain}",
                              f"Looking for {offer} that helps with {top_pain}"),
        communication_style=style,
        decision_making_process=process,
    )
    return PersonaOutput(persona=persona)
