import pytest
from django.db.models import Q

from registry.models import Company, Establishment, Municipio, Simples
from registry.selectors import SITUACOES, decode_cursor, encode_cursor

URL = "/api/registry/companies"


def _all(api, query):
    """Every page of a search, following `next`."""
    cnpjs, cursor = [], None
    while True:
        response = api.get(URL, {**query, **({"cursor": cursor} if cursor else {}), "page_size": 100})
        assert response.status_code == 200, response.json()
        body = response.json()
        cnpjs += [row["cnpj"] for row in body["results"]]
        cursor = body["next"]
        if cursor is None:
            return cnpjs, body


def _expected(**lookups):
    return sorted(Establishment.objects.filter(situacao="02", **lookups).values_list("cnpj", flat=True))


def test_division_uf_active_with_email_walks_every_page(api, registry):
    cnpjs, last = _all(api, {"cnae": "47", "uf": ["SP", "MG"], "has_email": "true"})
    expected = sorted(Establishment.objects.filter(
        situacao="02", cnae_division=47, uf__in=["SP", "MG"]).exclude(email="").values_list("cnpj", flat=True))
    assert cnpjs == expected and len(expected) > 20
    assert last["count"] == len(expected) and last["count_is_exact"] is True


def test_a_result_carries_the_issue_fields(api, registry):
    response = api.get(URL, {"cnae": "4930202", "page_size": 1})
    row = response.json()["results"][0]
    establishment = Establishment.objects.select_related("company", "municipio").get(pk=row["cnpj"])
    assert set(row) == {"cnpj", "razao_social", "nome_fantasia", "cnae", "uf", "municipio", "municipio_ibge", "porte",
                        "email", "phone", "opened_at", "situacao"}
    assert row["cnae"]["code"] == "4930-2/02" and row["cnae"]["description"].startswith("Transporte rodoviário")
    assert row["razao_social"] == establishment.company.razao_social
    assert row["municipio"] == establishment.municipio.description
    assert row["municipio_ibge"] == establishment.municipio.ibge_code and len(row["municipio_ibge"]) == 7
    assert row["situacao"] == "ativa" and len(row["cnpj"]) == 14


@pytest.mark.parametrize("value,lookup", [
    ("H", Q(cnae_division__in=[49, 50, 51, 52, 53])),
    ("493", Q(cnae_principal__code__startswith="493")),
    ("4930-2", Q(cnae_principal__code__startswith="49302")),
    ("49302", Q(cnae_principal__code__startswith="49302")),
    ("4930-2/02", Q(cnae_principal_id="4930202")),
])
def test_every_cnae_level(api, registry, value, lookup):
    cnpjs, _ = _all(api, {"cnae": value})
    assert cnpjs == sorted(Establishment.objects.filter(lookup, situacao="02").values_list("cnpj", flat=True))
    assert cnpjs


def test_secondary_cnaes_with_scope_any(api, registry):
    main, _ = _all(api, {"cnae": "5611201"})
    anywhere, _ = _all(api, {"cnae": "5611201", "cnae_scope": "any"})
    secondary = _expected(cnaes_secundarios__contains=",5611201,")
    assert set(anywhere) == set(main) | set(secondary) and len(anywhere) > len(main)


def test_company_and_simples_filters(api, registry):
    cnpjs, _ = _all(api, {"porte": "demais", "capital_min": "50000", "matriz": "false"})
    assert cnpjs == _expected(company__porte="05", company__capital_social__gte=50000, matriz=False)
    mei = set(Simples.objects.filter(mei=True).values_list("cnpj_basico", flat=True))
    cnpjs, _ = _all(api, {"mei": "true", "uf": "SP"})
    assert cnpjs and all(c[:8] in mei for c in cnpjs)
    assert cnpjs == _expected(company_id__in=mei, uf="SP")


def test_situacao_dates_phone_and_municipio(api, registry):
    cnpjs, _ = _all(api, {"situacao": ["baixada", "inapta"], "opened_after": "2015-01-01", "has_phone": "false"})
    assert cnpjs == sorted(Establishment.objects.filter(
        situacao__in=["08", "04"], opened_at__gte="2015-01-01", phone1="", phone2="").values_list("cnpj", flat=True))
    town = Establishment.objects.filter(situacao="02").select_related("municipio").first().municipio
    by_name, _ = _all(api, {"municipio": town.description.title()})
    by_code, _ = _all(api, {"municipio": town.code})
    assert by_code == _expected(municipio_id=town.code) and set(by_code) <= set(by_name)


def test_an_ibge_code_finds_what_the_receita_code_finds(api, registry):
    town, other = (Municipio.objects.get(code=code) for code in (
        Establishment.objects.filter(situacao="02").values_list("municipio_id", flat=True).distinct()[:2]))
    by_receita, _ = _all(api, {"municipio": town.code})
    by_ibge, _ = _all(api, {"municipio": town.ibge_code})
    assert by_ibge == by_receita == _expected(municipio_id=town.code) and by_ibge
    mixed, _ = _all(api, {"municipio": [town.ibge_code, other.description.lower()]})
    same_name = Municipio.objects.filter(search_name=other.search_name).values_list("code", flat=True)
    assert mixed == _expected(municipio_id__in=[town.code, *same_name])


def test_an_ibge_code_of_a_town_the_registry_lacks_finds_nothing(api, db):
    response = api.get(URL, {"municipio": "5208707"})  # Goiânia: a real code, no data loaded
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("value,message", [
    ("5208708", "'5208708' is not the IBGE code of a município."),
    ("52087", "'52087': give the município's IBGE code (7 digits), the Receita's code (4 digits) or its name."),
])
def test_a_bad_municipio_code_says_what_is_wrong(api, db, value, message):
    response = api.get(URL, {"municipio": ["9373", value]})
    assert response.status_code == 400 and response.json()["fields"]["municipio"] == [message]


def test_name_search_ignores_accents_and_case(api, registry):
    company = Company.objects.filter(razao_social__contains="Ü").first() or Company.objects.filter(
        razao_social__regex="[ÁÉÍÓÚÃÕÇ]").first()
    word = next(w for w in company.razao_social.split() if not w.isascii())
    folded = word.lower().translate(str.maketrans("áéíóúãõçü", "aeiouaocu"))
    cnpjs, _ = _all(api, {"search": folded, "situacao": list(SITUACOES)})
    assert any(c[:8] == company.pk for c in cnpjs)
    assert all(folded in (e.search_name + " " + e.company.search_name) for e in
               Establishment.objects.filter(pk__in=cnpjs).select_related("company"))


def test_counts_are_capped(api, registry, settings):
    settings.REGISTRY_COUNT_CAP = 100
    body = api.get(URL, {"page_size": 5}).json()
    assert body["count"] == 100 and body["count_is_exact"] is False and body["next"]


@pytest.mark.parametrize("query,field", [
    ({"cnae": "9"}, "cnae"), ({"cnae": "00"}, "cnae"), ({"cnae": "Z"}, "cnae"), ({"uf": "XX"}, "uf"),
    ({"porte": "grande"}, "porte"), ({"situacao": "viva"}, "situacao"), ({"opened_after": "2020-13-01"}, "opened_after"),
    ({"capital_min": "-1"}, "capital_min"), ({"has_email": "talvez"}, "has_email"), ({"page_size": "101"}, "page_size"),
    ({"cursor": "not-a-cursor"}, "cursor"), ({"search": "ab"}, "search"), ({"municipio": "5208708"}, "municipio"),
    ({"opened_after": "2020-01-02", "opened_before": "2020-01-01"}, "opened_before"),
])
def test_bad_filters_are_400s_in_the_contract_shape(api, db, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"] and body["detail"]
    assert all(isinstance(message, str) for message in body["fields"][field])


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor("12345678000195")) == "12345678000195"


def test_the_full_record(api, registry):
    establishment = Establishment.objects.exclude(cnaes_secundarios="").select_related("company").first()
    cnpj = establishment.cnpj
    formatted = f"{cnpj[:2]}.{cnpj[2:5]}.{cnpj[5:8]}/{cnpj[8:12]}-{cnpj[12:]}"
    response = api.get(f"{URL}/{formatted}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["cnpj"] == cnpj and body["razao_social"] == establishment.company.razao_social
    assert body["cnaes_secundarios"] and all(c["description"] for c in body["cnaes_secundarios"])
    assert body["natureza_juridica"]["description"] and body["month"] == "2025-11"
    assert body["partners"] == []
    assert body["municipio"] and body["municipio_ibge"] == Municipio.objects.get(
        pk=establishment.municipio_id).ibge_code


@pytest.mark.parametrize("cnpj", ["11222333000180", "1122233300018", "abcdefghijklmn", "11111111111111"])
def test_a_bad_cnpj_is_a_400(api, db, cnpj):
    response = api.get(f"{URL}/{cnpj}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "cnpj" in response.json()["fields"]


def test_an_unknown_cnpj_is_a_404(api, db):
    response = api.get(f"{URL}/11222333000181")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_registry_needs_a_login(client, db):
    assert client.get(URL).status_code == 401


def test_the_endpoints_are_in_the_schema(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/registry/companies", "/api/registry/companies/to-leads", "/api/registry/companies/{cnpj}"} <= set(paths)
    names = {p["name"] for p in paths["/api/registry/companies"]["get"]["parameters"]}
    assert {"cnae", "cnae_scope", "uf", "municipio", "porte", "situacao", "opened_after", "opened_before",
            "capital_min", "capital_max", "matriz", "has_email", "has_phone", "simples", "mei", "search", "cursor",
            "page_size"} <= names
    municipio = next(p for p in paths["/api/registry/companies"]["get"]["parameters"] if p["name"] == "municipio")
    assert "IBGE" in municipio["description"]
    components = schema["components"]["schemas"]
    assert "municipio_ibge" in components["SearchResult"]["properties"]
    assert "municipio_ibge" in components["EstablishmentDetail"]["properties"]
