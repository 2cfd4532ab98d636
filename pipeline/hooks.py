"""Hooks of the pipeline (see nellia/hooks.py), registered by the apps above it in their `AppConfig.ready()`."""

from leads.models import Lead
from nellia.hooks import Hook

# A lead finished the pipeline (completed or failed); called after the commit that finished it.
on_lead_finished: Hook[[Lead]] = Hook("on_lead_finished")
