// Maps and charts drawn as SVG from the server's GeoJSON: the road network as the base layer
// (GET /api/roads), routes, elders, sites and clusters on top. Raster tiles go underneath
// only when the deployment configures a tile server (`serve --tile-url`, given to the page by
// GET /api/session); otherwise nothing is fetched from outside.

import { h, s, hhmm } from './dom.js';
import { t } from './i18n.js';

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

/** An equirectangular projection of `bbox` onto a box `width` wide. */
export function projector(bbox, width) {
  const mid = ((bbox[1] + bbox[3]) / 2) * (Math.PI / 180);
  const kx = Math.cos(mid);
  const w = Math.max((bbox[2] - bbox[0]) * kx, 1e-9);
  const scale = width / w;
  const height = Math.max(Math.round((bbox[3] - bbox[1]) * scale), 80);
  return {
    width, height,
    x: (lon) => +((lon - bbox[0]) * kx * scale).toFixed(1),
    y: (lat) => +((bbox[3] - lat) * scale).toFixed(1),
    /** [lon, lat] of a point of the drawing. */
    invert: (x, y) => [bbox[0] + x / (kx * scale), bbox[3] - y / scale],
    path(coords) {
      let d = '';
      coords.forEach(([lon, lat], i) => { d += `${i ? 'L' : 'M'}${this.x(lon)} ${this.y(lat)}`; });
      return d;
    },
  };
}

function inBox(b, [x, y]) {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/** The road layer: one path per road class, lines with a point in the box. */
export function roadLayer(roads, p, bbox) {
  const g = s('g', { class: 'roads', 'aria-hidden': 'true' });
  for (const f of (roads && roads.features) || []) {
    const [w, c] = ROAD_STYLE[f.properties.class] || [1.2, '#cfcfcf'];
    let d = '';
    for (const line of f.geometry.coordinates) {
      if (bbox && !line.some((pt) => inBox(bbox, pt))) continue;
      d += p.path(line);
    }
    if (d) {
      g.append(s('path', { d, fill: 'none', stroke: c, 'stroke-width': w, 'stroke-linecap': 'round',
        'stroke-linejoin': 'round', 'vector-effect': 'non-scaling-stroke' }));
    }
  }
  return g;
}

let tileTemplate = null;
let tileCredit = null;
/** The deployment's tile URL ({z}/{x}/{y}) and its credit line, or null for none. */
export function setTiles(template, credit) {
  tileTemplate = typeof template === 'string' && template ? template : null;
  tileCredit = tileTemplate && typeof credit === 'string' && credit ? credit : null;
}

const MAX_TILES = 64;

/**
 * Web-Mercator tiles covering `bbox`, at the zoom whose tiles are about 256 map units wide (a
 * zoom out while that takes more than MAX_TILES), each placed by its corners (close enough to
 * the equirectangular view at a district's size).
 */
export function tileLayer(template, p, bbox) {
  const g = s('g', { class: 'tiles', 'aria-hidden': 'true', 'data-testid': 'tiles' });
  const span = Math.max(bbox[2] - bbox[0], 1e-6);
  let z = Math.min(Math.max(Math.round(Math.log2((360 * p.width) / (256 * span))), 0), 19);
  let n;
  let range;
  const tile = (lon, lat) => {
    const r = (Math.max(Math.min(lat, 85.05), -85.05) * Math.PI) / 180;
    return [Math.floor(((lon + 180) / 360) * n),
      Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
  };
  for (;;) {
    n = 2 ** z;
    const [x0, y0] = tile(bbox[0], bbox[3]);
    const [x1, y1] = tile(bbox[2], bbox[1]);
    range = [Math.max(x0, 0), Math.min(x1, n - 1), Math.max(y0, 0), Math.min(y1, n - 1)];
    if ((range[1] - range[0] + 1) * (range[3] - range[2] + 1) <= MAX_TILES || z === 0) break;
    z -= 1;
  }
  const lonOf = (x) => (x / n) * 360 - 180;
  const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  for (let x = range[0]; x <= range[1]; x += 1) {
    for (let y = range[2]; y <= range[3]; y += 1) {
      const left = p.x(lonOf(x));
      const top = p.y(latOf(y));
      const href = template.replaceAll('{z}', z).replaceAll('{x}', x).replaceAll('{y}', y);
      g.append(s('image', {
        href, x: left, y: top, width: +(p.x(lonOf(x + 1)) - left).toFixed(1),
        height: +(p.y(latOf(y + 1)) - top).toFixed(1), preserveAspectRatio: 'none',
      }));
    }
  }
  return g;
}

/** A map: an <svg> in a <figure> with the attribution underneath. `draw(p)` returns the layers above the roads. */
export function mapFigure({ id, label, bbox, roads, width = 1000, draw }) {
  const p = projector(bbox, width);
  const svg = s('svg', {
    viewBox: `0 0 ${p.width} ${p.height}`, role: 'img', 'aria-label': label,
    'data-testid': id ? `${id}-svg` : null,
  },
  s('rect', { x: 0, y: 0, width: p.width, height: p.height, fill: '#fbfbf8' }),
  tileTemplate ? tileLayer(tileTemplate, p, bbox) : null,
  roadLayer(roads, p, bbox),
  draw(p));
  return h('figure', { class: 'map-box', id },
    svg,
    h('figcaption', { class: 'attribution', 'data-testid': 'osm-attribution' },
      t('map.attribution'), tileCredit ? ` · ${tileCredit}` : null));
}

/** A point marker: circle (elder), square (site), diamond (van stop), crossed circle (unserved elder). */
export function marker(p, [lon, lat], kind, fill, r, title) {
  const x = p.x(lon);
  const y = p.y(lat);
  let el;
  if (kind === 'site') {
    el = s('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill, stroke: '#fff', 'stroke-width': r / 3 });
  } else if (kind === 'van') {
    el = s('path', { d: `M${x} ${y - r * 1.3}L${x + r * 1.3} ${y}L${x} ${y + r * 1.3}L${x - r * 1.3} ${y}Z`, fill, stroke: '#fff', 'stroke-width': r / 3 });
  } else if (kind === 'unserved') {
    el = s('g', { 'data-testid': 'unserved' },
      s('circle', { cx: x, cy: y, r, fill, stroke: '#4d4d4d', 'stroke-width': r / 3 }),
      s('path', { d: `M${x - r / 2} ${y - r / 2}L${x + r / 2} ${y + r / 2}M${x + r / 2} ${y - r / 2}L${x - r / 2} ${y + r / 2}`, stroke: '#4d4d4d', 'stroke-width': r / 4 }));
  } else {
    el = s('circle', { cx: x, cy: y, r, fill, stroke: '#fff', 'stroke-width': r / 3 });
  }
  if (title) el.append(s('title', {}, title));
  return el;
}

/** A text label with a white halo. */
export function label(p, [lon, lat], text, size) {
  return s('text', { x: p.x(lon), y: p.y(lat), 'font-size': size, 'text-anchor': 'middle', class: 'map-label' }, text);
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
