"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Playwright's sync API keeps an event loop running in the test thread (for the rest
of the session, once started), and Django refuses ORM calls from a thread with a
running loop unless DJANGO_ALLOW_ASYNC_UNSAFE says this is deliberate. It is set
here and nowhere else; it is process-wide once this file is imported, so a test
that runs a subprocess as production would must leave it out of that environment.

Every test that uses ``page`` runs twice: on a 390-px phone and a 1280-px desktop, unless its
module picks one (``pytest.mark.parametrize("viewport", ["phone"], indirect=True)``): the long
journeys run once, on the screen their people use, to keep the suite short.
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Phones our deputies use are about 390 px wide; 1280 is a common office screen.
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Never `playwright install`: its browser downloads fail on these machines.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-playwright's own fallback fixture, which pytest 9 warns about.
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser set up in China: its Accept-Language asks for Chinese.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request):
    return VIEWPORTS[request.param]


@pytest.fixture
def console_messages(page):
    """Every console message and uncaught page error, collected from the first request on."""
    seen: list[tuple[str, str]] = []
    page.on("console", lambda msg: seen.append((msg.type, msg.text)))
    page.on("pageerror", lambda exc: seen.append(("pageerror", str(exc))))
    return seen


@pytest.fixture
def page(page, viewport):
    page.set_viewport_size(viewport)
    page.set_default_timeout(10_000)
    return page


# --- Checks every journey can run on each page it visits ---------------------------------

_WIDTH_PROBE = """() => {
  const vw = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  // An element inside a scrolling or clipping box (a wide table in .table-wrap) is allowed.
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  // The right edge of the box, or of its content when text or a child spills out of it.
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || clipped(el)) continue;
    // Scroll boxes and form fields scroll their own content: only their box counts.
    const own = getComputedStyle(el).overflowX !== 'visible' || el.matches('input, textarea, select');
    const right = own ? r.right : Math.max(r.right, r.left + el.scrollWidth);
    if (right > vw + 0.5) offenders.push([el, Math.round(r.left), Math.round(right - r.left)]);
  }
  // Name the innermost culprits only, not every ancestor that contains them.
  const wide = offenders
    .filter(([el]) => !offenders.some(([other]) => other !== el && el.contains(other)))
    .map(([el, left, width]) => `${describe(el)} (left ${left}, width ${width})`);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          clientWidth: vw, wide: wide};
}"""


@pytest.fixture
def assert_no_horizontal_overflow():
    def check(page, where: str) -> None:
        # After a click that navigates, the next document must be there before it is measured.
        page.wait_for_load_state("load")
        page.evaluate("window.scrollTo(0, 0)")
        probe = page.evaluate(_WIDTH_PROBE)
        assert probe["scrollWidth"] <= probe["innerWidth"], f"{where}: the page scrolls sideways: {probe}"
        assert not probe["wide"], f"{where}: wider than the {probe['clientWidth']}-px viewport: " + "; ".join(
            probe["wide"]
        )

    return check


BLOCKING_IMPACTS = {"serious", "critical"}


def _describe_violation(violation: dict) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"][:8]:
        lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        summary = (node.get("failureSummary") or "").replace("\n", " / ")
        if summary:
            lines.append(f"       {summary[:300]}")
    if len(violation["nodes"]) > 8:
        lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page; fail on serious or critical violations, print the rest."""

    def check(page, where: str) -> None:
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for v in violations:
            if v["impact"] not in BLOCKING_IMPACTS:
                print(f"axe, {where}: {_describe_violation(v)}")
        assert not blocking, f"axe found on {where}:\n" + "\n".join(_describe_violation(v) for v in blocking)

    return check


@pytest.fixture
def assert_clean_console(console_messages):
    """Fail on a Content-Security-Policy report (a blocked inline script or style) or any other error."""

    def check(where: str) -> None:
        csp = [text for _kind, text in console_messages if "Content Security Policy" in text]
        errors = [f"{kind}: {text}" for kind, text in console_messages if kind in ("error", "pageerror")]
        console_messages.clear()
        assert not csp, f"{where}: the Content-Security-Policy blocked something: {csp}"
        assert not errors, f"{where}: errors in the browser console: {errors}"

    return check
