"""Test harness: a pytest plugin, loaded by tests/conftest.py with

    pytest_plugins = ["tests.harness"]

It provides:

* markers: tests under tests/browser/ get the ``browser`` marker; a test marked
  ``postgres`` fails (never skips) when the default database is not PostgreSQL.
* Playwright (pytest-playwright) running the system Chromium, headless, with
  10 s default timeouts. A missing Chromium fails the browser tests.
* ``axe_check(page)``: runs axe-core in the page and fails on serious or
  critical accessibility violations.
* ``nu_check(*documents)``: validates HTML with the Nu Html Checker (vnu.jar, on
  java) and fails on errors. Each call starts a JVM (1-2 s), so pass all the
  documents of a test in one call.

bin/test runs everything; bin/setup installs axe-core and vnu.jar (npm ci).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BROWSER_TESTS_DIR = Path(__file__).resolve().parent / "browser"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

DEFAULT_TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_FAILING_IMPACTS = ("serious", "critical")
MAX_AXE_NODES = 10  # elements listed per violation

NEEDS_POSTGRES = (
    "needs PostgreSQL: run bin/test, or set DATABASE_URL to a PostgreSQL database"
)
SETUP_HINT = "run bin/setup (it runs npm ci)"


# --------------------------------------------------------------------------
# Markers


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's expect() assertions: same default timeout as actions.
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    # pytest-playwright's own base_url fixture (not ours) triggers this.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: before `-m` deselects by marker.
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    # A failure, not a skip: a suite that quietly skips its PostgreSQL tests
    # looks green while testing nothing of what they cover.
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail(f"{NEEDS_POSTGRES} (the default database is {connection.vendor})", pytrace=False)


# --------------------------------------------------------------------------
# Playwright and Chromium


def chromium_executable() -> str | None:
    """The Chromium to drive: $CHROMIUM_EXECUTABLE, /usr/bin/chromium or `chromium` on PATH."""
    configured = os.environ.get("CHROMIUM_EXECUTABLE")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, with the system Chromium."""
    executable = chromium_executable()
    if executable is None:
        pytest.fail(
            "Chromium not found (looked at $CHROMIUM_EXECUTABLE, /usr/bin/chromium and PATH): "
            "the browser tests need it. Install it: apt-get install -y chromium",
            pytrace=False,
        )
    headless = browser_type_launch_args.get("headless", True)  # --headed turns it off
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": headless,
        "args": (["--headless"] if headless else []) + CHROMIUM_ARGS,
        "timeout": 30_000,  # launching Chromium
    }


@pytest.fixture
def context(context):
    """pytest-playwright's browser context, with the default timeouts set."""
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context


# --------------------------------------------------------------------------
# axe-core


def _css_target(target: Any) -> str:
    # A selector is a string, or a list of strings across iframes/shadow roots.
    if isinstance(target, list):
        return " >>> ".join(_css_target(part) for part in target)
    return str(target)


def format_axe_violations(violations: list[dict], where: str = "") -> str:
    lines = [
        f"axe-core: {len(violations)} serious or critical accessibility "
        f"violation(s){' on ' + where if where else ''}:"
    ]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}]: {violation.get('help')}"
            f" ({violation.get('helpUrl', '')})"
        )
        nodes = violation.get("nodes", [])
        for node in nodes[:MAX_AXE_NODES]:
            selectors = ", ".join(_css_target(t) for t in node.get("target", []))
            lines.append(f"    {selectors}")
            summary = (node.get("failureSummary") or "").strip()
            if summary:
                lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
        if len(nodes) > MAX_AXE_NODES:
            lines.append(f"    ... and {len(nodes) - MAX_AXE_NODES} more element(s)")
    return "\n".join(lines)


def run_axe(page, options: Mapping | None = None) -> dict:
    """Run axe-core in `page` and return its full result (violations, passes, ...)."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed ({AXE_JS} is missing): {SETUP_HINT}", pytrace=False)
    from playwright.sync_api import Error as PlaywrightError

    if not page.evaluate("() => typeof window.axe === 'object'"):
        try:
            tag = page.add_script_tag(path=str(AXE_JS))
        except PlaywrightError:
            # A Content-Security-Policy forbids inline scripts; evaluate() is
            # not subject to it.
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        else:
            # Out of the DOM again, so that page.content() does not carry it;
            # window.axe stays.
            tag.evaluate("element => element.remove()")
    return page.evaluate(
        "async (options) => await window.axe.run(document, options)", dict(options or {})
    )


def assert_no_axe_violations(page, options: Mapping | None = None) -> dict:
    """Fail if axe-core finds serious or critical violations in `page`; return the result."""
    result = run_axe(page, options)
    failing = [v for v in result["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]
    if failing:
        pytest.fail(format_axe_violations(failing, page.url), pytrace=False)
    return result


@pytest.fixture
def axe_check():
    """`axe_check(page, options=None)`: fail on serious/critical axe-core violations."""
    return assert_no_axe_violations


# --------------------------------------------------------------------------
# Nu Html Checker

# htmx attributes (hx-get, hx-on::after-request, ...) are not HTML; the checker
# reports them as not allowed.
_HTMX_MESSAGE = re.compile(r"[“\"]hx-[^”\"]*[”\"]")


def _html_of(document: Any) -> str:
    if isinstance(document, str):
        return document
    if isinstance(document, bytes):
        return document.decode("utf-8")
    if callable(getattr(document, "content", None)):  # a Playwright Page
        return document.content()
    if callable(getattr(document, "text", None)):  # a Playwright Response
        return document.text()
    content = getattr(document, "content", None)
    if isinstance(content, bytes):  # a Django test-client response
        return content.decode(getattr(document, "charset", None) or "utf-8")
    raise TypeError(
        f"cannot validate a {type(document).__name__}: pass HTML, a Django response, "
        "a Playwright page or response"
    )


def _label_of(document: Any, index: int) -> str:
    request = getattr(document, "wsgi_request", None) or getattr(document, "asgi_request", None)
    if request is not None:  # a Django test-client response
        return request.get_full_path()
    url = getattr(document, "url", None)
    if isinstance(url, str):  # a Playwright Page or Response
        return url
    return f"document {index}"


def nu_validate(*documents: Any, **named: Any) -> dict[str, list[dict]]:
    """Validate documents with vnu.jar in one JVM; return {label: [error message, ...]}.

    Documents are HTML (str or bytes), Django test-client responses, Playwright
    pages (their ``page.content()``) or Playwright responses (the HTML as
    served); keyword arguments are documents with a label. Errors about htmx
    (``hx-*``) attributes are dropped.
    """
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is missing: the Nu Html Checker needs it. "
            "Install it: apt-get install -y default-jre-headless",
            pytrace=False,
        )
    if not VNU_JAR.is_file():
        pytest.fail(
            f"the Nu Html Checker is not installed ({VNU_JAR} is missing): {SETUP_HINT}",
            pytrace=False,
        )
    labelled = [(_label_of(d, i), _html_of(d)) for i, d in enumerate(documents, 1)]
    labelled += [(label, _html_of(d)) for label, d in named.items()]
    if not labelled:
        raise ValueError("nu_check()/nu_validate() needs at least one document")

    command = [
        java,
        "-Xss1m",
        "-XX:TieredStopAtLevel=1",  # faster JVM start-up for a short run
        "-XX:+UseSerialGC",
        "-jar",
        str(VNU_JAR),
        "--errors-only",
        "--format",
        "json",
        "--stdout",
    ]
    with tempfile.TemporaryDirectory(prefix="nu-check-") as tmp:
        label_of_url: dict[str, str] = {}
        if len(labelled) == 1:  # one document: through stdin
            command.append("-")
            stdin = labelled[0][1].encode("utf-8")
        else:  # several: as files, all in the same JVM
            stdin = None
            for index, (label, html) in enumerate(labelled, 1):
                path = Path(tmp, f"document-{index}.html")
                path.write_text(html, encoding="utf-8")
                command.append(str(path))
                label_of_url[path.resolve().as_uri()] = label
        completed = subprocess.run(command, input=stdin, capture_output=True, timeout=120)
    try:
        messages = json.loads(completed.stdout)["messages"]
    except (ValueError, KeyError) as error:
        pytest.fail(
            f"the Nu Html Checker gave no JSON report ({error}; exit {completed.returncode}):\n"
            f"{completed.stdout.decode(errors='replace')}\n"
            f"{completed.stderr.decode(errors='replace')}",
            pytrace=False,
        )

    errors: dict[str, list[dict]] = {label: [] for label, _ in labelled}
    for message in messages:
        if message.get("type") == "info":  # warnings; --errors-only leaves none
            continue
        if _HTMX_MESSAGE.search(message.get("message", "")):
            continue
        if len(labelled) == 1:
            label = labelled[0][0]
        else:
            url = message.get("url", "")
            label = label_of_url.get(url) or _match_file_url(url, label_of_url) or url or "?"
        errors.setdefault(label, []).append(message)
    return errors


def _match_file_url(url: str, label_of_url: dict[str, str]) -> str | None:
    # file:/tmp/x vs file:///tmp/x: compare by the file name.
    name = url.rsplit("/", 1)[-1]
    for known, label in label_of_url.items():
        if name and known.rsplit("/", 1)[-1] == name:
            return label
    return None


def format_nu_errors(errors: dict[str, list[dict]]) -> str:
    count = sum(len(found) for found in errors.values())
    lines = [f"Nu Html Checker: {count} error(s):"]
    for label, found in errors.items():
        for message in found:
            line = message.get("lastLine", message.get("firstLine", "?"))
            column = message.get("firstColumn", message.get("lastColumn", "?"))
            lines.append(f"- {label}:{line}:{column}: {message.get('message', message)}")
            extract = (message.get("extract") or "").strip()
            if extract:
                lines.append(f"    {' '.join(extract.split())}")
    return "\n".join(lines)


def assert_valid_html(*documents: Any, **named: Any) -> None:
    """Fail if the Nu Html Checker finds errors in any of the documents (see nu_validate)."""
    errors = nu_validate(*documents, **named)
    if any(errors.values()):
        pytest.fail(format_nu_errors({k: v for k, v in errors.items() if v}), pytrace=False)


@pytest.fixture
def nu_check():
    """`nu_check(*documents, **labelled_documents)`: fail on Nu Html Checker errors."""
    return assert_valid_html
