"""Offline chat: answers an operator from the data sent with the question (lead, pipeline, attachments).

The question is routed by what it asks — why this score, what to say, summarise, objections, compare two leads,
what is missing, next step, follow-up, contacts, persona, strategy, pipeline, an attached file — and otherwise by
the agent's domain. Answers quote where each fact comes from (the lead's page, the pipeline's results, the
business context, an attachment) and say plainly when the data does not say. Missing stage results are computed
offline from the lead so answers stay grounded, never canned.
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
from .grammar import Phrase, lower_first, upper_first
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
from .profile import LeadProfile, build_profile, format_measure
from .seller import read_seller
from .text import fold, is_portuguese, pick, sentences, tokens

_BUDGET_CUES = ("orcamento", "budget", "verba")
# Single facts an operator asks about: question pattern (folded), label pt/en, attachment cues.
_FACTS = (
    (r"faturamento|receita|revenue|quanto (eles )?faturam", "faturamento", "revenue", ("faturamento", "receita", "revenue")),
    (r"funcionari|colaborador|empregad|employees|headcount|quantas pessoas", "número de colaboradores",
     "headcount", ("colaborador", "funcionari", "employees")),
    (r"frota|veiculo|caminh|fleet|vehicles|trucks", "frota", "fleet", ("frota", "veiculo", "caminh", "fleet")),
    (r"fundad|fundacao|desde quando|founded|quantos anos (a empresa|eles) tem", "ano de fundação", "founding year",
     ("fundad", "desde", "founded")),
    (r"onde fica|onde (eles )?(estao|ficam)|localiza|located|where is|sede|endereco|cidade", "localização",
     "location", ("sede", "endereco", "rua ", "avenida", "cidade")),
    (r"orcamento|budget|verba", "orçamento", "budget", _BUDGET_CUES),
    (r"\bsetor\b|cnae|ramo|segmento|atividade|sector|industry", "setor", "sector", ("setor", "cnae", "atividade")),
)
_INTENTS = (
    ("compare", r"compar|versus|\bvs\.?\b|qual (dos|das) (dois|duas)|which of (the|these) two|difference between"),
    ("attachment", r"anex|arquivo|attach|file|\bcsv\b|\bjson\b|\bpdf\b|planilha|spreadsheet|document"),
    ("missing", r"\bfalta|faltando|missing|lacuna|gap|nao sabemos|o que (mais )?(precisamos|preciso) (saber|descobrir)|"
                r"what (else )?do (we|i) need"),
    ("next_step", r"proximo passo|proximos passos|next step|o que (eu )?(faco|fazer) agora|what should i do|"
                  r"proxima acao|como (devo )?seguir"),
    ("objections", r"obje[cç]|objection|resisten|push ?back|vai (dizer|reclamar)|contra-?argument"),
    ("follow_up", r"follow|acompanhamento|retomar|retomada|segundo contato|next touch"),
    ("scores", r"por ?que|why|score|pontua|nota|tier|potencial|potential|qualific"),
    ("fact", "|".join(pattern for pattern, *_ in _FACTS)),
    ("pipeline", r"pipeline|funil|funnel|carteira|meus leads|my leads|how many|quantos"),
    ("summary", r"resum|summar|visao geral|overview|panorama"),
    ("contacts", r"contat|contact|e-?mail|telefone|phone|whatsapp|cnpj|enrich|enriquec"),
    ("persona", r"persona|decisor|decision|quem (e|devo)|who (is|should)"),
    ("message", r"o que (eu )?(devo |posso )?(digo|falo|dizer|falar|escrever|escrevo)|what (should i|to) (say|write)|mensagem|"
                r"message|assunto|subject|texto|copy|email|pitch|primeiro contato"),
    ("strategy", r"estrateg|strategy|canal|channel|sequencia|sequence|abordagem|approach"),
)
_AGENT_DOMAINS = (("intake", "contacts"), ("analys", "scores"), ("analis", "scores"), ("persona", "persona"),
                  ("strateg", "strategy"), ("estrateg", "strategy"), ("message", "message"), ("mensag", "message"))
TIER_WORDS = analysis.TIER_NAMES


class _Lead:
    """A chat lead with its stage results, computing offline whatever the stored row does not have yet."""

    def __init__(self, lead: ChatLead, ctx: BusinessContextData, reference_year: int | None, question: str = "",
                 attachments: list[Attachment] | None = None) -> None:
        self.lead, self.ctx, self.question, self.attachments = lead, ctx, question, attachments or []
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
    lines.append(_source(pt, lead.lead.analysis is not None, "análise", "analysis"))
    return _with_notes(lines, notes(lead.attachments, question_cues(lead), pt), pt,
                       "O que os anexos dizem sobre isso:", "What the attachments say about it:")


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
        pick(pt, f"Decisor provável {lead.profile.named('em')}: {p.likely_role} ({p.fictional_name}, persona fictícia), "
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


_MESSAGE_CUES = ("interess", "dor ", "problema", "reclam", "prioridade", "queixa", "preocup", "objetivo", "meta ",
                 "interest", "problem", "priority", "goal")


def answer_message(lead: _Lead, pt: bool) -> str:
    m = lead.message
    source = _source(pt, lead.lead.message is not None, "mensagem", "message")
    if not m.recommended:
        return pick(pt, f"Não recomendo abordar {lead.profile.name} agora: {m.not_recommended_reason} {source}",
                    f"I do not recommend reaching out to {lead.profile.name} now: {m.not_recommended_reason} {source}")
    subject = f"{pick(pt, 'Assunto', 'Subject')}: {m.subject_line}\n" if m.subject_line else ""
    lines = [pick(pt, f"Mensagem ({m.channel}) para {lead.profile.name} {source}",
                  f"Message ({m.channel}) for {lead.profile.name} {source}") + f"\n{subject}\n{m.body}"]
    if lead.strategy.talking_points:
        lines.append(pick(pt, "Pontos para a conversa: ", "Talking points: ") + " ".join(lead.strategy.talking_points[:3]))
    return _with_notes(lines, notes(lead.attachments, _MESSAGE_CUES + question_cues(lead), pt), pt,
                       "Vale mencionar o que as notas anexadas trazem:", "Worth mentioning from the attached notes:")


def answer_follow_up(lead: _Lead, pt: bool) -> str:
    """The next touch of the lead's contact sequence, written from its strategy and first message."""
    s, m = lead.strategy, lead.message
    step = s.contact_sequence[min(2, len(s.contact_sequence) - 1)]
    point = s.talking_points[1] if len(s.talking_points) > 1 else (s.talking_points or [""])[0]
    body = "\n\n".join(line for line in [
        pick(pt, "Olá, tudo bem?", "Hi,"),
        pick(pt, f"Retomo minha mensagem sobre “{m.subject_line}”.", f"Following up on my note about “{m.subject_line}”."),
        point and pick(pt, f"Um ponto que pode interessar {lead.profile.named('a')}: {lower_first(point).rstrip('.')}.",
                       f"One point that may matter to {lead.profile.name}: {lower_first(point).rstrip('.')}."),
        read_seller(lead.ctx).value, m.call_to_action,
    ] if line)
    return pick(pt, f"Follow-up sugerido ({step.channel}, passo {step.step}: {step.objective}):\n\n",
                f"Suggested follow-up ({step.channel}, step {step.step}: {step.objective}):\n\n") + \
        f"{pick(pt, 'Assunto', 'Subject')}: Re: {m.subject_line}\n\n{body}"


def _source(pt: bool, stored: bool, stage_pt: str, stage_en: str) -> str:
    """'(fonte: análise salva no pipeline)' / '(fonte: análise calculada agora a partir da página do lead)'."""
    if stored:
        return pick(pt, f"(fonte: {stage_pt} salva no pipeline)", f"(source: the pipeline's stored {stage_en})")
    return pick(pt, f"(fonte: {stage_pt} calculada agora a partir dos dados do lead)",
                f"(source: {stage_en} computed now from the lead's data)")


def attachment_sentences(att: Attachment) -> list[str]:
    """An attachment as quotable sentences: text by sentence, CSV rows and JSON records as 'key: value; …'."""
    text = att.text or ""
    name = fold(att.name)
    if name.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if value is not None:
            records = value if isinstance(value, list) else [value]
            return ["; ".join(f"{k}: {v}" for k, v in r.items()) if isinstance(r, dict) else str(r) for r in records[:200]]
    if name.endswith(".csv"):
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
        if rows:
            return ["; ".join(f"{h}: {v}" for h, v in zip(rows[0], r, strict=False) if v.strip()) for r in rows[1:201]]
    return [s for s in sentences(text) if len(s.split()) >= 3]


def notes(attachments: list[Attachment], cues: tuple[str, ...], pt: bool, limit: int = 3) -> list[str]:
    """Attachment sentences holding any cue (folded prefixes), quoted with their source."""
    found = []
    for att in attachments:
        for line in attachment_sentences(att):
            if any(cue in fold(line) for cue in cues):
                found.append(f"- “{line[:240]}” {pick(pt, '(fonte: anexo', '(source: attachment')} {att.name})")
    return found[:limit]


def _with_notes(lines: list[str], found: list[str], pt: bool, title_pt: str, title_en: str) -> str:
    if found:
        lines += [pick(pt, title_pt, title_en), *found]
    return "\n".join(lines)


_QUESTION_STOP = frozenset(["lead", "leads", "este", "esse", "essa", "esta", "qual", "quais", "sobre", "para", "what",
                            "which", "about", "this", "that", "porque", "como", "deste", "desse", "dessa", "desta"])


def question_cues(lead: _Lead) -> tuple[str, ...]:
    """Content words of the question (folded, 5-letter prefixes) to find what an attachment says about it."""
    words = [w for w in tokens(lead.question, min_len=5) if w not in _QUESTION_STOP and
             w not in tokens(lead.profile.name, min_len=3)]
    return tuple(w[:5] for w in words)


def answer_summary(lead: _Lead, pt: bool) -> str:
    p, a, persona, s = lead.profile, lead.analysis, lead.persona, lead.strategy
    f = p.facts
    unknown = pick(pt, "não informado", "not stated")
    tier = analysis.tier_label(a.qualification_tier, pt)
    division = a.analysis.cnae_division_name or a.analysis.company_sector
    lines = [
        pick(pt, f"Resumo de {p.name}:", f"Summary of {p.name}:"),
        pick(pt, f"- Setor: {a.company_sector} ({division}); porte {p.size_text(True)}; local: {f.market_region or unknown} "
                 "(fonte: página do lead)",
             f"- Sector: {a.company_sector} ({division}); {p.size_text(False)}; location: {f.market_region or unknown} "
             "(source: the lead's page)"),
        pick(pt, f"- Qualificação: {tier}, geral {_fmt(a.overall_score)} ", f"- Qualification: {tier}, overall "
             f"{_fmt(a.overall_score)} ") + _source(pt, lead.lead.analysis is not None, "análise", "analysis"),
    ]
    if a.purchase_triggers:
        lines.append(pick(pt, "- Sinais: ", "- Signals: ") + "; ".join(a.purchase_triggers[:2]))
    if a.pain_point_analysis:
        lines.append(pick(pt, "- Dores: ", "- Pains: ") + "; ".join(a.pain_point_analysis[:2]))
    lines.append(pick(pt, f"- Decisor provável: {persona.likely_role}; primeiro canal: {s.primary_channel}",
                      f"- Likely buyer: {persona.likely_role}; first channel: {s.primary_channel}"))
    found = [f"- “{x[:240]}” {pick(pt, '(fonte: anexo', '(source: attachment')} {att.name})"
             for att in lead.attachments for x in attachment_sentences(att)[:2]]
    return _with_notes(lines, found, pt, "Nos anexos:", "In the attachments:")


_OBJECTION_CUES = ("preocup", "receio", "objec", "resist", "ja usa", "ja utiliz", "contrato", "orcamento", "caro",
                   "preco", "custo", "concorr", "duvida", "risco", "worried", "concern", "budget", "price", "already use")


def answer_objections(lead: _Lead, pt: bool) -> str:
    s = lead.strategy
    lines = [pick(pt, f"Objeções prováveis de {lead.profile.name} e como responder ", f"Likely objections from "
                  f"{lead.profile.name} and how to answer ") + _source(pt, lead.lead.strategy is not None,
                                                                         "estratégia", "strategy")]
    lines += [f"- {o.objection} → {o.response}" for o in s.potential_objections]
    competitors = tuple(fold(c) for c in lead.ctx.competitors)
    found = notes(lead.attachments, _OBJECTION_CUES + competitors, pt)
    return _with_notes(lines, found, pt, "O que as notas anexadas já indicam:", "What the attached notes already say:")


_NEXT_CUES = ("reuniao", "retorn", "proxima", "proposta", "agenda", "ligar", "visita", "prazo", "decis", "piloto",
              "meeting", "call back", "proposal", "next week")


def answer_next_step(lead: _Lead, pt: bool) -> str:
    a, s = lead.analysis, lead.strategy
    name = lead.profile.name
    if a.qualification_tier == "not_qualified":
        lines = [pick(pt, f"Próximo passo para {name}: não abordar agora. {lead.message.not_recommended_reason}",
                      f"Next step for {name}: do not reach out now. {lead.message.not_recommended_reason}").strip()]
    elif lead.lead.processing_stage and lead.lead.processing_stage != "completed" and lead.lead.message is None:
        lines = [pick(pt, f"O pipeline de {name} ainda não terminou (etapa: {lead.lead.processing_stage}); "
                          "processe o lead até a mensagem antes do primeiro contato.",
                      f"{name}'s pipeline has not finished (stage: {lead.lead.processing_stage}); process the lead "
                      "up to the message before the first contact.")]
    else:
        first = s.contact_sequence[0]
        lines = [pick(pt, f"Próximo passo para {name}: {first.channel} — {first.objective} (CTA: {first.cta}). "
                          f"Melhor horário: {s.best_time}. Meta: {s.first_interaction_goal}. ",
                      f"Next step for {name}: {first.channel} — {first.objective} (CTA: {first.cta}). "
                      f"Best time: {s.best_time}. Goal: {s.first_interaction_goal}. ")
                 + _source(pt, lead.lead.strategy is not None, "estratégia", "strategy")]
    found = notes(lead.attachments, _NEXT_CUES, pt)
    return _with_notes(lines, found, pt, "Leve em conta o que as notas anexadas dizem:",
                       "Take into account what the attached notes say:")


def answer_missing(lead: _Lead, pt: bool) -> str:
    p, a = lead.profile, lead.analysis
    f = p.facts
    attached = extract(" \n".join(x for att in lead.attachments for x in attachment_sentences(att)))
    known: list[str] = []
    missing: list[str] = []

    def check(has: bool, label_pt: str, label_en: str, value: str, from_notes: str = "") -> None:
        """A fact from the lead's page, else from the attachments (`from_notes` already names its source)."""
        label = pick(pt, label_pt, label_en)
        if has:
            known.append(f"{label}: {value} {pick(pt, '(fonte: página do lead)', '(source: the lead page)')}")
        elif from_notes:
            known.append(f"{label}: {from_notes}")
        else:
            missing.append(label)

    in_notes = pick(pt, "(fonte: anexos)", "(source: attachments)")

    def attached_values(values: list[str]) -> str:
        return f"{', '.join(values[:2])} {in_notes}" if values else ""

    def quoted(cues: tuple[str, ...]) -> str:
        return "; ".join(x[2:] for x in notes(lead.attachments, cues, pt, 1))

    check(bool(f.emails), "e-mail de contato", "contact e-mail", ", ".join(f.emails[:2]), attached_values(attached.emails))
    check(bool(f.phones), "telefone", "phone", ", ".join(f.phones[:2]), attached_values(attached.phones))
    check(bool(p.lead.contact_role.strip()), "quem decide a compra (cargo do contato)", "who decides (contact role)",
          p.lead.contact_role, quoted(_ROLE_CUES))
    check(bool(f.cnpj), "CNPJ", "CNPJ", ", ".join(f.cnpj), attached_values(attached.cnpj))
    check(p.has_size_evidence, "porte", "size", p.size_text(pt))
    check(bool(f.state), "cidade/UF", "city/state", f.market_region)
    check(bool(p.triggers), "um gatilho de compra (evento recente)", "a buying trigger (recent event)",
          "; ".join(s.label(pt) for s, _ in p.triggers))
    check(False, "orçamento disponível", "available budget", "", quoted(_BUDGET_CUES))
    if lead.lead.qualification_tier is None:
        missing.append(pick(pt, "a análise do pipeline (o lead ainda não foi processado)",
                            "the pipeline's analysis (the lead has not been processed yet)"))
    lines = [pick(pt, f"O que já sabemos de {p.name}:", f"What we know about {p.name}:"), *[f"- {k}" for k in known]]
    if missing:
        lines += [pick(pt, "Os dados não dizem:", "The data does not say:"), *[f"- {m}" for m in missing]]
    lines.append(pick(pt, f"Qualificação atual: {analysis.tier_label(a.qualification_tier, True)}.",
                      f"Current qualification: {analysis.tier_label(a.qualification_tier, False)}."))
    return "\n".join(lines)


_ROLE_CUES = ("diretor", "diretora", "gerente", "gestor", "gestora", "ceo", "cfo", "controller", "socio", "dono",
              "director", "manager", "owner", "head ")


def _fact_value(lead: _Lead, label_en: str, pt: bool) -> str:
    """What the lead's page says for one fact ('' when it does not say)."""
    p, f = lead.profile, lead.profile.facts
    values = {
        "revenue": format_measure("revenue", p.measures["revenue"], pt) if "revenue" in p.measures else "",
        "headcount": format_measure("employees", p.measures["employees"], pt) if "employees" in p.measures else "",
        "fleet": format_measure("vehicles", p.measures["vehicles"], pt) if "vehicles" in p.measures else "",
        "founding year": str(f.founded_year or ""),
        "location": f.market_region,
        "sector": f"{lead.analysis.company_sector} (CNAE {lead.analysis.analysis.cnae_division} — "
                  f"{lead.analysis.analysis.cnae_division_name})" if lead.analysis.analysis.cnae_division
        else lead.analysis.company_sector if p.sector else "",
    }
    return values.get(label_en, "")


def answer_fact(lead: _Lead, pt: bool) -> str:
    """Each single fact the question asks about: from the page, else quoted from the attachments, else said plainly
    that the data does not say it."""
    question = fold(lead.question)
    lines = []
    for pattern, label_pt, label_en, cues in _FACTS:
        if not re.search(pattern, question):
            continue
        value = _fact_value(lead, label_en, pt)
        quotes = notes(lead.attachments, cues, pt, 2)
        if value:
            lines.append(f"{pick(pt, upper_first(label_pt), upper_first(label_en))} {lead.profile.named('de') if pt else 'of ' + lead.profile.name}: "
                         f"{value} {pick(pt, '(fonte: página do lead)', '(source: the lead page)')}")
        elif not quotes:
            lines.append(pick(pt, f"Os dados não dizem {Phrase(label_pt).definite()} {lead.profile.named('de')}: nem a página do lead "
                                  "nem os anexos trazem essa informação.",
                              f"The data does not say {lead.profile.name}'s {label_en}: neither the lead's page nor "
                              "the attachments have it."))
        if quotes:
            lines += [pick(pt, f"Nos anexos, sobre {label_pt}:", f"In the attachments, on {label_en}:"), *quotes]
    return "\n".join(lines)


def _lead_line(lead: _Lead, pt: bool) -> tuple[float, str]:
    a = lead.analysis
    signals = len(lead.profile.triggers)
    line = pick(pt, f"- {lead.profile.name}: {analysis.tier_label(a.qualification_tier, True)}, geral "
                    f"{_fmt(a.overall_score)}; {a.company_sector}; porte {lead.profile.size_text(True)}; "
                    f"{lead.profile.facts.market_region or 'local não informado'}; {signals} gatilho(s)",
                f"- {lead.profile.name}: {analysis.tier_label(a.qualification_tier, False)}, overall "
                f"{_fmt(a.overall_score)}; {a.company_sector}; {lead.profile.size_text(False)}; "
                f"{lead.profile.facts.market_region or 'location not stated'}; {signals} trigger(s)")
    return (a.overall_score or 0.0) + 0.01 * signals, line


def answer_compare(lead: _Lead, others: list[_Lead], pipeline: PipelineSummary | None, pt: bool) -> str:
    if not others:
        named = [t for t in (pipeline.top_leads if pipeline else []) if t.company_name and
                 fold(t.company_name) in fold(lead.question) and fold(t.company_name) != fold(lead.profile.name)]
        if not named:
            return pick(pt, f"Os dados desta conversa só trazem {lead.profile.name}; cite na pergunta o nome de outro "
                            "lead seu para eu comparar.",
                        f"This conversation only has data on {lead.profile.name}; name another of your leads in the "
                        "question so I can compare them.")
        t = named[0]
        mine = lead.analysis
        better = lead.profile.name if (mine.overall_score or 0) >= (t.overall_score or 0) else t.company_name
        return "\n".join([
            pick(pt, "Comparação (fonte: resultados salvos do pipeline):", "Comparison (source: the pipeline's stored results):"),
            _lead_line(lead, pt)[1],
            f"- {t.company_name}: {t.qualification_tier or '—'}, {pick(pt, 'geral', 'overall')} {_fmt(t.overall_score)}",
            pick(pt, f"Prioridade: {better} (maior pontuação geral). Os dados não detalham setor e porte de "
                     f"{t.company_name}.",
                 f"Priority: {better} (higher overall score). The data does not detail {t.company_name}'s sector "
                 "and size."),
        ])
    ranked = sorted([_lead_line(x, pt) for x in (lead, *others)], reverse=True)
    best = sorted((lead, *others), key=lambda x: _lead_line(x, pt)[0], reverse=True)[0]
    return "\n".join([
        pick(pt, "Comparação (fonte: análise de cada lead):", "Comparison (source: each lead's analysis):"),
        *[line for _, line in ranked],
        pick(pt, f"Prioridade: {best.profile.name} — maior pontuação geral ({_fmt(best.analysis.overall_score)}).",
             f"Priority: {best.profile.name} — highest overall score ({_fmt(best.analysis.overall_score)})."),
    ])


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
                 "strategy": answer_strategy, "message": answer_message, "follow_up": answer_follow_up,
                 "summary": answer_summary, "objections": answer_objections, "next_step": answer_next_step,
                 "missing": answer_missing, "fact": answer_fact}


def answer(data: ChatInput, reference_year: int | None = None) -> ChatOutput:
    pt = _lang(data)
    kind = intent(data)
    ctx = data.business_context or BusinessContextData(language=pick(pt, "pt-BR", "en"))

    def chat_lead(lead: ChatLead) -> _Lead:
        return _Lead(lead, ctx, reference_year, data.message, data.attachments)

    if kind == "attachment" and data.attachments:
        reply = "\n".join(summarise_attachment(a, pt) for a in data.attachments)
    elif kind == "compare" and data.lead:
        reply = answer_compare(chat_lead(data.lead), [chat_lead(x) for x in data.other_leads], data.pipeline, pt)
    elif kind in _LEAD_ANSWERS and data.lead:
        reply = _LEAD_ANSWERS[kind](chat_lead(data.lead), pt)
    elif data.pipeline and (kind == "pipeline" or not data.lead):
        reply = answer_pipeline(data.pipeline, pt)
    elif kind in _LEAD_ANSWERS or kind == "compare":
        reply = pick(pt, "Selecione um lead (ou cite o nome dele) para eu responder: os dados enviados não trazem "
                         "nenhum lead.", "Select a lead (or name it) so I can answer: the data sent has no lead.")
    else:
        reply = answer_help(data, pt)
    return ChatOutput(reply=reply)
