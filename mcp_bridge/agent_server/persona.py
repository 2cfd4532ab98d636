"""Offline persona: the likely buyer at the lead, from the seller's ideal-customer roles, the lead's size and sector.

Role, department and responsibilities follow the function of the role the seller names (an operations director
cares about cost, deadlines and continuity, a controller about closing the books); challenges are the seller's
pains the lead shows, then the seller's other pains and the lead's sector challenges.
"""

from __future__ import annotations

from .grammar import upper_first
from .models import BusinessContextData, Persona, PersonaOutput
from .profile import LeadProfile
from .roles import BY_KEY as FUNCTIONS
from .roles import Function, function_of, seniority
from .seller import Role, Seller, pains_shown, read_seller
from .text import pick, stable_index

FIRST_NAMES = ("Ana", "Bruno", "Carla", "Diego", "Fernanda", "Gustavo", "Juliana", "Lucas", "Mariana", "Rafael",
               "Patrícia", "Rodrigo", "Camila", "Thiago", "Beatriz", "Eduardo", "Larissa", "Felipe")
LAST_NAMES = ("Silva", "Souza", "Oliveira", "Costa", "Pereira", "Almeida", "Ribeiro", "Carvalho", "Gomes", "Martins",
              "Rocha", "Barbosa", "Teixeira", "Mendes")

# (seniority pt, en, decision-maker probability when no role word says otherwise) by company size.
SENIORITY_BY_SIZE = {
    "micro": ("Sócio / dono", "Owner", 0.95),
    "small": ("Sócio / diretoria", "Founder", 0.85),
    "medium": ("Diretoria", "Head / Director", 0.75),
    "large": ("Diretoria", "Director", 0.7),
    "enterprise": ("Diretoria executiva", "VP / Executive", 0.6),
}
OWNER_PT, OWNER_EN = "Sócio(a)-proprietário(a)", "Owner"
# Functions that fit a lead's sector best, when the seller names several roles.
_SECTOR_FUNCTIONS = {"logistics": ("fleet", "operations"), "retail": ("operations", "fleet"),
                     "agribusiness": ("operations", "fleet"), "industry": ("production", "facilities", "operations"),
                     "health": ("facilities", "operations"), "food_service": ("operations",),
                     "professional_services": ("accounting", "finance"), "financial_services": ("finance",)}


def choose_role(p: LeadProfile, seller: Seller) -> Role | None:
    """The seller's ideal-customer role this lead most likely has: the one fitting its sector, else by size."""
    if not seller.roles:
        return None
    preferred = _SECTOR_FUNCTIONS.get(p.sector.key if p.sector else "", ())
    for key in preferred:
        fit = [r for r in seller.roles if r.function and r.function.key == key]
        if fit:
            return fit[0]
    by_seniority = sorted(seller.roles, key=lambda r: r.weight)
    return by_seniority[-1] if p.size in ("large", "enterprise") else seller.roles[0]


def likely_role(p: LeadProfile, seller: Seller) -> tuple[str, Function | None, float]:
    """(role title, function, decision-maker probability)."""
    pt = seller.lang_pt
    default = SENIORITY_BY_SIZE[p.size][2]
    if p.lead.contact_role.strip():
        title = p.lead.contact_role.strip()
        function = function_of(title)
    elif p.size == "micro" or (p.size == "small" and not seller.roles):
        title, function = pick(pt, OWNER_PT, OWNER_EN), (choose_role(p, seller) or Role("", None, 0)).function
        return title, function, default
    elif (role := choose_role(p, seller)) is not None:
        title, function = role.title, role.function
    else:
        function = FUNCTIONS["executive"]
        title = pick(pt, function.title_pt, function.title_en)
    probability = seniority(title) or default
    if p.size == "enterprise":
        probability -= 0.1  # buying committees dilute any one person's say
    return title, function, round(min(0.98, max(0.1, probability)), 2)


def challenges(p: LeadProfile, seller: Seller) -> list[str]:
    """The seller's pains the lead shows, the seller's other pains, then the lead's sector challenges that matter
    to the seller."""
    shown = [pain for pain, _ in pains_shown(seller, p.text)]
    ordered = shown + [pain for pain in seller.pains_for({s.key for s, _ in p.pains}) if pain not in shown]
    found = [upper_first(pain.noun) for pain in ordered]
    found += [upper_first(c) for c in seller.sector_challenges(p.sector)[:2]]
    return list(dict.fromkeys(found))[:4]


def goals(p: LeadProfile, function: Function | None, seller: Seller) -> list[str]:
    pt = seller.lang_pt
    by_trigger = {
        "expansion": ("Sustentar a expansão sem perder o controle da operação",
                      "Sustain the expansion without losing control of operations"),
        "new_branch": ("Colocar as novas unidades para funcionar bem desde o início",
                       "Get the new sites running well from day one"),
        "funding_round": ("Transformar o investimento recebido em crescimento", "Turn the new funding into growth"),
        "new_product": ("Acelerar a adoção do novo produto", "Speed up adoption of the new product"),
        "acquisition": ("Integrar a empresa adquirida sem perder eficiência",
                        "Integrate the acquired company without losing efficiency"),
    }
    if function is not None and function.key in ("sales", "executive"):
        by_trigger["hiring_sales"] = ("Colocar a nova equipe comercial para produzir em semanas",
                                      "Get the new sales hires productive in weeks")
    found = [pick(pt, *by_trigger[s.key]) for s, _ in p.triggers if s.key in by_trigger]
    if function is not None:
        found.append(pick(pt, function.goal_pt, function.goal_en))
    if seller.pains:
        found.append(pick(pt, f"Reduzir o impacto {seller.pains[0].after('de')}", f"Reduce the impact of {seller.pains[0].noun}"))
    return found[:4] or [pick(pt, "Crescer com margem saudável", "Grow with healthy margins")]


def build_persona(p: LeadProfile, ctx: BusinessContextData) -> PersonaOutput:
    seller = read_seller(ctx)
    pt = seller.lang_pt
    role, function, probability = likely_role(p, seller)
    seniority_pt, seniority_en, _ = SENIORITY_BY_SIZE[p.size]
    name_key = p.name + p.domain
    found_challenges = challenges(p, seller)
    technical = p.sector is not None and p.sector.key in ("technology", "telecom")
    style = (
        pick(pt, "Informal e prático; responde rápido no WhatsApp", "Informal and practical; answers fast on WhatsApp")
        if p.size in ("micro", "small") else
        pick(pt, "Direto e técnico; gosta de dados, integrações e provas", "Direct and technical; likes data, integrations and proof")
        if technical else
        pick(pt, "Objetivo e formal; quer números e casos do seu setor", "Concise and formal; wants numbers and cases from their sector")
    )
    process = {
        "micro": pick(pt, "Decide sozinho(a), rápido, por preço e confiança", "Decides alone and fast, on price and trust"),
        "small": pick(pt, "Decide com os sócios em poucas semanas", "Decides with partners within a few weeks"),
        "medium": pick(pt, "Valida com a diretoria após um piloto curto com métricas",
                       "Validates with leadership after a short pilot with metrics"),
    }.get(p.size, pick(pt, "Comitê com a área usuária, compras e financeiro; exige retorno claro; ciclo de 1 a 3 meses",
                       "Committee with the user team, procurement and finance; needs a clear return; 1–3 month cycle"))
    area = function or FUNCTIONS["executive"]
    seeking = pick(pt, "Busca soluções práticas, com retorno claro", "Looks for practical solutions with a clear return")
    if seller.pains:
        first = seller.pains_for({s.key for s, _ in p.pains})[0]
        seeking = pick(pt, f"Busca reduzir o impacto {first.after('de')}", f"Wants to reduce the impact of {first.noun}")
        if offer := seller.offer_for(p.text):
            seeking += pick(pt, f" e avalia soluções como {offer}", f" and considers options like {offer}")
    persona = Persona(
        fictional_name=f"{FIRST_NAMES[stable_index(name_key, len(FIRST_NAMES))]} "
                       f"{LAST_NAMES[stable_index(name_key[::-1], len(LAST_NAMES))]}",
        likely_role=role,
        decision_maker_probability=probability,
        seniority=pick(pt, seniority_pt, seniority_en),
        department=pick(pt, area.department_pt, area.department_en),
        key_responsibilities=list(area.responsibilities_pt if pt else area.responsibilities_en),
        professional_goals=goals(p, function, seller),
        main_challenges=found_challenges,
        motivations=[
            pick(pt, "Resultados mensuráveis em pouco tempo", "Measurable results quickly"),
            pick(pt, "Menos retrabalho e mais previsibilidade para a equipe", "Less rework and more predictability for the team"),
            pick(pt, "Ser reconhecido(a) pelo resultado da área", "Being recognised for the area's results"),
        ],
        solution_seeking=seeking,
        communication_style=style,
        decision_making_process=process,
    )
    return PersonaOutput(persona=persona)
