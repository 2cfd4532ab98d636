"""Agent-server settings, read from the environment (never from Django settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    llm_provider: str = ""  # "" = offline agents; "openai" = any OpenAI-compatible endpoint
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 60.0
    llm_max_retries: int = 2
    reference_year: int | None = None  # fixes 'Há 25 anos' arithmetic; None = the current year
    host: str = "127.0.0.1"
    port: int = 8765
    token: str = ""
    workers: int = 1  # HTTP worker processes (the tools are CPU-bound Python: one process uses one core)
    access_log: bool = False  # a line per call: 7 % of the server's CPU at pipeline rates, errors are logged anyway

    @property
    def llm_enabled(self) -> bool:
        return self.llm_provider.lower() == "openai"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        year = env.get("AGENT_REFERENCE_YEAR", "").strip()
        return cls(
            llm_provider=env.get("LLM_PROVIDER", "").strip(),
            llm_base_url=env.get("LLM_BASE_URL", "").strip(),
            llm_api_key=env.get("LLM_API_KEY", "").strip(),
            llm_model=env.get("LLM_MODEL", "").strip() or cls.llm_model,
            llm_timeout=float(env.get("LLM_TIMEOUT", "") or cls.llm_timeout),
            llm_max_retries=int(env.get("LLM_MAX_RETRIES", "") or cls.llm_max_retries),
            reference_year=int(year) if year.isdigit() else None,
            host=env.get("AGENT_SERVER_HOST", "").strip() or cls.host,
            port=int(env.get("AGENT_SERVER_PORT", "") or cls.port),
            token=env.get("AGENT_SERVER_TOKEN", "").strip(),
            workers=max(1, int(env.get("AGENT_SERVER_WORKERS", "") or cls.workers)),
            access_log=env.get("AGENT_SERVER_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes", "on"),
        )
