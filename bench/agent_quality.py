"""Quality of the offline agents on labelled lead pages (no database, no network).

    .venv/bin/python bench/agent_quality.py

Pages: tests/agent_server/data/labelled_pages.json (written and labelled by hand: CNAE division, coarse sector,
tier for the seller named by the page's context, city/UF) plus the shared sample leads; sellers:
tests/agent_server/data/contexts.json (fleet telemetry, accounting software, industrial cleaning) and the shared
business context (sales software). Prints:
- sector accuracy: the coarse sector mapped from the predicted CNAE division vs the label (target >= 90 %)
- tier agreement with the label, under the page's own seller (target >= 85 %)
- offer leaks: messages of one seller holding another seller's offer words or sales-team phrasing (target 0)
- lead-specific share: recommended messages naming a fact of the lead — city/state, a trigger, a pain it shows,
  its size, its sector (target >= 90 %), over every page under every seller
- and, for information, division accuracy, location accuracy and seam defects over every output field.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mcp_bridge.agent_server import agents  # noqa: E402
from mcp_bridge.agent_server.config import Settings  # noqa: E402
from mcp_bridge.agent_server.geo import state_name  # noqa: E402
from mcp_bridge.agent_server.grammar import seams, text_fields  # noqa: E402
from mcp_bridge.agent_server.message import SECTOR_IMPACT  # noqa: E402
from mcp_bridge.agent_server.models import BusinessContextData, LeadData  # noqa: E402
from mcp_bridge.agent_server.profile import build_profile, format_measure  # noqa: E402
from mcp_bridge.agent_server.seller import read_seller  # noqa: E402
from mcp_bridge.agent_server.strategy import lead_facts  # noqa: E402
from mcp_bridge.agent_server.taxonomy import SECTORS  # noqa: E402
from mcp_bridge.agent_server.text import fold, is_portuguese, tokens  # noqa: E402

DATA = ROOT / "tests" / "agent_server" / "data"
SHARED = ROOT.parent / "shared" / "data"  # shared/ sits beside the project checkout
REFERENCE_YEAR = 2025
# The sales-software phrasing the issue found in every message, whatever the seller sold.
SALES_PHRASES = ("oportunidades qualificadas", "oportunidade comercial", "times comerciais", "time comercial",
                 "equipe comercial", "pipeline", "crescer as vendas", "vender mais", "meta de receita",
                 "previsão de vendas", "sales team", "qualified opportunities")
# Words too common to reveal whose offer a message carries.
_COMMON = frozenset(["empresas", "clientes", "primeiro", "nossos", "nossas", "brasil", "brasileira", "brasileiro",
                     "equipe", "equipes", "gestao", "todo", "media", "custo", "custos", "reduzem", "reduzir",
                     "atendimento", "operacao", "servicos", "principais", "horas", "mais", "rapido", "empresa",
                     "nenhuma", "nenhum"])


def contexts() -> dict[str, dict[str, Any]]:
    found = json.loads((DATA / "contexts.json").read_text(encoding="utf-8"))
    found["nellia"] = json.loads((SHARED / "business_context.json").read_text(encoding="utf-8"))
    return found


def labelled_pages() -> list[dict[str, Any]]:
    """Every labelled page: the hand-written ones and the shared sample leads with their labels."""
    data = json.loads((DATA / "labelled_pages.json").read_text(encoding="utf-8"))
    with (SHARED / "sample_leads.csv").open(encoding="utf-8") as fh:
        samples = {row["company_name"]: row for row in csv.DictReader(fh)}
    return [*data["pages"], *({**samples[name], **labels} for name, labels in data["sample_leads"].items())]


def lead_of(page: dict[str, Any]) -> dict[str, str]:
    return {k: page.get(k, "") for k in ("company_name", "website", "description", "source_text")}


def run_pipeline(lead: dict[str, str], ctx: dict[str, Any]) -> dict[str, Any]:
    """The five offline stages, each fed the previous results as the Django pipeline does."""
    settings = Settings(reference_year=REFERENCE_YEAR)
    data: dict[str, Any] = {"lead": {"id": "1", **lead}, "business_context": ctx, "previous": {}}
    out: dict[str, Any] = {}
    for stage, key in (("intake_lead", "intake"), ("analyze_lead", "analysis"), ("create_persona", "persona"),
                       ("build_strategy", "strategy"), ("craft_message", "message")):
        result = agents.STAGE_TOOLS[stage](data, settings)
        out[key] = result
        data["previous"][key] = result.model_dump()
    return out


# The agents' own generic vocabulary (sector names and how a pain reads in each sector) is nobody's offer.
FRAME_WORDS = tokens(" ".join([*(f"{s.label_pt} {s.label_en}" for s in SECTORS),
                               *(" ".join([a, *b, c, d]) for a, b, c, d in SECTOR_IMPACT.values())]), min_len=5)


def offer_terms(ctx: dict[str, Any]) -> set[str]:
    return tokens(" ".join([ctx.get("business_description", ""), ctx.get("product_service_description", ""),
                            ctx.get("value_proposition", "")]), min_len=5) - _COMMON - FRAME_WORDS


def leaks(body: str, own: str, lead_text: str, all_contexts: dict[str, dict[str, Any]]) -> list[str]:
    """Another seller's offer words (not in this seller's context nor the lead's page) and, for sellers that do
    not sell to sales teams, sales-team phrasing."""
    mine = tokens(json.dumps(all_contexts[own], ensure_ascii=False), min_len=3) | tokens(lead_text, min_len=3)
    words = tokens(body, min_len=5)
    found = [f"{name}:{w}" for name, ctx in all_contexts.items() if name != own
             for w in sorted((offer_terms(ctx) - mine) & words)]
    if own != "nellia":
        folded = fold(body)
        found += [f"sales:{p}" for p in SALES_PHRASES if fold(p) in folded and fold(p) not in fold(lead_text)]
    return found


def names_a_fact(body: str, lead: dict[str, str], ctx: dict[str, Any]) -> bool:
    """Whether the message names something specific to this lead beyond its name."""
    p = build_profile(LeadData(**lead), None, REFERENCE_YEAR)
    pt = is_portuguese(ctx.get("language"))
    seller = read_seller(BusinessContextData.model_validate(ctx))
    facts = [p.facts.city, state_name(p.facts.state) if p.facts.state else "",
             *(format_measure(k, v, pt) for k, v in p.measures.items()),
             *(f.predicate for f in lead_facts(p, seller) if f.kind in ("trigger", "pain"))]
    return any(f and f in body for f in facts)


@dataclass
class Report:
    pages: int = 0
    sector_ok: int = 0
    division_ok: int = 0
    division_labelled: int = 0
    tier_ok: int = 0
    location_ok: int = 0
    location_labelled: int = 0
    messages: int = 0
    specific: int = 0
    leak_list: list[str] = field(default_factory=list)
    seam_list: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def pct(self, part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 100.0

    @property
    def sector_accuracy(self) -> float:
        return self.pct(self.sector_ok, self.pages)

    @property
    def tier_agreement(self) -> float:
        return self.pct(self.tier_ok, self.pages)

    @property
    def specific_share(self) -> float:
        return self.pct(self.specific, self.messages)

    def lines(self) -> list[str]:
        return [
            f"pages: {self.pages} (contexts: 4; messages checked: {self.messages})",
            f"sector accuracy (CNAE division -> coarse sector): {self.sector_accuracy:.1f} % ({self.sector_ok}/{self.pages})",
            f"division accuracy: {self.pct(self.division_ok, self.division_labelled):.1f} % "
            f"({self.division_ok}/{self.division_labelled})",
            f"tier agreement: {self.tier_agreement:.1f} % ({self.tier_ok}/{self.pages})",
            f"location accuracy (city/UF): {self.pct(self.location_ok, self.location_labelled):.1f} % "
            f"({self.location_ok}/{self.location_labelled})",
            f"offer leaks: {len(self.leak_list)}",
            f"lead-specific fact share: {self.specific_share:.1f} % ({self.specific}/{self.messages})",
            f"seam defects over every output field: {len(self.seam_list)}",
        ]


def evaluate() -> Report:
    report = Report()
    all_contexts = contexts()
    for page in labelled_pages():
        lead = lead_of(page)
        report.pages += 1
        own = run_pipeline(lead, all_contexts[page["context"]])
        analysis = own["analysis"]
        p = build_profile(LeadData(**lead), None, REFERENCE_YEAR)
        predicted = p.sector.key if p.sector else "other"
        report.sector_ok += predicted == page["sector"]
        if page["division"]:
            report.division_labelled += 1
            report.division_ok += analysis.analysis.cnae_division == page["division"]
        report.tier_ok += analysis.qualification_tier == page["tier"]
        if page.get("state"):
            report.location_labelled += 1
            e = own["intake"].enrichment_data
            report.location_ok += (e.state, e.city) == (page["state"], page.get("city", "")) or \
                (not page.get("city") and e.state == page["state"])
        if predicted != page["sector"] or analysis.qualification_tier != page["tier"]:
            report.misses.append(f"{page['company_name']} [{page['context']}]: sector {predicted} (label "
                                 f"{page['sector']}), tier {analysis.qualification_tier} (label {page['tier']})")
        for name, ctx in all_contexts.items():
            results = own if name == page["context"] else run_pipeline(lead, ctx)
            lang_pt = is_portuguese(ctx.get("language"))
            for stage, result in results.items():
                for text in text_fields(result.model_dump(exclude={"usage", "mode"})):
                    report.seam_list += [f"{page['company_name']} [{name}] {stage}: {s}" for s in seams(text, lang_pt)]
            message = results["message"].message
            if not message.recommended:
                continue
            report.messages += 1
            full = f"{message.subject_line}\n{message.body}"
            report.leak_list += [f"{page['company_name']} [{name}]: {x}" for x in
                                 leaks(full, name, " ".join(lead.values()), all_contexts)]
            report.specific += names_a_fact(message.body, lead, ctx)
    return report


def main() -> int:
    report = evaluate()
    print("\n".join(report.lines()))
    for title, items in (("misses", report.misses), ("leaks", report.leak_list), ("seams", report.seam_list)):
        if items:
            print(f"\n{title}:")
            print("\n".join(f"  {x}" for x in items[:40]))
    ok = report.sector_accuracy >= 90 and report.tier_agreement >= 85 and not report.leak_list and \
        report.specific_share >= 90
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
