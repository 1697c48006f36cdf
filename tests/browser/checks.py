"""What every browser step checks: no horizontal scrolling, no console error, no serious axe finding."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.support import ROOT

# One folder per pytest-xdist worker: each worker empties its own at the start of its run, and two
# workers emptying one shared folder raced (FileExistsError) and deleted each other's screenshots.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / os.environ.get("PYTEST_XDIST_WORKER", "main")
AXE_DIR = ROOT / "tests" / "vendor" / "axe-core"
# The tests serve axe-core next to the portal, so the page's own CSP (script-src 'self') lets it run.
AXE_MOUNT = "/__tests__/axe-core"
VIEWPORTS = {375: {"width": 375, "height": 667}, 1280: {"width": 1280, "height": 800}}
BLOCKING_IMPACTS = ("serious", "critical")
FOCUSABLE = "a, button, input, select, textarea, summary, [tabindex]"


@dataclass
class Problems:
    """Console errors and uncaught exceptions of one page (a CSP violation shows up here)."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def watch(cls, page) -> Problems:
        """Start recording the problems of ``page``."""
        problems = cls()

        def console(msg) -> None:
            if msg.type == "error":
                url = msg.location.get("url", "")
                problems.seen.append((f"console: {msg.text}" + (f" ({url})" if url else ""), url))

        page.on("console", console)
        page.on("pageerror", lambda exc: problems.seen.append((f"page error: {exc}", "")))
        return problems

    def take(self, error_page: str | None = None) -> list[str]:
        """Return and forget what was recorded.

        ``error_page``: the URL of a page expected to answer with an error status; Chromium
        logs "Failed to load resource" for the document itself, which is not a problem. Nor is
        the 404 of the ``/favicon.ico`` that Chromium asks for on its own.
        """
        seen, self.seen = self.seen, []
        return [text for text, url in seen if url != error_page and not url.endswith("/favicon.ico")]


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, one line each."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=f"{AXE_MOUNT}/axe.min.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"axe {v['id']} [{v['impact']}] {v['help']} -> "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


class AxeCopy:
    """Run axe on copies of pages shown with JavaScript off, in a page of its own where scripts run.

    axe needs a running page (timers, promises), which a context without JavaScript does not give.
    Each copy is the page's DOM served at the page's own address to ``page``, so stylesheets and
    images still come from the portal and colour contrast is judged as shown. ``page`` should
    belong to a context that bypasses CSP: a strict policy (SIAP: ``default-src 'none'``) refuses
    axe; the original page was loaded with its CSP enforced, so violations still show up there.
    """

    def __init__(self, page):
        """Serve copies to ``page`` from now on (a route on the copy's own address)."""
        self.page = page
        self.shown: tuple[str, str] | None = None  # (address, html) of the copy being served
        page.route(
            lambda url: self.shown is not None and url.split("#", 1)[0] == self.shown[0],
            lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.shown[1]),
        )

    def violations(self, original) -> list[str]:
        """Serve a copy of ``original`` and return its serious and critical axe findings."""
        self.shown = (original.url.split("#", 1)[0], original.content())
        self.page.goto(self.shown[0])
        return axe_violations(self.page)


OVERFLOW_SCRIPT = """() => {
    const width = window.innerWidth, scroll = document.scrollingElement.scrollWidth;
    if (scroll <= width) return null;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map((c) => '.' + c).join('');
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5;
    // Inside a scroll box an element only widens the page if it is positioned out of it.
    const clipped = (el) => {
        if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;
        for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
            if (getComputedStyle(e).overflowX !== 'visible') return true;
        }
        return false;
    };
    // The culprits: elements that stick out while none of their children do.
    const culprits = [...document.body.querySelectorAll('*')]
        .filter((el) => sticksOut(el) && !clipped(el) && ![...el.children].some(sticksOut))
        .slice(0, 5)
        .map((el) => {
            const path = [];
            for (let e = el; e && e !== document.body; e = e.parentElement) path.unshift(name(e));
            const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
            return `${path.slice(-3).join(' > ')} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`
                + (text ? ` "${text}"` : '');
        });
    return {scroll, width, culprits};
}"""


def horizontal_overflow(page) -> str | None:
    """Describe the horizontal scrolling of the page and what causes it, if it has any."""
    found = page.evaluate(OVERFLOW_SCRIPT)
    if found is None:
        return None
    causes = "".join(f"\n    {c}" for c in found["culprits"])
    return f"scrolls horizontally: scrollWidth {found['scroll']} px > innerWidth {found['width']} px, from:{causes}"


def focus_outline(page) -> str | None:
    """Describe the focused element when it has no visible outline, else None."""
    return page.evaluate(
        """(selector) => {
            const el = document.activeElement;
            if (!el || el === document.body || !el.matches(selector)) return null;
            const style = getComputedStyle(el);
            if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return null;
            return `${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 60)}"`
                + ` has no visible focus (outline: ${style.outlineStyle} ${style.outlineWidth})`;
        }""",
        FOCUSABLE,
    )


def fail_on(problems, where: str) -> None:
    """Fail the test with one line per problem, without a traceback (the lines say it all)."""
    problems = [p for p in problems if p]
    if problems:
        pytest.fail(f"{where}:\n" + "\n".join(problems), pytrace=False)


@dataclass
class Journey:
    """One journey at one width: a screenshot and the checks at every step."""

    page: object
    problems: Problems
    name: str
    width: int
    javascript: bool = True
    steps: int = 0
    # With JavaScript off, axe runs on a copy of each step in a page where scripts run.
    axe_copy: AxeCopy | None = None

    def check(self, step: str) -> None:
        """Save a screenshot of this step, then fail on overflow, console errors or axe findings."""
        self.steps += 1
        shot = ARTIFACTS / f"{self.name}-{self.width}-{self.steps:02d}-{step}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        found = [p for p in (horizontal_overflow(self.page),) if p]
        found += self.problems.take()
        if self.javascript:
            found += axe_violations(self.page)
        elif self.axe_copy is not None:
            found += self.axe_copy.violations(self.page)
        fail_on(found, f"{self.name} at {self.width} px, step {step} ({self.page.url})")
