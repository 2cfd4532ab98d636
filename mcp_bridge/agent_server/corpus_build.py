"""Build data/corpus.json: fictional but realistic Brazilian companies for offline harvesting.

Deterministic (fixed seed, no clock): run `python -m mcp_bridge.agent_server.corpus_build` and commit the result.
Names and domains are invented; CNPJs have valid check digits but random bases; phones use each city's area code.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from . import geo
from .extraction import cnpj_check_digits, format_cnpj
from .profile import classify_size
from .taxonomy import BY_KEY
from .text import fold

SEED = 20250301
PER_SECTOR = 17
CORPUS_PATH = Path(__file__).with_name("data") / "corpus.json"

# sector key -> (name stems, name kinds, what the company does, who it serves, TLD)
SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], str]] = {
    "logistics": (("Rota", "Via", "Carga", "Expresso", "Horizonte", "Trilha", "Ponte", "Ágil", "Estrela", "Farol"),
                  ("Transportes", "Logística", "Cargas"),
                  ("transporte rodoviário de cargas fracionadas", "armazenagem e distribuição para o varejo",
                   "operação logística 3PL com centros de distribuição", "frete dedicado e gestão de frota"),
                  ("indústrias e atacadistas", "e-commerces de médio porte", "redes de varejo regionais"), "com.br"),
    "health": (("Vida", "Bem", "Cuidar", "Pulso", "Sana", "Viver", "Equilíbrio", "Aurora", "Nova Saúde", "Integral"),
               ("Clínicas", "Diagnósticos", "Saúde"),
               ("rede de clínicas multiespecialidades", "laboratório de análises clínicas e imagem",
                "gestão de saúde ocupacional para empresas", "centro de diagnóstico por imagem"),
               ("empresas e operadoras de planos de saúde", "pacientes particulares e convênios", "indústrias da região"),
               "com.br"),
    "technology": (("Nuvem", "Código", "Byte", "Pixel", "Dado", "Sinapse", "Vetor", "Órbita", "Quantum", "Lógica"),
                   ("Sistemas", "Software", "Tecnologia"),
                   ("plataforma SaaS de gestão comercial e CRM", "ERP em nuvem para pequenas e médias empresas",
                    "consultoria em transformação digital e integração de sistemas", "software de gestão de frotas"),
                   ("empresas de médio porte", "indústrias e distribuidores", "varejistas e franquias"), "com.br"),
    "industry": (("Metal", "Aço", "Forja", "Polímero", "Tork", "Vale do Aço", "Prensa", "Nobre", "Titã", "Fibra"),
                 ("Indústria", "Componentes", "Metalúrgica"),
                 ("fabricação de componentes usinados para a indústria automotiva", "produção de embalagens plásticas",
                  "fabricação de máquinas agrícolas", "estamparia e caldeiraria pesada"),
                 ("montadoras e sistemistas", "indústrias de alimentos e bebidas", "distribuidores em todo o Brasil"),
                 "ind.br"),
    "retail": (("Casa", "Mundo", "Ponto", "Lar", "Bazar", "Vitrine", "Praça", "Cesta", "Conceito", "Brisa"),
               ("Varejo", "Magazine", "Lojas"),
               ("rede de lojas de utilidades domésticas", "e-commerce de moda e calçados",
                "atacarejo com lojas próprias", "rede de materiais de escritório"),
               ("consumidores e pequenas empresas", "clientes finais e revendedores", "famílias da região"), "com.br"),
    "food_service": (("Sabor", "Tempero", "Forno", "Grão", "Mesa", "Cozinha", "Trigo", "Raiz", "Brasa", "Canela"),
                     ("Alimentação", "Refeições", "Gastronomia"),
                     ("refeições corporativas para empresas", "rede de restaurantes e cafeterias",
                      "cozinha industrial e marmitas congeladas", "padaria e confeitaria artesanal"),
                     ("empresas e indústrias", "clientes do bairro", "escritórios e hospitais"), "com.br"),
    "financial_services": (("Crédito", "Capital", "Fundo", "Moeda", "Prisma", "Ativa", "Lastro", "Cofre", "Rumo", "Selo"),
                           ("Investimentos", "Fintech", "Financeira"),
                           ("crédito e antecipação de recebíveis para PMEs", "meios de pagamento para o varejo",
                            "corretora de seguros empresariais", "gestão de cobrança e crédito"),
                           ("pequenas e médias empresas", "indústrias e distribuidores", "varejistas"), "com.br"),
    "education": (("Saber", "Mente", "Escola", "Trilha do Saber", "Aprender", "Ideia", "Futuro", "Lumen", "Ápice", "Elo"),
                  ("Educação", "Ensino", "Cursos"),
                  ("cursos técnicos e profissionalizantes", "plataforma de educação corporativa",
                   "faculdade de tecnologia e gestão", "escola de idiomas para empresas"),
                  ("empresas que treinam suas equipes", "jovens e adultos da região", "indústrias locais"), "com.br"),
    "agribusiness": (("Campo", "Safra", "Terra", "Semente", "Colheita", "Cerrado", "Verde", "Boi", "Grão Forte", "Plantio"),
                     ("Agro", "Agronegócio", "Cooperativa"),
                     ("comercialização de grãos e insumos agrícolas", "produção de sementes certificadas",
                      "assistência técnica e armazenagem de soja e milho", "pecuária de corte e confinamento"),
                     ("produtores rurais da região", "tradings e agroindústrias", "cooperados"), "agr.br"),
    "construction": (("Alicerce", "Pilar", "Concreto", "Viga", "Prumo", "Base", "Obra Prima", "Marco", "Torre", "Arco"),
                     ("Construtora", "Engenharia", "Empreendimentos"),
                     ("construção de galpões industriais e logísticos", "incorporação de empreendimentos residenciais",
                      "obras de infraestrutura e saneamento", "reformas corporativas e retrofit"),
                     ("indústrias e operadores logísticos", "famílias de classe média", "prefeituras e concessionárias"),
                     "com.br"),
    "energy": (("Sol", "Vento", "Luz", "Watt", "Volt", "Energia Nova", "Raio", "Fóton", "Ampere", "Dínamo"),
               ("Energia", "Solar", "Renováveis"),
               ("projetos de energia solar fotovoltaica", "geração distribuída para empresas",
                "comercialização de energia no mercado livre", "eficiência energética industrial"),
               ("indústrias e comércios", "condomínios e empresas", "produtores rurais"), "com.br"),
    "professional_services": (("Lex", "Justa", "Balanço", "Conta", "Prisma Legal", "Athena", "Veritas", "Ordem", "Fiel",
                               "Tributo"),
                              ("Advogados", "Contabilidade", "Consultoria"),
                              ("advocacia empresarial e trabalhista", "contabilidade e assessoria tributária",
                               "auditoria e consultoria tributária", "assessoria jurídica para startups"),
                              ("empresas de médio porte", "indústrias e comércios", "startups e PMEs"), "com.br"),
    "telecom": (("Conecta", "Fibra Viva", "Sinal", "Onda", "Link", "Rede", "Antena", "Giga", "Pulsar", "Mega"),
                ("Telecom", "Internet", "Conectividade"),
                ("provedor de internet por fibra óptica", "links dedicados e telefonia IP para empresas",
                 "infraestrutura de redes e datacenter", "telefonia em nuvem e call center"),
                ("empresas e residências", "indústrias e órgãos públicos", "comércios da região"), "net.br"),
    "marketing": (("Criativa", "Ideia Viva", "Faísca", "Mira", "Eco", "Voz", "Impacto", "Cores", "Farol Digital", "Lume"),
                  ("Comunicação", "Marketing", "Agência"),
                  ("agência de marketing digital e performance", "branding e design de embalagens",
                   "produção de vídeo e conteúdo para marcas", "assessoria de imprensa e eventos"),
                  ("marcas regionais", "indústrias e varejistas", "empresas B2B"), "com.br"),
}

TRIGGER_SENTENCES = (
    "Estamos contratando executivos de vendas para a nova equipe comercial.",
    "Recebemos um aporte de R$ {m} milhões em rodada Série A para expandir a operação.",
    "Inauguramos uma nova filial em {city2} neste ano.",
    "Lançamos uma nova linha de serviços e estamos expandindo para novos mercados.",
    "Nosso time comercial está crescendo e buscamos reduzir o ciclo de vendas.",
    "Queremos gerar mais oportunidades qualificadas com a nova área de pré-vendas.",
)
EMPLOYEE_BANDS = ((4, 9), (10, 49), (50, 249), (250, 999), (1000, 3500))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def make_cnpj(rng: random.Random) -> str:
    base = f"{rng.randrange(10**7, 10**8):08d}0001"
    return format_cnpj(base + cnpj_check_digits(base))


def _phone(rng: random.Random, uf: str) -> str:
    ddd = geo.UF_TO_DDD[uf]
    if rng.random() < 0.3:
        return f"({ddd}) 9{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    return f"({ddd}) {rng.randrange(3000, 3999)}-{rng.randrange(1000, 9999)}"


def _cities_by_region() -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {r: [] for r in geo.REGIONS}
    for city, uf in geo.CITIES.items():
        grouped[geo.region_of(uf)].append((city, uf))
    return grouped


def build(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    cities = _cities_by_region()
    companies: list[dict[str, object]] = []
    domains: set[str] = set()
    index = 0
    for key, (stems, kinds, activities, clients, tld) in SPECS.items():
        names = [f"{s} {k}" for s in stems for k in kinds]
        for name in rng.sample(names, PER_SECTOR):
            region = geo.REGIONS[index % len(geo.REGIONS)]
            index += 1
            city, uf = rng.choice(cities[region])
            domain = f"{slug(name)}.{tld if rng.random() < 0.6 else 'com.br'}"
            if domain in domains:
                domain = f"{slug(name)}{slug(city)}.com.br"
            domains.add(domain)
            low, high = rng.choice(EMPLOYEE_BANDS)
            employees = rng.randint(low, high)
            year = rng.randint(1965, 2021)
            founded = rng.choice((f"Fundada em {year}", f"Desde {year}", f"Há {2025 - year} anos no mercado"))
            sentences = [
                f"A {name} atua com {rng.choice(activities)} em {city}/{uf}. {founded}, atende {rng.choice(clients)}.",
                f"Conta com {employees} colaboradores.",
            ]
            if rng.random() < 0.4:
                other_city = rng.choice([c for c, u in geo.CITIES.items() if u != uf])
                sentences.append(rng.choice(TRIGGER_SENTENCES).format(m=rng.randint(5, 90), city2=other_city))
            email = f"{rng.choice(('contato', 'comercial', 'vendas', 'atendimento'))}@{domain}"
            sentences.append(f"Fale conosco: {email} | {_phone(rng, uf)}.")
            companies.append({
                "company_name": name, "website": f"https://www.{domain}", "sector_key": key,
                "company_sector": BY_KEY[key].label_pt, "city": city, "state": uf, "employees": employees,
                "company_size": classify_size(employees), "description": " ".join(sentences),
                "contact_email": email, "cnpj": make_cnpj(rng),
            })
    return sorted(companies, key=lambda c: fold(str(c["company_name"])))


def main() -> None:
    CORPUS_PATH.parent.mkdir(exist_ok=True)
    CORPUS_PATH.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {CORPUS_PATH}")


if __name__ == "__main__":
    main()
