"""CSV import of accounts and people, streamed: rows are read, validated and written a
batch at a time, so a file of any size takes bounded memory.

The header row names the fields (case and spacing do not matter; `custom.<key>` columns
fill custom attributes). A bad row is reported with its line number and reason and the
good rows are kept. Rows are matched on a key — the account name, or the person's email
within their account, both case-insensitive — so importing the same file twice changes
nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from journeys.audiences.models import Account, Person

BATCH_SIZE = 1000
# Bad rows kept for the report; the rest are only counted, to keep memory bounded.
MAX_REPORTED_ERRORS = 1000
CUSTOM_COLUMN = re.compile(r"^custom[.:]([a-z][a-z0-9_]{0,49})$")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (empty, or a header we cannot map)."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)  # [(line number, reason), ...]

    def add_error(self, line, reason):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason))

    def summary(self):
        parts = [f"{self.created} created", f"{self.updated} updated",
                 f"{self.unchanged} unchanged", f"{self.error_count} rejected"]
        return ", ".join(parts)


def _normalise(header):
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


class CsvImporter:
    model = None
    fields = ()
    aliases = {}
    required = ()

    def __init__(self, batch_size=BATCH_SIZE):
        self.batch_size = batch_size

    def run(self, stream):
        """Import from a text stream (opened with newline="")."""
        reader = csv.reader(stream)
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError("The file is empty: the first row must name the columns.")
        columns = self.map_header(header)
        result = ImportResult()
        batch = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            try:
                batch.append((line, self.parse_row(columns, row)))
            except ValidationError as error:
                result.add_error(line, " ".join(error.messages))
            if len(batch) >= self.batch_size:
                self._flush(batch, result)
                batch = []
        if batch:
            self._flush(batch, result)
        return result

    def run_file(self, binary_file):
        """Import from a binary file (an upload or an open file), decoded as UTF-8."""
        stream = io.TextIOWrapper(binary_file, encoding="utf-8-sig", newline="")
        try:
            return self.run(stream)
        except UnicodeDecodeError:
            raise ImportFileError("The file is not UTF-8 text.") from None
        finally:
            stream.detach()

    def map_header(self, header):
        columns, seen = [], set()
        unknown = []
        for index, raw in enumerate(header):
            name = _normalise(raw)
            name = self.aliases.get(name, name)
            custom = CUSTOM_COLUMN.match(name)
            if custom:
                target = ("custom", custom.group(1))
            elif name in self.fields:
                target = ("field", name)
            else:
                unknown.append(raw.strip() or f"column {index + 1}")
                continue
            if target in seen:
                raise ImportFileError(f"The column “{raw.strip()}” appears twice.")
            seen.add(target)
            columns.append((index, target))
        if unknown:
            known = ", ".join(self.fields)
            raise ImportFileError(
                f"Unknown column(s): {', '.join(unknown)}. Known columns: {known}, "
                "and custom.<key> for custom attributes."
            )
        missing = [name for name in self.required if ("field", name) not in seen]
        if missing:
            raise ImportFileError(f"The header must have a column for: {', '.join(missing)}.")
        self.width = len(header)
        return columns

    def parse_row(self, columns, row):
        if len(row) > self.width:
            raise ValidationError(
                f"the row has {len(row)} cells but the header has {self.width} columns."
            )
        values, custom, errors = {}, {}, []
        for index, (kind, name) in columns:
            raw = row[index].strip() if index < len(row) else ""
            if kind == "custom":
                if raw:
                    custom[name] = raw
                continue
            model_field = self.model._meta.get_field(name)
            try:
                values[name] = model_field.clean(raw if raw or not model_field.null else None,
                                                 None)
            except ValidationError as error:
                label = str(model_field.verbose_name).capitalize()
                errors.extend(f"{label}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        if custom:
            values["custom"] = custom
        return values

    def _flush(self, batch, result):
        with transaction.atomic():
            self.write(batch, result)

    def _apply(self, obj, values):
        """Set `values` on `obj`; whether anything changed."""
        changed = False
        for name, value in values.items():
            if name == "custom":
                value = {**obj.custom, **value}
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    def _save(self, new, changed, result, update_fields):
        self.model.objects.bulk_create(new)
        if changed:
            self.model.objects.bulk_update(changed, sorted(update_fields))
        result.created += len(new)
        result.updated += len(changed)


class AccountImporter(CsvImporter):
    model = Account
    fields = ("name", "industry", "country", "state", "city", "employee_size",
              "annual_revenue", "sic_code")
    aliases = {"account": "name", "account_name": "name", "employees": "employee_size",
               "revenue": "annual_revenue", "sic": "sic_code"}
    required = ("name",)

    def write(self, batch, result):
        # The last row of a batch wins when a name appears twice.
        rows = {values["name"].lower(): values for _, values in batch}
        existing = {
            account.key: account
            for account in Account.objects.annotate(key=Lower("name")).filter(key__in=rows)
        }
        new, changed, update_fields = [], [], set()
        for key, values in rows.items():
            account = existing.get(key)
            if account is None:
                new.append(Account(**values))
            elif self._apply(account, values):
                changed.append(account)
                update_fields.update(values)
            else:
                result.unchanged += 1
        result.unchanged += len(batch) - len(rows)
        self._save(new, changed, result, update_fields)


class PersonImporter(CsvImporter):
    model = Person
    fields = ("account", "first_name", "last_name", "email", "phone", "job_title",
              "country", "score")
    aliases = {"account_name": "account", "firstname": "first_name",
               "lastname": "last_name", "title": "job_title", "e_mail": "email"}
    required = ("account", "email")

    def parse_row(self, columns, row):
        # The account column holds the account's name; it is resolved a batch at a time.
        account_index = next(i for i, target in columns if target == ("field", "account"))
        others = [(i, target) for i, target in columns if target != ("field", "account")]
        account = row[account_index].strip() if account_index < len(row) else ""
        errors = []
        try:
            values = super().parse_row(others, row)
        except ValidationError as error:
            values, errors = {}, list(error.messages)
        if not account:
            errors.insert(0, "Account: this field cannot be blank.")
        if errors:
            raise ValidationError(errors)
        values["account"] = account
        values["email"] = values["email"].lower()
        return values

    def write(self, batch, result):
        names = {values["account"].lower() for _, values in batch}
        accounts = {
            account.key: account
            for account in Account.objects.annotate(key=Lower("name")).filter(key__in=names)
        }
        rows = {}
        for line, values in batch:
            account = accounts.get(values["account"].lower())
            if account is None:
                result.add_error(line, f"Account: no account is named “{values['account']}”.")
                continue
            values["account"] = account
            rows[(account.pk, values["email"])] = values
        # A superset by account and by email in one query; the pairs are picked here.
        candidates = Person.objects.annotate(key=Lower("email")).filter(
            account_id__in={account_pk for account_pk, _ in rows},
            key__in={email for _, email in rows},
        ) if rows else []
        existing = {
            (person.account_id, person.key): person
            for person in candidates
            if (person.account_id, person.key) in rows
        }
        new, changed, update_fields = [], [], set()
        for key, values in rows.items():
            person = existing.get(key)
            if person is None:
                new.append(Person(**values))
            elif self._apply(person, {k: v for k, v in values.items() if k != "account"}):
                changed.append(person)
                update_fields.update(k for k in values if k != "account")
            else:
                result.unchanged += 1
        self._save(new, changed, result, update_fields)


IMPORTERS = {"accounts": AccountImporter, "people": PersonImporter}
