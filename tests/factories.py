"""factory-boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model

from agents.models import Agent
from business_context.models import BusinessContext
from leads.models import Lead


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com.br")
    first_name = "Ana"
    last_name = "Souza"
    password = factory.PostGenerationMethodCall("set_password", "s3cret-pass")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AdminFactory(UserFactory):
    role = "admin"
    is_staff = True
    is_superuser = True


class BusinessContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessContext

    owner = factory.SubFactory(UserFactory)
    business_description = "Nellia is a B2B software company that automates sales prospecting with AI agents."
    product_service_description = "An AI platform that qualifies leads and writes personalized first messages."
    target_market = "Mid-sized Brazilian B2B companies (50-1000 employees) with inside-sales teams"
    value_proposition = "Cut prospect research time by 80% and double reply rates."
    ideal_customer = "Head of Sales at a growing B2B company in technology, industry, logistics or services"
    pain_points = factory.LazyFunction(lambda: ["long sales cycle", "low reply rates", "manual prospect research"])
    competitors = factory.LazyFunction(lambda: ["Apollo.io", "Ramper"])
    industry_focus = factory.LazyFunction(lambda: ["Tecnologia", "Logística", "Indústria"])
    geographic_focus = factory.LazyFunction(lambda: ["Brasil"])


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    owner = factory.SubFactory(UserFactory)
    company_name = factory.Sequence(lambda n: f"Empresa {n} Ltda")
    website = factory.Sequence(lambda n: f"https://empresa{n}.com.br")
    description = "Transportadora rodoviária com frota própria"
    source_text = "Estamos contratando executivos de vendas. comercial@empresa.com.br (11) 3456-7890."


def pipeline_agent(stage: str) -> Agent:
    """The seeded agent of `stage` (seeded by migration, so always present)."""
    return Agent.objects.get(stage=stage)


def processed_lead(owner, business_context: dict, **fields) -> Lead:
    """A lead whose five stages ran on the offline agents, stored as the pipeline stores them."""
    from mcp_bridge.agent_server import agents
    from mcp_bridge.agent_server.config import Settings

    lead = {"description": "", **fields}
    data = {"lead": lead, "business_context": business_context}
    settings = Settings(reference_year=2025)
    a = agents.analyze_lead(data, settings)
    return LeadFactory(
        owner=owner, **lead, status="completed", processing_stage="completed", progress=100,
        qualification_tier=a.qualification_tier, overall_score=a.overall_score, relevance_score=a.relevance_score,
        roi_potential_score=a.roi_potential_score, brazilian_market_fit=a.brazilian_market_fit,
        company_sector=a.company_sector, analysis=a.analysis.model_dump(), pain_point_analysis=a.pain_point_analysis,
        purchase_triggers=a.purchase_triggers, persona=agents.create_persona(data, settings).persona.model_dump(),
        strategy=agents.build_strategy(data, settings).strategy.model_dump(),
        message=agents.craft_message(data, settings).message.model_dump(),
    )


def pdf_bytes(lines: list[str]) -> bytes:
    """A small valid one-page PDF whose text is `lines` (Helvetica, WinAnsi: Portuguese accents included)."""

    def escape(line: str) -> bytes:
        return line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = b"BT /F1 11 Tf 14 TL 50 780 Td " + b" ".join(b"(" + escape(x) + b") Tj T*" for x in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
