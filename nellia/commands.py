"""A shared base and mixins for Nellia's management commands (thin adapters over services).

- `NelliaCommand`: `progress()` (a tqdm bar on stderr, off when not a terminal or with `--no-progress`) and
  `fail()` (a CommandError with a readable message).
- `OwnerMixin`: `--owner EMAIL` resolved to a user (default: the only admin, else an error).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm


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
