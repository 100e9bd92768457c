"""The page's saved views and story mode (Streamlit wiring; the views themselves are ``dashboard.views``).

"Save this view" keeps the filter, the selected event, the frame and the
basemap with a title, a note (the analyst's judgement) and an optional
annotation. Views are reordered, edited and removed in the sidebar, download
as the views file and load back from it; with an event store, an editor keeps
them there for the team. Story mode steps through them (buttons, or Page Up /
Page Down as a presenter's clicker sends): the filter, map, list, detail and
timeline follow, and the view's note stands beside the map.

Every title, note and annotation is untrusted text: shown through ``notice``
(escaped), never as Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from dashboard import aggregate, filters, framing, views

VIEWS = "saved_views"
STEP = "story_step"
EXTENT = "view_extent"  # (repr of the view's filter, its extent): the map frames it while the filter is unchanged


def current() -> list[views.View]:
    return list(st.session_state.get(VIEWS, []))


def extent_for(spec: filters.FilterSpec):
    """The extent of the view last shown, while the filter is still that view's."""
    applied = st.session_state.get(EXTENT)
    return applied[1] if applied and applied[0] == repr(spec) else None


HAND = "hand_frame"  # (the frame the page set, the extent and zoom the analyst then moved the map to)
REPORTED = "map_reported"  # the map's last report, to tell a new one from an old one
FRAME = "map_frame"  # the frame (centre and zoom) the page set on its last run
FRAME_KEYS = ("bounds", "zoom", "center")


def note_map_frame(frame: tuple, value: dict | None) -> tuple | None:
    """Keep what the map reported, and return the analyst's own view ``(extent, zoom)`` while the page
    still sets the frame it was moved from (a filter change or a selection frames the map anew).

    ``frame`` is the centre and zoom the page sets this run, ``value`` the map's
    report. The map reports a frame of its own only when the analyst moved it
    (``js/frame_report.js``); a report of a click or a drawing carries the frame
    of that moment, which is no move of the analyst's."""
    value = dict(value or {})
    last = st.session_state.get(REPORTED) or {}
    if value and value != last:
        st.session_state[REPORTED] = value
        moved = all(value.get(k) == last.get(k) for k in set(value) | set(last) if k not in FRAME_KEYS)
        reported = aggregate.view_from_st_folium(value, frame[2])
        if moved and reported[0] is not None:
            st.session_state[HAND] = (frame, reported)
    st.session_state[FRAME] = frame
    hand = st.session_state.get(HAND)
    return hand[1] if hand and hand[0] == frame else None


def hand_extent():
    """The extent the analyst moved the map to, while the page's frame is the one it was moved from."""
    hand = st.session_state.get(HAND)
    return hand[1][0] if hand and hand[0] == st.session_state.get(FRAME) else None


def show_view(view: views.View, set_widgets: Callable, data) -> None:
    """Put a view on the page (a callback: runs before the widgets are drawn)."""
    set_widgets(view.spec, data)
    st.session_state["selected_id"] = view.event
    if view.basemap:
        st.session_state["basemap"] = view.basemap
    st.session_state["selected_cell"] = None
    st.session_state[EXTENT] = (repr(view.spec), view.extent)
    st.session_state.pop("whole_region", None)


def _step(delta: int, set_widgets: Callable, data) -> None:
    saved = current()
    if not saved:
        return
    step = min(max((st.session_state.get(STEP) or 0) + delta, 0), len(saved) - 1)
    st.session_state[STEP] = step
    show_view(saved[step], set_widgets, data)


def _start_story(set_widgets: Callable, data) -> None:
    st.session_state[STEP] = 0
    show_view(current()[0], set_widgets, data)


def _stop_story() -> None:
    st.session_state[STEP] = None


def story_bar(set_widgets: Callable, data, notice: Callable) -> None:
    """Above the map: start the story, or step through it with its note shown."""
    saved = current()
    step = st.session_state.get(STEP)
    if not saved:
        return
    if step is None or step >= len(saved):
        st.button(
            f"▶ Tell the story ({len(saved)} saved views)",
            on_click=_start_story,
            args=(set_widgets, data),
            key="story_start",
        )
        return
    view = saved[step]
    back, where, forward, leave = st.columns([3, 5, 3, 2], vertical_alignment="center")
    back.button(
        "◀ Previous", on_click=_step, args=(-1, set_widgets, data), key="story_back",
        disabled=step == 0, shortcut="PageUp", width="stretch",
    )  # fmt: skip
    forward.button(
        "Next ▶", on_click=_step, args=(1, set_widgets, data), key="story_next",
        disabled=step == len(saved) - 1, shortcut="PageDown", width="stretch",
    )  # fmt: skip
    leave.button("End story", on_click=_stop_story, key="story_end", width="stretch")
    with where:
        notice(st.markdown, f"**View {step + 1} of {len(saved)}**", view.title)
    if view.note:
        notice(st.info, "", view.note)


def sidebar(spec: filters.FilterSpec, shown, selected: str | None, set_widgets: Callable, data, notice) -> None:
    with st.sidebar, st.expander(f"Saved views ({len(current())})", icon=":material/bookmarks:"):
        _save_form(spec, shown, selected)
        _list(set_widgets, data, notice)
        _file(data, notice)
        _team(data, notice)
        _pack(data, notice)


def _save_form(spec: filters.FilterSpec, shown, selected: str | None) -> None:
    with st.form("view_save", clear_on_submit=True, border=False):
        title = st.text_input("Title", max_chars=views.TEXT_LIMITS["title"], key="view_title")
        note = st.text_area("Note: your judgement", max_chars=views.TEXT_LIMITS["note"], key="view_note", height=90)
        annotation = st.text_input(
            "Callout on the map (optional)", max_chars=views.TEXT_LIMITS["annotation"], key="view_annotation"
        )
        if st.form_submit_button("Save this view"):
            if not title.strip():
                st.session_state["views_message"] = "Give the view a title."
                return
            # What the analyst sees: the frame they moved the map to, else the view's or the events'.
            extent = hand_extent() or extent_for(spec) or (framing.extent(shown) if len(shown) else None)
            basemap = st.session_state.get("basemap", "none")
            view = views.View(title.strip(), spec, note.strip(), extent, selected, annotation.strip(), basemap)
            set_views([*current(), view])


def set_views(saved: list[views.View]) -> None:
    """The one way the saved views change. The edit boxes are keyed by position and Streamlit keeps a
    keyed box's text whatever its ``value``, so they are dropped and re-read from the views: after a
    move, a removal or a load no box holds another view's text."""
    st.session_state[VIEWS] = saved
    for key in [k for k in st.session_state if str(k).startswith(("view_edit_title_", "view_edit_note_"))]:
        del st.session_state[key]


def _move(index: int, delta: int) -> None:
    saved = current()
    other = index + delta
    if 0 <= other < len(saved):
        saved[index], saved[other] = saved[other], saved[index]
        set_views(saved)
        st.session_state[STEP] = None  # the story's step named a position that now holds another view


def _remove(index: int) -> None:
    saved = current()
    del saved[index]
    set_views(saved)
    st.session_state[STEP] = None


def _edit(index: int) -> None:
    saved = current()
    saved[index] = replace(
        saved[index],
        title=st.session_state.get(f"view_edit_title_{index}", saved[index].title).strip() or saved[index].title,
        note=st.session_state.get(f"view_edit_note_{index}", saved[index].note).strip(),
    )
    set_views(saved)


def _list(set_widgets: Callable, data, notice: Callable) -> None:
    message = st.session_state.pop("views_message", None)
    if message:
        notice(st.warning, "", message)
    for index, view in enumerate(current()):
        with st.container(border=True):
            notice(st.caption, f"{index + 1}.", view.title)
            show, up, down, remove = st.columns(4)
            show.button("Show", key=f"view_show_{index}", on_click=show_view, args=(view, set_widgets, data))
            up.button("↑", key=f"view_up_{index}", on_click=_move, args=(index, -1), disabled=index == 0)
            last = index == len(current()) - 1
            down.button("↓", key=f"view_down_{index}", on_click=_move, args=(index, 1), disabled=last)
            remove.button("✕", key=f"view_remove_{index}", on_click=_remove, args=(index,), help="Remove")
            with st.popover("Edit", width="stretch"):
                st.text_input("Title", value=view.title, key=f"view_edit_title_{index}")
                st.text_area("Note", value=view.note, key=f"view_edit_note_{index}")
                st.button("Save changes", key=f"view_edit_{index}", on_click=_edit, args=(index,))


def _lacking(viewset: views.ViewSet, data, notice: Callable) -> bool:
    """Whether the views name what the data in view lacks (an event, an actor, a type, a place): said, and
    nothing loaded, as ``brief`` refuses them."""
    problems = views.check_against(viewset, data.events, filters.options(data.events))
    if problems:
        notice(st.error, "Nothing was loaded: these views name what the data in view lacks.", "\n".join(problems))
    return bool(problems)


def _file(data, notice: Callable) -> None:
    saved = current()
    pending = st.session_state.pop("views_set_title_pending", None)  # from a loaded file, set before the widget
    if pending is not None:
        st.session_state["views_set_title"] = pending
    st.session_state.setdefault("views_set_title", "Iran–Pakistan border crisis")
    title = st.text_input("Title of the set", key="views_set_title")
    if saved:
        st.download_button(
            "Download the views (JSON)",
            data=views.ViewSet(title, tuple(saved)).to_json(),
            file_name="views.json",
            mime="application/json",
            key="views_download",
        )
    upload = st.file_uploader("Load a views file", type=["json"], key="views_upload")
    if upload is not None and st.session_state.get("views_loaded") != upload.file_id:
        try:
            viewset = views.parse(upload.getvalue(), upload.name)
        except views.ViewsError as err:
            notice(st.error, "Nothing was loaded from the file:", str(err))
            return
        if _lacking(viewset, data, notice):
            return
        set_views(list(viewset.views))
        st.session_state["views_set_title_pending"] = viewset.title
        st.session_state["views_loaded"] = upload.file_id
        st.session_state[STEP] = None
        st.rerun()


def _pack(data, notice: Callable) -> None:
    """The briefing pack of the saved views, as the ``brief`` command makes it (marking from the setting)."""
    saved = current()
    if not saved:
        return
    from dashboard import config, pack
    from dashboard.exporters import PACK_FORMATS

    title = st.session_state.get("views_set_title", "") or "Briefing"
    viewset = views.ViewSet(title, tuple(saved))
    marking = config.get_marking()
    for fmt, entry in PACK_FORMATS.items():  # the registry's pack formats, as ``brief --format`` offers them
        st.download_button(
            entry.label,
            data=lambda fmt=fmt: pack.build(data, viewset, fmt, marking),
            file_name=f"briefing-pack.{entry.extension}",
            mime=entry.mime_type,
            on_click="ignore",
            key=f"pack_{fmt}",
        )


def _team(data, notice: Callable) -> None:
    """With an event store: load the team's views, and (signed-in editors) keep these for the team."""
    from dashboard import config

    url = config.get_database_url()
    if not url:
        return
    from dashboard.edit_panel import TOKEN, editor_store
    from dashboard.store import open_store

    st.markdown("**The team's views (event store)**")
    kept = open_store(url).view_set()
    if kept is not None and st.button(f"Load the team's views (version {kept[1]})", key="views_team_load"):
        viewset = views.parse(kept[0], "the team's views")
        if _lacking(viewset, data, notice):
            return
        set_views(list(viewset.views))
        st.session_state["views_set_title_pending"] = viewset.title
        st.session_state["views_team_version"] = kept[1]
        st.session_state[STEP] = None
        st.rerun()
    editor_url = config.get_editor_database_url()
    if not (editor_url and current() and _is_editor(editor_store(editor_url), st.session_state.get(TOKEN))):
        st.caption("Editors who sign in under 'Edit the record' can keep these views for the team.")
        return
    if st.button("Keep these views for the team", key="views_team_save"):
        from dashboard import editing
        from dashboard.store import Conflict, store_failure

        body = views.ViewSet(st.session_state.get("views_set_title", ""), tuple(current())).to_json()
        base = st.session_state.get("views_team_version", None if kept is None else kept[1])
        try:
            version = editing.save_views(editor_store(editor_url), st.session_state.get(TOKEN), body, base)
        except Conflict:
            notice(st.warning, "Someone kept other views since you loaded them; load theirs first.", "")
            return
        except Exception as err:
            message = store_failure(err)
            if message is None:
                raise
            notice(st.error, "Not kept:", message)
            return
        st.session_state["views_team_version"] = version
        notice(st.success, f"Kept for the team (version {version}).", "")


def _is_editor(store, token) -> bool:
    from dashboard import auth

    try:
        auth.editor_name(store, token)
    except auth.NotAllowed:
        return False
    return True
