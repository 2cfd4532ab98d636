"""LLM mode's grounding and output checks: the same facts and the same rules as the offline agents.

The prompt carries the seller read into typed pieces (what it sells, value, pains it solves, ideal-customer roles,
differentiator, competitors, target size) and the lead's facts (CNAE division and sector, size evidence, place,
triggers, the seller's pains it shows); an answer is then held to the offline agents' checks — seams and
language over every text field, the channel's length rules, and no cold message for a not_qualified lead.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .cnae import division_name
from .grammar import seams, text_fields
from .message import CHANNEL_RULES, channel_problems
from .models import BusinessContextData, LeadData, MessageOutput
from .profile import LeadProfile, build_profile, format_measure
from .seller import Seller, pains_shown, read_seller
from .text import is_portuguese

RULES = (
    "Ground every sentence in `grounding`: the seller's own offer, value, pains, roles and differentiator, and the "
    "lead's own facts. Never assume what the seller sells beyond `grounding.seller`; never use another business's "
    "offer or generic sales-team phrasing unless the seller sells to sales teams.",
    "Write in `grounding.language` only; never paste a field written in another language — rephrase it or leave "
    "it out. Clean grammar: noun phrases where nouns belong, articles and gender right, no empty labels, no "
    "doubled words or punctuation, a space after every full stop.",
    "The persona's role, department and responsibilities come from the seller's ideal-customer roles and the "
    "lead's sector. The message opener names a real fact of the lead (a trigger, a pain it shows that the seller "
    "solves, its size, city or sector) and why the offer matters for it.",
    "Message channel limits: " + "; ".join(
        f"{name}: body at most {rule.max_words} words" if rule.max_words else f"{name}: body at most {rule.max_chars} "
        "characters" for name, rule in CHANNEL_RULES.items()) + "; only e-mail has a subject line, at most 60 "
    "characters.",
    "A not_qualified lead gets no cold message: recommended=false, not_recommended_reason says why, the body says "
    "contact is not recommended, no subject and no call to action.",
)


def seller_facts(seller: Seller) -> dict[str, Any]:
    return {
        "name": seller.name,
        "offer": seller.offer_for(most=None),
        "value": seller.value,
        "pains_it_solves": [p.noun for p in seller.pains],
        "ideal_customer_roles": [{"title": r.title, "department": (r.function.department_pt if seller.lang_pt else
                                                                   r.function.department_en) if r.function else ""}
                                 for r in seller.roles],
        "differentiator": seller.differentiator,
        "competitors": seller.competitors,
        "target_size": {"from": seller.target[0], "to": seller.target[1], "unit": seller.target[2]}
        if seller.target else None,
    }


def lead_facts(p: LeadProfile, seller: Seller) -> dict[str, Any]:
    pt = seller.lang_pt
    return {
        "name": p.short_name,
        "cnae_division": p.division, "cnae_division_name": division_name(p.division),
        "sector": p.sector.label(pt) if p.sector else "",
        "size": p.size, "size_evidence": p.size_text(pt),
        "measures": [format_measure(k, v, pt) for k, v in p.measures.items()],
        "city": p.facts.city, "state": p.facts.state,
        "triggers": [s.label(pt) for s, _ in p.triggers],
        "pains_shown": [pain.noun for pain, _ in pains_shown(seller, p.text)],
    }


def grounding(ctx: BusinessContextData | None, lead: LeadData | None, reference_year: int | None) -> dict[str, Any]:
    """What the LLM must write from: the seller's pieces, the lead's facts, the output language and the rules."""
    context = ctx or BusinessContextData()
    seller = read_seller(context)
    found: dict[str, Any] = {"language": seller.language, "seller": seller_facts(seller), "rules": list(RULES)}
    if lead is not None:
        found["lead"] = lead_facts(build_profile(lead, None, reference_year), seller)
    return found


def problems(output: BaseModel, ctx: BusinessContextData | None, tier: str | None = None) -> list[str]:
    """The offline agents' checks applied to an output: seams and language of every text field, the message's
    channel rules, and no cold message for a not_qualified lead."""
    lang_pt = is_portuguese((ctx or BusinessContextData()).language)
    found = [problem for text in text_fields(output.model_dump(exclude={"usage", "mode"})) for problem in
             seams(text, lang_pt)]
    if isinstance(output, MessageOutput):
        found += channel_problems(output.message)
        if tier == "not_qualified" and output.message.recommended:
            found.append("a cold message for a not_qualified lead")
    return found
