"""Offline outreach strategy: channels from the contacts found, talking points from the lead's facts and the
seller's pains, value and differentiator (never an assumption about what the seller sells)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import geo
from .grammar import Phrase, lower_first, sentence
from .models import BusinessContextData, Channel, ContactStep, Objection, Persona, Strategy, StrategyOutput
from .profile import LeadProfile, format_measure
from .seller import Seller, pains_shown, read_seller, stems
from .text import join_human, pick, sentence_with

# What each trigger means for the conversation: (pt, en) phrase completing "I saw that <company> ...".
TRIGGER_HOOKS = {
    "hiring_sales": ("está ampliando a equipe comercial", "is growing its sales team"),
    "funding_round": ("acabou de receber uma rodada de investimento", "just closed a funding round"),
    "expansion": ("está expandindo a operação", "is expanding its operations"),
    "new_branch": ("está abrindo unidade nova", "is opening a new site"),
    "new_product": ("lançou uma nova solução", "launched a new offering"),
    "acquisition": ("passou por uma aquisição recente", "went through a recent acquisition"),
    "digital_transformation": ("está investindo em transformação digital", "is investing in digital transformation"),
    "leadership_change": ("tem uma nova liderança comercial", "has new sales leadership"),
}
# How a size measure reads after "a <company> ..." : (pt verb phrase, en verb phrase).
_MEASURE_VERBS = {"employees": ("reúne", "has"), "vehicles": ("opera uma frota de", "runs a fleet of"),
                  "units": ("tem", "has"), "beds": ("tem", "has"), "students": ("atende", "serves"),
                  "seats": ("opera", "runs"), "members": ("reúne", "brings together"),
                  "revenue": ("tem cerca de", "has about")}


@dataclass(frozen=True)
class Fact:
    """A fact of the lead the outreach can name: kind ('trigger', 'pain', 'size', 'place', 'sector'), the verb
    phrase completing 'a <company> …' and the phrase shown as a personalisation element."""

    kind: str
    predicate: str
    element: str


_WE_ARE_DOING = re.compile(r"(?:n[óo]s\s+)?estamos\s+([a-zà-ÿ]+ndo\b[^.!?]*)", re.IGNORECASE)


def trigger_predicate(p: LeadProfile, key: str, evidence: str, lang_pt: bool) -> str:
    """What the lead says it is doing, in the third person ('Estamos ampliando a linha…' → 'está ampliando a
    linha…') when that sentence is short; else the trigger's generic phrase."""
    said = sentence_with(p.text, evidence)
    m = _WE_ARE_DOING.match(said)
    if lang_pt and m and len(said.split()) <= 16:
        return f"está {m.group(1).strip()}"
    return pick(lang_pt, *TRIGGER_HOOKS[key])


def lead_facts(p: LeadProfile, seller: Seller) -> list[Fact]:
    """Facts of this lead, most specific first: a trigger, a pain the seller solves, its size, place, sector."""
    pt = seller.lang_pt
    facts = [Fact("trigger", trigger_predicate(p, s.key, ev, pt), s.label(pt)) for s, ev in p.triggers
             if s.key in TRIGGER_HOOKS and ((s.growth and s.key != "hiring_sales") or seller.sells_to_sales_teams)]
    for pain, _ in pains_shown(seller, p.text)[:1]:
        facts.append(Fact("pain", pick(pt, f"cita {pain.definite()} no próprio site", f"mentions {pain.noun} on its site"),
                          pain.noun))
    ranked = sorted(p.measures.items(), key=lambda kv: kv[0] != "vehicles" and kv[0] != "seats")
    for key, value in ranked[:1]:
        amount = format_measure(key, value, pt)
        verb_pt, verb_en = _MEASURE_VERBS[key]
        facts.append(Fact("size", pick(pt, f"{verb_pt} {amount}", f"{verb_en} {amount}"), amount))
    place = p.facts.city or geo.state_name(p.facts.state)
    if place:
        facts.append(Fact("place", pick(pt, f"está em {place}", f"is based in {place}"), p.facts.market_region))
    if p.sector and p.sector.key != "other":
        label = p.sector.label(pt).lower()
        where = label if label.startswith("setor ") else f"setor de {label}"
        facts.append(Fact("sector", pick(pt, f"atua no {where}", f"works in {label}"), p.sector.label(pt)))
    return facts


def focus_pains(p: LeadProfile, seller: Seller) -> list[Phrase]:
    """The pains to talk about: the seller's pains the lead shows, then the others — those closest to the lead's
    page and its sector's day-to-day first; else the sector's challenges."""
    shown = [pain for pain, _ in pains_shown(seller, p.text)]
    others = [pain for pain in seller.pains_for({s.key for s, _ in p.pains}) if pain not in shown]
    lead_stems = stems(p.text) | stems(" ".join(p.sector.themes if p.sector else ()))
    ordered = shown + sorted(others, key=lambda pain: -len(stems(pain.text) & lead_stems))
    if ordered:
        return ordered
    return [Phrase(c, seller.lang_pt) for c in seller.sector_challenges(p.sector)]


def choose_channels(p: LeadProfile) -> tuple[Channel, Channel]:
    f = p.facts
    mobile = any(re.search(r"\s9\d{4}-", x) for x in f.phones)
    linkedin = any("linkedin" in s for s in f.social_profiles)
    small = p.size in ("micro", "small")
    primary: Channel
    if small and mobile:
        primary = "whatsapp"
    elif f.emails:
        primary = "email"
    elif linkedin or not small:
        primary = "linkedin"
    else:
        primary = "whatsapp" if mobile else "phone"
    options: list[tuple[bool, Channel]] = [(not small, "linkedin"), (bool(f.phones), "phone"), (mobile, "whatsapp"),
                                           (bool(f.emails), "email"), (True, "linkedin"), (True, "phone")]
    return primary, next(channel for usable, channel in options if usable and channel != primary)


def best_time(channel: str, p: LeadProfile, lang_pt: bool) -> str:
    if p.sector and p.sector.key in ("industry", "logistics", "agribusiness"):
        return pick(lang_pt, "Terça a quinta, 7h30–9h30 (horário de Brasília), antes da rotina da operação",
                    "Tuesday to Thursday, 7:30–9:30 am Brasília time, before operations get busy")
    if channel == "whatsapp":
        return pick(lang_pt, "Dias úteis, 10h–11h30 ou 14h–16h", "Weekdays, 10–11:30 am or 2–4 pm")
    return pick(lang_pt, "Terça a quinta, 8h–10h (horário de Brasília)", "Tuesday to Thursday, 8–10 am Brasília time")


def objections(seller: Seller, pains: list[Phrase]) -> list[Objection]:
    pt = seller.lang_pt
    pilot = pick(pt, "Proponho um piloto curto, com uma meta clara", "Let's run a short pilot with a clear target")
    if pains:
        pilot += pick(pt, f" sobre {pains[0].definite()}", f" on {pains[0].noun}")
    found = [Objection(objection=pick(pt, "Agora não é prioridade / sem orçamento", "Not a priority / no budget"),
                       response=sentence(pilot) + (f" {seller.value}" if seller.value else ""))]
    if seller.competitors:
        names = join_human(seller.competitors[:3], pt)
        response = seller.differentiator or sentence(pick(
            pt, "Entendo; vale comparar os resultados lado a lado em um piloto curto",
            "Understood; it is worth comparing results side by side in a short pilot"))
        found.insert(0, Objection(objection=pick(pt, f"Já usamos {names}", f"We already use {names}"), response=response))
    found.append(Objection(
        objection=pick(pt, "Trocar de fornecedor dá trabalho", "Switching suppliers is a hassle"),
        response=pick(pt, "A implantação é feita por etapas, com acompanhamento, sem parar a operação.",
                      "Roll-out happens in stages, with support, without stopping operations.")))
    return found


def sequence(primary: Channel, secondary: Channel, tier: str, lang_pt: bool) -> list[ContactStep]:
    """3 steps for weak leads, 4 for medium, 5 for high-potential ones; channels alternate."""
    plan = [
        (primary, pick(lang_pt, "Dia 1: abordagem personalizada citando um fato da empresa",
                       "Day 1: personalised opener citing a fact about the company"),
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


def talking_points(p: LeadProfile, seller: Seller, pains: list[Phrase]) -> list[str]:
    pt = seller.lang_pt
    facts = lead_facts(p, seller)
    points = [sentence(pick(pt, f"{p.named()} {facts[0].predicate}", f"{p.short_name} {facts[0].predicate}"))] if facts else []
    if pains:
        points.append(sentence(pick(pt, f"O impacto {pains[0].after('de')} na operação {p.named('de')}",
                                    f"The impact of {pains[0].noun} on operations at {p.short_name}")))
    if p.sector and p.sector.key != "other":
        points.append(sentence(pick(pt, f"Resultados com empresas de {p.sector.label_pt.lower()}",
                                    f"Results with {p.sector.label_en.lower()} companies")))
    if offer := seller.offer_for(p.text):
        points.append(sentence(pick(pt, f"Como aplicar {offer} ao caso {p.named('de')}",
                                    f"How {offer} applies to {p.short_name}")))
    return points


def questions(p: LeadProfile, pains: list[Phrase], lang_pt: bool) -> list[str]:
    if not pains:
        return [pick(lang_pt, f"Quais são hoje as prioridades {p.named('de')} para este ano?",
                     f"What are {p.short_name}'s priorities this year?")]
    found = [pick(lang_pt, f"Como {p.named()} acompanha hoje {pains[0].definite()}?",
                  f"How does {p.short_name} track {pains[0].noun} today?")]
    if len(pains) > 1:
        found.append(pick(lang_pt, f"O que pesa mais hoje: {pains[0].definite()} ou {pains[1].definite()}?",
                          f"What weighs more today: {pains[0].noun} or {pains[1].noun}?"))
    found.append(pick(lang_pt, f"O que precisaria acontecer para {pains[0].definite()} deixar de ser um problema?",
                      f"What would need to happen for {pains[0].noun} to stop being a problem?"))
    return found


def plan_strategy(p: LeadProfile, ctx: BusinessContextData, persona: Persona, tier: str) -> StrategyOutput:
    seller = read_seller(ctx)
    pt = seller.lang_pt
    primary, secondary = choose_channels(p)
    pains = focus_pains(p, seller)
    props = [v for v in (seller.value, seller.differentiator) if v]
    if seller.pains:
        props.append(sentence(pick(pt, f"Ataca diretamente {join_human([x.definite() for x in seller.pains[:2]], True)}",
                                   f"Directly tackles {join_human([x.noun for x in seller.pains[:2]], False)}")))
    goal = pick(pt, f"Agendar 20 minutos com o(a) {lower_first(persona.likely_role)}",
                f"Book 20 minutes with the {persona.likely_role}")
    if pains:
        goal += pick(pt, f" para diagnosticar {pains[0].definite()}", f" to diagnose {pains[0].noun}")
    strategy = Strategy(
        primary_channel=primary,
        secondary_channel=secondary,
        tone_of_voice=pick(pt, f"Consultivo e próximo; {persona.communication_style[:1].lower()}"
                               f"{persona.communication_style[1:]}",
                           f"Consultative and warm; {persona.communication_style[:1].lower()}"
                           f"{persona.communication_style[1:]}"),
        key_value_propositions=props[:3],
        talking_points=talking_points(p, seller, pains),
        potential_objections=objections(seller, pains),
        opening_questions=questions(p, pains, pt),
        first_interaction_goal=goal,
        contact_sequence=sequence(primary, secondary, tier, pt),
        follow_up_strategy=pick(pt, f"Alternar {primary} e {secondary}, sempre trazendo um dado novo; "
                                    "parar após o último passo sem resposta e retomar em 90 dias",
                                f"Alternate {primary} and {secondary}, each time with a new insight; "
                                "stop after the last unanswered step and retry in 90 days"),
        best_time=best_time(primary, p, pt),
    )
    return StrategyOutput(strategy=strategy)

