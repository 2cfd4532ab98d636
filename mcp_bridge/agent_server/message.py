"""Offline first message: in the business context's language, naming the company, its trigger or pain and the offer."""

from __future__ import annotations

from .extraction import detect_language
from .models import BusinessContextData, Message, MessageOutput, Persona, Strategy
from .profile import LeadProfile
from .strategy import brand, context_pain_labels, main_hook
from .text import is_portuguese, join_human, pick

WORDS_PER_MINUTE = 200


def value_sentence(ctx: BusinessContextData, lang_pt: bool, lead_pains: set[str] | None = None) -> str:
    """The value proposition as written when it is in the message language, else rebuilt from the seller's pains
    (those the lead shows first)."""
    value = ctx.value_proposition.strip()
    if value and (detect_language(value) == "pt") == lang_pt:
        return value if value.endswith(".") else f"{value}."
    pains = context_pain_labels(ctx, lang_pt, lead_pains)[:2]
    if pains:
        return pick(lang_pt, f"Ajudamos times comerciais a acabar com {join_human(pains, True)}.",
                    f"We help sales teams get rid of {join_human(pains, False)}.")
    return pick(lang_pt, "Ajudamos times comerciais a vender mais com menos esforço.",
                "We help sales teams sell more with less effort.")


def write_message(p: LeadProfile, ctx: BusinessContextData, persona: Persona, strategy: Strategy) -> MessageOutput:
    lang_pt = is_portuguese(ctx.language)
    channel = strategy.primary_channel
    kind, hook = main_hook(p, lang_pt)
    seller = brand(ctx)
    sector = p.sector.label(lang_pt).lower() if p.sector else ""
    if kind == "trigger":
        opener = pick(lang_pt, f"Vi que a {p.name} {hook}.", f"I saw that {p.name} {hook}.")
        bridge = pick(lang_pt, "Nesse momento, o time precisa de oportunidades qualificadas desde o primeiro dia.",
                      "At this stage the team needs qualified opportunities from day one.")
        subject = pick(lang_pt, f"{p.name}: pipeline para quem {hook}", f"{p.name}: pipeline while it {hook}")
    else:
        topic = hook or pick(lang_pt, "crescer as vendas", "growing sales")
        opener = pick(lang_pt, f"Empresas de {sector or 'seu setor'} como a {p.name} costumam enfrentar {topic}.",
                      f"{(sector or 'Companies').capitalize()} companies like {p.name} often face {topic}.")
        bridge = pick(lang_pt, "Quando isso aperta, cada oportunidade comercial bem qualificada conta ainda mais.",
                      "When that bites, every well-qualified sales opportunity counts even more.")
        subject = pick(lang_pt, f"{p.name}: menos {topic}", f"{p.name}: less {topic}")
    cta = pick(lang_pt, "Faz sentido conversarmos 20 minutos na próxima semana?",
               "Would a 20-minute call next week make sense?")
    intro = pick(lang_pt, f"Sou da {seller}. " if seller else "", f"I'm with {seller}. " if seller else "")
    greeting = pick(lang_pt, "Olá, tudo bem?", "Hi there,")
    sign = pick(lang_pt, f"Abraço,\nEquipe {seller}" if seller else "Abraço", f"Best,\n{seller} team" if seller else "Best")
    lead_pains = {s.key for s, _ in p.pains}
    paragraphs = [greeting, f"{intro}{opener} {bridge}", value_sentence(ctx, lang_pt, lead_pains), cta]
    if channel in ("email", "linkedin"):
        paragraphs.append(sign)
    body = "\n\n".join(paragraphs) if channel == "email" else "\n".join(paragraphs)
    elements = [p.name] + ([hook] if hook else []) + ([sector] if sector else []) + \
        ([p.facts.market_region] if p.facts.market_region else []) + [persona.likely_role]
    message = Message(
        channel=channel, language=ctx.language or "pt-BR", subject_line=subject[:120], body=body,
        call_to_action=cta, personalization_elements=elements,
        estimated_read_time_seconds=max(5, round(len(body.split()) * 60 / WORDS_PER_MINUTE)),
    )
    return MessageOutput(message=message)
