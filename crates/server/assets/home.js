// Finding an elder's home without typing coordinates: by address over the road network's
// streets, house numbers and named places (GET /api/places), by a tap on the district's map
// (GET /api/places/at: the point on the nearest road, its street and house number), or by a
// coordinate pair pasted from AMap/Tencent (GCJ-02), Baidu (BD-09) or a GPS app (WGS-84).
//
// Ids: #home-search #home-results (buttons data-testid="place-<n>") #home-map (its map
// data-testid="home-map-view", the chosen home data-testid="home-marker") #home-paste #home-crs
// #home-paste-use #home-chosen.

import { h, clear, field, replace } from './dom.js';
import { t } from './i18n.js';
import { api, errorLine } from './api.js';
import { mapFigure, marker, pad, roads } from './map.js';

const CRS = ['gcj02', 'bd09', 'wgs84'];

/** What the finder says, for an elder's home or for a community's centre. */
const WORDS = {
  home: {
    title: 'home.title', hint: 'home.map_hint', map: 'home.map_label', marker: 'home.marker',
    chosen: 'home.chosen', point: 'home.chosen_point',
  },
  centre: {
    title: 'centre.title', hint: 'centre.map_hint', map: 'centre.map_label', marker: 'centre.marker',
    chosen: 'centre.chosen', point: 'centre.chosen_point',
  },
};
const SEARCH_DELAY_MS = 200;

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
 * `what` is 'home' (an elder's) or 'centre' (a community's): only the words differ.
 */
export function homeFinder({ home, onPick, what = 'home' }) {
  const w = WORDS[what];
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
  let view = null;

  // `show`: bring the home into view (a found address may be off screen; a tap is not).
  function pick(p, label, show) {
    chosen = { lon: p.lon, lat: p.lat };
    replace(chosenLine, label ? t(w.chosen, { label }) : t(w.point));
    problem.textContent = '';
    drawMark(show);
    onPick({ ...chosen, label });
  }

  function drawMark(show) {
    if (!view || !view.map) return;
    view.overlay.clearLayers();
    if (!chosen) return;
    view.overlay.addLayer(marker([chosen.lon, chosen.lat], 'elder', '#c0392b', 9, t(w.marker), 'home-marker'));
    if (show) view.map.setView([chosen.lat, chosen.lon], Math.max(view.map.getZoom() || 0, 16), { animate: false });
  }

  // What is at a point: the road point for a tap, the point itself for a pasted pair.
  async function lookUp(lon, lat, system, useRoad) {
    try {
      const q = new URLSearchParams({ lon, lat, crs: system });
      const here = await api('GET', `/api/places/at?${q}`);
      const p = useRoad ? here.road : here.point;
      const label = here.address || (here.street ? t('home.on_street', { street: here.street }) : '');
      pick(p, label, !useRoad);
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
          onclick: () => { pick(p, p.label, true); clear(results); search.value = p.label; },
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

  roads().catch(() => null).then((net) => {
    const box = net && net.bbox;
    if (!box) return;
    view = mapFigure({
      id: 'home-map', label: t(w.map), bbox: pad(box, 0.02), roads: net, size: 'medium',
      onClick: (lon, lat) => lookUp(lon.toFixed(6), lat.toFixed(6), 'wgs84', true),
    });
    mapBox.append(view.figure);
    // Editing an elder: their home, close up.
    drawMark(true);
  });

  if (chosen) replace(chosenLine, t(w.point));
  return h('fieldset', { class: 'home-finder' },
    h('legend', {}, t(w.title)),
    field('home-search', t('home.search'), search),
    results,
    h('p', { class: 'muted' }, t(w.hint)),
    mapBox,
    h('div', { class: 'row' },
      field('home-paste', t('home.paste'), paste),
      field('home-crs', t('home.crs'), crs),
      useBtn),
    problem,
    chosenLine);
}
