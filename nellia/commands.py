"""A shared base and mixins for Nellia's management commands (thin adapters over services).

- `NelliaCommand`: `progress()` (a tqdm bar on stderr, off when not a terminal or with `--no-progress`) and
  `fail()` (a CommandError with a readable message).
- `OwnerMixin`: `--owner EMAIL` resolved to a user (default: the only admin, else an error).
- Argument types (`positive_int`, `non_negative_int`, `non_negative_float`, `lead_id_arg`): a bad value
  is a usage error (exit code 2 from the command line, CommandError from `call_command`), never a traceback.
"""

from __future__ import annotations

import argparse
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm


def _number(kind: type[int] | type[float], minimum: float, what: str) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its message
    return parse


positive_int = _number(int, 1, "a whole number greater than 0")
non_negative_int = _number(int, 0, "a whole number of 0 or more")
non_negative_float = _number(float, 0, "a number of 0 or more", )


def lead_id_arg(text: str) -> str:
    """An id argument: a UUID (canonical form), else a usage error."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a lead id (a UUID)") from None


class NelliaCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        self._progress_disabled = options.get("no_progress", False)
        return super().execute(*args, **options)

    def progress(self, *, total: int | None, desc: str, unit: str = "it") -> tqdm:
        """A progress bar on stderr; hidden when stderr is not a terminal (`disable=None`) or `--no-progress`."""
        disabled = True if getattr(self, "_progress_disabled", False) else None
        return tqdm(total=total, desc=desc, unit=unit, disable=disabled, file=self.stderr._out, leave=False)

    def fail(self, message: str) -> CommandError:
        return CommandError(message)


class OwnerMixin:
    owner_help = "E-mail of the user who will own the leads (default: the only admin)."

    def add_owner_argument(self, parser: CommandParser, *, required: bool = False) -> None:
        parser.add_argument("--owner", metavar="EMAIL", required=required, help=self.owner_help)

    def resolve_owner(self, email: str | None) -> Any:
        users = get_user_model().objects
        if email:
            user = users.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No user with the e-mail {email!r}.")
            return user
        admins = list(users.filter(is_superuser=True)[:2]) or list(users.filter(role="admin")[:2])
        if len(admins) != 1:
            raise CommandError("Say who owns the leads with --owner EMAIL.")
        return admins[0]
