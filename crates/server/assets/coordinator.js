// The coordinator's views: the fleet (sites, vans, vehicles, drivers), planning a day (progress
// stream, the plan on a map with its figures and the slot-load chart, publishing) and the
// day's trips (declined ones reassigned).
//
// Ids: fleet: #site-table #van-table #vehicle-table #driver-table; forms #site-form
// (#site-name #site-kind #site-van #site-day #site-lon #site-lat #site-address #site-open
// #site-close #site-slot #site-capacity #site-save #site-error), #van-form (#van-name
// #van-save #van-error), #vehicle-form (#vehicle-name #vehicle-seats #vehicle-wheelchairs
// #vehicle-features #vehicle-from #vehicle-to #vehicle-lon #vehicle-lat #vehicle-shots
// (a home-visit team's shots a day; empty for a car) #vehicle-save
// #vehicle-error), #driver-form (#driver-name #driver-phone #driver-vehicle #driver-save
// #driver-error; in the table: driver-edit-<id>).
// plan: #plan-day #plan-seconds #plan-run #plan-progress #plan-stage #plan-best #plan-result
// #plan-map (map data-testid="plan-map-view", route paths data-testid="route-<vehicleId>")
// #plan-legend #plan-figures (values data-testid="fig-<name>") #plan-unserved #slot-chart
// (data-testid="slot-chart-<siteId>") #plan-publish #plan-status.
// trips: #trips-day #trip-table (rows data-testid="trip-row-<id>", status
// data-testid="trip-status-<id>", reassign selects #reassign-vehicle-<id>, buttons
// data-testid="reassign-<id>"; a ride moved by hand: #move-ride-<id>, #move-vehicle-<id>,
// data-testid="move-<id>") #trips-refreshed.

import { h, clear, replace, field, hhmm, today, table, twoTap, wholeDay } from './dom.js';
import { t, getLang, clockTime } from './i18n.js';
import { CODES } from './codes.js';
import { api, errorLine, errorText, fieldLines } from './api.js';
import { bboxOf, pad, mapFigure, marker, label, line, ring, colour, roads, slotCharts } from './map.js';
import { badge, reasonText } from './secretary.js';
import { dayLog } from './daylog.js';

const REFRESH_MS = 5000;

export function errorInto(box, e) {
  clear(box).append(h('span', {}, errorText(e)));
  const lines = fieldLines(e);
  if (lines.length) box.append(h('ul', {}, lines.map((l) => h('li', {}, l))));
}

/** Unix seconds as the local time, with the date unless it is today. */
function when(unix) {
  const d = new Date(unix * 1000);
  const sameDay = d.toDateString() === new Date().toDateString();
  const opts = sameDay ? { hour: '2-digit', minute: '2-digit' }
    : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' };
  return d.toLocaleString(getLang(), opts);
}

function dayOf() {
  return sessionStorage.getItem('vaxride.day') || today();
}

/** A collapsible add form: fields, a save button, an error line; `submit(values)` posts. */
// A form in a <details> that adds (POST) or, after `box.edit(id, name, values)`, changes
// (PUT) one object; `submit(v, editingId)` sends it.
/** A feature's words in the page's language (a code the list does not know, as it is). */
function featureName(code) {
  return CODES.feature.includes(code) ? t(`feature.${code}`) : code;
}

/**
 * The vehicle's features: one checkbox per feature of the fixed list. Its `value` is the
 * checked codes joined by commas, so that `addForm` reads and sets it like an input.
 */
function featurePicker(id) {
  const boxes = CODES.feature.map((f) => h('input', { type: 'checkbox', value: f, id: `${id}-${f}` }));
  const set = h('fieldset', { id, class: 'checks' }, h('legend', {}, t('vehicle.features')),
    boxes.map((b) => h('label', { class: 'check', for: b.id }, b, ` ${t(`feature.${b.value}`)}`)));
  Object.defineProperty(set, 'value', {
    get: () => boxes.filter((b) => b.checked).map((b) => b.value).join(','),
    set: (v) => { const on = String(v).split(','); for (const b of boxes) b.checked = on.includes(b.value); },
  });
  return set;
}

export function addForm(prefix, title, fields, submit) {
  const err = h('div', { id: `${prefix}-error`, class: 'error', role: 'alert' });
  const note = h('p', { id: `${prefix}-editing`, class: 'muted', 'aria-live': 'polite' });
  const save = h('button', { id: `${prefix}-save`, type: 'submit', class: 'primary' }, t('add'));
  const stop = h('button', { id: `${prefix}-cancel-edit`, type: 'button', hidden: true }, t('cancel'));
  const form = h('form', { id: `${prefix}-form`, novalidate: true },
    note,
    h('div', { class: 'grid three' }, fields),
    err,
    h('div', { class: 'actions' }, save, stop));
  let editing = null;
  function leaveEdit() {
    editing = null;
    form.reset();
    note.textContent = '';
    save.textContent = t('add');
    stop.hidden = true;
  }
  stop.addEventListener('click', () => { clear(err); leaveEdit(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(err);
    const v = (id) => form.querySelector(`#${prefix}-${id}`).value;
    try {
      await submit(v, editing);
      leaveEdit();
    } catch (e) {
      errorInto(err, e);
    }
  });
  const box = h('details', { class: 'card' }, h('summary', {}, title), form);
  box.edit = (id, name, values) => {
    clear(err);
    editing = id;
    for (const [k, val] of Object.entries(values)) form.querySelector(`#${prefix}-${k}`).value = val;
    note.textContent = t('fleet.editing', { name });
    save.textContent = t('fleet.save_changes');
    stop.hidden = false;
    box.open = true;
    box.scrollIntoView({ block: 'nearest' });
    form.querySelector('input, select').focus();
  };
  return box;
}

// Edit and retire buttons for a row (either may be null); retiring asks once more on the same
// button.
function rowActions(prefix, id, name, ctx, onEdit, onRetire) {
  const edit = onEdit ? h('button', {
    type: 'button', 'data-testid': `${prefix}-edit-${id}`, 'aria-label': t('fleet.edit_named', { name }), onclick: onEdit,
  }, t('fleet.edit')) : null;
  const retire = onRetire ? twoTap(`${prefix}-retire-${id}`, {
    label: t('fleet.retire'),
    named: t('fleet.retire_named', { name }),
    confirm: t('fleet.retire_confirm'),
    confirmNamed: t('fleet.retire_confirm_named', { name }),
  }, ctx.notify, onRetire) : null;
  return h('td', {}, h('div', { class: 'row-actions' }, edit, retire));
}

export const input = (attrs = {}) => h('input', { autocomplete: 'off', ...attrs });

/** Reads each of `sources` ({key: API path}) into `data[key]`, all at once, then `render()`s;
 * a failure is a notice. */
export async function loadInto(data, sources, render, ctx) {
  try {
    const got = await Promise.all(Object.values(sources).map((path) => api('GET', path)));
    Object.keys(sources).forEach((key, i) => { data[key] = got[i]; });
    render();
  } catch (e) {
    ctx.notify(errorText(e), 'error');
  }
}

// ---------------------------------------------------------------- fleet

export function fleet(main, ctx) {
  const boxes = { sites: h('div', {}), vans: h('div', {}), vehicles: h('div', {}), drivers: h('div', {}) };
  const data = { sites: [], vans: [], vehicles: [], drivers: [] };
  const vanSelect = h('select', {});
  const vehicleSelect = h('select', {});

  function render() {
    const vehicleName = new Map(data.vehicles.map((v) => [v.id, v.name]));
    clear(boxes.sites).append(table({ id: 'site-table' }, t('fleet.sites_caption', { n: data.sites.length }),
      [t('site.name'), t('site.kind'), t('site.hours'), t('site.slot'), t('site.capacity'), t('site.doses'), t('site.day'), t('fleet.actions')],
      data.sites.map((x) => h('tr', { 'data-testid': `site-row-${x.id}` },
        h('td', {}, x.name), h('td', {}, t(`kind.${x.kind}`)), h('td', {}, `${hhmm(x.open_from)}–${hhmm(x.open_to)}`),
        h('td', { class: 'num' }, x.slot_minutes), h('td', { class: 'num' }, x.capacity_per_slot),
        h('td', {}, (x.doses || []).map((d) => t(`site_dose.${d}`)).join(', ')), h('td', {}, x.day || ''),
        rowActions('site', x.id, x.name, ctx, null, () => retireOne('sites', x.id))))));
    clear(boxes.vans).append(table({ id: 'van-table' }, t('fleet.vans_caption', { n: data.vans.length }),
      [t('van.name'), t('van.stops')],
      data.vans.map((v) => h('tr', { 'data-testid': `van-row-${v.id}` },
        h('td', {}, v.name),
        h('td', {}, v.stops.length ? v.stops.map((x) => `${x.day || ''} ${hhmm(x.open_from)} ${x.name}`).join('; ') : '—')))));
    clear(boxes.vehicles).append(table({ id: 'vehicle-table' }, t('fleet.vehicles_caption', { n: data.vehicles.length }),
      [t('vehicle.name'), t('vehicle.seats'), t('vehicle.wheelchairs'), t('vehicle.features'), t('vehicle.shift'), t('fleet.actions')],
      data.vehicles.map((v) => h('tr', { 'data-testid': `vehicle-row-${v.id}` },
        h('td', {}, v.name), h('td', { class: 'num' }, v.seats), h('td', { class: 'num' }, v.wheelchairs),
        h('td', { 'data-testid': `vehicle-kind-${v.id}` }, v.team
          ? t('vehicle.team_line', { n: v.team.shots_per_day })
          : (v.features || []).map(featureName).join(', ')), h('td', {}, `${hhmm(v.shift_from)}–${hhmm(v.shift_to)}`),
        rowActions('vehicle', v.id, v.name, ctx, () => vehicleForm.edit(v.id, v.name, {
          name: v.name, seats: v.seats, wheelchairs: v.wheelchairs, features: (v.features || []).join(','),
          shots: v.team ? v.team.shots_per_day : '',
          from: hhmm(v.shift_from), to: hhmm(v.shift_to), lon: v.start.lon, lat: v.start.lat,
        }), () => retireOne('vehicles', v.id))))));
    clear(boxes.drivers).append(table({ id: 'driver-table' }, t('fleet.drivers_caption', { n: data.drivers.length }),
      [t('driver.name'), t('driver.phone'), t('driver.vehicle'), t('fleet.actions')],
      data.drivers.map((d) => h('tr', { 'data-testid': `driver-row-${d.id}` },
        h('td', {}, d.name), h('td', {}, d.phone), h('td', {}, vehicleName.get(d.vehicle_id) || '—'),
        rowActions('driver', d.id, d.name, ctx, () => driverForm.edit(d.id, d.name, {
          name: d.name, phone: d.phone, vehicle: d.vehicle_id ?? '',
        }), null)))));
    const keepVan = vanSelect.value;
    clear(vanSelect).append(h('option', { value: '' }, '—'), ...data.vans.map((v) => h('option', { value: v.id }, v.name)));
    vanSelect.value = keepVan;
    const keepVehicle = vehicleSelect.value;
    clear(vehicleSelect).append(h('option', { value: '' }, '—'), ...data.vehicles.map((v) => h('option', { value: v.id }, v.name)));
    vehicleSelect.value = keepVehicle;
  }

  async function retireOne(kind, id) {
    try {
      await api('DELETE', `/api/${kind}/${id}`);
      ctx.notify(t('fleet.retired'));
      load();
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
  }

  const load = () => loadInto(data, {
    sites: '/api/sites', vans: '/api/vans', vehicles: '/api/vehicles', drivers: '/api/drivers',
  }, render, ctx);

  const kind = h('select', {}, CODES.site_kind.map((k) => h('option', { value: k }, t(`kind.${k}`))));
  const siteForm = addForm('site', t('fleet.add_site'), [
    field('site-name', t('site.name'), input({ required: true, maxlength: 100 })),
    field('site-kind', t('site.kind'), kind),
    field('site-van', t('site.van'), vanSelect),
    field('site-day', t('site.day'), input({ type: 'date' })),
    field('site-lon', t('elder.lon'), input({ inputmode: 'decimal', required: true })),
    field('site-lat', t('elder.lat'), input({ inputmode: 'decimal', required: true })),
    field('site-address', t('elder.address'), input({ maxlength: 200 })),
    field('site-open', t('site.open'), input({ type: 'time', value: '08:00', required: true })),
    field('site-close', t('site.close'), input({ type: 'time', value: '17:00', required: true })),
    field('site-slot', t('site.slot'), input({ type: 'number', min: 5, max: 240, value: 15 })),
    field('site-capacity', t('site.capacity'), input({ type: 'number', min: 1, value: 10 })),
  ], async (v) => {
    const body = {
      name: v('name'), kind: v('kind'), location: { lon: Number(v('lon')), lat: Number(v('lat')) },
      address: v('address'), hours: [v('open'), v('close')],
      slot_minutes: Number(v('slot')), capacity_per_slot: Number(v('capacity')),
    };
    if (v('kind') === 'van_stop') {
      body.van_id = v('van') ? Number(v('van')) : null;
      body.day = v('day') || null;
    } else if (v('day')) {
      body.day = v('day');
    }
    await api('POST', '/api/sites', { json: body });
    ctx.notify(t('saved'));
    load();
  });
  const vanForm = addForm('van', t('fleet.add_van'), [
    field('van-name', t('van.name'), input({ required: true, maxlength: 100 })),
  ], async (v) => {
    await api('POST', '/api/vans', { json: { name: v('name') } });
    ctx.notify(t('saved'));
    load();
  });
  const vehicleForm = addForm('vehicle', t('fleet.add_vehicle'), [
    field('vehicle-name', t('vehicle.name'), input({ required: true, maxlength: 100 })),
    field('vehicle-seats', t('vehicle.seats'), input({ type: 'number', min: 1, max: 60, value: 4 })),
    field('vehicle-wheelchairs', t('vehicle.wheelchairs'), input({ type: 'number', min: 0, max: 10, value: 0 })),
    featurePicker('vehicle-features'),
    field('vehicle-from', t('vehicle.from'), input({ type: 'time', value: '07:00', required: true })),
    field('vehicle-to', t('vehicle.to'), input({ type: 'time', value: '18:00', required: true })),
    field('vehicle-lon', t('vehicle.start_lon'), input({ inputmode: 'decimal', required: true })),
    field('vehicle-lat', t('vehicle.start_lat'), input({ inputmode: 'decimal', required: true })),
    field('vehicle-shots', t('vehicle.team_shots'), input({ type: 'number', min: 1, max: 500 })),
  ], async (v, editing) => {
    await api(editing ? 'PUT' : 'POST', editing ? `/api/vehicles/${editing}` : '/api/vehicles', {
      json: {
        name: v('name'), seats: Number(v('seats')), wheelchairs: Number(v('wheelchairs')),
        features: v('features').split(',').filter(Boolean), shift: [v('from'), v('to')],
        start: { lon: Number(v('lon')), lat: Number(v('lat')) },
        team: v('shots') ? { shots_per_day: Number(v('shots')) } : null,
      },
    });
    ctx.notify(t('saved'));
    load();
  });
  const driverForm = addForm('driver', t('fleet.add_driver'), [
    field('driver-name', t('driver.name'), input({ required: true, maxlength: 100 })),
    field('driver-phone', t('driver.phone'), input({ type: 'tel', required: true, maxlength: 30 })),
    field('driver-vehicle', t('driver.vehicle'), vehicleSelect),
  ], async (v, editing) => {
    await api(editing ? 'PUT' : 'POST', editing ? `/api/drivers/${editing}` : '/api/drivers', {
      json: { name: v('name'), phone: v('phone'), vehicle_id: v('vehicle') ? Number(v('vehicle')) : null },
    });
    ctx.notify(t('saved'));
    load();
  });

  main.append(h('h1', {}, t('fleet.title')),
    h('section', { 'aria-labelledby': 'h-sites' }, h('h2', { id: 'h-sites' }, t('fleet.sites')), siteForm, boxes.sites),
    h('section', { 'aria-labelledby': 'h-vans' }, h('h2', { id: 'h-vans' }, t('fleet.vans')), vanForm, boxes.vans),
    h('section', { 'aria-labelledby': 'h-vehicles' }, h('h2', { id: 'h-vehicles' }, t('fleet.vehicles')), vehicleForm, boxes.vehicles),
    h('section', { 'aria-labelledby': 'h-drivers' }, h('h2', { id: 'h-drivers' }, t('fleet.drivers')), driverForm, boxes.drivers));
  load();
  return null;
}

// ---------------------------------------------------------------- planning

function minutes(sec) {
  return Math.round((sec || 0) / 60);
}

export function plan(main, ctx) {
  const st = { es: null, alive: true, plan: null };
  const dayInput = input({ type: 'date', value: dayOf(), required: true });
  const secs = input({ type: 'number', min: 1, max: 300, value: 20 });
  const runBtn = h('button', { id: 'plan-run', type: 'submit', class: 'primary' }, t('plan.run'));
  // Shown while a job runs: stops it (the server ends it within seconds).
  const cancelBtn = h('button', { id: 'plan-cancel', type: 'button', hidden: true }, t('plan.cancel'));
  const progress = h('progress', { id: 'plan-progress', max: 100, value: 0, 'aria-labelledby': 'plan-stage' });
  const stage = h('p', { id: 'plan-stage', 'aria-live': 'polite' }, t('plan.idle'));
  // While the page cannot reach the server during a run (it goes on there, and is followed
  // again when the server answers).
  const link = h('p', { id: 'plan-link', class: 'warn-text', role: 'status' });
  const best = h('p', { id: 'plan-best', class: 'muted' });
  const result = h('div', { id: 'plan-result' });
  const runErr = h('div', { id: 'plan-error', class: 'error', role: 'alert' });
  const listBox = h('section', { id: 'plan-list', class: 'card', 'aria-labelledby': 'h-plans' });
  const listTitle = h('h2', { id: 'h-plans' }, t('plans.title', { day: dayInput.value }));
  // Answers that arrive after a newer request (another day, another plan) are dropped.
  const seq = { list: 0, load: 0 };
  const planKey = (day) => `vaxride.plan.${day}`;
  const canList = Boolean(ctx.me && ctx.me.district_id);

  // The last list fetched (its day and plans), and the day of a list on its way.
  const list = { day: null, plans: [], pending: null };

  // The day's plans (newest first): which is published, which is shown, and a button to show
  // another. With `pick` and no plan shown, the published one (else the newest) is shown.
  // `again`: ask once more when the list lacks the plan shown (it left before a run saved it).
  async function refreshList(pick, again = true) {
    const day = dayInput.value;
    const mine = ++seq.list;
    listTitle.textContent = t('plans.title', { day });
    if (!canList || !day) { list.pending = null; clear(listBox).append(listTitle); return; }
    let plans;
    list.pending = day;
    try {
      plans = await api('GET', `/api/plans?day=${encodeURIComponent(day)}`);
    } catch (e) {
      if (mine !== seq.list || !st.alive) return;
      list.pending = null;
      clear(listBox).append(listTitle, h('p', { class: 'error' }, errorText(e)));
      return;
    }
    if (mine !== seq.list || !st.alive) return;
    list.pending = null;
    if (dayInput.value !== day) return;
    list.day = day;
    list.plans = plans;
    renderList(plans, day, pick);
    if (again && st.plan && st.plan.day === day && !plans.some((x) => x.id === st.plan.id)) refreshList(false, false);
  }

  // Marks the plan now shown in the day's list: from the list already fetched when it holds
  // the plan as it is now (no second request when a remembered plan opens), else a fresh one
  // (a new run, a status that moved on).
  function markShown(p, day) {
    if (list.pending === day) return; // the list on its way reads st.plan when it arrives
    const row = list.day === day ? list.plans.find((x) => x.id === p.id) : null;
    if (row && row.status === p.status) renderList(list.plans, day, false);
    else refreshList(false);
  }

  function renderList(plans, day, pick) {
    const shown = st.plan && st.plan.day === day ? st.plan.id : null;
    clear(listBox).append(listTitle);
    if (!plans.length) {
      listBox.append(h('p', { class: 'muted', id: 'plan-list-empty' }, t('plans.none')));
      if (shown === null) clear(result);
      return;
    }
    listBox.append(table({ id: 'plan-table' }, null,
      [t('plans.version'), t('plans.status'), t('plans.served'), t('plans.why'), t('plans.created'), t('fleet.actions')],
      plans.map((x) => h('tr', { 'data-testid': `plan-row-${x.id}`, class: x.id === shown ? 'current' : null },
        h('td', {}, `#${x.id} · ${t('plans.version_n', { n: x.version })}`),
        h('td', { 'data-testid': `plan-status-${x.id}`, 'data-status': x.status }, t(`plan_status.${x.status}`)),
        h('td', {}, `${(x.figures || {}).served ?? 0} / ${(x.figures || {}).requested ?? 0}`),
        h('td', { 'data-testid': `plan-why-${x.id}` },
          x.reason ? t('plans.repair_of', { why: t(`change.${x.reason}`) }) : t('plans.run_by_coordinator'),
          x.changes ? h('div', { class: 'muted' }, t('plans.changes', { drivers: x.changes.disturbed, minutes: x.changes.moved_minutes })) : null),
        h('td', {}, when(x.created_at)),
        h('td', {}, x.id === shown
          ? h('span', { class: 'muted' }, t('plans.shown'))
          : h('button', {
            type: 'button', 'data-testid': `plan-show-${x.id}`,
            'aria-label': t('plans.show_named', { id: x.id, n: x.version }),
            onclick: () => {
              sessionStorage.setItem(planKey(day), x.id);
              loadPlan(x.id, day);
            },
          }, t('plans.show')))))));
    if (pick && shown === null) {
      const chosen = plans.find((x) => x.status === 'published') || plans[0];
      loadPlan(chosen.id, day);
    }
  }

  function closeStream() {
    link.textContent = '';
    if (st.es) { st.es.close(); st.es = null; }
    cancelBtn.hidden = true;
    cancelBtn.onclick = null;
  }

  function showProgress(p) {
    link.textContent = '';
    progress.value = p.percent || 0;
    progress.textContent = `${p.percent || 0}%`;
    stage.textContent = t('plan.stage', { stage: t(`stage.${p.stage}`), percent: p.percent || 0 });
    best.textContent = p.best_served !== null && p.best_served !== undefined ? t('plan.best', { served: p.best_served }) : '';
  }

  const form = h('form', { id: 'plan-form', class: 'card', novalidate: true },
    h('div', { class: 'row' },
      field('plan-day', t('plan.day'), dayInput),
      field('plan-seconds', t('plan.seconds'), secs),
      runBtn, cancelBtn),
    runErr,
    h('div', { class: 'progress-box' }, stage, progress, best, link));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(runErr);
    closeStream();
    sessionStorage.setItem('vaxride.day', dayInput.value);
    runBtn.disabled = true;
    showProgress({ percent: 0, stage: 'queued' });
    const day = dayInput.value;
    try {
      const job = await api('POST', '/api/plans/run', { json: { day, seconds: Number(secs.value) || 20 } });
      follow(job.job, day);
    } catch (e) {
      errorInto(runErr, e);
      runBtn.disabled = false;
    }
  });

  // Follows a planning job for `day`; its plan is remembered for that day, and shown if the
  // page still shows that day.
  function follow(job, day) {
    const es = new EventSource(`/api/plans/jobs/${job}/events`);
    st.es = es;
    cancelBtn.hidden = false;
    cancelBtn.disabled = false;
    cancelBtn.onclick = async () => {
      cancelBtn.disabled = true;
      try {
        await api('POST', `/api/plans/jobs/${job}/cancel`, { json: {} });
      } catch (e) {
        errorInto(runErr, e);
        cancelBtn.disabled = false;
      }
    };
    es.addEventListener('progress', (ev) => showProgress(JSON.parse(ev.data)));
    es.addEventListener('done', (ev) => {
      const p = JSON.parse(ev.data);
      closeStream();
      showProgress(p);
      runBtn.disabled = false;
      if (p.plan_id) {
        sessionStorage.setItem(planKey(day), p.plan_id);
        if (dayInput.value === day) loadPlan(p.plan_id, day);
      }
    });
    es.addEventListener('cancelled', () => {
      closeStream();
      runBtn.disabled = false;
      stage.textContent = t('plan.cancelled');
    });
    es.addEventListener('failed', (ev) => {
      const p = JSON.parse(ev.data);
      closeStream();
      runBtn.disabled = false;
      stage.textContent = t('plan.failed', { error: p.error || '' });
    });
    es.onerror = () => {
      // The stream is re-opened by the browser; after the end it is closed above.
      if (es.readyState === EventSource.CLOSED) { runBtn.disabled = false; st.es = null; return; }
      link.textContent = t('plan.reconnecting');
    };
  }

  // Shows plan `id` of `day` (only if it is still the latest plan asked for and the page still
  // shows that day).
  async function loadPlan(id, day) {
    const mine = ++seq.load;
    try {
      const [p, sites, communities, roadNet, bookingsOfDay, vehicles] = await Promise.all([
        api('GET', `/api/plans/${id}`), api('GET', '/api/sites'), api('GET', '/api/communities'),
        roads().catch(() => null), api('GET', `/api/bookings?day=${encodeURIComponent(day)}`).catch(() => []),
        api('GET', '/api/vehicles').catch(() => []),
      ]);
      if (!st.alive || mine !== seq.load || dayInput.value !== day) return;
      st.plan = p;
      renderPlan(p, sites, communities, roadNet, bookingsOfDay, vehicles);
      markShown(p, day);
    } catch (e) {
      if (!st.alive || mine !== seq.load) return;
      if (e.status === 404 || e.status === 403) {
        // Remembered from another login or removed: show the day's plan instead.
        sessionStorage.removeItem(planKey(day));
        if (dayInput.value === day) refreshList(true);
        return;
      }
      ctx.notify(errorText(e), 'error');
    }
  }

  function renderPlan(p, sites, communities, roadNet, bookingsOfDay, vehicles) {
    const siteById = new Map(sites.map((x) => [x.id, x]));
    const vehicleName = new Map(vehicles.map((v) => [v.id, v.name]));
    const elderOf = new Map(bookingsOfDay.map((b) => [b.booking_id ?? b.id, b.elder_name]));
    const routes = (p.routes && p.routes.routes) || [];
    const geo = (p.routes && p.routes.geometry) || { features: [] };
    const clusters = geo.clusters || [];
    const routeIndex = new Map(routes.map((r, i) => [r.vehicle_id, i]));
    const pts = [];
    for (const f of geo.features) pts.push(...f.geometry.coordinates);
    for (const x of sites) pts.push([x.location.lon, x.location.lat]);
    for (const c of communities) pts.push([c.centre.lon, c.centre.lat]);
    for (const u of geo.unserved || []) pts.push([u.point.lon, u.point.lat]);
    const bbox = pad(bboxOf(pts) || (roadNet && roadNet.bbox) || [0, 0, 0.01, 0.01]);
    const { figure: map, overlay } = mapFigure({
      id: 'plan-map', label: t('plan.map_label', { n: routes.length }), bbox, roads: roadNet, size: 'large',
    });
    clusters.forEach((c, i) => {
      overlay.addLayer(ring([c.centre.lon, c.centre.lat], 30,
        t('plan.cluster_title', { n: i + 1, bookings: c.bookings, vehicles: c.vehicles }), 'cluster'));
    });
    for (const f of geo.features) {
      const i = routeIndex.get(f.properties.vehicle_id) ?? 0;
      overlay.addLayer(line(f.geometry.coordinates, {
        colour: colour(i), title: vehicleName.get(f.properties.vehicle_id) || `#${f.properties.vehicle_id}`,
        attrs: { 'data-testid': `route-${f.properties.vehicle_id}`, 'data-route': f.properties.vehicle_id },
      }));
    }
    const r = 5;
    routes.forEach((rt, i) => {
      for (const stop of rt.stops) {
        if (stop.kind !== 'pickup_home' && stop.kind !== 'home_visit') continue;
        overlay.addLayer(marker([stop.point.lon, stop.point.lat], 'elder', colour(i), r,
          `${elderOf.get(stop.booking_id) || `#${stop.booking_id}`} · ${hhmm(stop.start)}`, null,
          { 'data-route': rt.vehicle_id }));
      }
    });
    const reasonOf = new Map((p.unserved || []).map((u) => [u.booking_id, u.reason]));
    for (const u of geo.unserved || []) {
      overlay.addLayer(marker([u.point.lon, u.point.lat], 'unserved', '#ffffff', r,
        `${elderOf.get(u.booking_id) || `#${u.booking_id}`}: ${reasonText(reasonOf.get(u.booking_id))}`));
    }
    for (const x of sites) {
      overlay.addLayer(marker([x.location.lon, x.location.lat], x.kind === 'van_stop' ? 'van' : 'site', '#1a1a1a', r + 2,
        `${x.name} (${t(`kind.${x.kind}`)})`));
    }
    for (const c of communities) overlay.addLayer(label([c.centre.lon, c.centre.lat], c.name));
    // One route at a time: a legend entry pressed fades the other routes.
    const highlight = (vehicleId, btn) => {
      const on = btn.getAttribute('aria-pressed') !== 'true';
      for (const b of legend.querySelectorAll('button[aria-pressed]')) b.setAttribute('aria-pressed', 'false');
      btn.setAttribute('aria-pressed', String(on));
      // The other routes' lines and their elders' markers.
      for (const path of map.querySelectorAll('path[data-route]')) {
        path.classList.toggle('faded', on && path.dataset.route !== String(vehicleId));
      }
    };
    const legend = h('ul', { class: 'legend', id: 'plan-legend' },
      routes.map((rt, i) => {
        const sw = h('span', { class: 'swatch' });
        sw.style.background = colour(i);
        const name = vehicleName.get(rt.vehicle_id) || `#${rt.vehicle_id}`;
        return h('li', {}, h('button', {
          type: 'button', class: 'quiet legend-route', 'aria-pressed': 'false',
          'data-testid': `legend-${rt.vehicle_id}`,
          onclick: (ev) => highlight(rt.vehicle_id, ev.currentTarget),
        }, sw, `${name} · ${t('plan.legend_stops', { n: rt.stops.length })}`));
      }),
      h('li', {}, t('plan.legend_symbols')));
    const fg = p.figures || {};
    const fig = (name, value) => h('div', {}, h('dt', {}, t(`fig.${name}`)), h('dd', { 'data-testid': `fig-${name}` }, value));
    const figures = h('dl', { class: 'figures', id: 'plan-figures' },
      fig('served', `${fg.served ?? 0} / ${fg.requested ?? 0}`),
      fig('unserved', String((fg.requested ?? 0) - (fg.served ?? 0))),
      fig('vehicles', String(fg.vehicles_used ?? routes.length)),
      fig('driver_hours', (Number(fg.driver_seconds || 0) / 3600).toFixed(1)),
      fig('mean_ride', t('minutes', { n: minutes(fg.mean_ride_seconds) })),
      fig('max_ride', t('minutes', { n: minutes(fg.max_ride_seconds) })),
      fig('excess_ride', t('minutes', { n: minutes(fg.mean_excess_ride_seconds) })));
    const reasons = Object.entries(fg.unserved_by_reason || {});
    const unserved = h('section', { id: 'plan-unserved', 'aria-labelledby': 'h-unserved' },
      h('h3', { id: 'h-unserved' }, t('plan.unserved_title')),
      reasons.length
        ? h('ul', {}, reasons.map(([code, n]) => h('li', { 'data-testid': `reason-${code}` },
          h('strong', {}, `${n} × `), reasonText(code))))
        : h('p', { class: 'muted' }, t('plan.all_served')),
      (p.unserved || []).length
        ? h('details', {}, h('summary', {}, t('plan.unserved_list')),
          h('ul', {}, p.unserved.map((u) => h('li', {}, `${elderOf.get(u.booking_id) || `#${u.booking_id}`}: ${reasonText(u.reason)}`))))
        : null);
    const status = h('p', { id: 'plan-status' }, t('plan.status_line', { id: p.id, version: p.version, status: t(`plan_status.${p.status}`) }));
    const publish = h('button', {
      id: 'plan-publish', type: 'button', class: 'primary big', disabled: p.status !== 'draft',
      onclick: async () => {
        publish.disabled = true;
        try {
          const r = await api('POST', `/api/plans/${p.id}/publish`);
          ctx.notify(t('plan.published'));
          st.plan = r;
          status.textContent = t('plan.status_line', { id: r.id, version: r.version, status: t(`plan_status.${r.status}`) });
          refreshList(false);
          log.refresh();
        } catch (e) {
          ctx.notify(errorText(e), 'error');
          publish.disabled = false;
        }
      },
    }, t('plan.publish'));
    clear(result).append(
      h('h2', {}, t('plan.result_title', { day: p.day })),
      status,
      h('div', { class: 'split' },
        h('div', {}, map, legend),
        h('div', {}, figures, unserved, h('div', { class: 'actions' }, publish))),
      h('section', { 'aria-labelledby': 'h-chart' },
        h('h3', { id: 'h-chart' }, t('plan.chart_title')),
        slotCharts(fg.slots, (id) => siteById.get(id) || { name: `#${id}` })));
  }

  // The day's events and their repairs; a repair applied or proposed shows in the list too.
  const log = dayLog(() => dayInput.value, (id) => {
    sessionStorage.setItem(planKey(dayInput.value), id);
    loadPlan(id, dayInput.value);
    refreshList(false);
  }, 2 * REFRESH_MS);
  main.append(h('h1', {}, t('plan.title')), form, log.box, listBox, result);
  function showDay() {
    const day = dayInput.value;
    st.plan = null;
    seq.load += 1;
    clear(result);
    const remembered = sessionStorage.getItem(planKey(day));
    if (remembered) {
      refreshList(false);
      loadPlan(Number(remembered), day);
    } else {
      refreshList(true);
    }
  }
  dayInput.addEventListener('change', () => {
    if (!wholeDay(dayInput.value)) return;
    sessionStorage.setItem('vaxride.day', dayInput.value);
    showDay();
    log.refresh();
  });
  showDay();
  return () => { st.alive = false; closeStream(); log.stop(); };
}

// ---------------------------------------------------------------- trips of the day

const KIND_SHORT = { pickup_home: 'kind_stop.pickup_home', drop_site: 'kind_stop.drop_site', pickup_site: 'kind_stop.pickup_site', drop_home: 'kind_stop.drop_home', home_visit: 'kind_stop.home_visit' };

/** The most seats and wheelchair places a trip's stops need at once. */
export function peakLoad(stops) {
  let [seats, chairs, maxSeats, maxChairs] = [0, 0, 0, 0];
  for (const x of stops.filter((s) => s.kind !== 'home_visit')) {
    const sign = x.kind === 'pickup_home' || x.kind === 'pickup_site' ? 1 : -1;
    seats += sign * ((x.companions || 0) + (x.wheelchair ? 0 : 1));
    chairs += sign * (x.wheelchair ? 1 : 0);
    maxSeats = Math.max(maxSeats, seats);
    maxChairs = Math.max(maxChairs, chairs);
  }
  return [maxSeats, maxChairs];
}

export function trips(main, ctx) {
  const st = { timer: null, alive: true, vehicles: [], drivers: new Map(), driven: new Set(), chosen: new Map() };
  const dayInput = input({ type: 'date', value: dayOf(), required: true });
  const box = h('div', { id: 'trip-box' });
  const refreshed = h('p', { id: 'trips-refreshed', class: 'muted' });

  function where(tr) {
    const done = tr.stops.filter((x) => x.done).length;
    const next = tr.stops.find((x) => !x.done);
    return h('span', {}, t('trips.progress', { done, n: tr.stops.length }),
      next ? h('span', { class: 'muted' }, ` · ${t('trips.next')}: ${hhmm(next.planned)} ${t(KIND_SHORT[next.kind])} ${next.first_name}`) : null);
  }

  function render(list) {
    if (document.activeElement && document.activeElement.closest && document.activeElement.closest('#trip-table select')) return;
    const declined = list.filter((x) => x.status === 'declined').length;
    // A declined trip can go to a vehicle with a driver and no trip of its own
    // that day, and room for the trip's most riders at once (the server checks again).
    const busy = new Set(list.map((x) => x.vehicle_id));
    const free = st.vehicles.filter((v) => st.driven.has(v.id) && !busy.has(v.id));
    const fits = (tr) => {
      const [seats, chairs] = peakLoad(tr.stops);
      const first = tr.stops.length ? tr.stops[0].planned : null;
      const last = tr.stops.length ? tr.stops[tr.stops.length - 1].planned : null;
      // Home visits go to a team with the shots, rides to a car (the server checks again).
      const visits = tr.stops.filter((x) => x.kind === 'home_visit').length;
      const kind = (v) => (visits ? !!v.team && v.team.shots_per_day >= visits : !v.team);
      return free.filter((v) => kind(v) && v.seats >= seats && v.wheelchairs >= chairs
        && (first === null || (v.shift_from <= first && last <= v.shift_to)));
    };
    replace(box,
      declined ? h('p', { class: 'error', id: 'trips-declined' }, t('trips.declined_count', { n: declined })) : null,
      list.length
        ? table({ id: 'trip-table' }, t('trips.caption', { n: list.length }),
          [t('col.trip'), t('col.vehicle'), t('col.driver'), t('col.status'), t('trips.where'), t('trips.reassign')],
          list.map((tr) => {
            const room = tr.status === 'declined' ? fits(tr) : [];
            const sel = h('select', { id: `reassign-vehicle-${tr.id}` },
              room.map((v) => h('option', { value: v.id }, `${v.name} (${t('trips.seats', { n: v.seats, w: v.wheelchairs })})`)));
            if (st.chosen.has(tr.id)) sel.value = st.chosen.get(tr.id);
            sel.addEventListener('change', () => st.chosen.set(tr.id, sel.value));
            const movable = tr.status !== 'declined' ? moveForm(tr, list) : null;
            return h('tr', { 'data-testid': `trip-row-${tr.id}`, class: tr.status === 'declined' ? 'declined' : null },
              h('td', {}, `#${tr.id}`), h('td', {}, tr.vehicle),
              h('td', {}, st.drivers.get(tr.driver_id) || '—'),
              h('td', { 'data-testid': `trip-status-${tr.id}` }, badge(tr.status)),
              h('td', {}, where(tr)),
              h('td', {}, tr.status === 'declined' && !room.length
                ? h('span', { class: 'muted', 'data-testid': `no-vehicle-${tr.id}` }, t('trips.no_free'))
                : null,
              tr.status === 'declined' && room.length
                ? h('div', { class: 'row' },
                  h('div', { class: 'field' }, h('label', { for: `reassign-vehicle-${tr.id}` }, t('trips.to_vehicle')), sel),
                  h('button', { type: 'button', class: 'primary', 'data-testid': `reassign-${tr.id}`, onclick: () => reassign(tr, sel.value) }, t('trips.reassign_btn')))
                : null,
              movable));
          }))
        : h('p', { class: 'muted', id: 'trips-empty' }, t('trips.none')));
  }

  // A ride not begun (its pick-up still to come) moved by hand to another vehicle's trip,
  // where it costs least there, nothing else moved; published at once.
  function moveForm(tr, list) {
    const rides = tr.stops.filter((x) => !x.done && (x.kind === 'pickup_home' || x.kind === 'pickup_site'));
    const others = st.vehicles.filter((v) => v.id !== tr.vehicle_id && st.driven.has(v.id)
      && !list.some((x) => x.vehicle_id === v.id && x.status === 'declined'));
    if (!rides.length || !others.length) return null;
    const ride = h('select', { id: `move-ride-${tr.id}` }, rides.map((x) => h('option', {
      value: `${x.booking_id}:${x.kind === 'pickup_home' ? 'out' : 'home'}`,
    }, `${hhmm(x.planned)} ${t(KIND_SHORT[x.kind])} ${x.first_name}`)));
    const to = h('select', { id: `move-vehicle-${tr.id}` }, others.map((v) => h('option', { value: v.id }, v.name)));
    const key = (k) => `${tr.id}:${k}`;
    for (const [sel, k] of [[ride, 'ride'], [to, 'to']]) {
      if (st.chosen.has(key(k))) sel.value = st.chosen.get(key(k));
      sel.addEventListener('change', () => st.chosen.set(key(k), sel.value));
    }
    return h('details', { class: 'move', 'data-testid': `move-open-${tr.id}`, open: st.chosen.has(key('ride')) || null },
      h('summary', {}, t('trips.move')),
      h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: `move-ride-${tr.id}` }, t('trips.move_ride')), ride),
        h('div', { class: 'field' }, h('label', { for: `move-vehicle-${tr.id}` }, t('trips.to_vehicle')), to),
        h('button', { type: 'button', 'data-testid': `move-${tr.id}`, onclick: () => move(tr, ride.value, to.value) }, t('trips.move_btn'))));
  }

  async function move(tr, ride, vehicle) {
    const [booking, leg] = ride.split(':');
    try {
      const r = await api('POST', `/api/bookings/${booking}/move`, { json: { ride: leg, vehicle_id: Number(vehicle) } });
      ctx.notify(t('trips.moved', { name: r.booking.elder_name, vehicle: r.booking.vehicle || '' }));
      st.chosen.delete(`${tr.id}:ride`);
      st.chosen.delete(`${tr.id}:to`);
      refresh();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  async function reassign(tr, vehicle) {
    try {
      await api('POST', `/api/trips/${tr.id}/reassign`, { json: { vehicle_id: Number(vehicle) } });
      ctx.notify(t('trips.reassigned'));
      st.chosen.delete(tr.id);
      refresh();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  async function refresh() {
    try {
      const list = await api('GET', `/api/trips?day=${encodeURIComponent(dayInput.value)}`);
      if (!st.alive) return;
      render(list);
      refreshed.textContent = t('book.refreshed', { time: clockTime(new Date()) });
    } catch (e) {
      refreshed.textContent = errorText(e);
    }
  }

  async function start() {
    try {
      const [vehicles, drivers] = await Promise.all([api('GET', '/api/vehicles'), api('GET', '/api/drivers')]);
      st.vehicles = vehicles;
      st.drivers = new Map(drivers.map((d) => [d.id, d.name]));
      st.driven = new Set(drivers.map((d) => d.vehicle_id).filter((v) => v !== null && v !== undefined));
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
    refresh();
  }

  dayInput.addEventListener('change', () => {
    if (!wholeDay(dayInput.value)) return;
    sessionStorage.setItem('vaxride.day', dayInput.value);
    refresh();
  });
  main.append(h('h1', {}, t('trips.title')), h('div', { class: 'row' }, field('trips-day', t('book.day'), dayInput)), refreshed, box);
  start();
  st.timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  return () => { st.alive = false; clearInterval(st.timer); };
}
