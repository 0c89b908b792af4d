// Markers on a plain background (no tile server is reachable); the list beside the map
// carries the same content for keyboard and screen-reader users.
(function () {
  "use strict";
  var element = document.getElementById("karta-map");
  var data = document.getElementById("karta-points");
  if (!element || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  var map = L.map(element, { keyboard: true, attributionControl: false });
  L.Icon.Default.imagePath = element.dataset.iconPath || L.Icon.Default.imagePath;
  var bounds = [];
  points.forEach(function (point) {
    var marker = L.marker([point.lat, point.lon], { title: point.name, alt: point.name });
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = element.dataset.partnerBase + "partnerzy/" + encodeURIComponent(point.url) + "/";
    link.textContent = point.name;
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(point.address));
    marker.bindPopup(popup).addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 }); }
  else { map.setView([50.0614, 19.9366], 12); }
}());
