// The office map: markers coloured by kind from the list below the map (which is the same data,
// for people who cannot use a map); on the application form, a click places the office.
(function () {
  var el = document.getElementById('map');
  if (!el || typeof L === 'undefined') return;
  var palette = ['#d7263d', '#1b998b', '#2e86ab', '#f46036', '#6a4c93', '#c5a000', '#3d5a80', '#8ac926', '#ff595e', '#1982c4', '#6d597a', '#b56576', '#355070', '#444444'];
  var kinds = [];
  // The controls speak Japanese like the rest of the page.
  var map = L.map(el, { zoomControl: false }).setView([36.7197, 140.7167], 13);
  L.control.zoom({ zoomInTitle: '拡大', zoomOutTitle: '縮小' }).addTo(map);
  map.attributionControl.setPrefix('Leaflet');
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: '&copy; OpenStreetMap の協力者' }).addTo(map);
  var rows = document.querySelectorAll('#office-list tr.office');
  var bounds = [];
  rows.forEach(function (row) {
    var kind = row.dataset.kind;
    if (kinds.indexOf(kind) < 0) kinds.push(kind);
    var color = palette[kinds.indexOf(kind) % palette.length];
    var at = [parseFloat(row.dataset.lat), parseFloat(row.dataset.lng)];
    var popup = document.createElement('div');
    ['name', 'kind', 'address', 'phone'].forEach(function (f) {
      var p = document.createElement('div');
      p.className = 'popup-' + f;
      p.textContent = row.querySelector('.' + f).textContent;
      popup.appendChild(p);
    });
    L.circleMarker(at, { radius: 9, color: color, fillColor: color, fillOpacity: 0.8 }).bindPopup(popup).addTo(map);
    bounds.push(at);
  });
  if (bounds.length > 0) map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30] });
  if (el.dataset.pick) {
    var lat = document.getElementById('latitude');
    var lng = document.getElementById('longitude');
    var pin = null;
    var place = function (at) {
      if (pin) pin.setLatLng(at); else pin = L.circleMarker(at, { radius: 10, color: '#0b6e4f' }).addTo(map);
    };
    if (lat.value && lng.value) place([parseFloat(lat.value), parseFloat(lng.value)]);
    map.on('click', function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
  }
})();
