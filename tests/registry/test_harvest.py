import pytest

from mcp_bridge.agent_server import scoring
from mcp_bridge.agent_server.models import BusinessContextData, LeadData
from mcp_bridge.agent_server.profile import build_profile
from registry.harvest import filters_for
from registry.models import Company, Establishment
from registry.selectors import search


def _divisions(filters):
    return sorted({d for f in filters.cnae for d in f.divisions})


def test_the_business_context_maps_to_divisions_places_and_porte(db):
    context = {
        "industry_focus": ["Logística", "Tecnologia"], "geographic_focus": ["Sul", "Goiás", "Campinas"],
        "target_market": "Empresas médias (50-1000 funcionários)",
    }
    filters = filters_for(context, "")
    assert {49, 50, 51, 52, 53, 62, 63} <= set(_divisions(filters)) and not {47, 56, 86} & set(_divisions(filters))
    assert filters.uf == ["PR", "RS", "SC", "GO"] and filters.municipio == ["Campinas"]
    assert filters.porte == [Company.Porte.DEMAIS] and filters.matriz is True and filters.situacao == ["02"]


def test_nationwide_and_no_range_filter_nothing(db):
    filters = filters_for({"industry_focus": [], "geographic_focus": ["Brasil"], "target_market": "PMEs"}, "")
    assert (filters.cnae, filters.uf, filters.municipio, filters.porte) == ([], [], [], [])


@pytest.mark.parametrize(
    ("focus", "ufs", "scored_in_focus"),
    [
        (["Brasil"], [], {"GO": True, "SP": True}),  # anywhere
        (["Brasil", "Goiás"], ["GO"], {"GO": True, "SP": False}),  # "Brasil" next to a state adds nothing
        (["brasil", "GO", "Nacional"], ["GO"], {"GO": True, "SP": False}),
        ([], [], {"GO": True, "SP": True}),
    ],
)
def test_brasil_in_the_geographic_focus_means_the_same_to_the_harvest_and_the_scoring(db, focus, ufs,
                                                                                       scored_in_focus):
    """Found reviewing the two readings: the registry search took ["Brasil", "Goiás"] as Goiás, the market-fit
    score as anywhere (every Brazilian lead got the "inside the geographic focus" points)."""
    filters = filters_for({"industry_focus": ["Logística"], "geographic_focus": focus}, "")
    assert (filters.uf, filters.municipio) == (ufs, [])
    context = BusinessContextData(geographic_focus=focus)
    for uf, expected in scored_in_focus.items():
        city = {"GO": "Goiânia", "SP": "São Paulo"}[uf]
        lead = build_profile(LeadData(company_name="TransLog", website="https://translog.com.br",
                                      description=f"Transportadora em {city} - {uf}"))
        assert lead.facts.state == uf
        scored = {rule.name for rule in scoring.market_fit_rules(lead, context)}
        assert ("geographic_focus" in scored) is expected, (focus, uf)


def test_a_small_business_range_is_me_and_epp(db):
    filters = filters_for({"target_market": "pequenos negócios de 5 a 30 funcionários"}, "")
    assert filters.porte == [Company.Porte.ME, Company.Porte.EPP]
    assert filters_for({"target_market": "redes de 10 a 50 lojas"}, "").porte == []  # not a headcount


def test_the_query_narrows_sector_and_place(db):
    context = {"industry_focus": ["Tecnologia"], "geographic_focus": ["SP"]}
    filters = filters_for(context, "transportadoras em Goiás")
    assert _divisions(filters) == [49]  # the division of carriers, named in the plural
    assert filters.uf == ["GO"]
    filters = filters_for(context, "empresas de software no Nordeste")
    assert 62 in _divisions(filters) and 49 not in _divisions(filters)
    assert set(filters.uf) == {"AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"}


def test_query_words_match_cnae_descriptions(registry):
    filters = filters_for({"industry_focus": ["Tecnologia"]}, "cabeleireiros em MG")
    assert [f.prefix for f in filters.cnae] == ["9602501"] and filters.uf == ["MG"]
    assert _divisions(filters_for({}, "restaurantes")) == [56]  # a sector named in the plural


@pytest.mark.parametrize("place", ["Campinas - SP", "Campinas/SP", "campinas (sp)"])
def test_a_town_named_with_its_uf_is_found_by_its_ibge_code(registry, place):
    filters = filters_for({"geographic_focus": [place]}, "")
    assert filters.municipio == ["3509502"] and filters.uf == []
    campinas = Establishment.objects.filter(situacao="02", matriz=True, municipio__description="CAMPINAS")
    assert list(search(filters).values_list("cnpj", flat=True)) == sorted(campinas.values_list("cnpj", flat=True))
    assert campinas.exists()


def test_a_town_with_the_wrong_uf_or_no_such_town_is_no_filter(db):
    assert filters_for({"geographic_focus": ["Campinas - RJ", "Atlantis - SP"]}, "").municipio == []


def test_an_industry_focus_is_read_like_the_query_words(registry):
    """An industry focus naming no sector ("Construtoras", "Laticínios") harvests its CNAE division, not every
    company of the region."""
    assert _divisions(filters_for({"industry_focus": ["Construtoras"]}, "")) == [41]
    assert _divisions(filters_for({"industry_focus": ["Laticínios", "Tecnologia"]}, "")) == [10, 62, 63, 72]
    assert [f.prefix for f in filters_for({"industry_focus": ["Cabeleireiros"]}, "").cnae] == ["9602501"]
    assert _divisions(filters_for({"industry_focus": ["Transportadoras"]}, "")) == [49, 50, 51, 52, 53]


def test_an_industry_focus_the_registry_does_not_know_searches_nothing(registry):
    assert filters_for({"industry_focus": ["Foguetes espaciais"], "geographic_focus": ["SP"]}, "") is None
    # the query's activity still wins over the focus
    assert _divisions(filters_for({"industry_focus": ["Foguetes espaciais"]}, "transportadoras")) == [49]
