import pytest

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
