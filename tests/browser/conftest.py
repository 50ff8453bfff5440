"""Debian's Chromium driven by Playwright. A missing browser fails the run; it is never skipped."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT_DIR = Path(os.environ.get("NETCRM_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-results"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; run: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Runs in every document before the page's own scripts: each Content-Security-Policy violation
# becomes a console error the fixture below collects (Chromium's own "Refused to ..." line may
# not reach Playwright's console event).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || "inline code"}`
    + ` (${event.sourceFile || document.location.href}:${event.lineNumber}) ${event.sample || ""}`);
});
"""


class BrowserProblems(list):
    """What went wrong in the browser during a test: CSP violations, console errors, uncaught
    exceptions. A test that provokes an error on purpose calls ``expect(text)`` for it."""

    def __init__(self):
        super().__init__()
        self.expected: list[str] = []

    def expect(self, text: str) -> None:
        self.expected.append(text)

    def unexpected(self) -> list[str]:
        return [problem for problem in self if not any(text in problem for text in self.expected)]


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def page(browser, live_server, browser_problems):
    """A page on the live server under the app's real Content-Security-Policy; the test fails on
    any CSP violation, console error or uncaught exception it did not expect."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console", lambda message: message.type == "error" and browser_problems.append(f"{page.url}: {message.text}")
    )
    page.on("pageerror", lambda error: browser_problems.append(f"{page.url}: uncaught {error}"))
    yield page
    context.close()
    unexpected = browser_problems.unexpected()
    assert not unexpected, "the browser reported problems:\n" + "\n".join(unexpected)


@pytest.fixture
def screenshot_dir(request):
    folder = OUTPUT_DIR / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
