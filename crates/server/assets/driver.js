// The driver's view (phone first): trips pushed live over Server-Sent Events, accept or
// decline, the ordered stops with call and navigation links and a small map, and one big
// button per step. Steps go into a queue kept in localStorage and are sent in order; when the
// network is down they wait for the `online` event (or the next request that succeeds). A
// step leaves the queue only once the server has answered it, so it is not sent again.
//
// Ids: #net-status #queue-status #nav-app #trip-list #driver-empty; per trip
// data-testid="trip-<id>", "trip-status-<id>", "accept-<id>", two-tap "decline-<id>",
// "trip-map-<id>", "trip-changes-<id>" (what changed since last seen: "change-<changeId>" per
// change to acknowledge, its lines data-change="added"/"removed"/"retimed") with "changes-seen-<id>",
// and for a declined trip "trip-summary-<id>" (one line; the rest folded away); per stop
// data-testid="stop-<id>" (data-removed="cancelled"/"no_show" for a stop taken off the trip),
// "call-<id>", "nav-<id>" (the chosen app's link), "stop-done-<id>", "pending-<id>", and the
// step buttons data-testid="report-<stopId>-<event>" (event: arrived, picked_up, no_show —
// two-tap —, dropped_at_site, return_picked_up, home; at the ride home's stop health_check_failed
// or vaccinated, one of the two).

import { h, clear, hhmm, today, randomKey, twoTap } from './dom.js';
import { t, getLang } from './i18n.js';
import { CODES } from './codes.js';
import { api, onApi, errorLine } from './api.js';
import { bboxOf, pad, mapFigure, marker, line, roads } from './map.js';
import { badge } from './secretary.js';

/** The steps that fit each kind of stop (as the server checks them). */
const STEPS = CODES.steps;
/** Whether a report closes a stop of its kind (at a home visit, every report but arrived). */
const closes = (x, ev) => (CODES.closing[x.kind] || []).includes(ev);
/** A step's words: at a home visit the team is at the door, not at a pick-up. */
const stepLabel = (x, ev) => t(x.kind === 'home_visit' ? `visit_step.${ev}` : `step.${ev}`);
const EVENTS = ['trip_offered', 'trip_changed', 'trip_cancelled'];
/** The navigation apps a stop's links open (the server sends one link for each). */
const NAV_APPS = ['amap', 'baidu', 'apple', 'geo'];

function store(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return v === null ? fallback : v;
  } catch (e) {
    return fallback;
  }
}

export function mount(main, ctx) {
  const user = ctx.me.user_id;
  const K = {
    queue: `vaxride.queue.${user}`, seq: `vaxride.seq.${user}`, arrived: `vaxride.arrived.${user}`,
    seen: `vaxride.seen.${user}`, nav: `vaxride.nav.${user}`,
  };
  const st = {
    trips: [], es: null, alive: true, flushing: false, reloadTimer: null, ackTimer: null,
    pendingAck: 0, roads: null, flushTimer: null, unfolded: new Set(),
    // Each trip's map, kept across renders while what it shows is the same (so a report does
    // not undo the driver's pan and zoom).
    maps: new Map(),
  };
  const net = h('p', { id: 'net-status', class: 'net', role: 'status' });
  // The driver's navigation app, remembered on this phone; by default AMap on a Chinese page
  // and Apple Maps on an English one.
  const navApp = () => {
    const chosen = store(K.nav, null);
    return NAV_APPS.includes(chosen) ? chosen : getLang().startsWith('zh') ? 'amap' : 'apple';
  };
  const navSelect = h('select', {
    id: 'nav-app',
    onchange: (ev) => { localStorage.setItem(K.nav, JSON.stringify(ev.target.value)); render(); },
  }, NAV_APPS.map((a) => h('option', { value: a, selected: a === navApp() }, t(`nav_app.${a}`))));
  const queueBox = h('p', { id: 'queue-status', class: 'pending', 'aria-live': 'polite', hidden: true });
  const list = h('div', { id: 'trip-list' });

  const queue = () => store(K.queue, []);
  const saveQueue = (q) => localStorage.setItem(K.queue, JSON.stringify(q));
  const arrived = () => new Set(store(K.arrived, []));
  // The removed stops the driver has seen (and said so): the rest are news.
  const seen = () => new Set(store(K.seen, []));
  function markSeen(trip) {
    const all = seen();
    for (const r of trip.removed || []) all.add(r.id);
    localStorage.setItem(K.seen, JSON.stringify([...all]));
    render();
  }

  function setNet() {
    const on = navigator.onLine && (!st.es || st.es.readyState === EventSource.OPEN);
    net.className = `net ${on ? 'online' : 'offline'}`;
    net.textContent = on ? t('driver.online') : navigator.onLine ? t('driver.connecting') : t('driver.offline');
    const n = queue().length;
    queueBox.hidden = n === 0;
    queueBox.textContent = t('driver.queued', { n });
  }

  // ------------------------------------------------------------ the queue of steps

  function report(stop, event) {
    const q = queue();
    if (q.some((x) => x.stop === stop.id && x.event === event)) return;
    q.push({ key: randomKey(), stop: stop.id, event, at: Date.now() });
    saveQueue(q);
    if (event === 'arrived') {
      const a = arrived();
      a.add(stop.id);
      localStorage.setItem(K.arrived, JSON.stringify([...a]));
    }
    render();
    flush();
  }

  async function flush() {
    if (st.flushing || !navigator.onLine) { setNet(); return; }
    st.flushing = true;
    let sent = 0;
    try {
      for (;;) {
        const item = queue()[0];
        if (!item) break;
        try {
          await api('POST', `/api/stops/${item.stop}/report`, { json: { event: item.event } });
          sent += 1;
          saveQueue(queue().filter((x) => x.key !== item.key));
        } catch (e) {
          if (e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 429) break;
          // Refused for good (a step that no longer fits): drop it and say so.
          saveQueue(queue().filter((x) => x.key !== item.key));
          ctx.notify(`${t(`step.${item.event}`)}: ${errorLine(e)}`, 'error');
        }
      }
    } finally {
      st.flushing = false;
      setNet();
    }
    if (sent) reload();
  }

  // ------------------------------------------------------------ trips and the stream

  async function reload() {
    try {
      const trips = await api('GET', '/api/trips?geometry=true');
      if (!st.alive) return;
      st.trips = trips;
      st.loaded = true;
      render();
    } catch (e) {
      if (e.status !== 0) ctx.notify(errorLine(e), 'error');
    }
  }

  function scheduleReload() {
    clearTimeout(st.reloadTimer);
    st.reloadTimer = setTimeout(reload, 150);
  }

  // Acknowledgements are cumulative (every event up to seq), so one that cannot go out while
  // offline is simply sent when the stream reopens.
  function sendAck() {
    const seq = st.pendingAck;
    if (!st.alive || !seq || seq <= (st.ackedSeq || 0) || !navigator.onLine) return;
    api('POST', '/api/driver/ack', { json: { seq } })
      .then(() => { st.ackedSeq = Math.max(st.ackedSeq || 0, seq); })
      .catch(() => {});
  }

  function ack(seq) {
    st.pendingAck = Math.max(st.pendingAck, seq);
    clearTimeout(st.ackTimer);
    st.ackTimer = setTimeout(sendAck, 500);
  }

  function connect() {
    if (st.es) st.es.close();
    const last = Number(localStorage.getItem(K.seq)) || 0;
    const es = new EventSource(`/api/driver/events${last ? `?last_event_id=${last}` : ''}`);
    st.es = es;
    for (const kind of EVENTS) {
      es.addEventListener(kind, (ev) => {
        const seq = Number(ev.lastEventId) || 0;
        if (seq) localStorage.setItem(K.seq, String(seq));
        let trip = null;
        try { trip = JSON.parse(ev.data).trip; } catch (e) { /* an event without a trip */ }
        // News only once the trips are loaded (a fresh page replays the stream from its start).
        if (st.loaded && kind === 'trip_offered' && trip && !st.trips.some((x) => x.id === trip.id)) ctx.notify(t('driver.new_trip'));
        if (st.loaded && kind === 'trip_changed' && trip) {
          const known = new Set((st.trips.find((x) => x.id === trip.id)?.changes || []).map((c) => c.id));
          if ((trip.changes || []).some((c) => !c.acknowledged_at && !known.has(c.id))) ctx.notify(t('driver.trip_changed'));
        }
        scheduleReload();
        if (seq) ack(seq);
      });
    }
    es.onopen = () => { setNet(); flush(); sendAck(); };
    es.onerror = () => {
      setNet();
      if (es.readyState === EventSource.CLOSED && st.alive) setTimeout(() => { if (st.alive && st.es === es && navigator.onLine) connect(); }, 3000);
    };
  }

  async function respond(trip, accept) {
    try {
      await api('POST', `/api/trips/${trip.id}/${accept ? 'accept' : 'decline'}`);
      ctx.notify(accept ? t('driver.accepted') : t('driver.declined'));
      reload();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  // ------------------------------------------------------------ rendering

  // The trip's route on a small map; a failure to draw never hides the stops.
  // The line follows the roads when the server sent one (`geometry`), else joins the stops.
  function mapFigureWrap(trip, pts) {
    try {
      const road = Array.isArray(trip.geometry) && trip.geometry.length >= 2;
      const path = road ? trip.geometry : pts;
      // The same trip on the same roads: the same map (the driver's view kept), its stops
      // recoloured as they are done.
      const key = JSON.stringify([path.length, trip.stops.map((x) => [x.id, x.lon, x.lat]), !!st.roads]);
      const colourOf = (x) => (x.done ? '#4d4d4d' : '#1f5fa8');
      const kept = st.maps.get(trip.id);
      if (kept && kept.key === key) {
        trip.stops.forEach((x, i) => kept.marks[i].setStyle({ fillColor: colourOf(x) }));
        return kept.figure;
      }
      const { figure, overlay } = mapFigure({
        id: `trip-map-${trip.id}`, label: t('driver.map_label', { n: trip.stops.length }),
        bbox: pad(bboxOf(path.concat(pts)), 0.15), roads: st.roads, size: 'small',
      });
      overlay.addLayer(line(path, {
        colour: '#1f5fa8', dashed: !road,
        attrs: { 'data-testid': `trip-line-${trip.id}`, 'data-road': road ? 'yes' : 'no' },
      }));
      const marks = trip.stops.map((x, i) => {
        const site = x.kind === 'drop_site' || x.kind === 'pickup_site';
        const m = marker([x.lon, x.lat], site ? 'site' : 'elder', colourOf(x), 6, `${i + 1}. ${x.address}`);
        overlay.addLayer(m);
        return m;
      });
      st.maps.set(trip.id, { key, figure, marks });
      return figure;
    } catch (e) {
      return null;
    }
  }

  function stopItem(trip, x, pending, isNext, wasArrived) {
    const mine = pending.filter((p) => p.stop === x.id);
    const closedHere = x.done || mine.some((p) => closes(x, p.event));
    const said = new Set(x.said || []);
    const accepted = trip.status === 'accepted';
    const app = navApp();
    const web = app !== 'geo';
    const links = h('div', { class: 'stop-links' },
      x.phone ? h('a', { href: `tel:${x.phone.replace(/[^0-9+]/g, '')}`, 'data-testid': `call-${x.id}` }, t('driver.call', { name: x.first_name })) : null,
      x.nav ? h('a', {
        href: x.nav[app], 'data-testid': `nav-${x.id}`, 'data-app': app,
        target: web ? '_blank' : null, rel: web ? 'noopener noreferrer' : null,
      }, t('driver.navigate_with', { app: t(`nav_app.${app}`) })) : null);
    const steps = accepted && !closedHere
      ? h('div', { class: 'steps' }, (STEPS[x.kind] || []).filter((ev) => {
        // At the site the shot was given or the health check failed: one of the two, once.
        const other = { vaccinated: 'health_check_failed', health_check_failed: 'vaccinated' }[ev];
        return !other || !(said.has(other) || mine.some((p) => p.event === other));
      }).map((ev) => {
        const queued = mine.some((p) => p.event === ev);
        const done = (ev === 'arrived' && wasArrived) || said.has(ev);
        const testid = `report-${x.id}-${ev}`;
        if (ev === 'no_show') {
          // Nobody to drive: the elder's later stops leave the trip, so it asks once more.
          return twoTap(testid, {
            label: stepLabel(x, ev),
            named: t('driver.no_show_named', { name: x.first_name }),
            confirm: t('driver.no_show_confirm'),
            confirmNamed: t('driver.no_show_confirm_named', { name: x.first_name }),
          }, ctx.notify, () => report(x, ev), { class: 'big', disabled: queued });
        }
        return h('button', {
          type: 'button', class: `big ${isNext ? 'primary' : ''}`,
          'data-testid': testid, disabled: queued || done,
          onclick: () => report(x, ev),
        }, done ? `${stepLabel(x, ev)} ✓` : stepLabel(x, ev));
      }))
      : null;
    return h('li', { 'data-testid': `stop-${x.id}`, class: closedHere ? 'closed' : isNext ? 'next' : null },
      h('div', { class: 'stop-head' },
        h('span', {}, `${hhmm(x.planned)} · ${t(`kind_stop.${x.kind}`)}`),
        h('span', {}, x.first_name)),
      h('div', {}, x.address),
      x.companions || x.wheelchair
        ? h('div', { class: 'muted' }, [x.wheelchair ? t('driver.wheelchair') : null, x.companions ? t('driver.companions', { n: x.companions }) : null].filter(Boolean).join(' · '))
        : null,
      x.done ? h('p', { 'data-testid': `stop-done-${x.id}` }, badge(x.done)) : null,
      mine.length ? h('p', { class: 'pending', 'data-testid': `pending-${x.id}` }, t('driver.waiting', { steps: mine.map((p) => stepLabel(x, p.event)).join(', ') })) : null,
      closedHere ? null : links,
      steps);
  }

  /** One line for a stop taken off the trip: what it was, struck through, and why. */
  function removedLine(r) {
    return [hhmm(r.planned), t(`kind_stop.${r.kind}`), r.first_name, r.site].filter(Boolean).join(' · ');
  }

  function removedItem(r) {
    return h('li', { 'data-testid': `stop-${r.id}`, class: 'removed', 'data-removed': r.reason },
      h('div', { class: 'stop-head' }, h('s', {}, removedLine(r))),
      h('p', { class: 'why' }, t(`driver.off.${r.reason}`, { name: r.first_name })));
  }

  /** One line for a stop named in a change. */
  function changedLine(x) {
    return [hhmm(x.planned), t(`kind_stop.${x.kind}`), x.first_name].join(' · ');
  }

  // Acknowledges the trip's open changes (the server keeps that the driver saw them) and
  // marks its removed stops seen on this phone.
  async function acknowledge(trip, open) {
    try {
      for (const c of open) await api('POST', `/api/trips/${trip.id}/changes/${c.id}/acknowledge`);
      markSeen(trip);
      reload();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  // What changed since the driver last looked: each change of an accepted trip not yet
  // acknowledged (stops added, taken off, re-timed, and why), and the stops taken off an
  // offered trip that were not yet seen.
  function changes(trip, known) {
    const open = (trip.changes || []).filter((c) => !c.acknowledged_at);
    const told = new Set((trip.changes || []).flatMap((c) => c.removed.map((x) => x.id)));
    const fresh = (trip.removed || []).filter((r) => !known.has(r.id) && !told.has(r.id));
    if (!open.length && !fresh.length) return null;
    // Each change in a few lines: the first stops it names, then how many more (the trip's
    // list below shows every stop as it now is).
    const SHOWN = 5;
    const items = open.map((c) => {
      const lines = [].concat(
        c.added.map((x) => h('li', { 'data-change': 'added' }, t('driver.change_added', { stop: changedLine(x) }))),
        c.removed.map((x) => h('li', { 'data-change': 'removed' }, t('driver.change_removed', { stop: changedLine(x) }))),
        c.retimed.map((x) => h('li', { 'data-change': 'retimed' }, t('driver.change_retimed', {
          from: hhmm(x.from), to: hhmm(x.planned), stop: [t(`kind_stop.${x.kind}`), x.first_name].join(' · '),
        }))));
      const more = lines.length - SHOWN;
      return h('li', { 'data-testid': `change-${c.id}`, 'data-reason': c.reason, 'data-lines': lines.length },
        h('p', { class: 'changes-why' }, t('driver.change_title', { why: t(`change.${c.reason}`) })),
        h('ul', {}, more > 1 ? lines.slice(0, SHOWN) : lines),
        more > 1 ? h('p', { 'data-testid': `change-more-${c.id}` }, t('driver.change_more', { n: more })) : null);
    });
    return h('div', { class: 'changes', role: 'status', 'data-testid': `trip-changes-${trip.id}` },
      fresh.length ? h('p', { class: 'changes-title' }, t('driver.changed', { n: fresh.length })) : null,
      fresh.length ? h('ul', {}, fresh.map((r) => h('li', {}, `${removedLine(r)}: ${t(`driver.off.${r.reason}`, { name: r.first_name })}`))) : null,
      items.length ? h('ul', { class: 'change-list' }, items) : null,
      h('button', {
        type: 'button', class: 'big', 'data-testid': `changes-seen-${trip.id}`, onclick: () => acknowledge(trip, open),
      }, t('driver.changes_seen')));
  }

  function tripCard(trip, pending, arr, known, day) {
    let nextSet = false;
    const stops = trip.stops.map((x) => ({ at: x.position, x }))
      .concat((trip.removed || []).map((r) => ({ at: r.position, r })))
      .sort((a, b) => a.at - b.at);
    const items = stops.map(({ x, r }) => {
      if (r) return removedItem(r);
      const closed = x.done || pending.some((p) => p.stop === x.id && closes(x, p.event));
      const isNext = !closed && !nextSet;
      if (isNext) nextSet = true;
      return stopItem(trip, x, pending, isNext, arr.has(x.id));
    });
    const title = t('driver.trip_title', { id: trip.id, vehicle: trip.vehicle }) + (trip.day !== day ? ` · ${trip.day}` : '');
    const body = [
      changes(trip, known),
      trip.status === 'offered'
        ? h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'ok big', 'data-testid': `accept-${trip.id}`, onclick: () => respond(trip, true) }, t('driver.accept')),
          twoTap(`decline-${trip.id}`, {
            label: t('driver.decline'),
            named: t('driver.decline_named', { id: trip.id }),
            confirm: t('driver.decline_confirm'),
            confirmNamed: t('driver.decline_confirm_named', { id: trip.id }),
          }, ctx.notify, () => respond(trip, false), { class: 'big' }))
        : null,
      mapFigureWrap(trip, trip.stops.map((x) => [x.lon, x.lat])),
      h('ol', { class: 'stops' }, items),
    ];
    if (trip.status === 'declined') {
      // Declined: one line; the coordinator gives it to someone else. Unfolded on request.
      const fold = h('details', { open: st.unfolded.has(trip.id) },
        h('summary', { 'data-testid': `trip-summary-${trip.id}`, id: `trip-title-${trip.id}` },
          h('span', { 'data-testid': `trip-status-${trip.id}` }, badge(trip.status)),
          ` ${t('driver.declined_summary', { id: trip.id, n: trip.stops.length })}`),
        body);
      fold.addEventListener('toggle', () => {
        if (fold.open) st.unfolded.add(trip.id); else st.unfolded.delete(trip.id);
      });
      return h('article', { class: 'trip folded', 'data-testid': `trip-${trip.id}`, 'aria-labelledby': `trip-title-${trip.id}` }, fold);
    }
    return h('article', { class: 'trip', 'data-testid': `trip-${trip.id}`, 'aria-labelledby': `trip-title-${trip.id}` },
      h('h2', { id: `trip-title-${trip.id}` }, title),
      h('p', { 'data-testid': `trip-status-${trip.id}` }, badge(trip.status),
        ` ${t('driver.stops', { n: trip.stops.length })}`),
      body);
  }

  function render() {
    setNet();
    const pending = queue();
    const arr = arrived();
    const known = seen();
    const trips = [...st.trips].sort((a, b) => (a.day === b.day ? a.id - b.id : a.day < b.day ? -1 : 1));
    const day = today();
    navSelect.value = navApp();
    clear(list).append(...[].concat(trips.length
      ? trips.map((trip) => tripCard(trip, pending, arr, known, day))
      : h('p', { class: 'muted', id: 'driver-empty' }, t('driver.none'))));
  }

  const onOnline = () => { setNet(); flush(); if (!st.es || st.es.readyState === EventSource.CLOSED) connect(); };
  // Offline, the stream is closed rather than left retrying (each retry would fail and be
  // logged); it reopens on `online` with Last-Event-ID, so nothing is missed.
  const onOffline = () => { if (st.es) st.es.close(); setNet(); };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  onApi('ok', () => { if (queue().length && !st.flushing) setTimeout(flush, 0); });
  st.flushTimer = setInterval(() => { if (queue().length) flush(); }, 15000);

  main.append(h('div', { class: 'driver-view' }, h('h1', {}, t('driver.title')), net, queueBox,
    h('div', { class: 'field nav-app' }, h('label', { for: 'nav-app' }, t('driver.nav_app')), navSelect),
    list));
  setNet();
  roads().then((r) => { st.roads = r; if (st.alive) render(); }).catch(() => {});
  reload().then(() => flush());
  connect();
  return () => {
    st.alive = false;
    if (st.es) st.es.close();
    clearTimeout(st.reloadTimer);
    clearTimeout(st.ackTimer);
    clearInterval(st.flushTimer);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    onApi('ok', () => {});
  };
}
