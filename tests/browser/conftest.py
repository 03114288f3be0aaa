"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, on the demo site served
through the Worker in the local runtime."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from support.chromium import CHROMIUM, PERSON, QUIET


@pytest.fixture(scope="session")
def playwright_instance():
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def person_browser(playwright_instance):
    """A browser as a person has it: navigator.webdriver is false."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=PERSON)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def automation_browser(playwright_instance):
    """A browser that says it is automated: navigator.webdriver is true."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=QUIET)
    yield browser
    browser.close()


def person_user_agent(browser) -> str:
    """Headless Chromium says "HeadlessChrome" in its user agent, which the tracker rightly
    filters as a bot; a person's Chrome of the same version says "Chrome"."""
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"
    )


@pytest.fixture
def new_person_context(person_browser):
    """Make browser contexts as a person's browser would be; closed after the test."""
    made = []

    def make(**options):
        options.setdefault("user_agent", person_user_agent(person_browser))
        ctx = person_browser.new_context(**options)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def context(new_person_context):
    return new_person_context()


@pytest.fixture
def page(context):
    return context.new_page()
