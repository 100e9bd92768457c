"""Make folium maps draw with no network.

folium (and each plugin) names the JS/CSS it needs as CDN URLs in ``default_js`` /
``default_css``. ``localize`` points those at the copies in ``static/vendor/`` (made by
``scripts/vendor_assets.py``), which Streamlit serves when ``server.enableStaticServing``
is on; ``standalone_html`` inlines the same files so a saved map opens from disk.

How st_folium loads assets (streamlit-folium 0.27): it walks the map's ``_children``,
collects the ``default_js``/``default_css`` URLs of every ``JSCSSMixin`` element, strips
``<script src>``/``<link>`` tags from the rendered header, and hands the URL lists to its
component iframe, which adds them as ``<script src>`` (one after another; the first that
fails stops the rest, and the map never draws) and ``<link rel=stylesheet href>``. The URLs
are resolved against the iframe's own address,
``<server.baseUrlPath>/component/streamlit_folium.st_folium/index.html``, not the page's:
measured with Streamlit 1.67, ``app/static/vendor`` resolves inside the component folder (404),
``/app/static/vendor`` works only when ``server.baseUrlPath`` is empty, and
``../../app/static/vendor`` works with or without a base path, hence the default below.

Streamlit serves the ``static/`` folder next to the *main script*, not the one in the working
directory: ``streamlit run app.py`` at the repo root serves ``static/``, while
``streamlit run dashboard/app.py`` looks for ``dashboard/static/`` (404 for every asset).

This module never imports streamlit, so the tests and command-line exports can use it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import branca.colormap
import branca.element
import folium
from folium.elements import JSCSSMixin

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
# Relative to st_folium's iframe (<base>/component/<name>/index.html): two levels up is the
# server root *including* any server.baseUrlPath, where static serving lives (<base>/app/static/).
DEFAULT_BASE_URL = "../../app/static/vendor"

# CDN file name -> vendored file. Matched on the last path segment, because folium and
# its plugins name the same file on different hosts with different version pins.
_LOCAL_BY_FILENAME: dict[str, str] = {
    "leaflet.js": "leaflet/leaflet.js",
    "leaflet.css": "leaflet/leaflet.css",
    "leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
}
# Assets for icon markers and Bootstrap widgets: not shipped, because the dashboard uses
# only vector layers. Dropping them is safe unless something like folium.Icon is used,
# which localize refuses below. jQuery: folium lists it for every map, but nothing the
# dashboard draws uses it, and loading it delayed the live map (its scripts load one by one).
_DROPPED = re.compile(r"bootstrap|awesome|glyphicons|jquery", re.IGNORECASE)
_CDN = re.compile(r"^(?:https?:)?//", re.IGNORECASE)

_SCRIPT_SRC = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"'][^>]*>\s*</script\s*>", re.IGNORECASE)
# Looser than _SCRIPT_SRC (no closing tag needed): for finding URLs, not replacing tags.
_SCRIPT_OPEN_SRC = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_REL_STYLESHEET = re.compile(r"\brel\s*=\s*[\"']?stylesheet\b", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?[\"']?([^\"')\s;]+)", re.IGNORECASE)
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Yield ``element`` and all its descendants (the tree st_folium walks too)."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _local_file(url: str) -> str | None:
    """Map an asset URL to its path under static/vendor/, or None if it is dropped.

    Accepts CDN URLs and URLs already pointing at a vendored file (so ``localize`` can be
    applied twice). Raises ValueError for an asset that has no local copy.
    """
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not _CDN.match(url):
        for local in _LOCAL_BY_FILENAME.values():
            if path.endswith("/" + local) or path == local:
                return local
        raise ValueError(f"asset {url!r} is not one of the vendored files in {VENDOR_DIR}")
    if _DROPPED.search(path):
        return None
    filename = path.rsplit("/", 1)[-1]
    if filename in _LOCAL_BY_FILENAME:
        return _LOCAL_BY_FILENAME[filename]
    raise ValueError(
        f"map needs CDN asset {url!r}, which has no offline copy in {VENDOR_DIR}; "
        "vendor it (scripts/vendor_assets.py) or do not use the element that needs it"
    )


def _refuse_unsupported(m: folium.Map) -> None:
    """Raise for elements whose assets cannot be swapped for local ones."""
    for el in _walk(m):
        if isinstance(el, folium.Icon):
            raise ValueError(
                "folium.Icon needs Leaflet.awesome-markers and Font Awesome from a CDN, "
                "which are not shipped offline; use CircleMarker or DivIcon instead"
            )
        if isinstance(el, branca.colormap.ColorMap):
            # st_folium adds d3 for colormaps itself, outside default_js, so we cannot redirect it.
            raise ValueError(
                "branca ColorMap needs d3 (https://d3js.org/d3.v4.min.js, "
                "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js), "
                "which is not shipped offline; draw the legend as HTML instead"
            )
        if isinstance(el, folium.Popup) or getattr(el, "objects_to_stay_in_front", None):
            # Their templates call jQuery's $(...), which the maps do not load (nothing else needs it).
            raise ValueError(
                f"{type(el).__name__} {'popups' if isinstance(el, folium.Popup) else 'keep_in_front'} need jQuery, "
                "which the offline maps do not load; build popups in dashboard/js (see event_layer.js) instead"
            )


def _localized(assets: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    out = []
    for name, url in assets:
        local = _local_file(url)
        if local is not None:
            out.append((name, f"{base_url}/{local}"))
    return out


def _purge_rendered_links(m: folium.Map) -> None:
    """Forget asset links a previous render put in the figure header.

    JSCSSMixin.render re-adds them from default_js/css on every render, but an entry for
    an asset we now drop (e.g. bootstrap) would otherwise stay there.
    """
    figure = m.get_root()
    if not isinstance(figure, branca.element.Figure):
        return
    header = figure.header._children
    for name, child in list(header.items()):
        if isinstance(child, branca.element.JavascriptLink | branca.element.CssLink):
            del header[name]


def localize(m: folium.Map, base_url: str = DEFAULT_BASE_URL) -> folium.Map:
    """Point every JS/CSS asset of ``m`` and its children at the vendored copies.

    Parameters
    ----------
    m
        The map; changed in place and returned, so it chains.
    base_url
        URL of ``static/vendor/`` as seen from the document that loads the map. The
        default suits st_folium under Streamlit with ``server.enableStaticServing`` (see
        the module docstring); ``/app/static/vendor`` also works there when the server has
        no ``baseUrlPath``. For HTML outside Streamlit use ``standalone_html`` instead.

    Raises
    ------
    ValueError
        If the map needs a CDN asset that is neither vendored nor deliberately dropped
        (the message names it), or uses folium.Icon, a branca ColorMap, a folium.Popup or
        keep_in_front.
    """
    _refuse_unsupported(m)
    base_url = base_url.rstrip("/")
    for el in _walk(m):
        if isinstance(el, JSCSSMixin):
            # Assign new per-instance lists: default_js/css are class attributes shared by
            # every map in the process, and folium's add_js_link mutates them in place.
            el.default_js = _localized(el.default_js, base_url)
            el.default_css = _localized(el.default_css, base_url)
    _purge_rendered_links(m)
    _set_icon_path(m, base_url)
    return m


class _IconImagePath(branca.element.MacroElement):
    """Tell Leaflet where its default marker images are.

    Leaflet guesses the folder from leaflet.css's URL and gets it wrong for a
    vendored copy (it asks for ``vendor/leafletmarker-icon.png``); every
    ``L.marker`` loads the default icon before folium swaps in a DivIcon.
    """

    _template = branca.element.Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


def _set_icon_path(m: folium.Map, base_url: str) -> None:
    for name, child in list(m._children.items()):
        if isinstance(child, _IconImagePath):
            del m._children[name]
    element = _IconImagePath(f"{base_url}/leaflet/images/")
    m.add_child(element)
    # First among the children, so it runs before any marker is made.
    m._children.move_to_end(element.get_name(), last=False)


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _inline_css(local: str) -> str:
    css = (VENDOR_DIR / local).read_text(encoding="utf-8")
    # leaflet.css refers to images/*.png relative to itself; file:// pages cannot reach them.
    folder = (VENDOR_DIR / local).parent
    css = _CSS_IMAGE.sub(lambda mt: f"url({_data_uri(folder / mt.group(1), 'image/png')})", css)
    return "<style>\n" + css.replace("</style", "<\\/style") + "\n</style>"


def _default_icon_script() -> str:
    """Make L.Icon.Default (plain folium.Marker) use data URIs instead of images/*.png."""
    images = VENDOR_DIR / "leaflet" / "images"
    urls = {
        "iconUrl": _data_uri(images / "marker-icon.png", "image/png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png", "image/png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png", "image/png"),
    }
    options = ", ".join(f'{key}: "{value}"' for key, value in urls.items())
    # A string imagePath stops Leaflet guessing the folder from leaflet.css.
    return f'<script>L.Icon.Default.imagePath = ""; L.Icon.Default.mergeOptions({{{options}}});</script>'


def _inline_script(local: str) -> str:
    js = (VENDOR_DIR / local).read_text(encoding="utf-8")
    tag = "<script>\n" + js.replace("</script", "<\\/script") + "\n</script>"
    return tag + _default_icon_script() if local == "leaflet/leaflet.js" else tag


def _replace_script(match: re.Match[str]) -> str:
    local = _local_file(match.group(1))
    return "" if local is None else _inline_script(local)


def _replace_link(match: re.Match[str]) -> str:
    tag = match.group(0)
    href = _HREF.search(tag)
    if not (_REL_STYLESHEET.search(tag) and href):
        return tag
    local = _local_file(href.group(1))
    return "" if local is None else _inline_css(local)


def standalone_html(m: folium.Map) -> str:
    """Render ``m`` as one HTML document with every script and stylesheet inlined.

    Works on the rendered HTML, so ``m`` may be localized or not (its asset lists are not
    changed). Tiles, if the map has any, still come from the network.

    Raises
    ------
    ValueError
        As ``localize``, and if anything external is left after inlining.
    """
    _refuse_unsupported(m)
    html = m.get_root().render()
    html = _SCRIPT_SRC.sub(_replace_script, html)
    html = _LINK_TAG.sub(_replace_link, html)
    leftover = external_asset_urls(html)
    if leftover:
        raise ValueError(f"standalone HTML still loads external assets: {leftover}")
    return html


def external_asset_urls(html: str) -> list[str]:
    """Every http(s) (or protocol-relative) URL loaded as a script or stylesheet in ``html``.

    Looks at ``<script src>``, ``<link rel=stylesheet href>`` and CSS ``@import``; tiles and
    images are not counted. Order is document order, duplicates kept.
    """
    found = [(mt.start(), mt.group(1)) for mt in _SCRIPT_OPEN_SRC.finditer(html)]
    for mt in _LINK_TAG.finditer(html):
        href = _HREF.search(mt.group(0))
        if href and _REL_STYLESHEET.search(mt.group(0)):
            found.append((mt.start(), href.group(1)))
    found += [(mt.start(), mt.group(1)) for mt in _CSS_IMPORT.finditer(html)]
    return [url for _, url in sorted(found) if _CDN.match(url)]
