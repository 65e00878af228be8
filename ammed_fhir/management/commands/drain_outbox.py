"""``manage.py drain_outbox``: dispatch pending change events now (what beat does), list
the ones given up on, or give those a fresh set of attempts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ammed_fhir import outbox


class Command(BaseCommand):
    help = "Dispatch pending change events from the outbox (ammed_fhir.OutboxEvent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--failed", action="store_true", help="list events given up on; dispatch nothing"
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="give events that were given up on new attempts, then drain",
        )

    def handle(
        self, *args: Any, failed: bool = False, retry_failed: bool = False, **_: Any
    ) -> None:
        if failed:
            for row in outbox.failed().order_by("id"):
                self.stdout.write(
                    f"#{row.pk} {row.topic} created {row.created_at:%Y-%m-%d %H:%M:%S} "
                    f"attempts {row.attempts} last error {row.last_error or '-'}"
                )
            return
        if retry_failed:
            self.stdout.write(f"retrying {outbox.retry_failed()} event(s) given up on")
        done = outbox.drain()
        left = outbox.pending().count()
        self.stdout.write(f"dispatched {done} event(s); {left} still pending")
