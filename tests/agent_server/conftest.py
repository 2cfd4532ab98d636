"""Fixtures for the agent-server tests: the shared sample data and fixed settings (no Django, no network)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from mcp_bridge.agent_server.config import Settings

# shared/ sits beside the project checkout (read-only sample data).
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
REFERENCE_YEAR = 2025


@pytest.fixture(scope="session")
def business_context() -> dict[str, Any]:
    return json.loads((DATA / "business_context.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_leads() -> dict[str, dict[str, str]]:
    with (DATA / "sample_leads.csv").open(encoding="utf-8") as fh:
        return {row["company_name"]: row for row in csv.DictReader(fh)}


@pytest.fixture
def agent_settings() -> Settings:
    return Settings(reference_year=REFERENCE_YEAR)
