"""The page's "Edit the record" panel, shown only when an event store is set.

Viewers see the record; editors sign in (``auth``) and may correct or retract
the selected event or add events from a file. The panel keeps only the session
token; every write goes through ``editing``, which asks the store who the token
belongs to. A correction is made on the version the form was opened on: if
someone else saved first, the panel says so, shows their change, and keeps the
analyst's text so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import auth, config, editing, store_schema
from dashboard.problems import DataError
from dashboard.safe_text import markdown_literal
from dashboard.store import Citation, Conflict, Store, cell_text, describe_revision, store_failure

TOKEN = "editor_token"


@st.cache_resource
def editor_store(url: str) -> Store:
    return Store(url)


def show(event: pd.Series | None, sources: pd.DataFrame, notice: Callable) -> None:
    url = config.get_editor_database_url()
    with st.expander("Edit the record", icon=":material/edit:"):
        if not url:
            st.caption(
                f"This page reads the shared store with a role that cannot write. Set "
                f"{config.SETTINGS['editor_database_url'].env_var} to the editing role to allow editing here."
            )
            return
        store = editor_store(url)
        name = _signed_in(store)
        if name is None:
            _sign_in_form(store, notice)
            return
        st.caption(f"Signed in as {markdown_literal(name)} (editor).")  # a user name is text, not Markdown
        if st.button("Sign out", key="edit_sign_out"):
            auth.sign_out(store, st.session_state.pop(TOKEN, None))
            st.rerun()
        if event is None:
            st.caption("Select an event to correct or retract it.")
        else:
            _correct_form(store, str(event["event_id"]), sources, notice)
        _add_form(store, notice)


def _signed_in(store: Store) -> str | None:
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    try:
        return auth.editor_name(store, token)
    except auth.NotAllowed:
        st.session_state.pop(TOKEN, None)
        return None


def _sign_in_form(store: Store, notice: Callable) -> None:
    st.caption("Viewers read the record. Editors sign in to add, correct or retract events.")
    with st.form("edit_sign_in", border=False):
        name = st.text_input("Name", key="edit_user")
        password = st.text_input("Password", type="password", key="edit_password")
        if st.form_submit_button("Sign in"):
            try:
                st.session_state[TOKEN] = auth.sign_in(store, name, password)
            except auth.NotAllowed as err:
                notice(st.error, "", str(err))
                return
            st.rerun()


def _correct_form(store: Store, event_id: str, sources: pd.DataFrame, notice: Callable) -> None:
    try:
        row = store.current(event_id)
    except Exception as err:
        _refused(notice, "", err)
        return
    base_key = f"edit_base_{event_id}"
    base = st.session_state.setdefault(base_key, row["version"])  # the version this form was opened on
    # The id is data (any text a file gave it): escaped, never Markdown.
    st.markdown(f"**Correct** {markdown_literal(event_id)} (made on version {base})")
    field = st.selectbox("Field", store_schema.FIELDS, key="edit_field")
    value = st.text_input("New value", value=cell_text(row.get(field)), key=f"edit_value_{event_id}_{field}")
    source_ids = list(sources.index)
    source = st.selectbox("Source that supports it", source_ids, key="edit_source")
    quote = st.text_area("Its passage, word for word", key="edit_quote", height=80)
    reason = st.text_input("Why", key="edit_reason")
    save, retract = st.columns(2)
    if save.button("Save correction", key="edit_save", type="primary"):
        _write(
            notice,
            base_key,
            lambda: editing.correct(
                store, st.session_state.get(TOKEN), event_id, {field: value}, Citation(source, quote), reason, base
            ),
        )
    if retract.button("Retract this event", key="edit_retract", help="It stays in the store and its history"):
        _write(
            notice,
            base_key,
            lambda: editing.retract(store, st.session_state.get(TOKEN), event_id, reason, base),
        )


def _write(notice: Callable, base_key: str, action: Callable[[], int]) -> None:
    try:
        version = action()
    except Conflict as err:
        # Someone saved first: show their change; the form now works on the latest version, and the
        # analyst's text stays in the boxes to save again on purpose.
        st.session_state[base_key] = err.current
        notice(
            st.warning,
            "Someone else changed this event while you were editing; nothing of yours was saved. Their change:",
            "\n".join(describe_revision(rev) for rev in err.changes),
        )
        return
    except Exception as err:
        _refused(notice, "Not saved.", err)
        return
    st.session_state.pop(base_key, None)
    st.session_state["edit_saved"] = f"Saved: now version {version}."
    st.rerun()


def _refused(notice: Callable, lead: str, err: Exception) -> None:
    """Say why a write was refused (sign-in, a bad file, the store's checks or its database); an
    error of any other kind is a bug and is raised."""
    if isinstance(err, auth.NotAllowed):
        notice(st.error, "", str(err))
    elif isinstance(err, DataError):
        notice(st.error, lead, str(err))
    elif store_failure(err) is not None:
        notice(st.error, lead, store_failure(err))
    else:
        raise err


def _add_form(store: Store, notice: Callable) -> None:
    saved = st.session_state.pop("edit_saved", None)
    if saved:
        st.success(saved)
    st.markdown("**Add events from a file**")
    upload = st.file_uploader(
        "Events (project CSV, ACLED, UCDP, GeoJSON)", type=["csv", "geojson", "json"], key="edit_add_file"
    )
    reason = st.text_input("Why they are added", key="edit_add_reason")
    if upload is not None and st.button("Add these events", key="edit_add"):
        try:
            added = editing.add_file(store, st.session_state.get(TOKEN), upload.getvalue(), upload.name, reason)
        except Exception as err:
            _refused(notice, "Nothing was added.", err)
            return
        lead = f"{added.loaded} added, {added.unchanged} already stored unchanged, {len(added.problems)} problems."
        notice(st.info if not added.problems else st.warning, lead, "\n".join(str(p) for p in added.problems[:20]))
