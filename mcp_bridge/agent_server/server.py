"""The MCP server: one tool per agent, each a thin adapter over a plain function in agents.py."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import agents
from .config import Settings
from .llm import AgentError
from .models import (
    AnalysisOutput,
    ChatInput,
    ChatOutput,
    HarvestInput,
    HarvestOutput,
    IntakeOutput,
    MessageOutput,
    PersonaOutput,
    StageInput,
    StrategyOutput,
)

# name -> (direct callable, input model, output model, description)
TOOLS: dict[str, tuple[Callable[..., BaseModel], type[BaseModel], type[BaseModel], str]] = {
    "intake_lead": (agents.intake_lead, StageInput, IntakeOutput,
                    "Stage 1: normalise the lead and extract contacts (e-mails, phones, CNPJ), place, size and age."),
    "analyze_lead": (agents.analyze_lead, StageInput, AnalysisOutput,
                     "Stage 2: sector, size, pains, triggers, explained 0..1 scores and the qualification tier."),
    "create_persona": (agents.create_persona, StageInput, PersonaOutput,
                       "Stage 3: the likely buyer persona at the lead."),
    "build_strategy": (agents.build_strategy, StageInput, StrategyOutput,
                       "Stage 4: channels, talking points, objections and a 3-5 step contact sequence."),
    "craft_message": (agents.craft_message, StageInput, MessageOutput,
                      "Stage 5: the first outreach message in the business context's language."),
    "chat": (agents.chat, ChatInput, ChatOutput,
             "Answer an operator as the named agent, grounded in the lead, pipeline and attachments sent."),
    "harvest_leads": (agents.harvest_leads, HarvestInput, HarvestOutput,
                      "Find Brazilian companies matching the business context and query in the bundled corpus."),
}


class AgentMCPServer(MCPServer):
    """The SDK's server, minus a per-call cost with nothing to check: before every `tools/call` it walks the tool's
    whole input schema for `x-mcp-header` declarations to validate `Mcp-Param-*` headers against (13 % of the
    server's CPU in bench/pipeline.py). No schema of ours declares one, so a tool whose schema has none is
    reported to that check as having no schema ("nothing to validate", the SDK's own reading); a schema that
    declares a header is still checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_checks: dict[str, tuple[dict[str, Any], bool]] = {}  # tool → (schema, declares a header)

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        schema = super()._tool_input_schema(name)
        if schema is None:
            return None
        known = self._header_checks.get(name)
        if known is None or known[0] is not schema:  # first call, or the tool was replaced
            known = self._header_checks[name] = (schema, "x-mcp-header" in json.dumps(schema))
        return schema if known[1] else None


def _adapter(name: str, fn: Callable[..., BaseModel], input_model: type[BaseModel], output_model: type[BaseModel],
             settings: Settings, *, inline_stages: bool = False) -> Callable[..., Any]:
    """A tool function whose signature mirrors the input model's fields, so MCP publishes and validates them.

    `inline_stages` (the HTTP server): offline, a pipeline stage is about a millisecond of pure Python, so it runs
    on the server's event loop; the SDK's hand-off of a sync tool to a worker thread costs more than that and buys
    no parallelism under the GIL. With a model (network waits), for chat and harvests (longer), and in process (the
    embedded default, where the loop is the bridge's, shared by the worker's threads), a worker thread."""

    def run(arguments: dict[str, Any]) -> BaseModel:
        try:
            return fn(input_model.model_validate(arguments), settings)
        except AgentError as exc:
            raise ToolError(str(exc)) from exc  # a readable isError result, not a generic crash

    if not inline_stages or settings.llm_enabled or input_model is not StageInput:
        def tool(**arguments: Any) -> BaseModel:
            return run(arguments)
    else:
        async def tool(**arguments: Any) -> BaseModel:  # type: ignore[misc]
            return run(arguments)

    params = [
        inspect.Parameter(field_name, inspect.Parameter.KEYWORD_ONLY, annotation=field.annotation,
                          default=inspect.Parameter.empty if field.is_required() else field)
        for field_name, field in input_model.model_fields.items()
    ]
    tool.__signature__ = inspect.Signature(params, return_annotation=output_model)  # type: ignore[attr-defined]
    tool.__name__ = tool.__qualname__ = name
    return tool


def build_server(settings: Settings | None = None, *, inline_stages: bool = False) -> MCPServer:
    """An MCP server exposing every agent tool with published input and output schemas (`inline_stages`: see
    `_adapter`)."""
    settings = settings or Settings.from_env()
    server: MCPServer = AgentMCPServer(
        name="nellia-agents", version="1.0.0",
        instructions="Nellia Prospector agents: the five lead-pipeline stages, chat and harvest_leads.",
    )
    for name, (fn, input_model, output_model, description) in TOOLS.items():
        server.add_tool(_adapter(name, fn, input_model, output_model, settings, inline_stages=inline_stages), name=name, description=description,
                        structured_output=True)

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "mode": "llm" if settings.llm_enabled else "offline"})

    return server
