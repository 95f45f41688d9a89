"""Draws docs/demo.png, the README's picture of `wsgen demo --restart-delay 500ms-1s`.

Run after a change to the demo page: python -m tests.demo_screenshot
It drives the page as a user would: send a message, restart the server for longer than the
restart delay (so a refused attempt shows), send while reconnecting, wait for the delivery.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.browser import launched_browser
from tests.support.demo import running_demo

SCREENSHOT = Path(__file__).parent.parent / "docs" / "demo.png"
VIEWPORT = {"width": 1280, "height": 980}


def draw(path: Path = SCREENSHOT) -> None:
    with running_demo(restart_delay="500ms-1s") as server, launched_browser() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(20_000)
        page.goto(server.url)
        page.wait_for_selector("#state[data-state='open']")
        page.fill("#message", "hello")
        page.click("#send")
        page.wait_for_selector("#timeline > li[data-kind='delivered']")
        page.fill("#down-for", "1.2")
        page.click("button[data-action='restart']")
        page.wait_for_selector("#state[data-state='reconnecting']")
        page.fill("#message", "sent while reconnecting")
        page.click("#send")
        page.wait_for_function(
            "document.querySelectorAll(\"#timeline > li[data-kind='delivered']\").length === 2"
        )
        page.locator("#message").blur()
        page.screenshot(path=str(path))


if __name__ == "__main__":
    SCREENSHOT.parent.mkdir(exist_ok=True)
    draw()
    print(f"wrote {SCREENSHOT}")
