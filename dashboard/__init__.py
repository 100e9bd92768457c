"""The analyst's map of the Iran–Pakistan border crisis."""
