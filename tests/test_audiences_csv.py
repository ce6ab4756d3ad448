"""CSV import of accounts and people: good rows kept, bad rows reported by line number,
re-import changes nothing, large files streamed in bounded memory."""

import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from journeys.audiences.csv_import import AccountImporter, ImportFileError, PersonImporter
from journeys.audiences.models import Account, Person

pytestmark = pytest.mark.django_db

ACCOUNTS_CSV = """Name,Industry,Country,Employee size,Annual revenue,SIC code,custom.tier
Acme,Software,Germany,120,1500000.50,7372,gold
Globex,Manufacturing,France,,,3559,
Initech,Software,United States,lots,,7372,
,Retail,Spain,10,,,
Umbrella,Healthcare,"United Kingdom",5000,2e6,8062,silver
"""

PEOPLE_CSV = """account,first name,last name,email,job title,score
Acme,Ada,Lovelace,ada@acme.example,CTO,50
Acme,Bob,Builder,not-an-email,Engineer,1
Nowhere Inc,Cy,Dee,cy@nowhere.example,CEO,2
Globex,Eve,Stone,EVE@globex.example,CFO,x
Globex,Eve,Stone,eve@globex.example,CFO,30
"""


def run(importer, text, batch_size=1000):
    return importer(batch_size=batch_size).run(io.StringIO(text, newline=""))


def test_good_rows_are_kept_and_bad_rows_reported_by_line():
    result = run(AccountImporter, ACCOUNTS_CSV)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.errors == [
        (4, "Employee size: “lots” value must be an integer."),
        (5, "Name: This field cannot be blank."),
    ]
    acme = Account.objects.get(name="Acme")
    assert (acme.industry, acme.country, acme.employee_size, str(acme.annual_revenue),
            acme.sic_code, acme.custom) == ("Software", "Germany", 120, "1500000.50", "7372",
                                            {"tier": "gold"})
    assert Account.objects.get(name="Globex").employee_size is None
    assert Account.objects.get(name="Umbrella").annual_revenue == 2_000_000


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_importing_the_same_file_twice_changes_nothing(batch_size):
    run(AccountImporter, ACCOUNTS_CSV, batch_size)
    before = list(Account.objects.values())
    again = run(AccountImporter, ACCOUNTS_CSV, batch_size)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Account.objects.values()) == before


def test_a_changed_row_updates_the_account_found_by_name_ignoring_case():
    run(AccountImporter, ACCOUNTS_CSV)
    result = run(AccountImporter, "name,city,custom.owner\nACME,Munich,kim\n")
    assert (result.created, result.updated) == (0, 1)
    acme = Account.objects.get(name__iexact="acme")
    assert acme.name == "ACME"  # the file's spelling wins; still one account
    assert acme.city == "Munich" and acme.industry == "Software"
    assert acme.custom == {"tier": "gold", "owner": "kim"}


def test_people_are_matched_by_email_within_their_account():
    run(AccountImporter, ACCOUNTS_CSV)
    result = run(PersonImporter, PEOPLE_CSV)
    assert result.errors == [
        (3, "Email: Enter a valid email address."),
        (5, "Score: “x” value must be an integer."),
        (4, "Account: no account is named “Nowhere Inc”."),
    ]
    assert sorted(Person.objects.values_list("account__name", "email", "score")) == [
        ("Acme", "ada@acme.example", 50), ("Globex", "eve@globex.example", 30),
    ]
    again = run(PersonImporter, PEOPLE_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("name,colour\nAcme,red\n", "Unknown column(s): colour."),
        ("industry\nSoftware\n", "The header must have a column for: name."),
        ("name,Name\nA,B\n", "The column “Name” appears twice."),
    ],
)
def test_a_file_that_cannot_be_mapped_is_refused_whole(text, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(AccountImporter, text)
    assert not Account.objects.exists()


def test_a_row_longer_than_the_header_is_reported():
    result = run(AccountImporter, "name\nAcme,extra\n")
    assert result.errors == [(2, "the row has 2 cells but the header has 1 columns.")]


def test_line_numbers_count_quoted_line_breaks():
    result = run(AccountImporter, 'name,industry\n"Multi\nline",x\n,y\n')
    assert result.errors == [(4, "Name: This field cannot be blank.")]


def test_management_command_reports_and_keeps_good_rows(tmp_path, capsys):
    path = tmp_path / "accounts.csv"
    path.write_text(ACCOUNTS_CSV, encoding="utf-8")
    call_command("import_csv", "accounts", str(path))
    out, err = capsys.readouterr()
    assert "Accounts: 3 created, 0 updated, 0 unchanged, 2 rejected." in out
    assert "line 4: Employee size: “lots” value must be an integer." in err
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_csv", "people", str(tmp_path / "missing.csv"))
    path.write_bytes(b"name\n\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_csv", "accounts", str(path))


def test_admin_import_page_streams_the_upload(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    url = reverse("admin:audiences_account_import")
    assert client.get(reverse("admin:audiences_account_changelist")).status_code == 200
    assert url in client.get(reverse("admin:audiences_account_changelist")).content.decode()
    upload = SimpleUploadedFile("accounts.csv", ACCOUNTS_CSV.encode(), "text/csv")
    response = client.post(url, {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Import: 3 created, 0 updated, 0 unchanged, 2 rejected." in body
    assert "<td>4</td><td>Employee size: “lots” value must be an integer.</td>" in body
    bad = SimpleUploadedFile("bad.csv", b"colour\nred\n", "text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400 and "Unknown column(s): colour." in response.content.decode()
    good = SimpleUploadedFile("people.csv", b"account,email\nAcme,kim@acme.example\n")
    response = client.post(reverse("admin:audiences_person_import"), {"file": good})
    assert response.status_code == 302
    assert Person.objects.filter(email="kim@acme.example").exists()


def test_only_admins_may_import(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("admin:audiences_account_import"))
    assert response.status_code == 302  # to the admin login: marketers are not staff


ROWS = 100_000


def test_a_100000_row_file_is_imported_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as big:
        big.write("name,industry,country,employee size\n")
        for i in range(ROWS):
            big.write(f"Account {i:06d},Software,Germany,{i % 5000}\n")
    file_size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            result = AccountImporter().run_file(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.created, result.error_count) == (ROWS, 0)
    assert Account.objects.count() == ROWS
    # The whole file as rows of Python objects would take far more than the file itself
    # (~4 MB); a batch of 1,000 rows with their model instances stays well below.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {file_size / 1e6:.1f} MB file"
