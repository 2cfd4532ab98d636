"""LLM mode: ask an OpenAI-compatible chat-completions endpoint for a tool's output, validated by its model.

Invalid output is an error (AgentError), never silently replaced by the offline answer: the operator chose the LLM.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from .config import Settings
from .models import Usage

if TYPE_CHECKING:
    import openai

T = TypeVar("T", bound=BaseModel)


class AgentError(Exception):
    """A failure the caller should read: bad LLM output, unreachable LLM, bad configuration."""


def payload_schema(output_model: type[BaseModel]) -> dict[str, Any]:
    """The output model's JSON schema without the fields the server fills in itself (usage, mode)."""
    schema = output_model.model_json_schema()
    for key in ("usage", "mode"):
        schema.get("properties", {}).pop(key, None)
        if key in schema.get("required", []):
            schema["required"].remove(key)
    schema.get("$defs", {}).pop("Usage", None)
    return schema


def _client(settings: Settings) -> openai.OpenAI:
    import openai  # imported on first use: offline servers never pay its start-up cost

    if not settings.llm_base_url and not settings.llm_api_key:
        raise AgentError("LLM mode needs LLM_BASE_URL and/or LLM_API_KEY")
    return openai.OpenAI(
        base_url=settings.llm_base_url or None, api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
    )


def complete(settings: Settings, task: str, data: dict[str, Any], output_model: type[T]) -> T:
    """One JSON-mode completion for `task` over `data`, parsed into `output_model` with mode='llm' and usage."""
    system = (
        "You are an agent of Nellia Prospector, a B2B lead-prospecting platform for the Brazilian market. "
        f"{task} Answer with one JSON object only, matching this JSON schema:\n"
        f"{json.dumps(payload_schema(output_model), ensure_ascii=False)}\n"
        "Write free text in the business context's language (default pt-BR). `grounding` holds the seller's offer, "
        "the lead's facts and the rules your answer is checked against; an answer breaking them is rejected."
    )
    import openai

    try:
        response = _client(settings).chat.completions.create(
            model=settings.llm_model,
            messages=[{"role": "system", "content": system},
                      {"role": "user", "content": json.dumps(data, ensure_ascii=False, default=str)}],
            response_format={"type": "json_object"},
            temperature=0,
        )
    except openai.OpenAIError as exc:
        raise AgentError(f"LLM request failed: {exc}") from exc
    if not response.choices:
        raise AgentError("LLM returned no choices")
    content = response.choices[0].message.content or ""
    u = response.usage
    usage = Usage(prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens,
                  total_tokens=u.total_tokens) if u else Usage()
    try:
        parsed = json.loads(content)
        if not isinstance(parsed, dict):
            raise ValueError("top-level JSON value is not an object")
        return output_model.model_validate({**parsed, "usage": usage.model_dump(), "mode": "llm"})
    except (ValueError, ValidationError) as exc:
        detail = str(exc).splitlines()[0] if not isinstance(exc, ValidationError) else _short(exc)
        raise AgentError(f"LLM output is not a valid {output_model.__name__}: {detail}") from exc


def _short(exc: ValidationError) -> str:
    errors = exc.errors()[:5]
    return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '<root>'}: {e['msg']}" for e in errors)
