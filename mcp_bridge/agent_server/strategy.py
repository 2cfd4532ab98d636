"""Offline outreach strategy: channels from the contacts found, talking points from triggers and pains."""

from __future__ import annotations

import re

from . import triggers as trg
from .models import BusinessContextData, ContactStep, Objection, Persona, Strategy, StrategyOutput
from .profile import LeadProfile
from .text import is_portuguese, join_human, pick

# What each trigger means for the conversation: (pt, en) phrase completing "I saw that <company> ...".
TRIGGER_HOOKS = {
    "hiring_sales": ("está ampliando a equipe comercial", "is growing its sales team"),
    "funding_round": ("acabou de receber uma rodada de investimento", "just closed a funding round"),
    "expansion": ("está expandindo a operação", "is expanding its operations"),
    "new_branch": ("está abrindo novas unidades", "is opening new sites"),
    "new_product": ("lançou uma nova solução", "launched a new offering"),
    "acquisition": ("passou por uma aquisição recente", "went through a recent acquisition"),
    "digital_transformation": ("está investindo em transformação digital", "is investing in digital transformation"),
    "leadership_change": ("tem uma nova liderança comercial", "has new sales leadership"),
}


def brand(ctx: BusinessContextData) -> str:
    """The seller's name: the first word of the business description when it reads like a name ('Nellia is …')."""
    m = re.match(r"\s*([A-Z][\w&.-]+(?: [A-Z][\w&.-]+)?)\s+(?:is|é|e)\b", ctx.business_description or "")
    return m.group(1) if m else ""


def main_hook(p: LeadProfile, lang_pt: bool) -> tuple[str, str]:
    """(kind, phrase): the strongest reason to write now — a trigger, else a detected pain, else a sector challenge."""
    for signal, _ in p.triggers:
        if signal.key in TRIGGER_HOOKS:
            return "trigger", pick(lang_pt, *TRIGGER_HOOKS[signal.key])
    if p.pains:
        return "pain", p.pains[0][0].label(lang_pt).lower()
    if p.sector:
        return "sector", (p.sector.challenges_pt if lang_pt else p.sector.challenges_en)[0]
    return "none", ""


def context_pain_labels(ctx: BusinessContextData, lang_pt: bool, first: set[str] | None = None) -> list[str]:
    """The seller's pain points in the outreach language (known ones by their rule label), `first` keys leading."""
    pairs = sorted(trg.context_pains(ctx.pain_points), key=lambda pr: not (pr[1] and pr[1].key in (first or set())))
    return [rule.label(lang_pt).lower() if rule else pain for pain, rule in pairs]


def choose_channels(p: LeadProfile) -> tuple[str, str]:
    f = p.facts
    mobile = any(re.search(r"\s9\d{4}-", x) for x in f.phones)
    linkedin = any("linkedin" in s for s in f.social_profiles)
    small = p.size in ("micro", "small")
    if small and mobile:
        primary = "whatsapp"
    elif f.emails:
        primary = "email"
    elif linkedin or not small:
        primary = "linkedin"
    else:
        primary = "whatsapp" if mobile else "phone"
    options = (["linkedin"] if not small else []) + (["phone"] if f.phones else []) + \
        (["whatsapp"] if mobile else []) + (["email"] if f.emails else []) + ["linkedin"]
    return primary, next(c for c in options if c != primary)


def best_time(channel: str, p: LeadProfile, lang_pt: bool) -> str:
    if p.sector and p.sector.key in ("industry", "logistics", "agribusiness"):
        return pick(lang_pt, "Terça a quinta, 7h30–9h30 (horário de Brasília), antes da rotina da operação",
                    "Tuesday to Thursday, 7:30–9:30 am Brasília time, before operations get busy")
    if channel == "whatsapp":
        return pick(lang_pt, "Dias úteis, 10h–11h30 ou 14h–16h", "Weekdays, 10–11:30 am or 2–4 pm")
    return pick(lang_pt, "Terça a quinta, 8h–10h (horário de Brasília)", "Tuesday to Thursday, 8–10 am Brasília time")


def objections(ctx: BusinessContextData, lang_pt: bool) -> list[Objection]:
    advantage = ctx.competitive_advantage or pick(lang_pt, "foco no mercado brasileiro", "a Brazil-first focus")
    value = ctx.value_proposition or pick(lang_pt, "ganho rápido de produtividade", "a quick productivity gain")
    found = [Objection(objection=pick(lang_pt, "Agora não é prioridade / sem orçamento", "Not a priority / no budget"),
                       response=pick(lang_pt, f"Proponho um piloto curto com meta clara: {value}",
                                     f"Let's run a short pilot with a clear target: {value}"))]
    if ctx.competitors:
        names = join_human(ctx.competitors[:3], lang_pt)
        found.insert(0, Objection(objection=pick(lang_pt, f"Já usamos {names}", f"We already use {names}"),
                                  response=advantage))
    found.append(Objection(objection=pick(lang_pt, "Preocupação com dados e LGPD", "Data and LGPD concerns"),
                           response=pick(lang_pt, "Tratamos apenas dados públicos de empresas, com base legal e trilha de auditoria",
                                         "We only process public company data, with a legal basis and an audit trail")))
    return found


def sequence(primary: str, secondary: str, tier: str, lang_pt: bool) -> list[ContactStep]:
    """3 steps for weak leads, 4 for medium, 5 for high-potential ones; channels alternate."""
    plan = [
        (primary, pick(lang_pt, "Dia 1: abordagem personalizada citando o gatilho", "Day 1: personalised opener citing the trigger"),
         pick(lang_pt, "Responder se faz sentido conversar", "Reply if a chat makes sense")),
        (secondary, pick(lang_pt, "Dia 3: conexão e reforço do contexto", "Day 3: connect and reinforce the context"),
         pick(lang_pt, "Aceitar a conexão", "Accept the connection")),
        (primary, pick(lang_pt, "Dia 6: caso de cliente do mesmo setor", "Day 6: customer case from the same sector"),
         pick(lang_pt, "Agendar 20 minutos", "Book 20 minutes")),
        (secondary, pick(lang_pt, "Dia 10: pergunta curta sobre a dor principal", "Day 10: short question on the main pain"),
         pick(lang_pt, "Responder com a prioridade atual", "Reply with their current priority")),
        (primary, pick(lang_pt, "Dia 15: mensagem de encerramento educada", "Day 15: polite break-up message"),
         pick(lang_pt, "Indicar a pessoa certa ou o melhor momento", "Point to the right person or a better time")),
    ]
    count = {"high_potential": 5, "medium_potential": 4}.get(tier, 3)
    return [ContactStep(step=i + 1, channel=c, objective=o, cta=cta) for i, (c, o, cta) in enumerate(plan[:count])]


def plan_strategy(p: LeadProfile, ctx: BusinessContextData, persona: Persona, tier: str) -> StrategyOutput:
    lang_pt = is_portuguese(ctx.language)
    primary, secondary = choose_channels(p)
    kind, hook = main_hook(p, lang_pt)
    pains = context_pain_labels(ctx, lang_pt)
    lead_pains = [s.label(lang_pt).lower() for s, _ in p.pains]
    focus = lead_pains[0] if lead_pains else (pains[0] if pains else hook)
    sector = p.sector.label(lang_pt) if p.sector else ""
    props = [v for v in (ctx.value_proposition, ctx.competitive_advantage) if v]
    if pains:
        props.append(pick(lang_pt, f"Ataca diretamente {join_human(pains[:2], True)}",
                          f"Directly tackles {join_human(pains[:2], False)}"))
    talking = [pick(lang_pt, f"{p.name} {hook}: o que isso exige do time comercial", f"{p.name} {hook}: what this asks of the sales team")
               if kind == "trigger" else pick(lang_pt, f"Desafio típico: {hook}", f"Typical challenge: {hook}")]
    if sector:
        talking.append(pick(lang_pt, f"Resultados com empresas de {sector}", f"Results with {sector} companies"))
    talking.append(pick(lang_pt, f"Como resolvemos {focus}", f"How we solve {focus}"))
    strategy = Strategy(
        primary_channel=primary,  # type: ignore[arg-type]
        secondary_channel=secondary,  # type: ignore[arg-type]
        tone_of_voice=pick(lang_pt, f"Consultivo e próximo; {persona.communication_style.lower()}",
                           f"Consultative and warm; {persona.communication_style.lower()}"),
        key_value_propositions=props[:3],
        talking_points=talking,
        potential_objections=objections(ctx, lang_pt),
        opening_questions=[
            pick(lang_pt, f"Como vocês geram oportunidades novas hoje na {p.name}?", f"How does {p.name} generate new opportunities today?"),
            pick(lang_pt, f"Quanto tempo o time gasta com {focus}?", f"How much time does the team spend on {focus}?"),
            pick(lang_pt, "O que precisaria acontecer para a meta deste trimestre ficar tranquila?",
                 "What would need to happen for this quarter's target to feel safe?"),
        ],
        first_interaction_goal=pick(lang_pt, f"Agendar 20 minutos com {persona.likely_role} para diagnosticar {focus}",
                                    f"Book 20 minutes with the {persona.likely_role} to diagnose {focus}"),
        contact_sequence=sequence(primary, secondary, tier, lang_pt),
        follow_up_strategy=pick(lang_pt, f"Alternar {primary} e {secondary}, sempre trazendo um dado novo; "
                                         "parar após o último passo sem resposta e retomar em 90 dias",
                                f"Alternate {primary} and {secondary}, each time with a new insight; "
                                "stop after the last unanswered step and retry in 90 days"),
        best_time=best_time(primary, p, lang_pt),
    )
    return StrategyOutput(strategy=strategy)
