// Maps and charts. A map is a Leaflet map (vendored: assets/vendor/, loaded by index.html before
// the page's modules) over the road network from the server's GeoJSON (GET /api/roads), with
// routes, elders, sites and clusters as SVG shapes on top; it pans and zooms (wheel, drag,
// pinch, its buttons) and fits the district whenever it first gets its size. Raster tiles go
// underneath only when the deployment configures a tile server (`serve --tile-url`, given to the
// page by GET /api/session); otherwise nothing is fetched from outside. Slot charts are SVG.

import { h, s, hhmm } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

/** Route colours: distinct, each at least 3:1 against the light map background. */
export const PALETTE = ['#1f5fa8', '#c0392b', '#1e7b34', '#7b3fa0', '#a0522d', '#b0106a',
  '#0e7c7b', '#5d6d00', '#c44d00', '#34495e', '#6c3483', '#2e6b30'];

/**
 * The colour of route `i`: the palette first, then hues a golden angle apart at a lightness
 * dark enough for 3:1 against the map, so that no two of a district's routes look alike.
 */
export function colour(i) {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = Math.round((i * 137.508) % 360);
  return `hsl(${hue}, 75%, ${i % 2 ? 30 : 38}%)`;
}

const ROAD_STYLE = {
  motorway: [3.5, '#a8a8a8'], trunk: [3.5, '#a8a8a8'], primary: [3, '#b0b0b0'],
  secondary: [2.5, '#b8b8b8'], tertiary: [2, '#c2c2c2'],
};

/** The bounding box of some [lon, lat] points, or null. */
export function bboxOf(points) {
  let b = null;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (!b) b = [x, y, x, y];
    else b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  }
  return b;
}

/** Grows a box by a share of its size (and at least a little). */
export function pad(b, share = 0.05) {
  const dx = Math.max((b[2] - b[0]) * share, 0.002);
  const dy = Math.max((b[3] - b[1]) * share, 0.002);
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
}

let roadsCache = null;
/** The road network around the district (fetched once per page load; again after a failure). */
export function roads() {
  if (!roadsCache) roadsCache = api('GET', '/api/roads').catch((e) => { roadsCache = null; throw e; });
  return roadsCache;
}

let tileTemplate = null;
let tileCredit = null;
/** The deployment's tile URL ({z}/{x}/{y}) and its credit line, or null for none. */
export function setTiles(template, credit) {
  tileTemplate = typeof template === 'string' && template ? template : null;
  tileCredit = tileTemplate && typeof credit === 'string' && credit ? credit : null;
}

/** Leaflet, once its script has run (null if it failed to load: the page goes on without maps). */
function leaflet() {
  return globalThis.L || null;
}

/** A Leaflet layer's element gets these attributes whenever it is drawn. */
function tag(layer, attrs) {
  layer.on('add', () => {
    const el = layer.getElement ? layer.getElement() : layer.getContainer();
    if (!el) return;
    for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, v);
  });
  return layer;
}

/** A hover/tap text on a layer, as a text node: never parsed as HTML. */
function tip(layer, text, options) {
  if (text) layer.bindTooltip(h('span', {}, text), { direction: 'top', ...options });
  return layer;
}

let Shape = null;
/** Circle markers drawn as another shape: a square, a diamond, or a crossed circle. */
function shapeClass(L) {
  if (Shape) return Shape;
  Shape = L.CircleMarker.extend({
    _updatePath() {
      const { shape } = this.options;
      if (!shape || shape === 'circle' || this._empty()) {
        L.CircleMarker.prototype._updatePath.call(this);
        return;
      }
      const { x, y } = this._point;
      const r = this._radius;
      let d;
      if (shape === 'square') {
        d = `M${x - r} ${y - r}h${2 * r}v${2 * r}h${-2 * r}z`;
      } else if (shape === 'diamond') {
        const q = r * 1.3;
        d = `M${x} ${y - q}L${x + q} ${y}L${x} ${y + q}L${x - q} ${y}z`;
      } else {
        const c = r / 2;
        d = `M${x - r} ${y}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`
          + `M${x - c} ${y - c}L${x + c} ${y + c}M${x + c} ${y - c}L${x - c} ${y + c}`;
      }
      this._renderer._setPath(this, d);
    },
  });
  return Shape;
}

const SHAPES = { site: 'square', van: 'diamond', unserved: 'crossed', elder: 'circle' };

/**
 * A point marker: circle (elder), square (site), diamond (van stop), crossed circle (unserved
 * elder), `r` pixels across at any zoom, with its title on hover or tap.
 */
export function marker([lon, lat], kind, fill, r, title, testid, attrs = {}) {
  const L = leaflet();
  const Cls = shapeClass(L);
  const unserved = kind === 'unserved';
  const layer = new Cls([lat, lon], {
    shape: SHAPES[kind] || 'circle', radius: r, fillColor: fill, fillOpacity: 1,
    color: unserved ? '#4d4d4d' : '#ffffff', weight: Math.max(r / 3, 1.5), opacity: 1,
  });
  return tip(tag(layer, { 'data-testid': testid || (unserved ? 'unserved' : null), ...attrs }), title);
}

/** A line along [lon, lat] points; `attrs` go on its SVG path. */
export function line(coords, { colour: stroke, weight = 3, dashed = false, title, attrs = {} }) {
  const L = leaflet();
  const layer = L.polyline(coords.map(([lon, lat]) => [lat, lon]), {
    color: stroke, weight, opacity: 0.9, lineJoin: 'round', dashArray: dashed ? '7 4' : null,
  });
  return tip(tag(layer, attrs), title, { sticky: true });
}

/** A dashed ring `r` pixels across around a point (a cluster of bookings). */
export function ring([lon, lat], r, title, testid) {
  const L = leaflet();
  const layer = L.circleMarker([lat, lon], {
    radius: r, fill: false, color: '#4d4d4d', weight: 1.5, dashArray: '6 4', opacity: 1,
  });
  return tip(tag(layer, { 'data-testid': testid }), title);
}

/** A shaded circle `metres` across on the ground around a point (a van stop's walking area). */
export function area([lon, lat], metres, title, testid) {
  const L = leaflet();
  const layer = L.circle([lat, lon], {
    radius: metres, color: '#0b4f8a', weight: 1.5, opacity: 0.9, fillColor: '#0b4f8a', fillOpacity: 0.08,
  });
  return tip(tag(layer, { 'data-testid': testid }), title);
}

/** A text label with a white halo, always shown. */
export function label([lon, lat], text) {
  const L = leaflet();
  return L.tooltip({ permanent: true, direction: 'center', className: 'map-label', interactive: false })
    .setLatLng([lat, lon]).setContent(h('span', {}, text));
}

/** The road layer: one line per road class, under everything else. */
function roadLayer(L, roads) {
  return L.geoJSON(roads, {
    pane: 'roads',
    interactive: false,
    style: (f) => {
      const [weight, color] = ROAD_STYLE[f.properties && f.properties.class] || [1.2, '#cfcfcf'];
      return { weight, color, opacity: 1, lineCap: 'round', lineJoin: 'round' };
    },
  });
}

/** A button on the map that brings the whole `bbox` back into view. */
function fitControl(L, fit) {
  const Fit = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      const bar = h('div', { class: 'leaflet-bar map-fit' },
        h('button', {
          type: 'button', title: t('map.fit'), 'aria-label': t('map.fit'), 'data-testid': 'map-fit',
          onclick: fit,
        }, '\u2922'));
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    },
  });
  return new Fit();
}

/**
 * A map in a <figure> with the attribution underneath, fitted to `bbox` ([w, s, e, n]) when it
 * first gets its size. `size` is 'large' (the plan), 'medium' (the home finder) or 'small' (a
 * trip). `onClick(lon, lat)` makes it a picker (no double-click zoom, a cross-hair cursor).
 * Returns the figure, the Leaflet map (null without Leaflet) and the layer group to draw on.
 */
export function mapFigure({ id, label: name, bbox, roads, size = 'large', onClick }) {
  const view = h('div', {
    class: `map-view map-${size}${onClick ? ' pickable' : ''}`, role: 'region', 'aria-label': name,
    'data-testid': id ? `${id}-view` : null,
  });
  const figure = h('figure', { class: 'map-box', id },
    view,
    h('figcaption', { class: 'attribution', 'data-testid': 'osm-attribution' },
      t('map.attribution'), tileCredit ? ` · ${tileCredit}` : null));
  const L = leaflet();
  if (!L) {
    view.append(h('p', { class: 'muted' }, t('map.unavailable')));
    const none = { addLayer() { return none; }, clearLayers() { return none; } };
    return { figure, map: null, overlay: none };
  }
  const map = L.map(view, {
    attributionControl: false, zoomControl: false, zoomSnap: 0.25, zoomDelta: 0.5,
    wheelPxPerZoomLevel: 90, maxZoom: 19, doubleClickZoom: !onClick,
    // A small map on a phone scrolls with the page; two fingers still zoom it.
    dragging: !(size === 'small' && L.Browser.mobile),
  });
  const bounds = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
  const fit = () => map.fitBounds(bounds, { animate: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  fitControl(L, fit).addTo(map);
  const pane = map.createPane('roads');
  pane.style.zIndex = 350;
  pane.style.pointerEvents = 'none';
  if (tileTemplate) {
    tag(L.tileLayer(tileTemplate, { className: 'tiles', maxZoom: 19 }), { 'data-testid': 'tiles' }).addTo(map);
  }
  if (roads && roads.features) roadLayer(L, roads).addTo(map);
  const overlay = L.layerGroup().addTo(map);
  if (onClick) map.on('click', (ev) => onClick(ev.latlng.lng, ev.latlng.lat));
  // The view on the element, for tests and for anyone reading the page's state.
  map.on('moveend', () => {
    const c = map.getCenter();
    view.dataset.zoom = String(map.getZoom());
    view.dataset.centre = `${c.lng.toFixed(5)},${c.lat.toFixed(5)}`;
  });
  // Leaflet measures its box: draw when there is one, fit the first time (unless a view was
  // set already, such as a found home), let go when removed.
  let placed = false;
  map.whenReady(() => { placed = true; });
  let shown = false;
  const seen = new ResizeObserver(() => {
    if (!view.isConnected) {
      if (shown) { seen.disconnect(); map.remove(); }
      return;
    }
    if (!view.clientWidth || !view.clientHeight) return;
    map.invalidateSize({ animate: false });
    if (!shown) {
      shown = true;
      if (!placed) fit();
    }
  });
  seen.observe(view);
  return { figure, map, overlay };
}

/** Pixels per unit of a slot chart: one readable size whatever a site's opening hours. */
const CHART_SCALE = 1.6;

/**
 * The load of each site's slots against their capacity: one small bar chart per site.
 * slots: [{site_id, start, end, capacity, planned}], siteOf(id) → {name, capacity_per_slot,
 * booked_share} (the capacity a slot takes from bookings is the booked share of it; the rest
 * is kept for walk-ins, and the caption says so).
 */
export function slotCharts(slots, siteOf) {
  const siteName = (id) => siteOf(id).name;
  const bySite = new Map();
  for (const sl of slots || []) {
    if (!bySite.has(sl.site_id)) bySite.set(sl.site_id, []);
    bySite.get(sl.site_id).push(sl);
  }
  const out = h('div', { class: 'chart', id: 'slot-chart' });
  if (!bySite.size) out.append(h('p', { class: 'muted' }, t('plan.no_slots')));
  for (const [site, list] of bySite) {
    list.sort((a, b) => a.start - b.start);
    const top = Math.max(1, ...list.map((x) => Math.max(x.capacity, x.planned)));
    const bw = 14;
    const gap = 3;
    const left = 28;
    const hgt = 110;
    const width = left + list.length * (bw + gap) + 4;
    const y = (v) => 8 + hgt - (v / top) * hgt;
    const svg = s('svg', {
      viewBox: `0 0 ${width} ${hgt + 34}`, role: 'img',
      width: Math.round(width * CHART_SCALE), height: Math.round((hgt + 34) * CHART_SCALE),
      'aria-label': t('plan.chart_label', { site: siteName(site) }),
      'data-testid': `slot-chart-${site}`,
    });
    svg.append(s('line', { x1: left, x2: width, y1: y(0), y2: y(0), stroke: '#4d4d4d' }));
    svg.append(s('text', { x: left - 4, y: y(top) + 4, 'font-size': 10, 'text-anchor': 'end', fill: '#1a1a1a' }, String(top)));
    svg.append(s('text', { x: left - 4, y: y(0), 'font-size': 10, 'text-anchor': 'end', fill: '#1a1a1a' }, '0'));
    list.forEach((sl, i) => {
      const x = left + 2 + i * (bw + gap);
      const over = sl.planned > sl.capacity;
      const g = s('g', { 'data-testid': 'slot-bar' },
        s('title', {}, t('plan.slot_title', { from: hhmm(sl.start), to: hhmm(sl.end), planned: sl.planned, capacity: sl.capacity })),
        s('rect', { x, y: y(sl.capacity), width: bw, height: y(0) - y(sl.capacity), fill: '#dde3ea', stroke: '#5b6b7c', 'stroke-width': 0.8 }),
        s('rect', { x: x + 2, y: y(sl.planned), width: bw - 4, height: y(0) - y(sl.planned), fill: over ? '#a3001b' : '#0b4f8a' }));
      svg.append(g);
      if (i % 4 === 0) {
        svg.append(s('text', { x: x + bw / 2, y: hgt + 24, 'font-size': 10, 'text-anchor': 'middle', fill: '#1a1a1a' }, hhmm(sl.start)));
      }
    });
    const info = siteOf(site);
    const booked = Math.max(...list.map((x) => x.capacity));
    const note = info.capacity_per_slot && booked < info.capacity_per_slot
      ? t('plan.capacity_note', { booked, per_slot: info.capacity_per_slot, share: Math.round((info.booked_share || 1) * 100) })
      : null;
    out.append(h('figure', { class: 'slot-site' },
      h('figcaption', {}, siteName(site), note ? h('span', { class: 'muted', 'data-testid': 'capacity-note' }, ` · ${note}`) : null), svg));
  }
  out.append(h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'swatch swatch-planned' }), t('plan.legend_planned')),
    h('li', {}, h('span', { class: 'swatch swatch-capacity' }), t('plan.legend_capacity'))));
  return out;
}
