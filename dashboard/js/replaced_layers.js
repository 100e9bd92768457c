// The live page only: let streamlit-folium's replaced layers go (its issue 247).
//
// streamlit-folium keeps every feature group it has added in window.feature_group and, when the
// page sends a new one, only takes the old ones off the map: each filter change would leave a whole
// layer (markers, icons, popups, tooltips, the code that drew them) in the browser's memory. This
// runs in each new group's own script, after the old groups are off the map and before the new one
// is added and listed: the list keeps only the groups still on a map, so the rest can be collected.
(function () {
  "use strict";
  if (Array.isArray(window.feature_group)) {
    window.feature_group = window.feature_group.filter(function (group) { return group._map; });
  }
})
