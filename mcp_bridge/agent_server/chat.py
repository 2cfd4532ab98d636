"""Offline chat: answers an operator from the data sent with the question (lead, pipeline, attachments).

Each agent answers in its domain (intake: contacts, analysis: scores, persona, strategy, message); questions
that name a task ('why…', 'summarise my pipeline', 'write a follow-up', 'what is in this file') are routed
first. Missing stage results are computed offline from the lead so answers stay grounded, never canned.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cached_property
from typing import Any

from . import analysis
from . import message as message_agent
from . import persona as persona_agent
from . import strategy as strategy_agent
from .extraction import extract
from .models import (
    AnalysisOutput,
    Attachment,
    BusinessContextData,
    ChatInput,
    ChatLead,
    ChatOutput,
    Message,
    Persona,
    PipelineSummary,
    Strategy,
)
from .profile import LeadProfile, build_profile
from .seller import read_seller
from .text import fold, is_portuguese, pick

_INTENTS = (
    ("attachment", r"anex|arquivo|attach|file|\bcsv\b|\bjson\b|planilha|spreadsheet|document"),
    ("follow_up", r"follow|acompanhamento|retomar|retomada|segundo contato|next touch"),
    ("scores", r"por ?que|why|score|pontua|nota|tier|potencial|potential|qualific"),
    ("pipeline", r"pipeline|funil|funnel|carteira|meus leads|my leads|how many|quantos"),
    ("contacts", r"contat|contact|e-?mail|telefone|phone|whatsapp|cnpj|enrich|enriquec"),
    ("persona", r"persona|decisor|decision|quem (e|devo)|who (is|should)"),
    ("strategy", r"estrateg|strategy|canal|channel|sequencia|sequence|abordagem|approach|obje"),
    ("message", r"mensagem|message|assunto|subject|texto|copy|email"),
)
_AGENT_DOMAINS = (("intake", "contacts"), ("analys", "scores"), ("analis", "scores"), ("persona", "persona"),
                  ("strateg", "strategy"), ("estrateg", "strategy"), ("message", "message"), ("mensag", "message"))
TIER_WORDS = analysis.TIER_NAMES


class _Lead:
    """A chat lead with its stage results, computing offline whatever the stored row does not have yet."""

    def __init__(self, lead: ChatLead, ctx: BusinessContextData, reference_year: int | None) -> None:
        self.lead, self.ctx = lead, ctx
        self.profile: LeadProfile = build_profile(lead, lead.enrichment_data, reference_year)

    @cached_property
    def analysis(self) -> AnalysisOutput:
        computed = analysis.run_analysis(self.profile, self.ctx)
        stored = self.lead
        if stored.analysis is None or stored.qualification_tier is None:
            return computed
        scores = stored.scores.model_dump() if stored.scores else {}
        merged = {k: scores.get(k) or getattr(stored, k) for k in
                  ("relevance_score", "roi_potential_score", "brazilian_market_fit", "overall_score")}
        return computed.model_copy(update={
            "analysis": stored.analysis, "qualification_tier": stored.qualification_tier,
            **{k: v for k, v in merged.items() if v is not None},
            "pain_point_analysis": stored.pain_point_analysis or computed.pain_point_analysis,
            "purchase_triggers": stored.purchase_triggers or computed.purchase_triggers,
        })

    @cached_property
    def persona(self) -> Persona:
        return self.lead.persona or persona_agent.build_persona(self.profile, self.ctx).persona

    @cached_property
    def strategy(self) -> Strategy:
        return self.lead.strategy or strategy_agent.plan_strategy(
            self.profile, self.ctx, self.persona, self.analysis.qualification_tier).strategy

    @cached_property
    def message(self) -> Message:
        return self.lead.message or message_agent.write_message(
            self.profile, self.ctx, self.persona, self.strategy, self.analysis).message


_PT_QUESTION = frozenset(["qual", "quais", "por", "que", "porque", "como", "resuma", "resumo", "meu", "meus", "minha", "escreva", "sobre", "este", "esse", "esta", "essa", "o", "os", "a", "as", "do", "da", "de", "um", "uma", "para", "e", "é", "está", "são", "não"])
_EN_QUESTION = frozenset(["what", "which", "why", "how", "is", "are", "my", "write", "summarise", "summarize", "this", "the", "about", "of", "for", "and", "a", "an", "to", "can", "you"])


def _lang(data: ChatInput) -> bool:
    """Portuguese when the context says so or the question is in Portuguese; English otherwise."""
    if data.business_context and is_portuguese(data.business_context.language):
        return True
    words = re.findall(r"[a-zà-ÿ]+", data.message.lower())
    pt = sum(w in _PT_QUESTION or not w.isascii() for w in words)
    return pt > sum(w in _EN_QUESTION for w in words) or not words


def intent(data: ChatInput) -> str:
    text = fold(data.message)
    for name, pattern in _INTENTS:
        if re.search(pattern, text) and (name != "attachment" or data.attachments):
            return name
    agent = fold(data.agent_name)
    domain = next((d for key, d in _AGENT_DOMAINS if key in agent), "")
    if data.attachments and not data.lead:
        return "attachment"
    if domain and data.lead:
        return domain
    return "pipeline" if data.pipeline else domain or "help"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def answer_scores(lead: _Lead, pt: bool) -> str:
    a = lead.analysis
    tier = analysis.tier_label(a.qualification_tier, pt)
    ex = a.analysis.score_explanations
    lines = [pick(pt, f"{lead.profile.name} está como **{tier}** (geral {_fmt(a.overall_score)}).",
                  f"{lead.profile.name} is **{tier}** (overall {_fmt(a.overall_score)}).")]
    for label_pt, label_en, value, why in (("Relevância", "Relevance", a.relevance_score, ex.relevance),
                                           ("Potencial de ROI", "ROI potential", a.roi_potential_score, ex.roi_potential),
                                           ("Fit com o mercado BR", "Brazilian market fit", a.brazilian_market_fit,
                                            ex.brazilian_market_fit)):
        lines.append(f"- {pick(pt, label_pt, label_en)} {_fmt(value)}: {why.split(' — ', 1)[-1]}")
    if a.purchase_triggers:
        lines.append(pick(pt, "Gatilhos: ", "Triggers: ") + "; ".join(a.purchase_triggers[:2]))
    if ex.overall:
        lines.append(ex.overall)
    return "\n".join(lines)


def answer_contacts(lead: _Lead, pt: bool) -> str:
    f, none = lead.profile.facts, pick(pt, "não encontrado", "not found")
    return "\n".join([
        pick(pt, f"Contatos e dados de {lead.profile.name}:", f"Contacts and data for {lead.profile.name}:"),
        f"- E-mails: {', '.join(f.emails) or none}",
        f"- {pick(pt, 'Telefones', 'Phones')}: {', '.join(f.phones) or none}",
        f"- CNPJ: {', '.join(f.cnpj) or none}",
        f"- {pick(pt, 'Local', 'Location')}: {f.market_region or none}",
        f"- {pick(pt, 'Colaboradores', 'Employees')}: {f.employees or none}; "
        f"{pick(pt, 'fundação', 'founded')}: {f.founded_year or none}",
        f"- {pick(pt, 'Perfis sociais', 'Social profiles')}: {', '.join(f.social_profiles) or none}",
    ])


def answer_persona(lead: _Lead, pt: bool) -> str:
    p = lead.persona
    return "\n".join([
        pick(pt, f"Decisor provável na {lead.profile.name}: {p.likely_role} ({p.fictional_name}, persona fictícia), "
                 f"probabilidade de decisão {p.decision_maker_probability:.0%}.",
             f"Likely buyer at {lead.profile.name}: {p.likely_role} ({p.fictional_name}, fictional persona), "
             f"decision probability {p.decision_maker_probability:.0%}."),
        pick(pt, "Desafios: ", "Challenges: ") + "; ".join(p.main_challenges[:3]),
        pick(pt, "Objetivos: ", "Goals: ") + "; ".join(p.professional_goals[:3]),
        f"{pick(pt, 'Estilo', 'Style')}: {p.communication_style}. {pick(pt, 'Decisão', 'Decision')}: "
        f"{p.decision_making_process}.",
    ])


def answer_strategy(lead: _Lead, pt: bool) -> str:
    s = lead.strategy
    steps = [f"{c.step}. {c.channel}: {c.objective} → {c.cta}" for c in s.contact_sequence]
    return "\n".join([
        pick(pt, f"Estratégia para {lead.profile.name}: {s.primary_channel} primeiro, depois {s.secondary_channel}; "
                 f"melhor horário: {s.best_time}.",
             f"Strategy for {lead.profile.name}: {s.primary_channel} first, then {s.secondary_channel}; "
             f"best time: {s.best_time}."),
        f"{pick(pt, 'Objetivo do primeiro contato', 'First contact goal')}: {s.first_interaction_goal}",
        *steps,
        pick(pt, "Objeções prováveis: ", "Likely objections: ") + "; ".join(o.objection for o in s.potential_objections),
    ])


def answer_message(lead: _Lead, pt: bool) -> str:
    m = lead.message
    return (pick(pt, f"Mensagem ({m.channel}) para {lead.profile.name}", f"Message ({m.channel}) for {lead.profile.name}")
            + f"\n{pick(pt, 'Assunto', 'Subject')}: {m.subject_line}\n\n{m.body}")


def answer_follow_up(lead: _Lead, pt: bool) -> str:
    """The next touch of the lead's contact sequence, written from its strategy and first message."""
    s, m = lead.strategy, lead.message
    step = s.contact_sequence[min(2, len(s.contact_sequence) - 1)]
    point = s.talking_points[1] if len(s.talking_points) > 1 else (s.talking_points or [""])[0]
    body = "\n\n".join(line for line in [
        pick(pt, "Olá, tudo bem?", "Hi,"),
        pick(pt, f"Retomo minha mensagem sobre “{m.subject_line}”.", f"Following up on my note about “{m.subject_line}”."),
        point and pick(pt, f"Um ponto que pode interessar à {lead.profile.name}: {point[:1].lower()}{point[1:]}.",
                       f"One point that may matter to {lead.profile.name}: {point[:1].lower()}{point[1:]}."),
        read_seller(lead.ctx).value, m.call_to_action,
    ] if line)
    return pick(pt, f"Follow-up sugerido ({step.channel}, passo {step.step}: {step.objective}):\n\n",
                f"Suggested follow-up ({step.channel}, step {step.step}: {step.objective}):\n\n") + \
        f"{pick(pt, 'Assunto', 'Subject')}: Re: {m.subject_line}\n\n{body}"


def answer_pipeline(pipeline: PipelineSummary, pt: bool) -> str:
    by_tier = {k: v for k, v in pipeline.by_tier.items() if v}
    tiers = [f"{analysis.tier_label(k, pt) if k in TIER_WORDS else k}: {v}" for k, v in by_tier.items()]
    status = [f"{k}: {v}" for k, v in pipeline.by_status.items() if v]
    lines = [pick(pt, f"Seu pipeline tem {pipeline.total} leads.", f"Your pipeline has {pipeline.total} leads.")]
    if status:
        lines.append(pick(pt, "Por status: ", "By status: ") + ", ".join(status))
    if tiers:
        lines.append(pick(pt, "Por potencial: ", "By tier: ") + ", ".join(tiers))
    top = sorted(pipeline.top_leads, key=lambda t: -(t.overall_score or 0))[:5]
    if top:
        lines.append(pick(pt, "Prioridades:", "Top leads:"))
        lines += [f"- {t.company_name} ({_fmt(t.overall_score)}, {t.qualification_tier or '—'}, {t.processing_stage or '—'})"
                  for t in top]
    high = by_tier.get("high_potential", 0)
    if high:
        lines.append(pick(pt, f"Sugestão: comece pelos {high} leads de alto potencial.",
                          f"Suggestion: start with the {high} high-potential leads."))
    return "\n".join(lines)


def _describe_json(value: Any, pt: bool) -> str:
    if isinstance(value, dict):
        return pick(pt, f"objeto JSON com {len(value)} chaves: ", f"JSON object with {len(value)} keys: ") + \
            ", ".join(list(value)[:15])
    if isinstance(value, list):
        keys = sorted({k for item in value[:200] if isinstance(item, dict) for k in item})
        return pick(pt, f"lista JSON com {len(value)} itens", f"JSON list of {len(value)} items") + \
            (pick(pt, "; chaves: ", "; keys: ") + ", ".join(keys[:15]) if keys else "")
    return pick(pt, f"valor JSON: {value!r}"[:200], f"JSON value: {value!r}"[:200])


def summarise_attachment(att: Attachment, pt: bool) -> str:
    text, name = att.text or "", att.name or pick(pt, "anexo", "attachment")
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        try:
            return f"{name}: {_describe_json(json.loads(text), pt)}"
        except ValueError:
            pass
    if name.lower().endswith(".csv") or ("," in text.split("\n", 1)[0] and "\n" in text):
        rows = list(csv.reader(io.StringIO(text)))
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if rows:
            header, body = rows[0], rows[1:]
            sample = ", ".join(r[0] for r in body[:3] if r)
            return pick(pt, f"{name}: CSV com {len(body)} linhas e {len(header)} colunas ({', '.join(header[:12])})",
                        f"{name}: CSV with {len(body)} rows and {len(header)} columns ({', '.join(header[:12])})") + \
                (pick(pt, f"; primeiros: {sample}", f"; first: {sample}") if sample else "")
    facts = extract(text)
    found = [x for x in (", ".join(facts.emails[:3]), ", ".join(facts.phones[:3]), ", ".join(facts.cnpj[:3])) if x]
    first = " ".join(text.split())[:200]
    return pick(pt, f"{name}: texto com {len(text.split())} palavras. Início: “{first}”",
                f"{name}: text of {len(text.split())} words. Starts: “{first}”") + \
        (pick(pt, f". Contatos: {'; '.join(found)}", f". Contacts: {'; '.join(found)}") if found else "")


def answer_help(data: ChatInput, pt: bool) -> str:
    ctx = data.business_context
    offer = f" ({ctx.product_service_description})" if ctx and ctx.product_service_description else ""
    agent = data.agent_name or pick(pt, "agente", "agent")
    return pick(pt, f"Sou o {agent}{offer}. Selecione um lead para eu explicar scores, contatos, persona, estratégia "
                    "ou mensagem, peça um resumo do pipeline ou envie um arquivo CSV/JSON para eu resumir.",
                f"I'm the {agent}{offer}. Pick a lead and I can explain its scores, contacts, persona, strategy or "
                "message, summarise your pipeline, or summarise a CSV/JSON file you attach.")


_LEAD_ANSWERS = {"scores": answer_scores, "contacts": answer_contacts, "persona": answer_persona,
                 "strategy": answer_strategy, "message": answer_message, "follow_up": answer_follow_up}


def answer(data: ChatInput, reference_year: int | None = None) -> ChatOutput:
    pt = _lang(data)
    kind = intent(data)
    if kind == "attachment" and data.attachments:
        reply = "\n".join(summarise_attachment(a, pt) for a in data.attachments)
    elif kind in _LEAD_ANSWERS and data.lead:
        ctx = data.business_context or BusinessContextData(language=pick(pt, "pt-BR", "en"))
        reply = _LEAD_ANSWERS[kind](_Lead(data.lead, ctx, reference_year), pt)
    elif data.pipeline and (kind == "pipeline" or not data.lead):
        reply = answer_pipeline(data.pipeline, pt)
    elif kind in _LEAD_ANSWERS:
        reply = pick(pt, "Selecione um lead para eu responder sobre ", "Select a lead so I can answer about ") + \
            {"scores": pick(pt, "scores", "scores"), "follow_up": "follow-up"}.get(kind, kind) + "."
    else:
        reply = answer_help(data, pt)
    return ChatOutput(reply=reply)

