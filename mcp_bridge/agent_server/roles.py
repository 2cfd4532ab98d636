"""Buyer functions (sales, operations, fleet, finance, facilities…): how a role named in a seller's ideal customer
is recognised, and what a person in that function is responsible for, in Portuguese and English.

A persona's department and responsibilities come from the function of the seller's ideal-customer role, never
from an assumption about what the seller sells.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import contains_any, fold


@dataclass(frozen=True)
class Function:
    key: str
    keywords: tuple[str, ...]  # folded; evidence in a role title
    title_pt: str
    title_en: str
    department_pt: str
    department_en: str
    responsibilities_pt: tuple[str, ...]
    responsibilities_en: tuple[str, ...]
    goal_pt: str
    goal_en: str


FUNCTIONS: tuple[Function, ...] = (
    Function("fleet", ("frota", "frotas", "fleet", "trafego", "transportes"),
             "Gestor(a) de Frota", "Fleet Manager", "Logística e Frota", "Logistics and Fleet",
             ("Custo por quilômetro e consumo de combustível", "Manutenção e disponibilidade dos veículos",
              "Segurança dos motoristas e da carga"),
             ("Cost per kilometre and fuel consumption", "Vehicle maintenance and availability",
              "Driver and cargo safety"),
             "Reduzir o custo por quilômetro sem atrasar entregas", "Cut cost per kilometre without late deliveries"),
    Function("operations", ("operacoes", "operacional", "operations", "coo", "supply chain", "logistica",
                            "logistics"),
             "Diretor(a) de Operações", "Operations Director", "Operações", "Operations",
             ("Custo e eficiência da operação", "Prazos e níveis de serviço", "Continuidade e segurança da operação"),
             ("Operating cost and efficiency", "Deadlines and service levels", "Continuity and safety of operations"),
             "Entregar mais com o mesmo custo operacional", "Deliver more at the same operating cost"),
    Function("accounting", ("contabil", "contabilidade", "contador", "contadora", "accounting", "accountant", "fiscal",
                            "tributario", "tax"),
             "Gerente de Contabilidade", "Accounting Manager", "Contabilidade e Fiscal", "Accounting and Tax",
             ("Fechamento contábil no prazo", "Obrigações fiscais e acessórias", "Conciliações e auditoria"),
             ("Closing the books on time", "Tax filings and compliance", "Reconciliations and audits"),
             "Fechar o mês mais rápido e sem retrabalho", "Close the month faster, without rework"),
    Function("finance", ("financeiro", "financeira", "financas", "finance", "cfo", "controller", "controladoria",
                         "tesouraria", "treasury"),
             "Diretor(a) Financeiro(a)", "Finance Director", "Financeiro", "Finance",
             ("Fluxo de caixa e orçamento", "Controle de custos", "Relatórios para a diretoria"),
             ("Cash flow and budget", "Cost control", "Reporting to the board"),
             "Ter custos previsíveis e caixa sob controle", "Keep costs predictable and cash under control"),
    Function("facilities", ("facilities", "manutencao", "predial", "servicos gerais", "limpeza", "conservacao",
                            "maintenance", "administrativo", "administrativa", "infraestrutura"),
             "Gerente de Facilities", "Facilities Manager", "Facilities", "Facilities",
             ("Limpeza, conservação e manutenção das instalações", "Contratos com prestadores e SLAs",
              "Conformidade com normas de higiene e segurança"),
             ("Cleaning, upkeep and maintenance of the premises", "Service contracts and SLAs",
              "Compliance with hygiene and safety rules"),
             "Instalações em dia, sem paradas e sem autuações", "Premises in order, with no stoppages or fines"),
    Function("production", ("producao", "industrial", "planta", "fabrica", "fabril", "manufatura", "plant",
                            "manufacturing", "production"),
             "Gerente Industrial", "Plant Manager", "Produção", "Production",
             ("Produtividade e paradas de linha", "Qualidade do produto", "Custos de produção"),
             ("Productivity and line stoppages", "Product quality", "Production costs"),
             "Produzir mais com menos paradas", "Produce more with fewer stoppages"),
    Function("quality_safety", ("qualidade", "seguranca do trabalho", "sst", "ehs", "sesmt", "ssma", "quality",
                                "safety", "hse"),
             "Coordenador(a) de Qualidade e Segurança", "Quality and Safety Lead", "Qualidade e SSMA",
             "Quality, Health and Safety",
             ("Conformidade com normas e auditorias", "Segurança do trabalho", "Indicadores de qualidade"),
             ("Compliance with standards and audits", "Workplace safety", "Quality indicators"),
             "Passar nas auditorias sem não conformidades", "Pass audits with no non-conformities"),
    Function("hr", ("rh", "recursos humanos", "pessoas", "people", "human resources", "hr"),
             "Gerente de RH", "HR Manager", "Recursos Humanos", "Human Resources",
             ("Recrutamento e retenção", "Folha e benefícios", "Clima e desenvolvimento das equipes"),
             ("Hiring and retention", "Payroll and benefits", "Team engagement and development"),
             "Reter as pessoas certas", "Keep the right people"),
    Function("it", ("ti", "tecnologia", "cto", "cio", "it", "technology", "sistemas", "engenharia de software"),
             "Gerente de TI", "IT Manager", "Tecnologia", "Technology",
             ("Sistemas e integrações", "Segurança da informação", "Orçamento de tecnologia"),
             ("Systems and integrations", "Information security", "Technology budget"),
             "Menos sistemas isolados e mais dados confiáveis", "Fewer silos and more reliable data"),
    Function("marketing", ("marketing", "cmo", "growth", "comunicacao", "brand"),
             "Gerente de Marketing", "Marketing Manager", "Marketing", "Marketing",
             ("Geração de demanda", "Marca e comunicação", "Orçamento de mídia"),
             ("Demand generation", "Brand and communication", "Media budget"),
             "Gerar demanda com orçamento previsível", "Generate demand on a predictable budget"),
    Function("procurement", ("compras", "suprimentos", "procurement", "purchasing", "buyer", "comprador"),
             "Gerente de Compras", "Procurement Manager", "Compras", "Procurement",
             ("Negociação com fornecedores", "Custo total de aquisição", "Prazos de entrega dos fornecedores"),
             ("Supplier negotiation", "Total cost of ownership", "Supplier lead times"),
             "Comprar melhor, com menos risco de fornecedor", "Buy better, with less supplier risk"),
    Function("sales", ("comercial", "commercial", "vendas", "sales", "revenue", "cro", "business development", "key account",
                       "inside sales"),
             "Diretor(a) Comercial", "Sales Director", "Comercial", "Sales",
             ("Meta de receita e previsão de vendas", "Geração e qualificação de oportunidades",
              "Produtividade do time comercial"),
             ("Revenue target and forecast", "Opportunity generation and qualification", "Sales team productivity"),
             "Bater a meta de receita com previsibilidade", "Hit the revenue target predictably"),
    Function("executive", ("ceo", "socio", "socia", "dono", "dona", "proprietario", "proprietaria", "owner",
                           "founder", "fundador", "presidente", "diretor geral", "diretora geral", "diretor-geral",
                           "general manager", "managing director", "diretor executivo", "diretora executiva",
                           "gestor", "gestora", "administrador"),
             "Sócio(a)-diretor(a)", "Managing Partner", "Diretoria", "Executive",
             ("Resultado e crescimento da empresa", "Decisões de investimento", "Relação com os principais clientes"),
             ("Company results and growth", "Investment decisions", "Key customer relationships"),
             "Crescer com margem saudável", "Grow with healthy margins"),
)
BY_KEY: dict[str, Function] = {f.key: f for f in FUNCTIONS}
SENIORITY_WORDS = {"ceo": 0.95, "owner": 0.95, "dono": 0.95, "socio": 0.9, "founder": 0.9, "presidente": 0.9,
                   "vp": 0.8, "chief": 0.85, "diretor": 0.8, "diretora": 0.8, "director": 0.8, "head": 0.75,
                   "cfo": 0.75, "cto": 0.7, "coo": 0.75, "controller": 0.6, "gerente": 0.55, "manager": 0.55,
                   "gestor": 0.55, "gestora": 0.55, "coordenador": 0.4, "coordenadora": 0.4, "coordinator": 0.4,
                   "supervisor": 0.35, "supervisora": 0.35, "analista": 0.2, "analyst": 0.2, "contador": 0.5,
                   "contadora": 0.5, "comprador": 0.35}
ROLE_WORDS = tuple(SENIORITY_WORDS)
# Role words only one of the two languages uses: a title without function words is judged by them.
PT_ROLE_WORDS = ("diretor", "diretora", "gerente", "gestor", "gestora", "coordenador", "coordenadora", "socio",
                 "socia", "contador", "contadora", "supervisor", "supervisora", "analista", "presidente", "dono", "dona")
EN_ROLE_WORDS = ("director", "manager", "head", "owner", "founder", "vp", "chief", "coordinator", "analyst")


def function_of(role: str) -> Function | None:
    """The function a role title belongs to ('Gestor de frota' → fleet, 'Head of Sales' → sales)."""
    folded = fold(role)
    return next((f for f in FUNCTIONS if contains_any(folded, f.keywords)), None)


def seniority(role: str) -> float | None:
    folded = fold(role)
    found = [w for w in SENIORITY_WORDS if contains_any(folded, (w,))]
    return max((SENIORITY_WORDS[w] for w in found), default=None)
