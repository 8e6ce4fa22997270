"""Watching what a page asks for: requests to other hosts and Content Security Policy reports."""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_SCHEMES = {"data", "blob", "about"}


class WatchedPage:
    """A page plus everything it asked for, and any CSP violations it reported."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.requests: list[str] = []
        self.csp_violations: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.csp_violations.append(text)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def foreign_requests(self) -> list[str]:
        allowed = urlsplit(self.base_url).netloc
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.netloc != allowed or parts.hostname != "127.0.0.1":
                foreign.append(url)
        return foreign


def serious_violations(page) -> list[tuple[str, str, list]]:
    """What axe-core finds serious or critical on the page: (rule, impact, elements)."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
