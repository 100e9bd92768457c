"""The running page in Chromium: a server on localhost and a tab that records what went wrong.

Shared by the browser tests. Every request that does not go to this machine
is refused and recorded (``Page.blocked``); console errors, page errors and
any JavaScript dialog (``alert``, ``confirm``, ``prompt``: a sign that text
ran as code) are recorded too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from conftest import output_dir

from dashboard import launch

LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
MAP_FRAME = "streamlit_folium"


@contextlib.contextmanager
def running_app(env: dict[str, str] | None = None) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free localhost port; yields its URL."""
    try:
        server, url = launch.start(env)
    except RuntimeError as err:
        pytest.fail(str(err))
    try:
        yield url
    finally:
        launch.stop(server)


class Page:
    """One browser tab on the dashboard, with the checks the tests share."""

    def __init__(self, browser, url: str, name: str, wait_for_markers: bool = True):
        self.page = browser.new_page(viewport={"width": 1500, "height": 1300})
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.folder = output_dir(f"browser/{name}")
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        # Dialogs from the map's iframe reach the page too.
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._only_local)
        self.page.goto(url)
        if wait_for_markers:
            self.wait_for_markers()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _only_local(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    @property
    def map(self):
        return next(f for f in self.page.frames if MAP_FRAME in f.url)

    def wait_for_markers(self) -> None:
        self.page.wait_for_function(
            f"""() => {{
                const f = Array.from(document.querySelectorAll('iframe')).find(i => i.src.includes('{MAP_FRAME}'));
                return f && f.contentWindow.L && f.contentDocument.querySelector('.event-marker');
            }}""",
            timeout=30_000,
        )
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_timeout(500)
        self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
        self.page.wait_for_timeout(1500)

    def marker_count(self) -> int:
        return self.map.locator(".event-marker").count()

    def list_count(self) -> int:
        return int(self.page.get_by_test_id("stMetricValue").first.inner_text())

    def marker(self, event_id: str):
        """The marker of ``event_id`` among those in the visible map, found by hovering for its tooltip."""
        markers = self.map.locator(".event-marker")
        for i in range(markers.count()):
            marker = markers.nth(i)
            if not marker.is_visible() or not in_view(marker):
                continue  # framed out of view (a capital far from the border)
            marker.hover(force=True)
            tip = self.map.locator(".leaflet-tooltip").last
            if tip.count() and tip.inner_text().startswith(event_id):
                return marker
        raise AssertionError(f"no marker in view for {event_id}")

    def map_center(self) -> tuple[float, float]:
        return tuple(
            self.map.evaluate(
                """() => { for (const k in window) { const v = window[k];
                       if (v instanceof L.Map) { const c = v.getCenter(); return [c.lat, c.lng]; } } }"""
            )
        )

    def events_upload(self):
        """The sidebar's "Your own events" file input (the page has other uploaders: views, briefings)."""
        label = "ACLED or UCDP export, GeoJSON points, or this project's CSV"
        return self.page.get_by_label(label).get_by_test_id("stFileUploaderDropzoneInput")

    def shot(self, step: str) -> None:
        self.page.screenshot(path=str(self.folder / f"{step}.png"), full_page=True)


def in_view(marker) -> bool:
    """Whether the marker lies inside its map's visible area (it can be hovered)."""
    return marker.evaluate(
        """e => { const r = e.getBoundingClientRect(), m = e.closest('.leaflet-container').getBoundingClientRect();
                 return r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom; }"""
    )
