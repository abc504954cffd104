// The secretary's views: the community's elders, and a day's bookings (a batch of picked
// elders, or the ledger CSV checked first), with their live status.
//
// Ids: #elder-search #elder-add #elder-table (rows data-testid="elder-row-<id>", edit buttons
// data-testid="elder-edit-<id>", two-tap retire buttons data-testid="elder-retire-<id>", a
// walker can walk to the soonest van stop: data-testid="elder-van-<id>") #elder-form (#elder-name #elder-phone #elder-address
// #elder-lon #elder-lat #elder-mobility #elder-companions #elder-dose #elder-priority
// #elder-notes) #elder-save #elder-cancel #elder-error;
// #booking-day #pick-filter #pick-list (checkboxes #pick-<elderId>) #batch-time
// #batch-return #batch-submit #batch-error; #csv-file #csv-check #csv-import #csv-result
// #csv-errors (rows data-testid="csv-error") #template-download; #booking-table (rows
// data-testid="booking-row-<id>", status cells data-testid="booking-status-<id>", cancel
// buttons data-testid="cancel-<id>"; for an elder at the site with a ride home, the end of the
// observation: #ready-at-<id> and data-testid="ready-save-<id>") #booking-refreshed #export-csv.

import { h, clear, field, hhmm, today, randomKey, download, csvCell, table, twoTap, wholeDay } from './dom.js';
import { t, clockTime } from './i18n.js';
import { CODES } from './codes.js';
import { api, ApiError, errorLine, errorText, fieldLines, fieldMessage } from './api.js';
import { homeFinder } from './home.js';
import { placePicker } from './walkin.js';

const MOBILITY = CODES.mobility;
const DOSES = CODES.dose;
const CANCELLABLE = CODES.cancellable;
const SHOT_AFTER = CODES.reached_site;
const REFRESH_MS = 5000;

function options(values, prefix, selected) {
  return values.map((v) => h('option', { value: v, selected: v === selected }, t(`${prefix}.${v}`)));
}

/** The CSV error's column as written in the file's header, else the whole row or file. */
function csvColumn(f) {
  if (f.column) return f.column;
  return t(f.field === 'file' ? 'csv.whole_file' : 'csv.whole_row');
}

/** Shows an API error in `box` (and marks the inputs it names). */
function showError(box, form, e) {
  clear(box);
  box.append(h('span', {}, errorText(e)));
  const lines = fieldLines(e);
  if (lines.length) box.append(h('ul', {}, lines.map((l) => h('li', {}, l))));
  if (form) {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const f of e.fields || []) {
      const el = form.querySelector(`[data-field="${CSS.escape(f.field)}"]`);
      if (el) el.setAttribute('aria-invalid', 'true');
    }
  }
}

export function badge(status) {
  return h('span', { class: `badge s-${status}` }, t(`status.${status}`));
}

// ---------------------------------------------------------------- elders

export function elders(main, ctx) {
  let editing = null; // the elder being edited, or {} for a new one
  let timer = null;
  const search = h('input', { type: 'search', autocomplete: 'off' });
  const list = h('div', { id: 'elder-list' });
  const formBox = h('div', {});

  async function load() {
    try {
      const q = search.value.trim();
      const [rows, walks] = await Promise.all([
        api('GET', `/api/elders${q ? `?find=${encodeURIComponent(q)}` : ''}`),
        api('GET', `/api/vanplan/walks?day=${today()}`).catch(() => []),
      ]);
      // The soonest van stop each walker can walk to, and a place at one to book.
      const van = new Map(walks.map((w) => [w.elder_id, w.stops]));
      const vanLine = (e) => {
        const stops = van.get(e.id);
        if (!stops) return null;
        const st = stops[0];
        return h('div', {}, h('div', { class: 'muted', 'data-testid': `elder-van-${e.id}` },
          t('elders.walk_to_van', { name: st.name, day: st.day, from: st.from, to: st.to })),
        placePicker(e, stops, ctx, load));
      };
      clear(list).append(rows.length
        ? table({ id: 'elder-table' }, t('elders.count', { n: rows.length }),
          [t('elder.name'), t('elder.phone'), t('elder.address'), t('elder.mobility'), t('elder.dose'), t('elder.priority'), ''],
          rows.map((e) => h('tr', { 'data-testid': `elder-row-${e.id}` },
            h('td', {}, e.name), h('td', {}, e.phone), h('td', {}, e.address),
            h('td', {}, t(`mobility.${e.mobility}`), vanLine(e)), h('td', {}, t(`dose.${e.dose}`)), h('td', { class: 'num' }, e.priority),
            h('td', {}, h('div', { class: 'row-actions' }, h('button', {
              type: 'button', 'data-testid': `elder-edit-${e.id}`,
              'aria-label': t('elders.edit_named', { name: e.name }),
              onclick: () => openForm(e),
            }, t('elders.edit')), twoTap(`elder-retire-${e.id}`, {
              label: t('elders.retire'),
              named: t('elders.retire_named', { name: e.name }),
              confirm: t('elders.retire_confirm'),
              confirmNamed: t('elders.retire_confirm_named', { name: e.name }),
            }, ctx.notify, () => retire(e)))))))
        : h('p', { class: 'muted', id: 'elder-empty' }, t('elders.none')));
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
  }

  // Off the roster: their bookings not yet begun are cancelled (the server says how many).
  async function retire(e) {
    try {
      const r = await api('DELETE', `/api/elders/${e.id}`);
      ctx.notify(t('elders.retired', { name: e.name, n: r.cancelled.length }));
      if (editing && editing.id === e.id) { editing = null; clear(formBox); }
      load();
    } catch (err) {
      ctx.notify(errorLine(err), 'error');
    }
  }

  function openForm(e) {
    editing = e || {};
    const v = editing;
    const home = v.home || {};
    const inp = (name, attrs = {}) => h('input', { 'data-field': name, ...attrs });
    const err = h('div', { id: 'elder-error', class: 'error', role: 'alert' });
    // A home found by address, a tap on the map or a pasted pair fills the coordinates (and
    // the address, when it is still empty).
    const finder = homeFinder({
      home: v.home,
      onPick: ({ lon, lat, label }) => {
        form.querySelector('#elder-lon').value = lon.toFixed(6);
        form.querySelector('#elder-lat').value = lat.toFixed(6);
        const address = form.querySelector('#elder-address');
        if (label && !address.value.trim()) address.value = label;
      },
    });
    const form = h('form', { id: 'elder-form', class: 'card', novalidate: true },
      h('h2', {}, v.id ? t('elders.edit_title', { name: v.name }) : t('elders.add_title')),
      finder,
      h('div', { class: 'grid' },
        field('elder-name', t('elder.name'), inp('name', { value: v.name || '', required: true, maxlength: 100, autocomplete: 'off' })),
        field('elder-phone', t('elder.phone'), inp('phone', { value: v.phone || '', type: 'tel', maxlength: 30, autocomplete: 'off' })),
        field('elder-address', t('elder.address'), inp('address', { value: v.address || '', maxlength: 200, autocomplete: 'off' })),
        field('elder-lon', t('elder.lon'), inp('home.lon', { value: home.lon ?? '', inputmode: 'decimal', required: true })),
        field('elder-lat', t('elder.lat'), inp('home.lat', { value: home.lat ?? '', inputmode: 'decimal', required: true })),
        field('elder-mobility', t('elder.mobility'), h('select', { 'data-field': 'mobility' }, options(MOBILITY, 'mobility', v.mobility || 'walks'))),
        field('elder-companions', t('elder.companions'), inp('companions', { type: 'number', min: 0, max: 3, value: v.companions ?? 0 })),
        field('elder-dose', t('elder.dose'), h('select', { 'data-field': 'dose' }, options(DOSES, 'dose', v.dose || 'none'))),
        field('elder-priority', t('elder.priority'), inp('priority', { type: 'number', min: 1, max: 5, value: v.priority ?? 1 })),
        field('elder-notes', t('elder.notes'), h('textarea', { 'data-field': 'notes', rows: 2, maxlength: 1000 }, v.notes || ''))),
      h('p', { class: 'muted' }, t('elder.coords_hint')),
      err,
      h('div', { class: 'actions' },
        h('button', { id: 'elder-save', type: 'submit', class: 'primary' }, t('save')),
        h('button', { id: 'elder-cancel', type: 'button', onclick: closeForm }, t('cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const val = (id) => form.querySelector(`#${id}`).value;
      const body = {
        name: val('elder-name'), phone: val('elder-phone'), address: val('elder-address'),
        home: { lon: Number(val('elder-lon')), lat: Number(val('elder-lat')) },
        mobility: val('elder-mobility'), companions: Number(val('elder-companions')),
        dose: val('elder-dose'), priority: Number(val('elder-priority')), notes: val('elder-notes'),
      };
      try {
        if (editing.id) await api('PUT', `/api/elders/${editing.id}`, { json: body });
        else await api('POST', '/api/elders', { json: body });
        ctx.notify(t('saved'));
        closeForm();
        load();
      } catch (e) {
        showError(err, form, e);
      }
    });
    clear(formBox).append(form);
    if (v.id) form.insertBefore(shotsOf(v), err);
    form.querySelector('#elder-name').focus();
  }

  // The elder's shots from the campaign's ledger, oldest first: day, shot, place.
  function shotsOf(elder) {
    const box = h('section', { id: 'elder-shots', 'aria-labelledby': 'elder-shots-title' },
      h('h3', { id: 'elder-shots-title' }, t('elders.shots')));
    (async () => {
      try {
        const [shots, sites] = await Promise.all([
          api('GET', `/api/elders/${elder.id}/vaccinations`),
          api('GET', '/api/sites').catch(() => []),
        ]);
        const name = new Map(sites.map((x) => [x.id, x.name]));
        box.append(shots.length
          ? h('ul', {}, shots.map((x) => h('li', { 'data-testid': `elder-shot-${x.id}` },
            t('elders.shot_line', { day: x.day, shot: t(`site_dose.${x.shot}`), site: name.get(x.site_id) || '—' }))))
          : h('p', { class: 'muted', id: 'elder-shots-none' }, t('elders.shots_none')));
      } catch (e) {
        box.append(h('p', { class: 'error' }, errorText(e)));
      }
    })();
    return box;
  }

  function closeForm() {
    editing = null;
    clear(formBox);
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  main.append(
    h('h1', {}, t('elders.title')),
    h('div', { class: 'row' },
      field('elder-search', t('elders.search'), search),
      h('button', { id: 'elder-add', type: 'button', class: 'primary', onclick: () => openForm(null) }, t('elders.add'))),
    formBox, list);
  // A form open when the language changes is open again (its values come back by id).
  ctx.remember(() => (editing ? { elder: editing } : null));
  if (ctx.kept && ctx.kept.elder) openForm(ctx.kept.elder.id ? ctx.kept.elder : null);
  load();
  return () => clearTimeout(timer);
}

// ---------------------------------------------------------------- bookings

export function bookings(main, ctx) {
  const st = {
    day: sessionStorage.getItem('vaxride.day') || today(),
    elders: [], bookings: [], sites: new Map(), picked: new Set(), batchKey: randomKey(),
    csvText: null, csvKey: null, csvChecked: false, timer: null, alive: true, loaded: false,
    ready: new Map(),
  };
  const dayInput = h('input', { type: 'date', value: st.day, required: true });
  const filter = h('input', { type: 'search', autocomplete: 'off' });
  const pickList = h('div', { id: 'pick-list', class: 'scroll-list', role: 'group', 'aria-label': t('book.pick') });
  const timeSel = h('select', {}, CODES.time_preference.map((v) => h('option', { value: v }, t(`time.${v}`))));
  const ret = h('input', { type: 'checkbox', id: 'batch-return', checked: true });
  const batchErr = h('div', { id: 'batch-error', class: 'error', role: 'alert' });
  const batchBtn = h('button', { id: 'batch-submit', type: 'submit', class: 'primary' }, t('book.submit', { n: 0 }));
  const offersBtn = h('button', { id: 'offers-ask', type: 'button', hidden: true }, '');
  const offersBox = h('div', { id: 'slot-offers', 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv' });
  const checkBtn = h('button', { id: 'csv-check', type: 'button', disabled: true }, t('csv.check'));
  const importBtn = h('button', { id: 'csv-import', type: 'button', class: 'primary', disabled: true }, t('csv.import'));
  const csvResult = h('div', { id: 'csv-result', role: 'status' });
  const statusBox = h('div', { id: 'booking-status' });
  const refreshed = h('p', { id: 'booking-refreshed', class: 'muted', 'aria-live': 'off' });

  const newKey = () => { st.batchKey = randomKey(); };

  function renderPicks() {
    const booked = new Set(st.bookings.filter((b) => b.status !== 'cancelled').map((b) => b.elder_id));
    const q = filter.value.trim().toLowerCase();
    const shown = st.elders.filter((e) => !q || e.name.toLowerCase().includes(q) || (e.address || '').toLowerCase().includes(q));
    clear(pickList).append(...[].concat(shown.length ? shown.map((e) => {
      const already = booked.has(e.id);
      const box = h('input', {
        type: 'checkbox', id: `pick-${e.id}`, value: e.id, disabled: already,
        checked: st.picked.has(e.id) && !already,
        onchange: (ev) => {
          if (ev.target.checked) st.picked.add(e.id); else st.picked.delete(e.id);
          newKey();
          updateBatchButton();
        },
      });
      const note = already ? ` · ${t('book.already')}` : e.mobility === 'bedridden' ? ` · ${t('book.home_visit')}` : '';
      return h('div', { class: 'check' }, box, h('label', { for: `pick-${e.id}` }, `${e.name} (${e.address || '—'})${note}`));
    }) : h('p', { class: 'muted' }, t('elders.none'))));
  }

  function updateBatchButton() {
    batchBtn.textContent = t('book.submit', { n: st.picked.size });
    batchBtn.disabled = st.picked.size === 0;
    const one = st.picked.size === 1 ? st.elders.find((e) => st.picked.has(e.id)) : null;
    // A home visit has no slot to choose: the team comes.
    offersBtn.hidden = !one || one.mobility === 'bedridden';
    if (one) offersBtn.textContent = t('book.offers', { name: one.name });
    clear(offersBox);
  }

  // "Which slots can still take this elder?": on a day whose plan is published, the slots one
  // picked elder can go into now with nothing else moved; choosing one books and plans her.
  const bookingOf = (id) => ({ elder_id: id, day: st.day, time: timeSel.value, return: ret.checked });
  async function askOffers() {
    const elder = st.elders.find((e) => st.picked.has(e.id));
    if (!elder) return;
    clear(batchErr);
    clear(offersBox);
    offersBtn.disabled = true;
    try {
      const r = await api('POST', '/api/bookings/offers', { json: { booking: bookingOf(elder.id) } });
      const name = elder.name;
      if (!r.published) offersBox.append(h('p', { class: 'muted', id: 'offers-none' }, t('book.offers_unpublished', { name })));
      else if (!r.offers.length) offersBox.append(h('p', { class: 'muted', id: 'offers-none' }, r.refused ? reasonText(r.refused) : t('book.offers_none', { name })));
      else {
        offersBox.append(h('h3', {}, t('book.offers_title', { name })), h('ul', { class: 'offers' }, r.offers.map((o, k) => {
          const words = { site: o.site_name, from: hhmm(o.slot_start), to: hhmm(o.slot_end), pickup: hhmm(o.pickup) };
          return h('li', { 'data-testid': `offer-${k}` },
            h('span', {}, t('book.offer', words)),
            o.ride_home != null ? h('span', { class: 'muted' }, ` · ${t('book.offer_home', { at: hhmm(o.ride_home) })}`) : null, ' ',
            h('button', { type: 'button', id: `offer-take-${k}`, 'aria-label': t('book.offer_take_named', { name, ...words }),
              onclick: () => takeOffer(elder, o, words) }, t('book.offer_take')));
        })));
      }
      offersBox.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      showError(batchErr, null, e);
    }
    offersBtn.disabled = false;
  }
  async function takeOffer(elder, o, words) {
    const body = { booking: bookingOf(elder.id), slot: { site_id: o.site_id, start: hhmm(o.slot_start) } };
    try {
      const r = await api('POST', '/api/bookings/into-slot', { json: body, headers: { 'Idempotency-Key': randomKey() } });
      const b = await api('GET', `/api/bookings/${r.created[0]}`);
      ctx.notify(t('book.offer_done', { name: elder.name, ...words, pickup: hhmm(b.planned_pickup) }));
      st.picked.clear();
      newKey();
      updateBatchButton();
      await refresh();
    } catch (e) {
      clear(offersBox);
      showError(batchErr, null, e);
    }
  }

  function renderStatus() {
    // Not while the secretary types a time into the table: the next refresh shows it.
    const typing = document.activeElement && document.activeElement.closest
      && document.activeElement.closest('#booking-table input');
    if (typing) return;
    const rows = st.bookings;
    const siteName = (id) => (id && st.sites.get(id)) || '';
    clear(statusBox).append(rows.length
      ? table({ id: 'booking-table' }, t('status.caption', { day: st.day, n: rows.length }),
        [t('col.elder'), t('col.window'), t('col.pickup'), t('col.site'), t('col.driver'), t('col.vehicle'), t('col.status'), ''],
        rows.map((b) => h('tr', { 'data-testid': `booking-row-${b.id}` },
          h('td', {}, b.elder_name),
          h('td', {}, `${hhmm(b.window[0])}–${hhmm(b.window[1])}`),
          h('td', { 'data-testid': `booking-pickup-${b.id}` },
            b.home_visit ? t('book.visit_at', { at: b.planned_pickup != null ? hhmm(b.planned_pickup) : '—' })
              : b.walk_in ? h('span', { 'data-testid': `booking-walkin-${b.id}` }, t('book.walks_in')) : hhmm(b.planned_pickup),
            b.moved ? h('div', { class: 'moved', 'data-testid': `booking-moved-${b.id}` },
              t('book.moved', { from: hhmm(b.moved.from), why: t(`change.${b.moved.reason}`) })) : null,
            b.planned_return ? h('div', { class: 'muted' }, t('book.return_at', { at: hhmm(b.planned_return) })) : null),
          h('td', {}, b.home_visit ? t('book.at_home') : siteName(b.planned_site_id || b.site_id)),
          h('td', {}, b.driver || ''),
          h('td', {}, b.vehicle || ''),
          h('td', { 'data-testid': `booking-status-${b.id}`, 'data-status': b.status }, badge(b.status),
            b.unserved_reason ? h('div', { class: 'muted' }, reasonText(b.unserved_reason)) : null,
            b.health_check_failed_at ? h('div', { class: 'moved', 'data-testid': `booking-check-${b.id}` }, t(b.home_visit ? 'book.not_vaccinated_visit' : 'book.not_vaccinated')) : null,
            b.ready_at ? h('div', { class: 'moved', 'data-testid': `booking-ready-${b.id}` }, t('book.ready_at', { at: hhmm(((b.ready_at % 86400) + 86400) % 86400) })) : null,
            b.vaccinated ? h('div', { 'data-testid': `booking-shot-${b.id}` }, t('book.shot_given', { shot: t(`site_dose.${b.vaccinated}`) }), ' ',
              twoTap(`unvaccinated-${b.id}`, {
                label: t('book.shot_undo'),
                named: t('book.shot_undo_named', { name: b.elder_name }),
                confirm: t('book.shot_undo_confirm'),
                confirmNamed: t('book.shot_undo_confirm_named', { name: b.elder_name }),
              }, ctx.notify, () => unvaccinated(b))) : null),
          h('td', {}, b.status === 'at_site' && b.return_wanted ? readyForm(b) : null,
            (SHOT_AFTER.includes(b.status) || (b.walk_in && b.status === 'booked' && b.day <= today())) && !b.vaccinated && !b.health_check_failed_at
              ? h('button', {
                type: 'button', 'data-testid': `vaccinated-${b.id}`,
                'aria-label': t('book.shot_named', { name: b.elder_name }), onclick: () => vaccinated(b),
              }, t('book.shot_record'))
              : null,
            CANCELLABLE.includes(b.status)
            ? twoTap(`cancel-${b.id}`, {
              label: t('book.cancel'),
              named: t('book.cancel_named', { name: b.elder_name }),
              confirm: t('book.cancel_confirm'),
              confirmNamed: t('book.cancel_confirm_named', { name: b.elder_name }),
            }, ctx.notify, () => cancel(b))
            : null))))
      : h('p', { class: 'muted', id: 'booking-empty' }, t('book.none')));
  }

  // The observation at the site ends earlier or later than planned: the ride home follows.
  function readyForm(b) {
    const at = h('input', { type: 'time', id: `ready-at-${b.id}`, required: true, value: st.ready.get(b.id) || '' });
    at.addEventListener('input', () => st.ready.set(b.id, at.value));
    return h('details', { class: 'ready', open: st.ready.has(b.id) || null },
      h('summary', {}, t('book.ready_ask')),
      h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: `ready-at-${b.id}` }, t('book.ready_label', { name: b.elder_name })), at),
        h('button', { type: 'button', 'data-testid': `ready-save-${b.id}`, onclick: () => ready(b, at.value) }, t('book.ready_save'))));
  }

  async function ready(b, at) {
    if (!at) {
      ctx.notify(t('book.ready_missing'), 'error');
      return;
    }
    try {
      await api('POST', `/api/bookings/${b.id}/ready`, { json: { at } });
      st.ready.delete(b.id);
      ctx.notify(t('book.ready_saved', { name: b.elder_name, at }));
      refresh();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  // The shot was given at the site: the campaign's ledger records it, the dose status moves on.
  async function vaccinated(b) {
    try {
      const v = await api('POST', `/api/bookings/${b.id}/vaccinated`);
      ctx.notify(t('book.shot_saved', { name: b.elder_name, shot: t(`site_dose.${v.shot}`) }));
      refresh();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  // A shot recorded by mistake is taken back: the elder's dose status is as it was.
  async function unvaccinated(b) {
    try {
      const v = await api('DELETE', `/api/bookings/${b.id}/vaccinated`);
      ctx.notify(t('book.shot_undone', { name: b.elder_name, shot: t(`site_dose.${v.shot}`) }));
      refresh();
    } catch (e) {
      ctx.notify(errorLine(e), 'error');
    }
  }

  async function cancel(b) {
    try {
      await api('POST', `/api/bookings/${b.id}/cancel`);
      ctx.notify(t('book.cancelled', { name: b.elder_name }));
      refresh();
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
  }

  async function refresh() {
    try {
      st.bookings = await api('GET', `/api/bookings?day=${encodeURIComponent(st.day)}`);
      if (!st.alive) return;
      st.loaded = true;
      renderStatus();
      renderPicks();
      refreshed.textContent = t('book.refreshed', { time: clockTime(new Date()) });
    } catch (e) {
      refreshed.textContent = errorText(e);
    }
  }

  // The roster and the sites, each drawn as soon as it is there: the day's list may have come
  // first, and its site column waits for the sites' names (not for the next refresh).
  async function loadStatic() {
    const elders = api('GET', '/api/elders').then((el) => {
      st.elders = el;
      if (st.alive) renderPicks();
    });
    const sites = api('GET', '/api/sites').then((list) => {
      st.sites = new Map(list.map((x) => [x.id, x.name]));
      if (st.alive && st.loaded) renderStatus();
    });
    try {
      await Promise.all([elders, sites]);
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
  }

  const batchForm = h('form', { id: 'batch-form', class: 'card', novalidate: true },
    h('h2', {}, t('book.title')),
    field('pick-filter', t('book.filter'), filter),
    pickList,
    h('div', { class: 'row' },
      field('batch-time', t('book.time'), timeSel),
      h('div', { class: 'check' }, ret, h('label', { for: 'batch-return' }, t('book.return')))),
    batchErr, h('div', { class: 'row' }, batchBtn, offersBtn), offersBox);
  batchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(batchErr);
    const ids = [...st.picked];
    if (!ids.length) return;
    const body = {
      bookings: ids.map((id) => ({ elder_id: id, day: st.day, time: timeSel.value, return: ret.checked })),
    };
    batchBtn.disabled = true;
    try {
      const r = await api('POST', '/api/bookings', { json: body, headers: { 'Idempotency-Key': st.batchKey } });
      ctx.notify(t('book.done', { n: r.created.length }));
      st.picked.clear();
      newKey();
      await refresh();
    } catch (e) {
      showError(batchErr, null, e);
    }
    updateBatchButton();
  });
  offersBtn.addEventListener('click', askOffers);
  filter.addEventListener('input', renderPicks);
  timeSel.addEventListener('change', newKey);
  ret.addEventListener('change', newKey);

  // The ledger CSV: a dry run first (per-row errors, nothing saved), then the import.
  function showCsvErrors(e) {
    clear(csvResult);
    csvResult.append(h('p', { class: 'error' }, errorText(e)));
    if (e.fields && e.fields.length) {
      csvResult.append(table({ id: 'csv-errors' }, t('csv.errors_caption', { n: e.fields.length }),
        [t('csv.row'), t('csv.column'), t('csv.message')],
        e.fields.map((f) => h('tr', { 'data-testid': 'csv-error' },
          h('td', { class: 'num' }, f.row ?? ''), h('td', {}, csvColumn(f)), h('td', {}, fieldMessage(f))))));
    }
  }
  fileInput.addEventListener('change', async () => {
    clear(csvResult);
    st.csvChecked = false;
    importBtn.disabled = true;
    const f = fileInput.files[0];
    st.csvText = f ? await f.text() : null;
    st.csvKey = randomKey();
    checkBtn.disabled = !st.csvText;
  });
  checkBtn.addEventListener('click', async () => {
    if (!st.csvText) return;
    clear(csvResult);
    checkBtn.disabled = true;
    try {
      const r = await api('POST', '/api/bookings/import?dry_run=true', { body: st.csvText, type: 'text/csv; charset=utf-8' });
      // Rows with an address and no coordinates: where the address was found, to confirm
      // (shown with the other rows' problems too).
      const matches = r.matches && r.matches.length
        ? [table({ id: 'csv-matches' }, t('csv.matches', { n: r.matches.length }),
          [t('csv.row'), t('elder.address'), t('csv.matched')],
          r.matches.map((m) => h('tr', { 'data-testid': 'csv-match' },
            h('td', { class: 'num' }, m.row), h('td', {}, m.address),
            h('td', {}, m.label, m.exact ? null : h('span', { class: 'warn-text' }, ` · ${t('csv.street_only')}`))))),
        h('p', { class: 'muted' }, t('csv.matches_hint'))]
        : [];
      if (!r.ok) {
        const err = r.error || {};
        showCsvErrors(new ApiError(400, err.code || 'invalid_input', err.message || '', err.fields));
        csvResult.append(...matches);
        checkBtn.disabled = false;
        return;
      }
      csvResult.append(h('p', { class: 'ok-text' }, t('csv.ok', { n: r.rows })), ...matches);
      st.csvChecked = true;
      importBtn.disabled = false;
      importBtn.focus();
    } catch (e) {
      showCsvErrors(e);
    }
    checkBtn.disabled = false;
  });
  importBtn.addEventListener('click', async () => {
    if (!st.csvChecked) return;
    importBtn.disabled = true;
    try {
      const r = await api('POST', '/api/bookings/import', {
        body: st.csvText, type: 'text/csv; charset=utf-8', headers: { 'Idempotency-Key': st.csvKey },
      });
      clear(csvResult).append(h('p', { class: 'ok-text' }, t('csv.imported', { n: r.created.length })));
      st.csvChecked = false;
      await Promise.all([refresh(), loadStatic()]);
    } catch (e) {
      showCsvErrors(e);
      importBtn.disabled = false;
    }
  });

  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const csvCard = h('section', { class: 'card', id: 'csv-form', 'aria-labelledby': 'csv-title' },
    h('h2', { id: 'csv-title' }, t('csv.title')),
    h('p', { class: 'muted' }, t('csv.intro')),
    h('p', {}, h('a', { id: 'template-download', href: `/api/bookings/template.csv?lang=${lang}`, download: `vaxride-${lang}.csv` }, t('csv.template'))),
    field('csv-file', t('csv.file'), fileInput),
    h('div', { class: 'actions' }, checkBtn, importBtn),
    csvResult);

  function exportCsv() {
    const head = [t('col.booking'), t('col.elder'), t('col.day'), t('col.window'), t('col.pickup'), t('col.site'), t('col.driver'), t('col.vehicle'), t('col.status')];
    const lines = [head, ...st.bookings.map((b) => [b.id, b.elder_name, b.day, `${hhmm(b.window[0])}-${hhmm(b.window[1])}`,
      hhmm(b.planned_pickup), st.sites.get(b.planned_site_id || b.site_id) || '', b.driver || '', b.vehicle || '', t(`status.${b.status}`)])];
    download(`vaxride-bookings-${st.day}.csv`, `\ufeff${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`, 'text/csv;charset=utf-8');
  }

  dayInput.addEventListener('change', () => {
    if (!wholeDay(dayInput.value)) return;
    st.day = dayInput.value;
    sessionStorage.setItem('vaxride.day', st.day);
    st.picked.clear();
    newKey();
    updateBatchButton();
    refresh();
  });

  main.append(
    h('h1', {}, t('book.page_title')),
    h('div', { class: 'row' }, field('booking-day', t('book.day'), dayInput)),
    h('section', { 'aria-labelledby': 'status-title' },
      h('h2', { id: 'status-title' }, t('status.title')),
      refreshed,
      statusBox,
      h('div', { class: 'actions' }, h('button', { id: 'export-csv', type: 'button', onclick: exportCsv }, t('status.export')))),
    h('div', { class: 'grid' }, batchForm, csvCard));
  updateBatchButton();
  loadStatic();
  refresh();
  st.timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  return () => { st.alive = false; clearInterval(st.timer); };
}

export function reasonText(code) {
  const key = `reason.${code}`;
  const s = t(key);
  return s === key ? code : s;
}
