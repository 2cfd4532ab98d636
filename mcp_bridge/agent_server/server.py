"""The MCP server: one tool per agent, each a thin adapter over a plain function in agents.py, and
`run_stage_batch`, several stage calls in one (the per-call cost of MCP over HTTP, paid once)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import agents
from .config import Settings
from .llm import AgentError
from .models import (
    STAGE_BATCH_TOOL,
    AnalysisOutput,
    ChatInput,
    ChatOutput,
    HarvestInput,
    HarvestOutput,
    IntakeOutput,
    MessageOutput,
    PersonaOutput,
    StageBatchInput,
    StageBatchOutput,
    StageCall,
    StageCallResult,
    StageInput,
    StrategyOutput,
    first_error,
)

logger = logging.getLogger(__name__)

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


def _run_tool(name: str, arguments: dict[str, Any], settings: Settings) -> BaseModel:
    fn, input_model, _, _ = TOOLS[name]
    try:
        return fn(input_model.model_validate(arguments), settings)
    except AgentError as exc:
        raise ToolError(str(exc)) from exc  # a readable isError result, not a generic crash


def _adapter(name: str, input_model: type[BaseModel], output_model: type[BaseModel],
             settings: Settings, *, inline_stages: bool = False) -> Callable[..., Any]:
    """A tool function whose signature mirrors the input model's fields, so MCP publishes and validates them.

    `inline_stages` (the HTTP server): offline, a pipeline stage is about a millisecond of pure Python, so it runs
    on the server's event loop; the SDK's hand-off of a sync tool to a worker thread costs more than that and buys
    no parallelism under the GIL. With a model (network waits), for chat and harvests (longer), and in process (the
    embedded default, where the loop is the bridge's, shared by the worker's threads), a worker thread."""

    if not inline_stages or settings.llm_enabled or input_model is not StageInput:
        def tool(**arguments: Any) -> BaseModel:
            return _run_tool(name, arguments, settings)
    else:
        async def tool(**arguments: Any) -> BaseModel:  # type: ignore[misc]
            return _run_tool(name, arguments, settings)

    return _signed(tool, name, input_model, output_model)


def _signed(tool: Callable[..., Any], name: str, input_model: type[BaseModel], output_model: type[BaseModel]
            ) -> Callable[..., Any]:
    """`tool(**arguments)` named `name`, with a signature that mirrors the input model's fields (MCP publishes them)."""
    params = [
        inspect.Parameter(field_name, inspect.Parameter.KEYWORD_ONLY, annotation=field.annotation,
                          default=inspect.Parameter.empty if field.is_required() else field)
        for field_name, field in input_model.model_fields.items()
    ]
    tool.__signature__ = inspect.Signature(params, return_annotation=output_model)  # type: ignore[attr-defined]
    tool.__name__ = tool.__qualname__ = name
    return tool


def _batch_item(call: StageCall, settings: Settings) -> StageCallResult:
    """One call of a batch: its output, or the error the tool alone would have answered with."""
    try:
        output = _run_tool(call.tool, call.arguments, settings)
    except ToolError as exc:
        return StageCallResult(error=str(exc))
    except ValidationError as exc:
        return StageCallResult(error=f"Invalid arguments for {call.tool} ({first_error(exc)})")
    except Exception:
        logger.exception("Tool %s crashed in a batch", call.tool)
        return StageCallResult(error=f"Error executing tool {call.tool}")
    return StageCallResult(result=output.model_dump(mode="json", by_alias=True))


def _batch_tool(settings: Settings, *, inline_stages: bool) -> Callable[..., Any]:
    """`run_stage_batch`: several stage calls in one MCP call, each answered on its own (one call's error does not
    fail the others). Where the calls run follows `_adapter`: with a model side by side on worker threads (network
    waits), offline on the loop over HTTP, else on a worker thread."""

    def calls_of(arguments: dict[str, Any]) -> list[StageCall]:
        return StageBatchInput.model_validate(arguments).calls  # at most STAGE_BATCH_MAX

    def run_all(arguments: dict[str, Any]) -> StageBatchOutput:
        return StageBatchOutput(results=[_batch_item(call, settings) for call in calls_of(arguments)])

    if settings.llm_enabled:
        async def tool(**arguments: Any) -> StageBatchOutput:
            results = await asyncio.gather(*(anyio.to_thread.run_sync(_batch_item, call, settings)
                                             for call in calls_of(arguments)))
            return StageBatchOutput(results=list(results))
    elif inline_stages:
        async def tool(**arguments: Any) -> StageBatchOutput:
            return run_all(arguments)
    else:
        def tool(**arguments: Any) -> StageBatchOutput:  # type: ignore[misc]
            return run_all(arguments)
    return _signed(tool, STAGE_BATCH_TOOL, StageBatchInput, StageBatchOutput)


def build_server(settings: Settings | None = None, *, inline_stages: bool = False) -> MCPServer:
    """An MCP server exposing every agent tool with published input and output schemas (`inline_stages`: see
    `_adapter`)."""
    settings = settings or Settings.from_env()
    server: MCPServer = AgentMCPServer(
        name="nellia-agents", version="1.0.0",
        instructions="Nellia Prospector agents: the five lead-pipeline stages (one by one or in a batch), chat and "
                     "harvest_leads.",
    )
    for name, (_, input_model, output_model, description) in TOOLS.items():
        server.add_tool(_adapter(name, input_model, output_model, settings, inline_stages=inline_stages), name=name, description=description,
                        structured_output=True)
    server.add_tool(_batch_tool(settings, inline_stages=inline_stages), name=STAGE_BATCH_TOOL, structured_output=True,
                    description="Several pipeline stage calls at once (each its tool and arguments); each answered "
                                "on its own, in order: its result or its error.")

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "mode": "llm" if settings.llm_enabled else "offline"})

    return server
