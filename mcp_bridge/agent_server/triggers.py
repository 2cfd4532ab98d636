"""Buying triggers (events that open a sales window) and pain points, detected from a lead's text.

Each rule is a named entry with folded regex patterns in Portuguese and English, so a detection can always
be explained by quoting the rule that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .text import fold


@dataclass(frozen=True)
class Signal:
    key: str
    label_pt: str
    label_en: str
    patterns: tuple[str, ...]
    growth: bool = False  # counts towards ROI potential

    def label(self, lang_pt: bool = True) -> str:
        return self.label_pt if lang_pt else self.label_en


TRIGGERS: tuple[Signal, ...] = (
    Signal("hiring_sales", "Contratando para a equipe comercial", "Hiring sales staff",
           (r"contrata\w*[^.]{0,80}(comercial|vendas|vendedor|sdr|inside sales|pre-vendas|executivos? de (vendas|contas))",
            r"(vagas?|procuramos|buscamos) (para |de )?(vendedor\w*|sdrs?|executiv\w+ (comercia\w+|de vendas|de contas)|representantes? comercia\w+)",
            r"(nova|novo) (equipe|time) de (inside sales|vendas|pre-vendas)",
            r"hiring.{0,60}(sales|sdr|account executive|business development)",
            r"expand\w* (our |a |nossa )?(sales|pre-vendas|area de pre-vendas|equipe comercial|time comercial)",
            r"(time|equipe) comercial (esta )?cresce\w*"), growth=True),
    Signal("funding_round", "Rodada de investimento recente", "Recent funding round",
           (r"series [a-e]\b", r"serie [a-e]\b", r"rodada (de investimento|seed|serie)", r"(raised|closed) .{0,30}(round|funding)",
            r"captou r\$ ?\d+", r"investimento de r\$ ?\d+", r"aporte de"), growth=True),
    Signal("expansion", "Expansão de operação ou mercado", "Expanding operations or markets",
           (r"expan(dir|dindo|sao|ding|d)\b", r"expand\w*", r"crescimento acelerado",
            r"amplia\w* (d?[ao]s? |nossas? |nossos? |sua |seu )?(fabrica|planta|operacao|capacidade|unidade|linha|producao|"
            r"parque fabril|estrutura|armazem|centro de distribuicao|area produtiva|frota)",
            r"(investi\w*|investindo) (em |na |no )?(uma |um )?(nova|novo|novas|novos|ampliacao|expansao|modernizacao)",
            r"nova (camara fria|linha de producao|linha de envase|linha de montagem)",
            r"(estamos )?contratando(?![^.]{0,80}(comercial|vendas|vendedor|sdr))", r"novos mercados", r"growing",
            r"estamos crescendo", r"exportamos", r"export\w* (to|para)"), growth=True),
    Signal("new_branch", "Nova filial ou unidade", "New branch or site",
           (r"nova (filial|unidade|loja|fabrica|planta|sede)", r"inaugur\w+", r"new (branch|office|plant|site)",
            r"abrindo (novas? )?(filiais|unidades|lojas)"), growth=True),
    Signal("new_product", "Lançamento de produto ou serviço", "New product or service launch",
           (r"lanc(ou|amos|amento|a) (de )?(um |uma |o |a |nosso |nova |novo )?(produto|servico|plataforma|linha|solucao)",
            r"(launched|launching) .{0,30}(product|platform|service)", r"novo produto", r"nova linha"), growth=True),
    Signal("acquisition", "Fusão ou aquisição", "Merger or acquisition",
           (r"adquiri\w* (a|o|pela)", r"aquisicao d[aoe]", r"fusao com", r"acquired", r"acquisition of"), growth=True),
    Signal("digital_transformation", "Projeto de transformação digital", "Digital transformation project",
           (r"transformacao digital", r"digital transformation", r"implantacao de (erp|crm)", r"migra\w+ para (a )?nuvem"),),
    Signal("leadership_change", "Nova liderança comercial", "New sales leadership",
           (r"novo (diretor|head|gerente) (comercial|de vendas)", r"new (vp|head|director) of sales"),),
)

PAINS: tuple[Signal, ...] = (
    Signal("long_sales_cycle", "Ciclo de vendas longo", "Long sales cycle",
           (r"ciclo de vendas", r"sales cycle", r"negociac\w+ longas?", r"demora para fechar"),),
    Signal("low_reply_rates", "Baixa taxa de resposta", "Low reply rates",
           (r"taxa de resposta", r"reply rate", r"response rate", r"(nao|sem) respo\w+", r"baixo engajamento"),),
    Signal("manual_research", "Pesquisa manual de prospects", "Manual prospect research",
           (r"pesquisa manual", r"manual (prospect )?research", r"prospec\w+ manual", r"planilhas?", r"spreadsheets?"),),
    Signal("unqualified_leads", "Leads pouco qualificados", "Unqualified leads",
           (r"leads? (des|nao |pouco )qualificad\w+", r"unqualified leads?", r"oportunidades qualificadas",
            r"gerar (mais )?(oportunidades|leads|demanda)", r"qualified (leads|opportunities)", r"pipeline"),),
    Signal("crm_data_quality", "Qualidade dos dados no CRM", "CRM data quality",
           (r"dados (do|no) crm", r"crm data", r"data quality", r"qualidade (dos|de) dados", r"\bcrm\b"),),
    Signal("ramp_up", "Integração (ramp-up) de novos vendedores", "Ramping up new sellers",
           (r"nova equipe", r"new (sales )?team", r"onboarding"),),
    Signal("visibility", "Falta de visibilidade", "Lack of visibility",
           (r"falta de visibilidade", r"lack of visibility", r"sem visibilidade"),),
    Signal("tight_deadlines", "Prazos apertados", "Tight deadlines", (r"prazos apertados", r"tight deadlines"),),
)


@cache  # the rules are a fixed set
def _whole_words(pattern: str) -> re.Pattern[str]:
    """A rule's pattern anchored to word boundaries ('aporte de' must not fire inside 'transporte de')."""
    return re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])")


def _matches(signal: Signal, folded: str) -> str:
    """The first text fragment that fired the rule, or '' when it did not."""
    for pattern in signal.patterns:
        m = _whole_words(pattern).search(folded)
        if m:
            return m.group(0)
    return ""


def matches(signal: Signal, text: str) -> bool:
    """Whether the rule fires on a (not yet folded) text."""
    return bool(_matches(signal, fold(text)))


def detect(signals: tuple[Signal, ...], text: str) -> list[tuple[Signal, str]]:
    """(signal, evidence) for each rule that fires on the text, in rule order."""
    folded = fold(text)
    return [(s, ev) for s in signals if (ev := _matches(s, folded))]


def context_pains(pain_points: list[str]) -> list[tuple[str, Signal | None]]:
    """Each business-context pain point paired with the rule that recognises it (None when unknown)."""
    return [(p, next((s for s in PAINS if _matches(s, fold(p))), None)) for p in pain_points if p.strip()]
