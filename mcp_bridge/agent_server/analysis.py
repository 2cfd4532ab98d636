"""Offline analysis: sector, size, pains, triggers and explained scores against the business context."""

from __future__ import annotations

import re

from .cnae import division_name
from .grammar import fits_language, join_sentences, sentence, upper_first
from .models import Analysis, AnalysisOutput, BusinessContextData, ScoreExplanations
from .profile import LeadProfile
from .scoring import MIN_MARKET_FIT, ScoreCard, score
from .seller import pains_shown, read_seller
from .text import fold, is_portuguese, join_human, pick, sentence_with

TIER_NAMES = {
    "high_potential": ("Alto potencial", "High potential"),
    "medium_potential": ("Médio potencial", "Medium potential"),
    "low_potential": ("Baixo potencial", "Low potential"),
    "not_qualified": ("Não qualificado", "Not qualified"),
}
_SERVICE_LIST_RE = re.compile(
    r"(?:especialidades|servicos|solucoes|especializada em|oferece|oferecemos|criamos|fabrica|atendemos|develops|offers)"
    r":?\s+([^.|\n]{8,160})"
)


def tier_label(tier: str, lang_pt: bool) -> str:
    pt, en = TIER_NAMES[tier]
    return pick(lang_pt, pt, en)


def main_services(p: LeadProfile, lang_pt: bool) -> list[str]:
    """The lead's own tagline plus the first 'we offer / specialities' list found in its text, when written in the
    analysis language."""
    services = [p.lead.description.strip()] if p.lead.description.strip() else []
    folded = fold(p.text)
    m = _SERVICE_LIST_RE.search(folded)
    if m:
        original = p.text[m.start(1): m.end(1)] if len(folded) == len(p.text) else m.group(1)
        services += [s.strip(" ,;:") for s in re.split(r",| e | and ", original) if len(s.strip()) > 3][:4]
    services = [x for x in services if fits_language(x, lang_pt)]
    return list(dict.fromkeys(services))[:5] or ([p.sector.label(lang_pt)] if p.sector else [])


def pain_points(p: LeadProfile, ctx: BusinessContextData, lang_pt: bool) -> list[str]:
    """The seller's pains the lead's text shows (quoted), its other pains the seller's rules recognise, then the
    typical challenges of its sector."""
    seller = read_seller(ctx)
    found = [f"{upper_first(pain.noun)}: “{sentence_with(p.text, stem.split(', ')[0])}”"
             for pain, stem in pains_shown(seller, p.text)]
    seller_rules = {r.key for r in seller.pain_rules}
    found += [f"{s.label(lang_pt)}: “{sentence_with(p.text, ev)}”" for s, ev in p.pains if s.key in seller_rules]
    if p.sector:
        found += list(p.sector.challenges_pt[:2] if lang_pt else p.sector.challenges_en[:2])
    return list(dict.fromkeys(found))[:6]


def purchase_triggers(p: LeadProfile, lang_pt: bool) -> list[str]:
    return [f"{s.label(lang_pt)}: “{sentence_with(p.text, ev)}”" for s, ev in p.triggers]


def explain(card: ScoreCard, lang_pt: bool) -> ScoreExplanations:
    def line(key: str, value: float) -> str:
        reasons = "; ".join(r.why(lang_pt) for r in card.rules[key] if r.value > 0 or key == "relevance")
        return f"{value:.2f} — {reasons or pick(lang_pt, 'nenhum sinal', 'no signal')}"

    overall = pick(
        lang_pt,
        f"{card.overall:.2f} = 0,45×relevância {card.relevance:.2f} + 0,35×ROI {card.roi_potential:.2f}"
        f" + 0,20×mercado BR {card.brazilian_market_fit:.2f} → {tier_label(card.tier, True)}",
        f"{card.overall:.2f} = 0.45×relevance {card.relevance:.2f} + 0.35×ROI {card.roi_potential:.2f}"
        f" + 0.20×BR market {card.brazilian_market_fit:.2f} → {tier_label(card.tier, False)}",
    )
    return ScoreExplanations(
        relevance=line("relevance", card.relevance), roi_potential=line("roi_potential", card.roi_potential),
        brazilian_market_fit=line("brazilian_market_fit", card.brazilian_market_fit), overall=overall,
    )


def diagnosis(p: LeadProfile, lang_pt: bool) -> str:
    f = p.facts
    sector = p.sector.label(lang_pt) if p.sector else pick(lang_pt, "setor não identificado", "unknown sector")
    size = p.size_text(lang_pt)
    where = f.market_region or pick(lang_pt, "local não informado", "location not stated")
    since = pick(lang_pt, f", fundada em {f.founded_year}", f", founded in {f.founded_year}") if f.founded_year else ""
    signals = join_human([s.label(lang_pt).lower() for s, _ in p.triggers], lang_pt)
    tail = pick(lang_pt, f" Sinais recentes: {signals}.", f" Recent signals: {signals}.") if signals else ""
    return pick(lang_pt, f"{p.name}: {sector}, porte {size}, {where}{since}.{tail}",
                f"{p.name}: {sector}, {size} company, {where}{since}.{tail}")


def not_qualified_reason(card: ScoreCard, lang_pt: bool) -> str:
    """Why a lead is not worth contacting, as one sentence: the market gate, else its weakest fits."""
    if card.brazilian_market_fit < MIN_MARKET_FIT:
        return pick(lang_pt, "A empresa está fora do mercado atendido: não há sinais de operação no Brasil.",
                    "The company is outside the market served: no sign of operations in Brazil.")
    weak = sorted((r for r in card.rules["relevance"] if r.value < 0.5), key=lambda r: r.value)[:2]
    reasons = join_human([r.why(lang_pt) for r in weak], lang_pt) or pick(
        lang_pt, f"pontuação geral baixa ({card.overall:.2f})", f"low overall score ({card.overall:.2f})")
    return sentence(pick(lang_pt, f"O perfil não combina com o cliente ideal: {reasons}",
                         f"The profile does not match the ideal customer: {reasons}"))


def opportunity(p: LeadProfile, ctx: BusinessContextData, card: ScoreCard, lang_pt: bool) -> str:
    tier = tier_label(card.tier, lang_pt)
    hook = next((s.label(lang_pt).lower() for s, _ in p.triggers), "")
    if card.tier == "not_qualified":
        return f"{tier}. {not_qualified_reason(card, lang_pt)}"
    if card.tier in ("high_potential", "medium_potential"):
        why = pick(lang_pt, f"O momento ({hook}) favorece a abordagem." if hook else "",
                   f"The timing ({hook}) favours outreach." if hook else "")
        return join_sentences(tier, why, read_seller(ctx).value)
    weakest = min(card.rules["relevance"], key=lambda r: r.value)
    return join_sentences(tier, pick(lang_pt, f"Ponto fraco: {weakest.why_pt}", f"Weak point: {weakest.why_en}"),
                          pick(lang_pt, "Priorize outros leads", "Prioritise other leads"))


def run_analysis(p: LeadProfile, ctx: BusinessContextData) -> AnalysisOutput:
    lang_pt = is_portuguese(ctx.language)
    card = score(p, ctx)
    sector = p.sector.label(lang_pt) if p.sector else (p.lead.company_sector or pick(lang_pt, "Outros", "Other"))
    analysis = Analysis(
        company_sector=sector, cnae_division=p.division, cnae_division_name=division_name(p.division),
        main_services=main_services(p, lang_pt),
        company_size_estimate=p.size_text(lang_pt),
        potential_challenges=pain_points(p, ctx, lang_pt)[:4],
        recent_activities=purchase_triggers(p, lang_pt),
        general_diagnosis=diagnosis(p, lang_pt),
        opportunity_fit=opportunity(p, ctx, card, lang_pt),
        score_explanations=explain(card, lang_pt),
    )
    return AnalysisOutput(
        analysis=analysis, company_sector=sector, company_size=p.size,  # type: ignore[arg-type]
        pain_point_analysis=pain_points(p, ctx, lang_pt), purchase_triggers=purchase_triggers(p, lang_pt),
        relevance_score=card.relevance, roi_potential_score=card.roi_potential,
        brazilian_market_fit=card.brazilian_market_fit, overall_score=card.overall,
        qualification_tier=card.tier,  # type: ignore[arg-type]
    )
