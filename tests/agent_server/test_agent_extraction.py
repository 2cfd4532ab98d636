from __future__ import annotations

import time

import pytest

from mcp_bridge.agent_server.extraction import (
    clean_text,
    detect_language,
    extract,
    find_city_state,
    find_cnpjs,
    find_emails,
    find_employees,
    find_founded_year,
    find_phones,
    find_social_profiles,
    is_valid_cnpj,
    normalise_website,
    website_key,
)


def test_emails_are_lowercased_deduplicated_and_skip_asset_names() -> None:
    text = "Fale: Comercial@TransLog.com.br, comercial@translog.com.br; logo@2x.png; x.y+z@sub.empresa.ind.br."
    assert find_emails(text) == ["comercial@translog.com.br", "x.y+z@sub.empresa.ind.br"]


@pytest.mark.parametrize(("text", "expected"), [
    ("(11) 3456-7890", "+55 11 3456-7890"),
    ("WhatsApp (11) 98765-4321", "+55 11 98765-4321"),
    ("+55 48 3025-4400", "+55 48 3025-4400"),
    ("+55 (21) 2555-1234", "+55 21 2555-1234"),
    ("ligue 0800 123 4567", "0800 123 4567"),
    ("wa.me/5511987654321", "+55 11 98765-4321"),
    ("fone 41.3333.2222", "+55 41 3333-2222"),
    ("Call +1 (614) 555-0142", "+1 614 555-0142"),
])
def test_phone_forms_are_normalised(text: str, expected: str) -> None:
    assert find_phones(text) == [expected]


def test_numbers_that_are_not_phones_are_ignored() -> None:
    assert find_phones("CNPJ 11.222.333/0001-81, CPF 123.456.789-09, R$ 80 milhões, 240 mil m², 1998-2004") == []


def test_cnpj_check_digits() -> None:
    assert is_valid_cnpj("11.222.333/0001-81")
    assert not is_valid_cnpj("11.222.333/0001-82")
    assert not is_valid_cnpj("11.111.111/1111-11")  # repeated digits pass mod-11 but are invalid
    assert find_cnpjs("CNPJ 11222333000181 e 11.222.333/0001-80") == ["11.222.333/0001-81"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Av. Marginal, 1500 - Guarulhos/SP.", ("Guarulhos", "SP")),
    ("Rua das Flores, 45, Campinas - SP.", ("Campinas", "SP")),
    ("Headquartered in Florianópolis, SC, with 140 employees.", ("Florianópolis", "SC")),
    ("Escritórios em São Paulo, Belo Horizonte e Porto Alegre.", ("São Paulo", "SP")),
    ("Rede de clínicas em Minas Gerais.", ("", "MG")),
    ("Centros em SP, RJ e MG.", ("", "SP")),
    ("Ohio, USA", ("", "")),
])
def test_city_and_state(text: str, expected: tuple[str, str]) -> None:
    assert find_city_state(text) == expected


def test_state_falls_back_to_the_phone_area_code() -> None:
    assert find_city_state("Ligue já", ["+55 81 3333-4444"]) == ("", "PE")


@pytest.mark.parametrize(("text", "expected"), [
    ("mais de 900 colaboradores", 900),
    ("conta com 1.200 colaboradores", 1200),
    ("with 140 employees", 140),
    ("350 profissionais", 350),
    ("2 mil funcionários", 2000),
    ("400 médicos parceiros e 3.500 cooperados", None),
    ("", None),
])
def test_employees(text: str, expected: int | None) -> None:
    assert find_employees(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("pães artesanais desde 1998", 1998),
    ("Fundada em 1972 em Joinville", 1972),
    ("Founded 1955, 85 employees", 1955),
    ("Há 25 anos no mercado", 2000),
    ("30 anos de história", 1995),
    ("desde 2099", None),
    ("sem data", None),
])
def test_founded_year_is_relative_to_the_reference_year(text: str, expected: int | None) -> None:
    assert find_founded_year(text, reference_year=2025) == expected


def test_language_social_profiles_and_websites() -> None:
    assert detect_language("Somos uma empresa de transporte com frota própria") == "pt"
    assert detect_language("We are a family-owned manufacturer of widgets") == "en"
    assert find_social_profiles("https://www.linkedin.com/company/acme-br/ instagram.com/padaria.pq logimax.com.br") == [
        "https://linkedin.com/company/acme-br", "https://instagram.com/padaria.pq"]
    assert normalise_website("WWW.Foo.com.br/") == "https://www.foo.com.br"
    assert website_key("http://www.foo.com.br/") == website_key("https://FOO.com.br") == "foo.com.br"


def test_html_is_reduced_to_text() -> None:
    html = "<html><script>var a='x@y.com';</script><p>Contato: <b>vendas@acme.com.br</b> &amp; (11) 3456-7890</p></html>"
    facts = extract(html)
    assert facts.emails == ["vendas@acme.com.br"]
    assert facts.phones == ["+55 11 3456-7890"]
    assert "&" in clean_text(html) and "<" not in clean_text(html)


@pytest.mark.parametrize("raw", ["", None, b"", "   \n\t "])
def test_empty_input_gives_empty_facts(raw: str | bytes | None) -> None:
    facts = extract(raw)
    assert (facts.emails, facts.phones, facts.cnpj, facts.state, facts.employees) == ([], [], [], "", None)


def test_invalid_bytes_and_lone_surrogates_are_tolerated() -> None:
    facts = extract(b"\xff\xfe contato@acme.com.br \xc3\x28 (11) 3456-7890")
    assert facts.emails == ["contato@acme.com.br"] and facts.phones == ["+55 11 3456-7890"]
    assert extract("contato@acme.com.br \ud800 fim").emails == ["contato@acme.com.br"]


def test_huge_text_is_truncated_quickly() -> None:
    huge = "contato@acme.com.br (11) 3456-7890 " + ("lorem ipsum 12345 " * 120_000)  # ~2 MB
    started = time.perf_counter()
    facts = extract(huge)
    assert time.perf_counter() - started < 5
    assert facts.emails == ["contato@acme.com.br"]
    assert len(clean_text(huge)) <= 100_000


def test_the_company_name_is_not_read_as_a_place() -> None:
    from mcp_bridge.agent_server.extraction import extract

    text = "Transportes Serra Gaúcha\nFrota de 200 veículos, sede em Caxias do Sul. Fone (54) 3221-4455"
    assert (extract(text, name="Transportes Serra Gaúcha").city, extract(text, name="Transportes Serra Gaúcha").state) \
        == ("Caxias do Sul", "RS")
    by_cep = extract("Transportes Serra Gaúcha. Rua Sinimbu, 1200, CEP 95020-000.", name="Transportes Serra Gaúcha")
    assert (by_cep.city, by_cep.state) == ("", "RS")
    by_ddd = extract("Transportes Serra Gaúcha. Ligue (54) 3221-4455.", name="Transportes Serra Gaúcha")
    assert (by_ddd.city, by_ddd.state) == ("", "RS")
