// Draws grid cells of many events from a JSON document (see dashboard/aggregate.py).
// Trusted code; `data` is untrusted: the actor name reaches the tooltip HTML-escaped.
(function (layer, data) {
  "use strict";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }
  // One canvas shared by every circle (the page's map need not set preferCanvas).
  var canvas = (window.__aggregateCanvas = window.__aggregateCanvas || L.canvas({ padding: 0.5 }));
  data.cells.forEach(function (cell) {
    var count = cell[2], fatalities = cell[3];
    var circle = L.circleMarker([cell[0], cell[1]], {
      renderer: canvas, radius: Math.min(34, 5 + 5 * Math.log10(count)), color: "#ffffff", weight: 1,
      fill: true, fillColor: data.colours[cell[5]], fillOpacity: 0.75,
    });
    // The cell's key rides in the tooltip, hidden (the page reads a clicked object's tooltip text):
    // the page then sums up the cell's events beside the map.
    circle.bindTooltip(count.toLocaleString() + " events, " + fatalities.toLocaleString()
      + " fatalities \u2014 mostly " + escapeHtml(data.actors[cell[4]])
      + '<span class="cell-key" hidden>' + escapeHtml(cell[6]) + "</span>",
      { sticky: true, className: "event-tooltip" });
    circle.on("click", function (e) {
      var map = circle._map;
      if (map) { map.setView(e.latlng, Math.min(map.getZoom() + 2, 18)); }
    });
    circle.addTo(layer);
  });
})
