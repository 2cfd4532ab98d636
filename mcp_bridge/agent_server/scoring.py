"""Lead scores: each rule is a small named function returning a `Rule` (value 0..1 plus why it fired).

Scores (all 0..1, rounded to 4 places):
- relevance  = 0.40 sector_focus + 0.20 size_fit + 0.25 pain_fit + 0.15 b2b_fit
- size_fit compares the lead with the seller's target range in the seller's own unit (employees, vehicles, sites,
  beds, students, seats, members, revenue)
- roi_potential = size_base (x0.85 when no size is stated; at least 0.65 x size_fit)
  + growth_bonus (0.10 per growth trigger, at most 0.25), capped at 1
- brazilian_market_fit = 0.25 br_domain + 0.20 portuguese + 0.15 br_phone + 0.15 cnpj + 0.15 br_location
  + 0.10 geographic_focus
- overall = 0.45 relevance + 0.35 roi_potential + 0.20 brazilian_market_fit

Tiers (TIER_THRESHOLDS): overall >= 0.70 high_potential, >= 0.50 medium_potential, >= 0.30 low_potential, else
not_qualified. Gates: a market fit below MIN_MARKET_FIT is not_qualified (outside the market served);
high_potential also needs relevance >= HIGH_MIN_RELEVANCE (a big company outside the ICP is not a top lead);
then `_gated`: outside the industry focus with no need shown is at most low, and also far below the target range
is not_qualified, and a near-empty page is never not_qualified by its score alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import geo
from .extraction import is_brazilian_phone
from .models import BusinessContextData
from .profile import MEASURES, SIZE_NAMES_PT, LeadProfile, Measure, format_measure
from .seller import pains_shown, read_seller
from .taxonomy import focus_sectors
from .text import contains_any, fold, pick, tokens
from .triggers import context_pains

RELEVANCE_WEIGHTS = {"sector_focus": 0.40, "size_fit": 0.20, "pain_fit": 0.25, "b2b_fit": 0.15}
OVERALL_WEIGHTS = {"relevance": 0.45, "roi_potential": 0.35, "brazilian_market_fit": 0.20}
SIZE_BASE_ROI = {"micro": 0.10, "small": 0.30, "medium": 0.55, "large": 0.70, "enterprise": 0.80}
# (minimum overall score, tier), checked top-down.
TIER_THRESHOLDS = ((0.70, "high_potential"), (0.50, "medium_potential"), (0.30, "low_potential"))
# Below this Brazilian-market fit the company is outside the market served: not_qualified whatever else it scores.
MIN_MARKET_FIT = 0.20
HIGH_MIN_RELEVANCE = 0.60
ESTIMATED_SIZE_FACTOR = 0.85
TARGET_FIT_ROI = 0.65  # a lead inside the seller's target range is worth at least this much, whatever its class
MIN_WORDS_TO_DISQUALIFY = 15

_B2B_CUES = ("b2b", "para empresas", "clientes corporativos", "pmes", "pequenas e medias empresas", "mid-market",
             "industrias", "industria", "atendemos", "e-commerce e industria", "varejo", "corporate", "enterprise",
             "companies", "distribuidores", "exportamos", "inside sales", "equipe comercial", "time comercial")
_B2C_CUES = ("consulta", "pacientes", "aniversario", "de bairro", "encomende", "aberto todos os dias", "clareamento",
             "consumidor final", "delivery")
_SALES_MOTION_TRIGGERS = {"hiring_sales", "funding_round", "leadership_change"}


@dataclass(frozen=True)
class Rule:
    name: str
    value: float
    why_pt: str
    why_en: str

    def why(self, lang_pt: bool) -> str:
        return pick(lang_pt, self.why_pt, self.why_en)


@dataclass(frozen=True)
class ScoreCard:
    relevance: float
    roi_potential: float
    brazilian_market_fit: float
    overall: float
    tier: str
    rules: dict[str, list[Rule]]


def sector_focus(p: LeadProfile, ctx: BusinessContextData) -> Rule:
    focus = focus_sectors(ctx.industry_focus)
    if p.sector is None:
        return Rule("sector_focus", 0.2, "setor não identificado", "sector not identified")
    if not ctx.industry_focus:
        return Rule("sector_focus", 0.5, "sem foco de setor definido", "no industry focus defined")
    if p.sector in focus:
        return Rule("sector_focus", 1.0, f"{p.sector.named(True)} está no foco",
                    f"{p.sector.named(False)} is in the industry focus")
    icp = fold(f"{ctx.ideal_customer} {ctx.target_market}")
    if contains_any(icp, p.sector.synonyms):
        return Rule("sector_focus", 0.7, f"{p.sector.named(True)} citado no cliente ideal",
                    f"{p.sector.named(False)} named in the ideal customer")
    return Rule("sector_focus", 0.0, f"{p.sector.named(True)} fora do foco",
                f"{p.sector.named(False)} outside the industry focus")


def _seller_measure(ctx: BusinessContextData) -> tuple[int, int, Measure] | None:
    target = read_seller(ctx).target
    measure = next((m for m in MEASURES if target and any(target[2].startswith(u) for u in m.target_units)), None)
    return (target[0], target[1], measure) if target and measure else None


def size_fit(p: LeadProfile, ctx: BusinessContextData) -> Rule:
    """1 inside the seller's target range, in the seller's own unit (employees, vehicles, stores, beds, seats…),
    decaying by half a point per doubling outside it. A lead known by another measure is compared by its size
    class's typical value, as weak evidence (none at all when companies of its sector do not usually have the
    seller's unit, e.g. vehicles at a law firm); no size evidence at all is neutral."""
    found = _seller_measure(ctx)
    if found is None:
        return Rule("size_fit", 0.5, "público-alvo sem faixa de porte", "target market has no size range")
    low, high, measure = found
    stated = p.measures.get(measure.key)
    span = f"{low}-{high}" if high < 10**9 else f"{low}+"
    if stated is None and not p.has_size_evidence:
        return Rule("size_fit", 0.4, f"sem dado de porte para comparar com a faixa {span} {measure.unit_pt}",
                    f"no size evidence to compare with the {span} {measure.unit_en} range")
    usual = measure.usual_for(p.sector.key if p.sector else "")
    value_of_lead = stated if stated is not None else measure.typical(p.size) if usual else 0.0
    if value_of_lead <= 0:
        return Rule("size_fit", 0.0, f"sem {measure.unit_pt} (faixa {span})", f"no {measure.unit_en} ({span} range)")
    ratio = low / value_of_lead if value_of_lead < low else value_of_lead / high if value_of_lead > high else 1.0
    value = max(0.0, 1.0 - 0.5 * math.log2(ratio))
    if stated is None:
        value *= 0.5 if measure.key != "employees" else 0.8  # an estimate is weaker evidence than a stated size
    who_pt = format_measure(measure.key, stated, True) if stated is not None else f"porte estimado {SIZE_NAMES_PT[p.size]}"
    who_en = format_measure(measure.key, stated, False) if stated is not None else f"estimated size {p.size}"
    inside = ratio == 1.0
    return Rule("size_fit", value, f"{who_pt} {'dentro' if inside else 'fora'} da faixa {span} {measure.unit_pt}",
                f"{who_en} {'inside' if inside else 'outside'} the {span} {measure.unit_en} range")


def stated_in_seller_unit(p: LeadProfile, ctx: BusinessContextData) -> bool:
    """The lead's page states its size in the seller's own (non-headcount) unit, inside the target range."""
    found = _seller_measure(ctx)
    if found is None or found[2].key == "employees":
        return False
    low, high, measure = found
    return measure.key in p.measures and low <= p.measures[measure.key] <= high


def pain_fit(p: LeadProfile, ctx: BusinessContextData) -> Rule:
    """The seller's pains the lead shows, a sales motion when the seller sells to sales teams (hiring sellers,
    funding), shared vocabulary."""
    seller = read_seller(ctx)
    seen = {s.key for s, _ in p.pains}
    direct = [pain for pain, rule in context_pains(ctx.pain_points) if rule and rule.key in seen]
    direct += [pain.text for pain, _ in pains_shown(seller, p.text) if pain.text not in direct]
    motion = [s for s, _ in p.triggers if s.key in _SALES_MOTION_TRIGGERS] if seller.sells_to_sales_teams else []
    vocabulary = tokens(f"{ctx.target_market} {ctx.ideal_customer} {' '.join(ctx.pain_points)}") & tokens(p.text)
    value = min(1.0, 0.4 * len(direct) + (0.5 if motion else 0.0) + 0.05 * min(4, len(vocabulary)))
    parts_pt = [f"dores em comum: {', '.join(direct)}"] if direct else []
    parts_en = [f"shared pains: {', '.join(direct)}"] if direct else []
    if motion:
        parts_pt.append(motion[0].label_pt.lower())
        parts_en.append(motion[0].label_en.lower())
    return Rule("pain_fit", value, "; ".join(parts_pt) or "nenhuma dor do contexto identificada",
                "; ".join(parts_en) or "no context pain identified")


def b2b_fit(p: LeadProfile, ctx: BusinessContextData) -> Rule:
    folded = fold(p.text)
    b2b, b2c = contains_any(folded, _B2B_CUES), contains_any(folded, _B2C_CUES)
    value = 0.6 if b2b and b2c else 1.0 if b2b else 0.0 if b2c else 0.5
    kind_pt = "vende para empresas" if value >= 0.6 else "vende ao consumidor final" if b2c else "modelo B2B incerto"
    kind_en = "sells to businesses" if value >= 0.6 else "sells to consumers" if b2c else "B2B model unclear"
    return Rule("b2b_fit", value, kind_pt, kind_en)


def roi_potential(p: LeadProfile, fit: Rule | None = None) -> list[Rule]:
    """Size base (weaker when no size is stated), at least what fitting the seller's target range is worth, plus
    growth signals."""
    growth = [s for s, _ in p.triggers if s.growth]
    base = SIZE_BASE_ROI[p.size] * (1.0 if p.measures else ESTIMATED_SIZE_FACTOR)
    base = max(base, TARGET_FIT_ROI * fit.value) if fit is not None else base
    rules = [Rule("size_base", base, f"porte {p.size_text(True)}", f"{p.size_text(False)} company")]
    if growth:
        names_pt = ", ".join(s.label_pt.lower() for s in growth)
        names_en = ", ".join(s.label_en.lower() for s in growth)
        rules.append(Rule("growth_bonus", min(0.25, 0.10 * len(growth)), f"sinais de crescimento: {names_pt}",
                          f"growth signals: {names_en}"))
    return rules


def market_fit_rules(p: LeadProfile, ctx: BusinessContextData) -> list[Rule]:
    f = p.facts
    domains = [p.domain, *(e.rsplit("@", 1)[-1] for e in f.emails)]
    in_focus = bool(f.state) and geo.in_focus(ctx.geographic_focus, f.city, f.state)
    checks = (
        ("br_domain", 0.25, any(d.endswith(".br") for d in domains if d), "domínio .br", ".br domain"),
        ("portuguese", 0.20, f.language == "pt", "texto em português", "Portuguese text"),
        ("br_phone", 0.15, any(is_brazilian_phone(x) for x in f.phones), "telefone brasileiro", "Brazilian phone"),
        ("cnpj", 0.15, bool(f.cnpj), "CNPJ válido", "valid CNPJ"),
        ("br_location", 0.15, bool(f.state), f"localizada em {f.state}", f"located in {f.state}"),
        ("geographic_focus", 0.10, in_focus, "dentro do foco geográfico", "inside the geographic focus"),
    )
    return [Rule(name, weight, why_pt, why_en) for name, weight, ok, why_pt, why_en in checks if ok]


def tier_for(overall: float, relevance: float, market_fit: float) -> str:
    if market_fit < MIN_MARKET_FIT:
        return "not_qualified"
    tier = next((tier for minimum, tier in TIER_THRESHOLDS if overall >= minimum), "not_qualified")
    if tier == "high_potential" and relevance < HIGH_MIN_RELEVANCE:
        return "medium_potential"
    return tier


def _gated(tier: str, p: LeadProfile, ctx: BusinessContextData, rules: dict[str, Rule]) -> str:
    """The judgement gates on top of the score:
    - a lead showing no need (no seller pain, no growth trigger, no size stated in the seller's unit) outside the
      seller's industry focus is at most low_potential;
    - a lead far below the seller's target range and outside its focus, with size evidence and no need shown, is
      not_qualified;
    - a near-empty page is never not_qualified by its score alone (not knowing is not a bad fit)."""
    need = rules["pain_fit"].value >= 0.4 or any(s.growth for s, _ in p.triggers) or stated_in_seller_unit(p, ctx)
    if tier in ("high_potential", "medium_potential") and rules["sector_focus"].value == 0.0 and not need:
        return "low_potential"
    size = rules["size_fit"]
    below = size.why_pt.startswith("sem ") or ("fora" in size.why_pt and p.size in ("micro", "small"))
    outside = rules["sector_focus"].value == 0.0
    if tier == "low_potential" and size.value == 0.0 and p.has_size_evidence and not need and below and outside:
        return "not_qualified"
    if tier == "not_qualified" and len(p.text.split()) < MIN_WORDS_TO_DISQUALIFY:
        return "low_potential"
    return tier


def score(p: LeadProfile, ctx: BusinessContextData) -> ScoreCard:
    relevance_rules = [rule(p, ctx) for rule in (sector_focus, size_fit, pain_fit, b2b_fit)]
    relevance = sum(RELEVANCE_WEIGHTS[r.name] * r.value for r in relevance_rules)
    roi_rules = roi_potential(p, relevance_rules[1])
    roi = min(1.0, sum(r.value for r in roi_rules))
    fit_rules = market_fit_rules(p, ctx)
    fit = min(1.0, sum(r.value for r in fit_rules))
    overall = sum(w * v for w, v in zip(OVERALL_WEIGHTS.values(), (relevance, roi, fit), strict=True))
    relevance, roi, fit, overall = (round(v, 4) for v in (relevance, roi, fit, overall))
    tier = tier_for(overall, relevance, fit)
    if fit >= MIN_MARKET_FIT:
        tier = _gated(tier, p, ctx, {r.name: r for r in relevance_rules})
    return ScoreCard(relevance, roi, fit, overall, tier=tier,
                     rules={"relevance": relevance_rules, "roi_potential": roi_rules, "brazilian_market_fit": fit_rules})
