"""Import accounts or people from a CSV file, streamed (see journeys.audiences.csv_import)."""

from django.core.management.base import BaseCommand, CommandError

from journeys.audiences.csv_import import IMPORTERS, ImportFileError


class Command(BaseCommand):
    help = (
        "Import accounts or people from a CSV file whose first row names the columns. "
        "Bad rows are reported with their line number; the good ones are kept. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("path", help="the CSV file (UTF-8)")

    def handle(self, *args, kind, path, **options):
        try:
            with open(path, "rb") as csv_file:
                result = IMPORTERS[kind]().run_file(csv_file)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for line, reason in result.errors:
            self.stderr.write(f"line {line}: {reason}")
        if result.error_count > len(result.errors):
            self.stderr.write(f"... and {result.error_count - len(result.errors)} more bad rows")
        self.stdout.write(f"{kind.capitalize()}: {result.summary()}.")
