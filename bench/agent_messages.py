"""The first messages the offline agents write for registry-style leads, to read as a sales rep would.

    .venv/bin/python bench/agent_messages.py [seller,seller…] [lead,lead…]

Leads: shaped like registry.services.lead_row's (a CNAE line, porte, town, opening date, no website text);
sellers: tests/agent_server/data/contexts.json and the shared business context (bench/agent_quality.py). Prints,
per lead × seller, the tier, the channel, the subject and the body. No database, no network.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.agent_quality import contexts, run_pipeline  # noqa: E402


def registry_lead(name: str, razao: str, cnae_code: str, cnae: str, sector: str, size: str, porte: str, city: str,
                  uf: str, opened: str) -> dict[str, str]:
    """A lead as registry.services.lead_row builds it: no website, the registry's facts in source_text."""
    facts = [f"Razão social: {razao}", "CNPJ: 11.222.333/0001-81 (matriz)",
             f"Atividade principal (CNAE {cnae_code}): {cnae}", f"Porte: {porte}", "Capital social: R$ 100.000,00",
             f"Aberta em: {opened}", "Situação cadastral: Ativa", f"Endereço: Rua das Flores, 100, Centro, {city}/{uf}",
             f"Cidade: {city}/{uf}", "Telefone: +55 51 3456-7890"]
    return {"company_name": name, "website": "", "description": f"{cnae}. {razao}, {city}/{uf}.",
            "source_text": "\n".join(facts), "company_sector": sector, "company_size": size,
            "market_region": f"{city}/{uf}", "contact_phone": "+55 51 3456-7890"}


REGISTRY_LEADS = {
    "transport": registry_lead(
        "Transportes Rodoserra", "Transportes Rodoserra Ltda", "4930-2/02",
        "Transporte rodoviário de carga, exceto produtos perigosos e mudanças, intermunicipal, interestadual e "
        "internacional", "Transporte, armazenagem e correio", "small", "Empresa de pequeno porte", "Caxias do Sul",
        "RS", "12/03/2009"),
    "restaurant": registry_lead(
        "Cantina Bella Nonna", "Bella Nonna Restaurante Ltda", "5611-2/01", "Restaurantes e similares",
        "Alojamento e alimentação", "micro", "Microempresa", "Campinas", "SP", "20/01/2015"),
    "metalworks": registry_lead(
        "Metalúrgica Irmãos Zanella", "Metalurgica Irmaos Zanella Ltda", "2599-3/99",
        "Fabricação de outros produtos de metal não especificados anteriormente", "Indústrias de transformação",
        "medium", "Demais", "Joinville", "SC", "02/02/1994"),
    "accounting": registry_lead(
        "Contábil Horizonte", "Horizonte Servicos Contabeis Ltda", "6920-6/01", "Atividades de contabilidade",
        "Atividades profissionais, científicas e técnicas", "micro", "Microempresa", "Londrina", "PR", "15/06/2024"),
    "dentist": registry_lead(
        "Sorriso Clínica Odontológica", "Sorriso Clinica Odontologica Ltda", "8630-5/04", "Atividade odontológica",
        "Saúde humana e serviços sociais", "micro", "Microempresa", "Pelotas", "RS", "05/08/2021"),
    "supermarket": registry_lead(
        "Supermercado Pereira & Filhos Ltda", "Supermercado Pereira & Filhos Ltda", "4711-3/02",
        "Comércio varejista de mercadorias em geral, com predominância de produtos alimentícios - supermercados",
        "Comércio; reparação de veículos automotores e motocicletas", "small", "Empresa de pequeno porte",
        "Uberlândia", "MG", "10/10/2001"),
}


def main(argv: list[str]) -> None:
    every = contexts()
    sellers = argv[0].split(",") if argv else list(every)
    leads = argv[1].split(",") if len(argv) > 1 else list(REGISTRY_LEADS)
    for seller in sellers:
        for lead in leads:
            out = run_pipeline(REGISTRY_LEADS[lead], every[seller])
            message = out["message"].message
            print(f"===== {seller} × {lead}: {out['analysis'].qualification_tier}, {message.channel}"
                  + (f", subject {message.subject_line!r}" if message.subject_line else ""))
            print(message.body, end="\n\n")


if __name__ == "__main__":
    main(sys.argv[1:])
