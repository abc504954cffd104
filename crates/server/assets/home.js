// Finding an elder's home without typing coordinates: by address over the road network's
// streets, house numbers and named places (GET /api/places), by a tap on the district's map
// (GET /api/places/at: the point on the nearest road, its street and house number), or by a
// coordinate pair pasted from AMap/Tencent (GCJ-02), Baidu (BD-09) or a GPS app (WGS-84).
//
// Ids: #home-search #home-results (buttons data-testid="place-<n>") #home-map (its svg
// data-testid="home-map-svg", the chosen home data-testid="home-marker") #home-paste #home-crs
// #home-paste-use #home-chosen.

import { h, s, clear, field, replace } from './dom.js';
import { t } from './i18n.js';
import { api, errorLine } from './api.js';
import { mapFigure, marker, pad } from './map.js';

const CRS = ['gcj02', 'bd09', 'wgs84'];
const SEARCH_DELAY_MS = 200;

let roadsCache = null;
function roads() {
  if (!roadsCache) roadsCache = api('GET', '/api/roads').catch(() => { roadsCache = null; return null; });
  return roadsCache;
}

/** Two numbers in any of the ways map apps copy them: "123.45,41.8", "123.45 41.8", "lat,lon" is not guessed. */
export function parsePair(text) {
  const nums = (text || '').replace(/[，、；;]/g, ',').match(/-?\d+(?:\.\d+)?/g);
  if (!nums || nums.length !== 2) return null;
  const [lon, lat] = nums.map(Number);
  return Number.isFinite(lon) && Number.isFinite(lat) ? { lon, lat } : null;
}

/**
 * The home finder. `home` is the current {lon, lat} or null; `onPick({lon, lat, label})` is
 * called with the chosen home (WGS-84) and what it is called (an address, or the street).
 */
export function homeFinder({ home, onPick }) {
  let chosen = home && Number.isFinite(home.lon) && home.lon !== 0 ? { ...home } : null;
  let timer = null;
  let seq = 0;
  const search = h('input', { type: 'search', autocomplete: 'off', maxlength: 100, placeholder: t('home.search_example') });
  const results = h('ul', { id: 'home-results', class: 'place-list', 'aria-live': 'polite' });
  const chosenLine = h('p', { id: 'home-chosen', class: 'chosen', role: 'status' });
  const mapBox = h('div', { id: 'home-map-box' });
  const paste = h('input', { autocomplete: 'off', inputmode: 'decimal', placeholder: '123.4561,41.8012' });
  const crs = h('select', {}, CRS.map((c) => h('option', { value: c }, t(`crs.${c}`))));
  const problem = h('p', { class: 'error', role: 'alert' });
  let marks = null;
  let projection = null;

  function pick(p, label) {
    chosen = { lon: p.lon, lat: p.lat };
    replace(chosenLine, label ? t('home.chosen', { label }) : t('home.chosen_point'));
    problem.textContent = '';
    drawMark();
    onPick({ ...chosen, label });
  }

  function drawMark() {
    if (!marks || !projection) return;
    clear(marks);
    if (chosen) {
      const m = marker(projection, [chosen.lon, chosen.lat], 'elder', '#c0392b', Math.max(projection.width / 45, 8), t('home.marker'));
      m.setAttribute('data-testid', 'home-marker');
      marks.append(m);
    }
  }

  // What is at a point: the road point for a tap, the point itself for a pasted pair.
  async function lookUp(lon, lat, system, useRoad) {
    try {
      const q = new URLSearchParams({ lon, lat, crs: system });
      const here = await api('GET', `/api/places/at?${q}`);
      const p = useRoad ? here.road : here.point;
      const label = here.address || (here.street ? t('home.on_street', { street: here.street }) : '');
      pick(p, label);
    } catch (e) {
      problem.textContent = errorLine(e);
    }
  }

  async function find() {
    const q = search.value.trim();
    const mine = ++seq;
    if (!q) { clear(results); return; }
    try {
      const found = await api('GET', `/api/places?q=${encodeURIComponent(q)}&limit=8`);
      if (mine !== seq) return;
      clear(results).append(...(found.length ? found.map((p, i) => h('li', {},
        h('button', {
          type: 'button', class: 'place', 'data-testid': `place-${i}`,
          onclick: () => { pick(p, p.label); clear(results); search.value = p.label; },
        }, p.label, h('span', { class: 'muted' }, ` · ${t(`place.${p.kind}`)}`))))
        : [h('li', { class: 'muted' }, t('home.none'))]));
    } catch (e) {
      if (mine === seq) problem.textContent = errorLine(e);
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(find, SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); find(); }
  });

  const useBtn = h('button', {
    id: 'home-paste-use', type: 'button',
    onclick: () => {
      const pair = parsePair(paste.value);
      if (!pair) { problem.textContent = t('home.paste_bad'); return; }
      lookUp(pair.lon, pair.lat, crs.value, false);
    },
  }, t('home.paste_use'));

  roads().then((net) => {
    const box = net && net.bbox;
    if (!box) return;
    const bbox = pad(box, 0.02);
    mapBox.append(mapFigure({
      id: 'home-map', label: t('home.map_label'), bbox, roads: net, width: 1000,
      draw: (p) => { projection = p; marks = s('g', { class: 'home-marks' }); return marks; },
    }));
    drawMark();
    const svg = mapBox.querySelector('svg');
    svg.classList.add('pickable');
    svg.addEventListener('click', (ev) => {
      const m = svg.getScreenCTM();
      if (!m || !projection) return;
      const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      const [lon, lat] = projection.invert(pt.x, pt.y);
      lookUp(lon.toFixed(6), lat.toFixed(6), 'wgs84', true);
    });
  });

  if (chosen) replace(chosenLine, t('home.chosen_point'));
  return h('fieldset', { class: 'home-finder' },
    h('legend', {}, t('home.title')),
    field('home-search', t('home.search'), search),
    results,
    h('p', { class: 'muted' }, t('home.map_hint')),
    mapBox,
    h('div', { class: 'row' },
      field('home-paste', t('home.paste'), paste),
      field('home-crs', t('home.crs'), crs),
      useBtn),
    problem,
    chosenLine);
}
