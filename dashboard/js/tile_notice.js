// Says so on the map when the basemap's tiles cannot be loaded (no network, server down).
// Trusted code; `data.message` is the project's own text, shown with textContent.
(function (tiles, data) {
  "use strict";
  var shown = false;
  tiles.on("tileerror", function (event) {
    if (shown) { return; }
    shown = true;
    var map = event.target._map;
    if (!map) { return; }
    var notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      var box = L.DomUtil.create("div", "tile-notice");
      box.textContent = data.message;
      return box;
    };
    notice.addTo(map);
  });
})
