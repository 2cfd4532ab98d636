"""The seller, read once from the business context into typed pieces the agents compose from.

What the seller sells, its value, the pains it solves, its ideal customer's roles, its differentiator and
competitors — each kept only when it can be used in the outreach language (a field written in the other
language is rephrased from its structure, e.g. a known pain by its rule label, or left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import triggers as trg
from .grammar import Phrase, fits_language, language_of, lower_first, sentence
from .models import BusinessContextData
from .roles import EN_ROLE_WORDS, PT_ROLE_WORDS, ROLE_WORDS, Function, function_of, seniority
from .text import contains_any, fold, is_portuguese, tokens

_OFFER_LEAD_IN = re.compile(
    r"^(?:n[oó]s\s+)?(?:oferecemos|vendemos|fornecemos|fabricamos|prestamos|desenvolvemos|comercializamos|"
    r"oferece|vende|fornece|fabrica|presta|we\s+(?:offer|sell|provide|build|make)|offers|sells|provides)\s+",
    re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?(]|\s[–—-]\s|,\s|\s(?:que|which|that|who|com o qual|para que)\s", re.IGNORECASE)
_ROLE_SPLIT = re.compile(r"\s+(?:or|ou|and|e)\s+|/|,|;")
_RANGE_RE = re.compile(
    r"(?:(\d[\d.]*)\s*(?:-|–|a|to|ate)\s*(\d[\d.]*)|(?:a partir de|acima de|mais de|from|over|at least|minimo de)"
    r"\s*(\d[\d.]*))\s*(?:mil\s+)?([a-z]+(?:\s+de\s+[a-z]+)?)")


@dataclass(frozen=True)
class Role:
    title: str  # as the outreach language names it
    function: Function | None
    weight: float  # seniority 0..1


@dataclass
class Seller:
    lang_pt: bool
    language: str
    name: str = ""
    offer: Phrase | None = None
    value: str = ""  # whole sentences, in the outreach language
    differentiator: str = ""
    pains: list[Phrase] = field(default_factory=list)
    pain_rules: list[trg.Signal] = field(default_factory=list)  # known rules behind the seller's pains
    roles: list[Role] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)
    target: tuple[int, int, str] | None = None  # (low, high, unit) of the ideal customer's size
    domain_stems: frozenset[str] = frozenset()  # stems of what the seller sells: its domain, not a pain

    @property
    def sells_to_sales_teams(self) -> bool:
        """Its ideal customer is a sales role: a lead's sales motion (hiring sellers) is then a reason to buy."""
        return any(r.function is not None and r.function.key == "sales" for r in self.roles)

    def pains_for(self, lead_rules: set[str]) -> list[Phrase]:
        """The seller's pains, those the lead shows first."""
        shown = [p for p, r in zip(self.pains, self._rules_by_pain(), strict=True) if r and r.key in lead_rules]
        return shown + [p for p in self.pains if p not in shown]

    def _rules_by_pain(self) -> list[trg.Signal | None]:
        return [next((r for r in self.pain_rules if r.label(self.lang_pt).lower() == p.text.lower()
                      or trg.matches(r, p.text)), None) for p in self.pains]


def brand(ctx: BusinessContextData) -> str:
    """The seller's name: the first words of the business description when they read like a name ('Nellia is …')."""
    m = re.match(r"\s*(?:A |O )?([A-Z][\w&.-]+(?: [A-Z][\w&.-]+)?)\s+(?:is|é|e|atua|oferece|fornece|vende|presta|"
                 r"fabrica|desenvolve)\b", ctx.business_description or "")
    return m.group(1) if m else ""


def offer_phrase(ctx: BusinessContextData, lang_pt: bool) -> Phrase | None:
    """What the seller sells as a short noun phrase ('rastreadores e plataforma de telemetria para frotas')."""
    text = " ".join((ctx.product_service_description or "").split())
    if not text or not fits_language(text, lang_pt):
        return None
    text = _OFFER_LEAD_IN.sub("", text)
    cut = _CLAUSE_END.search(text)
    head = (text[: cut.start()] if cut else text).strip(" ,")
    words = head.split()
    if len(words) > 12:
        head = " ".join(words[:12]).rstrip(",;")
    if len(head) < 4:
        return None
    return Phrase(lower_first(head), lang_pt)


def _pains(ctx: BusinessContextData, lang_pt: bool) -> tuple[list[Phrase], list[trg.Signal]]:
    """The seller's pains as phrases of the outreach language: as written when in that language, a known pain
    by its rule label when written in the other one, left out otherwise."""
    phrases: list[Phrase] = []
    rules: list[trg.Signal] = []
    for pain, rule in trg.context_pains(ctx.pain_points):
        rules += [rule] if rule else []
        lang = language_of(pain)
        if (lang is not None and (lang == "pt") == lang_pt) or (lang is None and rule is None):
            phrases.append(Phrase(lower_first(pain.strip(" .")), lang_pt))
        elif rule:
            phrases.append(Phrase(rule.label(lang_pt).lower(), lang_pt))
    unique = list({fold(p.text): p for p in phrases}.values())
    return unique, list(dict.fromkeys(rules))


_CUSTOMER_START = re.compile(r"\s+(?:at|em|in|na|no|nas|nos|para|for)\s+|\s+(?:de|of)\s+(?:uma?s?|a|an|empresas|"
                             r"companies|negocios|businesses)\b", re.IGNORECASE)
_DE_PLURAL = re.compile(r"\s+(?:de|of)\s+([\wÀ-ÿ-]+s)\b", re.IGNORECASE)


def _role_title(part: str) -> str:
    """A role without its customer clause: 'gestor de frota de transportadoras' → 'gestor de frota'."""
    title = part.strip(" .")
    m = _CUSTOMER_START.search(title)
    title = title[: m.start()] if m else title
    for m in _DE_PLURAL.finditer(title):
        if function_of(m.group(1)) is None:
            return title[: m.start()].strip()
    return title.strip()


def _title_fits(title: str, lang_pt: bool) -> bool:
    """A role title may be quoted as written: it is in the outreach language, or neutral ('CFO') and without role
    words of the other language ('Commercial Director' is English)."""
    lang = language_of(title)
    if lang is not None:
        return (lang == "pt") == lang_pt
    return not contains_any(fold(title), EN_ROLE_WORDS if lang_pt else PT_ROLE_WORDS)


def _roles(ctx: BusinessContextData, lang_pt: bool) -> list[Role]:
    """Role names in the ideal customer ('Diretor de operações ou gestor de frota de transportadoras')."""
    roles: list[Role] = []
    for part in _ROLE_SPLIT.split(ctx.ideal_customer or ""):
        title = _role_title(part)
        if not title or not contains_any(fold(title), ROLE_WORDS):
            continue
        function = function_of(title)
        if not _title_fits(title, lang_pt):
            if function is None:
                continue
            title = function.title_pt if lang_pt else function.title_en
        roles.append(Role(title[:1].upper() + title[1:], function, seniority(title) or 0.5))
    return list({fold(r.title): r for r in roles}.values())


def _target(ctx: BusinessContextData) -> tuple[int, int, str] | None:
    m = _RANGE_RE.search(fold(f"{ctx.target_market} {ctx.ideal_customer}"))
    if not m:
        return None
    if m.group(3):
        low, high = int(m.group(3).replace(".", "")), 10**9
    else:
        low, high = int(m.group(1).replace(".", "")), int(m.group(2).replace(".", ""))
    return low, high, m.group(4)


def read_seller(ctx: BusinessContextData) -> Seller:
    lang_pt = is_portuguese(ctx.language)
    pains, rules = _pains(ctx, lang_pt)
    value = " ".join(sentence(s) for s in re.split(r"(?<=[.!?])\s+", ctx.value_proposition or "")
                     if s.strip() and fits_language(s, lang_pt))
    differentiator = ctx.competitive_advantage if fits_language(ctx.competitive_advantage, lang_pt) else ""
    return Seller(
        lang_pt=lang_pt, language=ctx.language or "pt-BR", name=brand(ctx), offer=offer_phrase(ctx, lang_pt),
        value=value, differentiator=sentence(differentiator), pains=pains, pain_rules=rules,
        roles=_roles(ctx, lang_pt), competitors=[c.strip() for c in ctx.competitors if c.strip()],
        target=_target(ctx), domain_stems=frozenset(stems(ctx.product_service_description)),
    )


_GENERIC_PAIN_WORDS = frozenset(["falta", "excesso", "excessivo", "excessiva", "tempo", "custo", "custos", "alto",
                                 "alta", "baixa", "baixo", "elevado", "elevada", "problemas", "dificuldade", "gestao",
                                 "controle", "processos", "empresa", "empresas", "equipe", "lack", "high", "poor",
                                 "manual", "cost", "costs", "time", "team"])


def stems(text: str) -> set[str]:
    """Five-letter stems of a text's distinctive words (so 'fecha' meets 'fechamento', 'frota' 'frotas')."""
    return {w[:5] for w in tokens(text, min_len=5) if w not in _GENERIC_PAIN_WORDS}


def pains_shown(seller: Seller, text: str) -> list[tuple[Phrase, str]]:
    """The seller's pains the lead's own text shows — a word of the pain that does not merely name the seller's
    domain (a page saying 'frota' does not show 'falta de visibilidade da frota') — with the stems that show it."""
    lead_stems = stems(text)
    shown = []
    for pain in seller.pains:
        common = (stems(pain.text) - seller.domain_stems) & lead_stems
        if common:
            shown.append((pain, ", ".join(sorted(common))))
    return shown
