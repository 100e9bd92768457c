"""Maps must draw with no network: localized for Streamlit, or inlined as standalone HTML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import folium
import folium.plugins
import pytest
from conftest import output_dir
from folium.elements import JSCSSMixin

from dashboard.offline import DEFAULT_BASE_URL, VENDOR_DIR, external_asset_urls, localize, standalone_html

REPO_ROOT = Path(__file__).resolve().parent.parent
CIRCLES = [("Zahedan", 29.4963, 60.8629), ("Panjgur", 26.97186, 64.09459), ("Saravan", 27.3707, 62.3342)]
SQUARE = {
    "type": "Feature",
    "properties": {"name": "square"},
    "geometry": {"type": "Polygon", "coordinates": [[[61, 27], [64, 27], [64, 30], [61, 30], [61, 27]]]},
}


def build_map() -> folium.Map:
    """The layer kinds the dashboard uses: GeoJson, PolyLine, CircleMarkers, a MarkerCluster."""
    # tiles=None leaves the map without a maxZoom, which MarkerCluster refuses; so set it.
    m = folium.Map(location=[28.5, 63.0], zoom_start=5, tiles=None, maxZoom=18)
    folium.GeoJson(SQUARE, tooltip="square").add_to(m)
    folium.PolyLine([[25.3, 61.0], [29.5, 62.0]], color="red").add_to(m)
    for name, lat, lon in CIRCLES:
        folium.CircleMarker([lat, lon], radius=7, fill=True, tooltip=name).add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    for lat, lon in [(30.18, 67.0), (30.2, 67.05)]:
        folium.Marker([lat, lon], tooltip="clustered").add_to(cluster)
    return m


class NeedsUnknownCdn(JSCSSMixin):
    """A plugin whose script we do not ship."""

    default_js: ClassVar = [("mystery", "https://cdn.example.org/mystery@1.0/mystery.min.js")]


def st_folium_links(m: folium.Map) -> list[str]:
    """The JS and CSS URLs st_folium 0.27 would hand to its iframe (see dashboard/offline.py)."""

    def walk(el):
        yield el
        for child in el._children.values():
            yield from walk(child)

    urls = []
    for el in walk(m):
        if isinstance(el, JSCSSMixin):
            urls += [url for _, url in el.default_js] + [url for _, url in el.default_css]
    return urls


def vendored_file(url: str, base_url: str) -> Path:
    assert url.startswith(base_url + "/"), url
    return VENDOR_DIR / url[len(base_url) + 1 :]


def test_localized_map_loads_only_vendored_files():
    m = localize(build_map())
    html = m.get_root().render()

    assert external_asset_urls(html) == []
    assert not re.search(r"bootstrap|awesome|glyphicons", html, re.IGNORECASE)
    links = st_folium_links(m)
    assert len(links) == 5  # leaflet js+css, markercluster js + 2 css (no jQuery: nothing uses it)
    for url in links:
        assert url in html
        assert vendored_file(url, DEFAULT_BASE_URL).is_file()


def test_localize_takes_base_url_and_is_idempotent():
    m = localize(localize(build_map(), "/app/static/vendor/"), "/app/static/vendor")
    links = st_folium_links(m)
    assert len(links) == 5
    assert all(vendored_file(url, "/app/static/vendor").is_file() for url in links)


@pytest.mark.parametrize("needs_jquery", ["popup", "keep_in_front"])
def test_elements_that_need_jquery_are_refused(needs_jquery):
    m = build_map()
    marker = folium.CircleMarker([27.0, 63.0], radius=5).add_to(m)
    if needs_jquery == "popup":
        folium.Popup("a popup").add_to(marker)
    else:
        m.keep_in_front(marker)
    with pytest.raises(ValueError, match="need jQuery"):
        localize(m)


def test_localize_after_render_forgets_dropped_links():
    m = build_map()
    m.get_root().render()  # header now holds bootstrap etc.
    html = localize(m).get_root().render()
    assert external_asset_urls(html) == []


def test_localize_leaves_folium_class_defaults_alone():
    localize(build_map())
    assert all(url.startswith("https://") for _, url in folium.Map.default_js)
    assert all(url.startswith("https://") for _, url in folium.plugins.MarkerCluster.default_css)


def test_standalone_html_is_self_contained():
    html = standalone_html(build_map())

    assert external_asset_urls(html) == []
    assert "Leaflet 1.9.3, a JS library for interactive maps" in html
    assert "L.MarkerClusterGroup" in html
    assert ".marker-cluster-small" in html  # MarkerCluster.Default.css
    assert "url(images/" not in html  # leaflet.css images became data URIs


def test_standalone_html_does_not_change_the_map():
    m = build_map()
    standalone_html(m)
    assert st_folium_links(m) == st_folium_links(build_map())


def test_unknown_cdn_asset_is_refused_by_name():
    m = build_map()
    NeedsUnknownCdn().add_to(m)
    with pytest.raises(ValueError, match=re.escape("https://cdn.example.org/mystery@1.0/mystery.min.js")):
        localize(m)
    with pytest.raises(ValueError, match=r"mystery\.min\.js"):
        standalone_html(m)


def test_icon_markers_are_refused():
    m = build_map()
    folium.Marker([29.0, 61.0], icon=folium.Icon(color="red")).add_to(m)
    with pytest.raises(ValueError, match="awesome-markers"):
        localize(m)


def test_external_asset_urls_finds_scripts_stylesheets_and_imports():
    html = """
    <script src="https://a.example/x.js"></script><script src="/app/static/vendor/leaflet/leaflet.js"></script>
    <link rel="stylesheet" href="http://b.example/y.css"/><link rel="icon" href="https://c.example/favicon.ico">
    <link href="//d.example/z.css" rel="stylesheet">
    <style>@import url("https://e.example/f.css"); @import 'local.css';</style>
    <img src="https://tiles.example/1/2/3.png">
    """
    assert external_asset_urls(html) == [
        "https://a.example/x.js",
        "http://b.example/y.css",
        "//d.example/z.css",
        "https://e.example/f.css",
    ]


def test_vendored_leaflet_is_the_version_folium_asks_for():
    leaflet_url = dict(folium.Map.default_js)["leaflet"]
    version = re.search(r"leaflet@([\d.]+)/", leaflet_url).group(1)
    assert f"Leaflet {version}," in (VENDOR_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]


def test_vendored_files_carry_their_licences():
    for lib in ("leaflet", "leaflet.markercluster"):
        assert (VENDOR_DIR / lib / "LICENSE").stat().st_size > 500
        assert f"`{lib}/LICENSE`" in (VENDOR_DIR / "README.md").read_text(encoding="utf-8")


def test_streamlit_serves_components_two_levels_below_the_base():
    """DEFAULT_BASE_URL climbs from <base>/component/<name>/index.html to <base>/app/static/."""
    routes = pytest.importorskip("streamlit.web.server.starlette.starlette_routes")
    assert routes.BASE_ROUTE_COMPONENT == "component"
    assert routes.BASE_ROUTE_APP_STATIC == "app/static"
    assert DEFAULT_BASE_URL == "../../app/static/vendor"


@pytest.mark.browser
def test_standalone_html_draws_in_chromium_with_network_blocked(tmp_path, chromium):
    page_file = tmp_path / "map.html"
    page_file.write_text(standalone_html(build_map()), encoding="utf-8")
    blocked: list[str] = []
    errors: list[str] = []

    def only_local(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page = chromium.new_page(viewport={"width": 900, "height": 600})
    try:
        page.route("**/*", only_local)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_file.as_uri())
        page.wait_for_function("typeof L !== 'undefined'", timeout=10_000)
        page.wait_for_selector(".marker-cluster", timeout=10_000)
        # Polygons and lines are .leaflet-interactive paths too; a CircleMarker's path is
        # drawn with SVG arcs ("a" commands), which theirs never use.
        circles = page.evaluate(
            "Array.from(document.querySelectorAll('path.leaflet-interactive'))"
            ".filter(p => /a/i.test(p.getAttribute('d'))).length"
        )
        page.screenshot(path=str(output_dir("offline") / "standalone.png"))
    finally:
        page.close()

    assert errors == []
    assert blocked == []
    assert circles == len(CIRCLES)


def test_dashboard_map_needs_no_cdn(curated):
    """The page's own map, as handed to st_folium, names no http(s) script or stylesheet."""
    from dashboard import mapview

    m = localize(mapview.build_map(curated.events, curated.geometry))
    assert external_asset_urls(m.get_root().render()) == []
    assert [url for url in st_folium_links(m) if re.match(r"(https?:)?//", url)] == []
