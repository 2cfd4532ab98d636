"""The frontend Lead (FRONTEND.md §4.1) rendered as JSON text by PostgreSQL, for the 1,000-lead list.

Same value as `frontend.serializers.leads.present_lead` on the same row, key for key and in the same order
(tests/frontend/test_lead_json_sql.py): the database writes each lead's JSON, nested JSON columns included, so
Python neither decodes nor re-encodes them. The bytes differ only where JSON does not care: the nested JSON
columns keep PostgreSQL's `jsonb` spacing (`{"a": 1}`) and a number may be spelt differently (`1e-05` for
`0.00001`). Used by `frontend.selectors.lead_json_rows` on PostgreSQL.
"""

import orjson

from frontend.vocab import TIER_LABELS


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_literal(text: str) -> str:
    """A constant JSON string as an SQL literal (its JSON text)."""
    return _literal(orjson.dumps(text).decode())


def _text(column: str) -> str:
    return f"to_json(coalesce(lead.{column}, ''))::text"


def _float(column: str) -> str:
    # `float(x)` in Python prints integral values as `1.0`; float8 prints `1` (both below 1e15).
    return (
        f"CASE WHEN lead.{column} IS NULL THEN 'null' WHEN lead.{column} = trunc(lead.{column}) "
        f"AND abs(lead.{column}) < 1e15 THEN trunc(lead.{column})::bigint::text || '.0' "
        f"ELSE lead.{column}::float8::text END"
    )


def _truthy(value: str) -> str:
    """Python truthiness of a jsonb value (missing, null, false, 0, "", [] and {} are false)."""
    return f"coalesce({value} NOT IN ('null'::jsonb, 'false', '0', '\"\"', '[]', '{{}}'), false)"


def _truthy_or_empty(value: str) -> str:
    """`value or ""` of the JSON value, as JSON text."""
    return f"CASE WHEN {_truthy(value)} THEN ({value})::text ELSE '\"\"' END"


def _array(value: str) -> str:
    return f"CASE WHEN jsonb_typeof({value}) = 'array' THEN {value} ELSE '[]'::jsonb END"


_TIER = (
    "CASE lead.qualification_tier "
    + " ".join(f"WHEN {_literal(value)} THEN {_json_literal(label)}" for value, label in TIER_LABELS.items() if value)
    + f" ELSE {_json_literal(TIER_LABELS[None])} END"
)
# Each JSON column is read (detoasted and decompressed) as few times as possible: once as text, or once into the
# keys the derived values need (`jsonb_to_record`), in fenced subqueries (`lead_json_sql`). Reading a column in
# every expression that uses it cost ~100 ms per 1,000 leads.
_PROBABILITY = "lead.persona -> 'decision_maker_probability'"
_NUMBER = r"'^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$'"
_PERSONA = (
    "CASE WHEN lead.persona_text IS NULL OR left(lead.persona_text, 1) <> '{' OR lead.persona_text = '{}' THEN 'null' "
    f"WHEN jsonb_typeof({_PROBABILITY}) IN ('string', 'array', 'object') THEN (lead.persona || jsonb_build_object("
    f"'decision_maker_probability', CASE WHEN jsonb_typeof({_PROBABILITY}) = 'string' AND ({_PROBABILITY} #>> '{{}}') "
    f"~ {_NUMBER} THEN to_jsonb(({_PROBABILITY} #>> '{{}}')::float8) END))::text "
    "ELSE lead.persona_text END"
)
# `enhanced_strategy` / `enhanced_personalized_message` of `present_lead`'s `_enrichment`, as JSON text or NULL.
_PITCH = (
    "to_json(array_to_string(ARRAY(SELECT jsonb_array_elements_text("
    f"{_array('strategy.key_value_propositions')})), ' ', 'null'))::text"
)
_SEQUENCE = (
    "'[' || array_to_string(ARRAY(SELECT CASE WHEN rest = '{}' THEN '{' ELSE left(rest, -1) || ', ' END "
    "|| '\"step_number\": ' || coalesce(given, n::text) || '}' FROM (SELECT (step - 'step')::text AS rest, "
    "(step -> 'step')::text AS given, row_number() OVER () AS n "
    f"FROM jsonb_array_elements({_array('strategy.contact_sequence')}) AS e(step) "
    "WHERE jsonb_typeof(step) = 'object') AS steps), ', ') || ']'"
)
_ENHANCED_STRATEGY = (
    "CASE WHEN raw.strategy_object IS NOT NULL THEN '{\"detailed_approach_plan\": {\"main_objective\": ' || "
    f"{_truthy_or_empty('strategy.first_interaction_goal')} || "
    f"', \"adapted_elevator_pitch\": ' || {_PITCH} || ', \"contact_sequence\": ' || {_SEQUENCE} || '}}}}' END"
)
_ENHANCED_MESSAGE = (
    "CASE WHEN raw.message_object IS NOT NULL THEN '{\"primary_message\": {\"subject_line\": ' || "
    f"{_truthy_or_empty('message.subject_line')} || ', \"message_body\": ' || "
    f"{_truthy_or_empty('message.body')} || '}}}}' END"
)
_ENRICHMENT = (
    "CASE WHEN lead.enhanced_strategy IS NULL AND lead.enhanced_message IS NULL THEN lead.data "
    # Keys already there keep their place (a dict update); jsonb orders them its own way, rare enough.
    "WHEN lead.data LIKE '%%\"enhanced\\_%%' AND lead.enrichment_data ?| array['enhanced_strategy', "
    "'enhanced_personalized_message'] THEN (lead.enrichment_data "
    "|| coalesce(jsonb_build_object('enhanced_strategy', lead.enhanced_strategy::jsonb), '{}') "
    "|| coalesce(jsonb_build_object('enhanced_personalized_message', lead.enhanced_message::jsonb), '{}'))::text "
    "ELSE CASE WHEN lead.data = '{}' THEN '{' ELSE left(lead.data, -1) || ', ' END "
    "|| concat_ws(', ', '\"enhanced_strategy\": ' || lead.enhanced_strategy, "
    "'\"enhanced_personalized_message\": ' || lead.enhanced_message) || '}' END"
)


def _non_empty_object(column: str) -> str:
    return f"CASE WHEN jsonb_typeof(lead.{column}) = 'object' AND lead.{column} <> '{{}}'::jsonb THEN lead.{column} END"


# (key, JSON text of its value) in `present_lead`'s order.
_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "to_json(lead.id::text)::text"),
    *((name, _text(name)) for name in (
        "company_name", "website", "description", "company_sector", "company_size", "market_region",
        "contact_email", "contact_phone", "contact_role",
    )),
    ("annual_revenue", _float("annual_revenue")),
    *((name, _float(name)) for name in ("relevance_score", "roi_potential_score", "brazilian_market_fit", "overall_score")),
    ("qualification_tier", _TIER),
    ("processing_stage", "to_json(lead.presented_stage)::text"),
    ("pipeline_stage", "to_json(lead.processing_stage)::text"),
    ("board_stage", "coalesce(to_json(nullif(lead.board_stage, ''))::text, 'null')"),
    ("status", "to_json(lead.status)::text"),
    ("progress", "coalesce(lead.progress, 0)::text"),
    ("source", "to_json(lead.source)::text"),
    ("persona", _PERSONA),
    ("pain_point_analysis", f"({_array('lead.pain_point_analysis')})::text"),
    ("purchase_triggers", f"({_array('lead.purchase_triggers')})::text"),
    ("enrichment_data", _ENRICHMENT),
    ("last_error", _text("last_error")),
    ("prospect_job_id", "coalesce(to_json(lead.prospect_job_id::text)::text, 'null')"),
    *((name, f"coalesce(to_json(lead.{name}_iso)::text, 'null')") for name in ("created_at", "updated_at", "processed_at")),
)


def _key(index: int, key: str) -> str:
    return _literal(("{" if index == 0 else ",") + f'"{key}":')


LEAD_JSON = " || ".join(f"{_key(index, key)} || {value}" for index, (key, value) in enumerate(_FIELDS)) + " || '}'"


def lead_json_sql(rows_sql: str) -> str:
    """The query of each lead's JSON text, in order, over `rows_sql` (the rows of `frontend.selectors.lead_rows`,
    JSON columns as jsonb). Two fenced levels (OFFSET 0) compute each intermediate value once per row."""
    raw = (
        "SELECT lead.*, lead.persona::text AS persona_text, lead.enrichment_data::text AS data_text, "
        f"{_non_empty_object('strategy')} AS strategy_object, {_non_empty_object('message')} AS message_object "
        f"FROM ({rows_sql}) AS lead OFFSET 0"
    )
    derived = (
        f"SELECT raw.*, CASE WHEN left(raw.data_text, 1) = '{{' THEN raw.data_text ELSE '{{}}' END AS data, "
        f"{_ENHANCED_STRATEGY} AS enhanced_strategy, {_ENHANCED_MESSAGE} AS enhanced_message FROM ({raw}) AS raw "
        "LEFT JOIN LATERAL jsonb_to_record(raw.strategy_object) AS strategy(first_interaction_goal jsonb, "
        "key_value_propositions jsonb, contact_sequence jsonb) ON true "
        "LEFT JOIN LATERAL jsonb_to_record(raw.message_object) AS message(subject_line jsonb, body jsonb) ON true "
        "OFFSET 0"
    )
    return f"SELECT {LEAD_JSON} FROM ({derived}) AS lead"
