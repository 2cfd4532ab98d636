"""The lead's field groups: every list of lead fields elsewhere (serializers, admin, exports, agents) derives
from these."""

# What a person, an import or a harvest supplies about a company; everything else is computed.
INPUT_FIELDS = (
    "company_name",
    "website",
    "description",
    "source_text",
    "company_sector",
    "company_size",
    "market_region",
    "contact_email",
    "contact_phone",
    "contact_role",
    "annual_revenue",
)
# Free-text inputs are TextFields; their lengths are limited where input is validated (serializers, import),
# so a huge text is never stored nor sent to the agent server at every stage.
TEXT_MAX_LENGTHS = {"description": 10_000, "source_text": 20_000}
# The text ones (everything but `annual_revenue`).
TEXT_INPUT_FIELDS = tuple(name for name in INPUT_FIELDS if name != "annual_revenue")
SCORE_FIELDS = ("relevance_score", "roi_potential_score", "brazilian_market_fit", "overall_score")
# The stage results stored as JSON.
JSON_RESULT_FIELDS = (
    "analysis",
    "persona",
    "pain_point_analysis",
    "purchase_triggers",
    "strategy",
    "message",
    "enrichment_data",
)
# The pipeline's results: read-only to clients.
RESULT_FIELDS = (*SCORE_FIELDS, "qualification_tier", *JSON_RESULT_FIELDS)
# What the analysis stage writes.
ANALYSIS_FIELDS = (
    "analysis", "company_sector", "company_size", "pain_point_analysis", "purchase_triggers", "relevance_score",
    "roi_potential_score", "brazilian_market_fit", "overall_score", "qualification_tier",
)
# Input fields the intake stage may fill in (only when the lead has them empty).
INTAKE_FILLABLE = ("company_name", "website", "contact_email", "contact_phone", "market_region", "description")
