// The live page only: what the map reports to the page, and when.
// - Its frame, when the analyst moved it (drag, wheel, zoom buttons, keys, place search), and not when
//   the page or the map moved it (a filter change, a selection, a popup fitting itself in): a report
//   that differs from the last one sent only in its frame is held back unless the analyst moved the
//   map, so the page does not run again for a frame it chose itself.
// - A click on a marker or cell, at once: streamlit-folium reports it after a 250 ms pause (meant for
//   pans); the same report is sent now, and its own later one then finds nothing new.
(function (map) {
  "use strict";
  var shared = window.__GLOBAL_DATA__;
  var component = window.Streamlit;
  if (!shared || !component) { return; }  // a saved map: no page to report to
  var FRAME_KEYS = ["bounds", "zoom", "center"];
  var GESTURE_MS = 250;  // a move that starts this soon after a gesture is the analyst's
  var pressed = false, lastGesture = 0, analystMove = false, analystMoved = false, popupPan = false;
  var box = map.getContainer();

  function gesture() { lastGesture = Date.now(); }
  box.addEventListener("mousedown", function () { pressed = true; gesture(); }, true);
  box.addEventListener("touchstart", function () { pressed = true; gesture(); }, true);
  window.addEventListener("mouseup", function () { pressed = false; gesture(); }, true);
  window.addEventListener("touchend", function () { pressed = false; gesture(); }, true);
  ["wheel", "keydown", "dblclick"].forEach(function (name) { box.addEventListener(name, gesture, true); });

  // A popup that pans the map to fit is the map's own move, even right after a click.
  map.on("autopanstart", function () { popupPan = true; });
  map.on("movestart", function () {
    if (popupPan) { popupPan = false; analystMove = false; return; }
    analystMove = analystMove || pressed || Date.now() - lastGesture < GESTURE_MS;
  });
  map.on("moveend", function () {
    if (analystMove) { analystMoved = true; }
    analystMove = false;
  });

  function withoutFrame(value) {
    var rest = {};
    Object.keys(value || {}).forEach(function (key) { if (FRAME_KEYS.indexOf(key) < 0) { rest[key] = value[key]; } });
    return JSON.stringify(rest);
  }

  // Every report passes here (streamlit-folium calls this same object's method). Should a map be drawn
  // anew in this same frame, its gate replaces this one; each sends through the original method.
  if (!component.bordermapSend) { component.bordermapSend = component.setComponentValue.bind(component); }
  var send = component.bordermapSend;
  var lastSent = shared.previous_data;
  component.setComponentValue = function (value) {
    if (!analystMoved && withoutFrame(value) === withoutFrame(lastSent)) { return; }  // only the page's frame
    analystMoved = false;
    lastSent = value;
    send(value);
  };

  // streamlit-folium's report, built as it builds it (the same keys in the same order, kept to those
  // the page asked for), so that its own comparison sees the value already sent.
  function report() {
    var all = {
      last_clicked: shared.lat_lng_clicked, last_object_clicked: shared.last_object_clicked,
      last_object_clicked_count: shared.last_object_clicked_count,
      last_object_clicked_tooltip: shared.last_object_clicked_tooltip,
      last_object_clicked_popup: shared.last_object_clicked_popup, all_drawings: shared.all_drawings,
      last_active_drawing: shared.last_active_drawing, last_geocoder_result: shared.last_geocoder_result,
      bounds: map.getBounds(), zoom: map.getZoom(), last_circle_radius: shared.last_circle_radius,
      last_circle_polygon: shared.last_circle_polygon, center: map.getCenter(),
      selected_layers: Object.values(shared.selected_layers || {}), selected_tags: shared.selected_tags,
    };
    var wanted = shared.returned_objects, value = {};
    Object.keys(all).forEach(function (key) { if (!wanted || wanted.indexOf(key) >= 0) { value[key] = all[key]; } });
    return value;
  }
  var clicks = shared.last_object_clicked_count;
  box.addEventListener("click", function () {
    // After every handler of this click has run: if it was a marker's or a cell's, report it now.
    setTimeout(function () {
      if (shared.last_object_clicked_count === clicks || shared.wrap_longitude) { return; }
      clicks = shared.last_object_clicked_count;
      var value = report();
      if (JSON.stringify(shared.previous_data) !== JSON.stringify(value)) {
        shared.previous_data = value;
        component.setComponentValue(value);
      }
    }, 0);
  }, true);
})
