"""Offline first message: what a good SDR of *this* seller would write to *this* lead, in the context's language.

Composed from typed pieces — a fact of the lead (trigger, pain the seller solves, size, place, sector), the
seller's pains as noun phrases, what it sells, its value — and fitted to the channel: e-mail (subject ≤ 60
characters, body ≤ 120 words), WhatsApp (≤ 60 words, no subject), LinkedIn note (≤ 300 characters). A lead
rated not_qualified gets no cold message: the body says contact is not recommended, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import geo
from .analysis import not_qualified_reason
from .grammar import Phrase, clip_chars, gender_number, head_noun, join_sentences, lower_first, sentence, upper_first
from .models import AnalysisOutput, BusinessContextData, Message, MessageOutput, Persona, Strategy
from .profile import LeadProfile
from .scoring import score, sector_focus
from .seller import OFFERED_ITEMS, Seller, read_seller
from .strategy import Fact, focus_pains, lead_facts
from .text import fold, join_human, pick

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class ChannelRule:
    max_words: int | None
    max_chars: int | None
    subject: bool
    max_subject_chars: int = 60


CHANNEL_RULES = {
    "email": ChannelRule(max_words=120, max_chars=None, subject=True),
    "whatsapp": ChannelRule(max_words=60, max_chars=None, subject=False),
    "linkedin": ChannelRule(max_words=None, max_chars=300, subject=False),
    "phone": ChannelRule(max_words=120, max_chars=None, subject=False),
}


def channel_problems(message: Message) -> list[str]:
    """Where a message breaks its channel's rules (empty when it keeps them)."""
    rule = CHANNEL_RULES[message.channel]
    problems = []
    if rule.max_words is not None and len(message.body.split()) > rule.max_words:
        problems.append(f"{message.channel} body over {rule.max_words} words")
    if rule.max_chars is not None and len(message.body) > rule.max_chars:
        problems.append(f"{message.channel} body over {rule.max_chars} characters")
    if not rule.subject and message.subject_line:
        problems.append(f"{message.channel} message with a subject line")
    if rule.subject and len(message.subject_line) > rule.max_subject_chars:
        problems.append(f"subject over {rule.max_subject_chars} characters")
    return problems


def _fits(body: str, rule: ChannelRule) -> bool:
    return (rule.max_words is None or len(body.split()) <= rule.max_words) and \
        (rule.max_chars is None or len(body) <= rule.max_chars)


_ACTIVITY_CUT = re.compile(r",|;|\s[-–]\s|\s\(|\sexceto\b|\sn[ãa]o especificad", re.IGNORECASE)


def activity_phrase(p: LeadProfile) -> str:
    """The registry's main activity as a trade ('Transporte rodoviário de carga, exceto …' → 'transporte rodoviário
    de carga', 'Atividades de contabilidade' → 'contabilidade'); "" when it does not read as one ('Atividade
    odontológica') or the lead has no registry line."""
    text = _ACTIVITY_CUT.split(p.registry_activity[1], maxsplit=1)[0]
    text = re.sub(r"^atividades?\s+de\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\b(?:outros|outras)\s+|\s+e\s+similares$", "", text, flags=re.IGNORECASE).strip()
    return "" if not text or fold(text).startswith("atividade") else lower_first(text)


def registry_opener(p: LeadProfile, facts: list[Fact]) -> str:
    """What a sparse lead's own data says, and nothing more: 'Vi que a Transportes Rodoserra atua no ramo de
    transporte rodoviário de carga em Caxias do Sul desde 2009.' ("" when there is nothing to say)."""
    activity = activity_phrase(p)
    sector = next((f.predicate for f in facts if f.kind == "sector"), "")
    what = f"atua no ramo de {activity}" if activity else sector
    place = p.facts.city or geo.state_name(p.facts.state)
    where = f"em {place}" if place else ""
    if not what and where:
        what, where = f"está {where}", ""
    since = f"desde {p.facts.founded_year}" if p.facts.founded_year and what else ""
    return sentence(f"Vi que {p.named()} {' '.join(x for x in (what, where, since) if x)}") if what else ""


def opener(p: LeadProfile, facts: list[Fact], lang_pt: bool) -> str:
    """'Vi que a Transportes Serra Gaúcha, de Caxias do Sul, opera uma frota de 200 veículos.'"""
    if not facts:
        return pick(lang_pt, f"Estou entrando em contato com {p.named()}.", f"I'm reaching out to {p.short_name}.")
    first = facts[0]
    if lang_pt and first.kind in ("place", "sector"):
        return registry_opener(p, facts)
    city = p.facts.city
    where = pick(lang_pt, f", de {city},", f", based in {city},") if city and first.kind in ("trigger", "pain", "size") else ""
    text = pick(lang_pt, f"Vi que {p.named()}{where} {first.predicate}", f"I noticed that {p.short_name}{where} {first.predicate}")
    if first.kind == "place" and len(facts) > 1 and facts[1].kind == "sector":
        text += pick(lang_pt, f" e {facts[1].predicate}", f" and {facts[1].predicate}")
    return sentence(text)


def bridge(p: LeadProfile, pains: list[Phrase], facts: list[Fact], lang_pt: bool) -> str:
    """Why the seller's offer matters for this lead, named by its sector or size."""
    if not pains:
        return ""
    if facts and facts[0].kind == "pain":
        return pick(lang_pt, "É exatamente o tipo de problema em que ajudamos.", "That is exactly the kind of problem we help with.")
    chosen = pains[:2]
    plural = len(chosen) > 1 or (gender_number(head_noun(chosen[0].noun))[1] if lang_pt else
                                 chosen[0].noun.split()[0].endswith("s"))
    key = p.sector.key if p.sector else ""
    where_pt, impact_pt, where_en, impact_en = SECTOR_IMPACT.get(key, SECTOR_IMPACT[""])
    if key and key not in SECTOR_IMPACT and p.sector:
        where_pt, where_en = f"Em empresas de {p.sector.label_pt.lower()}", f"In {p.sector.label_en.lower()} companies"
    elif not key and any(f.kind == "size" for f in facts):
        where_pt, where_en = "Em operações desse porte", "In operations of that size"
    if lang_pt:
        subject = join_human([x.definite() for x in chosen], True)
        return sentence(f"{where_pt}, {subject} {impact_pt[plural]}")
    return sentence(f"{where_en}, {join_human([x.noun for x in chosen], False)} {_en_verb(impact_en, plural)}")


# Sector → (where pt, (verb phrase singular, plural) pt, where en, verb phrase plural en): how a pain reads there.
SECTOR_IMPACT: dict[str, tuple[str, tuple[str, str], str, str]] = {
    "": ("Em empresas como a sua", ("costuma pesar no resultado", "costumam pesar no resultado"),
         "In companies like yours", "tend to weigh on results"),
    "logistics": ("Em transporte e logística", ("pesa direto na margem de cada rota", "pesam direto na margem de cada rota"),
                  "In transport and logistics", "hit the margin of every route"),
    "health": ("Na saúde", ("afeta ao mesmo tempo o atendimento e os custos", "afetam ao mesmo tempo o atendimento e os custos"),
               "In healthcare", "affect both patient care and costs"),
    "industry": ("Na indústria", ("custa caro em produtividade", "custam caro em produtividade"),
                 "In manufacturing", "cost a lot of productivity"),
    "retail": ("No varejo e na distribuição", ("aperta margens que já são pequenas", "apertam margens que já são pequenas"),
               "In retail and distribution", "squeeze margins that are already thin"),
    "professional_services": ("Em escritórios de serviços profissionais", ("consome horas que não são faturadas",
                                                                           "consomem horas que não são faturadas"),
                              "In professional-services firms", "eat up non-billable hours"),
    "financial_services": ("Em serviços financeiros", ("pesa no custo e no risco da operação",
                                                       "pesam no custo e no risco da operação"),
                           "In financial services", "weigh on cost and risk"),
    "technology": ("Em empresas de tecnologia em crescimento", ("costuma travar a escala", "costumam travar a escala"),
                   "In growing tech companies", "tend to hold back scale"),
    "agribusiness": ("No agronegócio", ("pesa em cada safra", "pesam em cada safra"), "In agribusiness",
                     "weigh on every harvest"),
    "business_services": ("Em empresas de serviços terceirizados", ("corrói a margem dos contratos",
                                                                    "corroem a margem dos contratos"),
                          "In outsourced-services companies", "erode contract margins"),
    "education": ("Em escolas", ("pesa na experiência das famílias", "pesam na experiência das famílias"),
                  "In schools", "weigh on the families' experience"),
    "food_service": ("Em alimentação", ("pesa no custo de cada refeição", "pesam no custo de cada refeição"),
                     "In food service", "weigh on the cost of every meal"),
}


def _en_verb(plural_phrase: str, plural: bool) -> str:
    """'hit the margin' → 'hits the margin' for a singular subject ('tend to' → 'tends to')."""
    if plural:
        return plural_phrase
    verb, _, rest = plural_phrase.partition(" ")
    verb = verb[:-1] + "ies" if verb.endswith("y") else verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s")
    return f"{verb} {rest}"


def value_sentence(p: LeadProfile, seller: Seller, most: int = OFFERED_ITEMS) -> str:
    """What the seller sells (at most `most` items of its list; 0: none) and the value it brings to companies like
    this lead, as one sentence ('Com auditoria energética e retrofit de motores, ajudamos empresas como a de vocês
    a reduzir a conta de energia em 25%.'); the value as written when it is already a sentence."""
    if not seller.value_verb:
        return seller.value
    pt = seller.lang_pt
    offer = seller.offer_for(p.text, most) if most else ""
    peers = {"education": "escolas", "health": "instituições de saúde"}.get(p.sector.key if p.sector else "", "empresas")
    help_ = pick(pt, f"ajudamos {peers} como a de vocês a {seller.value_verb}",
                 f"we help companies like {p.short_name} {seller.value_verb}")
    if not offer:
        return sentence(help_)
    return sentence(f"{pick(pt, f'Com {offer}', f'With {offer}')}, {help_}")


def offer_sentence(p: LeadProfile, seller: Seller, most: int = OFFERED_ITEMS) -> str:
    """'Aqui na Higitec, trabalhamos com limpeza técnica industrial, higienização de linhas de produção e gestão
    terceirizada de facilities.' (what the seller sells: its list, at most `most` items, not only the first)."""
    offer = seller.offer_for(p.text, most)
    if not offer:
        return ""
    if seller.name:
        return sentence(pick(seller.lang_pt, f"Aqui na {seller.name}, trabalhamos com {offer}",
                             f"At {seller.name}, we provide {offer}"))
    return sentence(pick(seller.lang_pt, f"Trabalhamos com {offer}", f"We provide {offer}"))


def value_paragraph(seller: Seller) -> str:
    """The value as the context writes it, or — a noun phrase ('Redução de custos com combustível') — worked into
    a sentence that follows what the seller sells ('Na prática, isso significa redução de custos com …')."""
    if not seller.value_noun:
        return seller.value
    if seller.offer:
        return sentence(f"Na prática, isso significa {seller.value_noun}")
    return sentence(f"Nosso trabalho é entregar {seller.value_noun}")


def subject_line(p: LeadProfile, pains: list[Phrase], facts: list[Fact], lang_pt: bool) -> str:
    # A place is no topic ('caxias do sul/rs'); a sector reads as one ('logística e transporte').
    topic = pains[0].noun if pains else next((f.element.lower() for f in facts[:1] if f.kind != "place"), "")
    candidates = [f"{p.short_name}: {topic}" if topic else "", upper_first(topic),
                  pick(lang_pt, f"Uma ideia para {p.named()}", f"An idea for {p.short_name}")]
    return next((c for c in candidates if c and len(c) <= CHANNEL_RULES["email"].max_subject_chars),
                clip_chars(p.short_name, CHANNEL_RULES["email"].max_subject_chars))


CTAS = {"email": ("Faz sentido conversarmos 20 minutos na próxima semana?", "Would a 20-minute call next week make sense?"),
        "whatsapp": ("Posso te mandar um resumo por aqui?", "Can I send you a short summary here?"),
        "linkedin": ("Posso te enviar mais detalhes?", "May I send you more details?"),
        "phone": ("Podemos marcar 20 minutos para eu entender a operação de vocês?",
                  "Can we book 20 minutes so I can understand your operation?")}


def body_variants(p: LeadProfile, seller: Seller, pains: list[Phrase], bridge_: str) -> list[tuple[str, str, str]]:
    """(bridge, offer paragraph, value) from the fullest to the shortest, for the channel's limit to choose from.

    A value written as an infinitive phrase is composed with the offer into one sentence, shortened to the value
    alone before anything else goes; a value that is a noun phrase follows the offer in its paragraph; a value
    that is already a sentence goes first. Once the bridge goes, a one-line hint of the main pain takes its place
    while it fits; what the seller sells stays to the end. Each is tried with the seller's list of what it sells
    named in full, then shortened item by item, before anything else goes."""
    by_items = [_variants(p, seller, pains, bridge_, most) for most in range(OFFERED_ITEMS, 0, -1)]
    return list(dict.fromkeys(variant for shortened in zip(*by_items, strict=True) for variant in shortened))


def _variants(p: LeadProfile, seller: Seller, pains: list[Phrase], bridge_: str,
              most: int) -> list[tuple[str, str, str]]:
    pt = seller.lang_pt
    hint = sentence(pick(pt, f"Um dos temas em que mais ajudamos: {pains[0].definite()}",
                         f"One of the things we help most with: {pains[0].noun}")) if pains else ""
    offer = offer_sentence(p, seller, most)
    if seller.value_verb:
        full, short = value_sentence(p, seller, most), value_sentence(p, seller, 0)
        return [(bridge_, "", full), (bridge_, "", short), ("", "", full), ("", "", short),
                ("", f"{offer} {hint}".strip(), ""), ("", offer, ""), ("", "", "")]
    if seller.value_noun:
        offer_value = f"{offer} {value_paragraph(seller)}".strip()
        return [(bridge_, offer_value, ""), (bridge_, offer, ""), ("", offer_value, ""),
                ("", f"{offer} {hint}".strip(), ""), ("", offer, ""), ("", "", "")]
    return [(bridge_, offer, seller.value), (bridge_, offer, ""), ("", f"{offer} {hint}".strip(), ""),
            ("", offer, ""), ("", "", "")]


def lead_bridge(p: LeadProfile, ctx: BusinessContextData, seller: Seller, pains: list[Phrase],
                facts: list[Fact]) -> tuple[str, bool]:
    """(what links the lead to the offer, whether the lead is on the seller's target), by what is known:
    - a trigger, a pain or a size it shows: how the seller's pains weigh in its sector (`bridge`);
    - only what the registry says (activity, town, age) of a company in the seller's focus: a question about the
      main pain, not a claim that it has it;
    - a sector outside the seller's focus with no pain shown: nothing — the message does not claim a fit."""
    on_target = sector_focus(p, ctx).value > 0 or any(f.kind == "pain" for f in facts)
    if not on_target:
        return "", False
    sparse = not any(f.kind in ("trigger", "pain", "size") for f in facts)
    if sparse and seller.lang_pt and pains:
        return sentence(f"Como vocês lidam hoje com {pains[0].definite()}?"), True
    return bridge(p, pains, facts, seller.lang_pt), True


def not_recommended(p: LeadProfile, seller: Seller, channel: str, reason: str) -> Message:
    pt = seller.lang_pt
    body = join_sentences(pick(pt, f"Não recomendamos entrar em contato com {p.named()} agora",
                               f"We do not recommend contacting {p.short_name} now"), reason)
    return Message(channel=channel, language=seller.language, subject_line="", body=body, call_to_action="",  # type: ignore[arg-type]
                   personalization_elements=[p.short_name], estimated_read_time_seconds=read_time(body),
                   recommended=False, not_recommended_reason=sentence(reason))


def read_time(body: str) -> int:
    return max(5, round(len(body.split()) * 60 / WORDS_PER_MINUTE))


def write_message(p: LeadProfile, ctx: BusinessContextData, persona: Persona, strategy: Strategy,
                  analysis: AnalysisOutput | None = None) -> MessageOutput:
    seller = read_seller(ctx)
    pt = seller.lang_pt
    channel = strategy.primary_channel
    if analysis is not None and analysis.qualification_tier == "not_qualified":
        reason = not_qualified_reason(score(p, ctx), pt)
        return MessageOutput(message=not_recommended(p, seller, channel, reason))
    rule = CHANNEL_RULES[channel]
    facts = lead_facts(p, seller)
    pains = focus_pains(p, seller)
    link, on_target = lead_bridge(p, ctx, seller, pains, facts)
    if not on_target:  # no pain to name, no topic for the subject: the lead's fit is not known
        pains = []
    cta = pick(pt, *CTAS[channel])
    greeting = pick(pt, "Olá, tudo bem?", "Hi there,")
    signature = pick(pt, f"Abraço,\nEquipe {seller.name}" if seller.name else "Abraço",
                     f"Best,\n{seller.name} team" if seller.name else "Best")
    core = opener(p, facts, pt)
    separator = "\n\n" if channel == "email" else "\n"
    body = ""
    hedge = "" if on_target else pick(pt, "Não sei se isso se aplica à rotina de vocês.",
                                      "I am not sure this applies to you.")
    for bridge_, offer, value in body_variants(p, seller, pains, link):
        # The bridge joins the opener's paragraph; then what the seller sells, then its value.
        paragraphs = [greeting, " ".join(x for x in (core, bridge_) if x), offer, value, f"{hedge} {cta}".strip(),
                      signature if channel == "email" else ""]
        body = separator.join(x for x in paragraphs if x)
        if _fits(body, rule):
            break
    if not _fits(body, rule):  # a very long company name: keep the opener and the call to action only
        body = separator.join([core, cta])
    elements = [p.short_name, *dict.fromkeys(f.element for f in facts[:3]), persona.likely_role]
    message = Message(
        channel=channel, language=seller.language, subject_line=subject_line(p, pains, facts if on_target else [], pt) if rule.subject else "",
        body=body, call_to_action=cta, personalization_elements=[e for e in elements if e],
        estimated_read_time_seconds=read_time(body),
    )
    return MessageOutput(message=message)
