"""`manage.py send_deadline_reminders`: email each officer their overdue and due-soon clocks (run daily by cron).
The work is in cases.reminders."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.reminders import ReminderSendError, reminders_send


class Command(BaseCommand):
    help = (
        "Email each officer one list of the clocks on their cases that are overdue or due within "
        "REMINDER_WORKING_DAYS working days. Safe to run again: nobody gets a second email the same day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--working-days",
            type=int,
            default=None,
            dest="working_days",
            help=f"List clocks due within this many working days (default {settings.REMINDER_WORKING_DAYS}, "
            "from the REMINDER_WORKING_DAYS setting).",
        )

    def handle(self, *args, working_days, **options):
        if working_days is not None and working_days < 0:
            raise CommandError("--working-days must be 0 or more.")
        try:
            sent = reminders_send(today=timezone.localdate(), working_days=working_days)
        except ReminderSendError as exc:
            self.stdout.write(f"Sent {exc.sent} reminder email{'' if exc.sent == 1 else 's'}")
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Sent {sent} reminder email{'' if sent == 1 else 's'}")
