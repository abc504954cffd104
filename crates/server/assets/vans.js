// The van page of the coordinator (issue 16): where and when the mobile vaccination vans stop. The
// coordinator picks the vans, their days and hours, the walking limit, adds candidate points by
// tapping the map, asks for a proposal (POST /api/vanplan), reads it on the map (candidates,
// chosen stops with their walking areas) and as a timetable per van and day with the figures,
// and accepts it (POST /api/vanplan/accept: the van stops are created for the planning of their day).
// A proposal may then be judged with the fleet: a planning job (POST /api/vanplan/jobs, followed
// through /api/plans/jobs/<id>/events, read at GET /api/vanplan/jobs/<id>) searches for the stops
// under which the volunteers' cars serve the most, and its proposal replaces the first.
//
// Ids: #vans-start #vans-days #vans-open #vans-close #vans-break-from #vans-break-to
// #vans-shots #vans-stops #vans-walk, a checkbox per van #vans-van-<id>, #vans-candidates
// (rows data-testid="vans-candidate-<k>", names #vans-candidate-name-<k>, remove buttons
// data-testid="vans-candidate-remove-<k>"), #vans-propose, #vans-error, #vans-result,
// #vans-map (view data-testid="vans-map-view"; chosen stops data-testid="vans-stop-<k>",
// other candidates data-testid="vans-cand-<k>", walking areas data-testid="vans-area-<k>"),
// #vans-figures (values data-testid="vans-fig-<name>"), #vans-timetable (rows
// data-testid="vans-row-<vanId>-<day>-<n>"), #vans-accept, #vans-accepted, #vans-seconds,
// #vans-couple, #vans-couple-cancel, #vans-job (the search's progress), #vans-coupled (what
// covering first and the proposal found serve with the fleet).

import { h, clear, replace, field, table, wholeDay } from './dom.js';
import { t } from './i18n.js';
import { api, errorText } from './api.js';
import { bboxOf, pad, mapFigure, marker, label, area, roads } from './map.js';
import { errorInto, input } from './coordinator.js';

/** The local date of tomorrow, YYYY-MM-DD. */
function tomorrow() {
  const d = new Date(Date.now() + 86400000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** `n` days from `start` (YYYY-MM-DD), as dates. */
function daysFrom(start, n) {
  const [y, m, d] = start.split('-').map(Number);
  return Array.from({ length: n }, (_, k) => {
    const x = new Date(Date.UTC(y, m - 1, d + k));
    return x.toISOString().slice(0, 10);
  });
}

export function mount(main, ctx) {
  const vanBox = h('fieldset', { class: 'checks', id: 'vans-vans' }, h('legend', {}, t('vanplan.vans')));
  const start = input({ type: 'date', value: tomorrow(), required: true });
  const days = input({ type: 'number', min: 1, max: 14, value: 1, inputmode: 'numeric' });
  const open = input({ type: 'time', value: '08:00' });
  const close = input({ type: 'time', value: '17:00' });
  const breakFrom = input({ type: 'time', value: '12:00' });
  const breakTo = input({ type: 'time', value: '13:00' });
  const shots = input({ type: 'number', min: 1, max: 200, value: 12, inputmode: 'numeric' });
  const stops = input({ type: 'number', min: 1, max: 6, value: 2, inputmode: 'numeric' });
  const walk = input({ type: 'number', min: 50, max: 2000, step: 50, value: 500, inputmode: 'numeric' });
  const err = h('div', { id: 'vans-error', class: 'error', role: 'alert' });
  const candList = h('ol', { id: 'vans-candidates', class: 'plain' });
  const result = h('div', { id: 'vans-result', 'aria-live': 'polite' });
  const propose = h('button', { id: 'vans-propose', type: 'submit', class: 'primary' }, t('vanplan.propose'));
  const added = [];
  let vans = [];
  let roadNet = null;
  let proposal = null;
  let asked = null;
  let stream = null;
  let running = null; // the search job under way, stopped when another is asked for

  // Stops the search under way, if any: its proposal would replace a newer one.
  function dropSearch() {
    if (stream) stream.close();
    stream = null;
    if (running != null) api('POST', `/api/plans/jobs/${running}/cancel`, { json: {} }).catch(() => {});
    running = null;
  }

  const form = h('form', { id: 'vans-form', novalidate: true },
    vanBox,
    h('div', { class: 'grid three' },
      field('vans-start', t('vanplan.start'), start),
      field('vans-days', t('vanplan.days'), days),
      field('vans-open', t('vanplan.open'), open),
      field('vans-close', t('vanplan.close'), close),
      field('vans-break-from', t('vanplan.break_from'), breakFrom),
      field('vans-break-to', t('vanplan.break_to'), breakTo),
      field('vans-shots', t('vanplan.shots_per_hour'), shots),
      field('vans-stops', t('vanplan.stops_per_day'), stops),
      field('vans-walk', t('vanplan.walk_m'), walk)),
    h('h2', { id: 'h-vans-candidates' }, t('vanplan.candidates')),
    h('p', { class: 'muted' }, t('vanplan.tap_hint')),
    candList,
    err,
    h('div', { class: 'actions' }, propose));
  const mapBox = h('div', {});

  main.append(
    h('h1', {}, t('vanplan.title')),
    h('p', { class: 'muted' }, t('vanplan.intro')),
    form, mapBox, result);

  function renderCandidates() {
    clear(candList).append(...added.map((c, k) => h('li', { 'data-testid': `vans-candidate-${k}`, class: 'row' },
      field(`vans-candidate-name-${k}`, t('vanplan.candidate_name', { n: k + 1 }),
        input({ value: c.name, maxlength: 100, oninput: (ev) => { c.name = ev.target.value; } })),
      h('button', {
        type: 'button', 'data-testid': `vans-candidate-remove-${k}`,
        'aria-label': t('vanplan.remove_named', { name: c.name || k + 1 }),
        onclick: () => { added.splice(k, 1); renderCandidates(); drawMap(); },
      }, t('vanplan.remove')))));
  }

  let overlay = null;
  function drawMap() {
    if (!overlay) return;
    overlay.clearLayers();
    const cands = proposal ? proposal.candidates : [];
    const radius = Number(walk.value) || 500;
    cands.forEach((c, k) => {
      const at = [c.location.lon, c.location.lat];
      if (c.chosen) {
        overlay.addLayer(area(at, radius, t('vanplan.area_title', { name: c.name, m: radius }), `vans-area-${k}`));
        overlay.addLayer(marker(at, 'van', '#0b4f8a', 9, `${c.name} · ${t('vanplan.walkers_n', { n: c.walkers })}`, `vans-stop-${k}`));
        overlay.addLayer(label(at, c.name));
      } else {
        overlay.addLayer(marker(at, 'site', '#8a8a8a', 4, `${c.name} · ${t('vanplan.walkers_n', { n: c.walkers })}`, `vans-cand-${k}`));
      }
    });
    added.forEach((c, k) => {
      overlay.addLayer(marker([c.lon, c.lat], 'site', '#b0106a', 6, c.name || String(k + 1), `vans-added-${k}`));
    });
  }

  function mountMap() {
    // The stops of the proposal and the candidates someone can walk to (a tapped point far off
    // does not shrink the town to a corner); before a proposal, the tapped points.
    const near = proposal ? proposal.candidates.filter((c) => c.chosen || c.walkers > 0) : [];
    const pts = near.length ? near.map((c) => [c.location.lon, c.location.lat]) : added.map((c) => [c.lon, c.lat]);
    const bbox = pad(bboxOf(pts) || (roadNet && roadNet.bbox) || [0, 0, 0.01, 0.01]);
    const made = mapFigure({
      id: 'vans-map', label: t('vanplan.map'), bbox, roads: roadNet, size: 'large',
      onClick: (lon, lat) => {
        added.push({ lon, lat, name: t('vanplan.point_n', { n: added.length + 1 }) });
        renderCandidates();
        drawMap();
      },
    });
    overlay = made.overlay;
    clear(mapBox).append(made.figure);
    drawMap();
  }

  function vanName(id) {
    const v = vans.find((x) => x.id === id);
    return v ? v.name : `#${id}`;
  }

  function render(p) {
    const fig = (name, value) => h('div', {}, h('dt', {}, t(`vanplan.fig_${name}`)), h('dd', { 'data-testid': `vans-fig-${name}` }, String(value)));
    const f = p.figures;
    const rows = [];
    for (const d of p.days) {
      d.stops.forEach((st, n) => {
        const c = p.candidates[st.candidate];
        rows.push(h('tr', { 'data-testid': `vans-row-${d.van_id}-${d.day}-${n}` },
          h('td', {}, vanName(d.van_id)), h('td', {}, d.day), h('td', {}, String(n + 1)), h('td', {}, c.name),
          h('td', {}, st.arrive), h('td', {}, st.open.map((o) => `${o[0]}–${o[1]}`).join(', ')), h('td', {}, st.leave),
          h('td', { class: 'num' }, String(st.capacity)), h('td', { class: 'num' }, String(st.walkers))));
      });
    }
    const accept = h('button', { id: 'vans-accept', type: 'button', class: 'primary', disabled: !p.sites.length }, t('vanplan.accept'));
    const acceptedBox = h('p', { id: 'vans-accepted', 'aria-live': 'polite' });
    accept.addEventListener('click', async () => {
      accept.disabled = true;
      try {
        const made = await api('POST', '/api/vanplan/accept', { json: { sites: p.sites } });
        acceptedBox.textContent = t('vanplan.accepted', { n: made.ids.length });
        ctx.notify(t('vanplan.accepted', { n: made.ids.length }));
      } catch (e) {
        accept.disabled = false;
        errorInto(acceptedBox, e);
      }
    });
    const why = Object.entries(p.unserved || {});
    const seconds = input({ type: 'number', min: 5, max: 600, value: 120, inputmode: 'numeric' });
    const couple = h('button', { id: 'vans-couple', type: 'button' }, t('vanplan.couple'));
    const stop = h('button', { id: 'vans-couple-cancel', type: 'button', hidden: true }, t('vanplan.couple_cancel'));
    const jobBox = h('p', { id: 'vans-job', 'aria-live': 'polite', class: 'muted' });
    couple.addEventListener('click', () => judge(Number(seconds.value) || 120, { couple, stop, jobBox }));
    const served = (x) => t('vanplan.served_of', { n: x.served, foot: x.on_foot, ride: x.by_ride });
    const coupled = p.coupled
      ? h('dl', { class: 'figures', id: 'vans-coupled' },
        fig('cover_then_route', served(p.cover)), fig('with_fleet', served(p.coupled)),
        fig('driving', t('vanplan.driving_from_to', { from: p.cover.driving_minutes, to: p.coupled.driving_minutes })))
      : null;
    replace(result,
      h('h2', {}, t('vanplan.proposal')),
      h('dl', { class: 'figures', id: 'vans-figures' },
        fig('walkers', f.walkers), fig('served', f.served), fig('out_of_reach', f.out_of_reach),
        fig('no_room', f.no_room), fig('shots', f.shots),
        fig('vaccinating', t('vanplan.hours', { h: (f.vaccinating_minutes / 60).toFixed(1) })),
        fig('moving', t('vanplan.minutes', { m: f.moving_minutes }))),
      why.length ? h('p', { class: 'muted', id: 'vans-unserved' }, why.map(([k, n]) => t(`vanplan.unserved_${k}`, { n })).join(' · ')) : null,
      coupled,
      rows.length
        ? table({ id: 'vans-timetable' }, t('vanplan.timetable_caption', { n: rows.length }),
          [t('vanplan.col_van'), t('vanplan.col_day'), t('vanplan.col_n'), t('vanplan.col_place'), t('vanplan.col_arrive'),
            t('vanplan.col_open'), t('vanplan.col_leave'), t('vanplan.col_shots'), t('vanplan.col_walkers')], rows)
        : h('p', { class: 'muted', id: 'vans-timetable-empty' }, t('vanplan.no_stops')),
      h('div', { class: 'actions' }, accept),
      acceptedBox,
      h('h3', {}, t('vanplan.couple_title')),
      h('p', { class: 'muted' }, t('vanplan.couple_hint')),
      field('vans-seconds', t('vanplan.seconds'), seconds),
      h('div', { class: 'actions' }, couple, stop),
      jobBox);
  }

  // Judges the last request with the fleet as a planning job, for `secs` seconds; its proposal
  // replaces the one shown.
  async function judge(secs, { couple, stop, jobBox }) {
    if (!asked) return;
    dropSearch();
    couple.disabled = true;
    jobBox.textContent = t('vanplan.couple_queued');
    const ended = (text) => {
      if (stream) stream.close();
      stream = null;
      running = null;
      couple.disabled = false;
      stop.hidden = true;
      if (text) jobBox.textContent = text;
    };
    let job;
    try {
      job = (await api('POST', '/api/vanplan/jobs', { json: { request: asked, seconds: secs } })).job;
    } catch (e) {
      ended('');
      errorInto(jobBox, e);
      return;
    }
    running = job;
    stop.hidden = false;
    stop.disabled = false;
    stop.onclick = async () => {
      stop.disabled = true;
      try {
        await api('POST', `/api/plans/jobs/${job}/cancel`, { json: {} });
      } catch (e) {
        errorInto(jobBox, e);
      }
    };
    stream = new EventSource(`/api/plans/jobs/${job}/events`);
    stream.addEventListener('progress', (ev) => {
      const g = JSON.parse(ev.data);
      jobBox.textContent = g.best_served == null
        ? t('vanplan.couple_running', { percent: g.percent })
        : t('vanplan.couple_best', { percent: g.percent, n: g.best_served });
    });
    stream.addEventListener('done', async () => {
      ended('');
      try {
        const j = await api('GET', `/api/vanplan/jobs/${job}`);
        proposal = j.proposal;
        render(proposal);
        mountMap();
      } catch (e) {
        errorInto(jobBox, e);
      }
    });
    stream.addEventListener('cancelled', () => ended(t('vanplan.couple_cancelled')));
    stream.addEventListener('failed', (ev) => ended(t('vanplan.couple_failed', { error: JSON.parse(ev.data).error || '' })));
    stream.onerror = () => {
      if (stream && stream.readyState === EventSource.CLOSED) ended(t('vanplan.couple_lost'));
    };
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(err);
    const chosen = vans.filter((v) => vanBox.querySelector(`#vans-van-${v.id}`).checked);
    if (!chosen.length) {
      err.textContent = t('vanplan.pick_a_van');
      return;
    }
    if (!wholeDay(start.value)) {
      err.textContent = t('vanplan.pick_a_day');
      return;
    }
    if (!breakFrom.value !== !breakTo.value) {
      err.textContent = t('vanplan.break_both');
      return;
    }
    const n = Math.max(1, Math.min(14, Number(days.value) || 1));
    const rest = breakFrom.value && breakTo.value ? [breakFrom.value, breakTo.value] : null;
    const body = {
      vans: chosen.map((v) => ({
        van_id: v.id, days: daysFrom(start.value, n), hours: [open.value, close.value],
        break: rest, shots_per_hour: Number(shots.value), stops_per_day: Number(stops.value),
      })),
      walk_m: Number(walk.value),
      candidates: added.map((c) => ({ location: { lon: c.lon, lat: c.lat }, name: c.name })),
    };
    dropSearch();
    propose.disabled = true;
    propose.setAttribute('aria-busy', 'true');
    clear(result).append(h('p', { class: 'muted' }, t('vanplan.working')));
    try {
      proposal = await api('POST', '/api/vanplan', { json: body });
      asked = body;
      render(proposal);
      mountMap();
    } catch (e) {
      clear(result);
      errorInto(err, e);
    } finally {
      propose.disabled = false;
      propose.removeAttribute('aria-busy');
    }
  });

  (async () => {
    try {
      [vans, roadNet] = await Promise.all([api('GET', '/api/vans'), roads().catch(() => null)]);
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
    replace(vanBox, h('legend', {}, t('vanplan.vans')),
      vans.length ? null : h('p', { class: 'muted', id: 'vans-none' }, t('vanplan.no_vans')),
      ...vans.map((v) => h('label', { class: 'check', for: `vans-van-${v.id}` },
        h('input', { type: 'checkbox', id: `vans-van-${v.id}`, checked: true }), ` ${v.name}`)));
    mountMap();
  })();
}
