// The day as it runs, on the coordinator's plan page: the day's events (a cancellation, a
// no-show, a failed health check, a declined trip, an urgent booking), newest first, each with
// the repair it asked for — being worked out, proposed (show it, then publish it), applied,
// or taken over by a later one — and the district's setting for repairs that apply by
// themselves.
//
// Ids: #day-log (section), #day-log-empty, #auto-repair and #answer-within (selects), events
// data-testid="event-<id>" with data-kind and data-repair (working, proposed, applied,
// replaced, failed), and data-testid="event-show-<id>" (shows the proposed plan).

import { h, clear, table } from './dom.js';
import { t } from './i18n.js';
import { api, errorText } from './api.js';

/** Where an event's repair stands, from its job and plan. */
function repairState(e) {
  if (e.plan_status === 'published') return 'applied';
  if (e.plan_status === 'draft') return 'proposed';
  if (e.plan_status === 'superseded') return 'replaced';
  if (e.job_status === 'queued' || e.job_status === 'running') return 'working';
  if (e.job_status === 'cancelled') return 'replaced';
  return 'failed';
}

function clock(unix) {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The log for the day `dayOf()` returns. `show(planId)` shows a plan on the page. Returns
 * `{ box, refresh, stop }`; `refresh()` reads the log again (and is called every `everyMs`).
 */
export function dayLog(dayOf, show, everyMs) {
  const st = { alive: true, seq: 0, last: '' };
  const title = h('h2', { id: 'h-day-log' }, t('log.title'));
  const body = h('div', { id: 'day-log-body' });
  const choice = h('select', { id: 'auto-repair' },
    [null, 0, 1, 2, 3, 5].map((n) => h('option', { value: n === null ? '' : String(n) },
      n === null ? t('log.auto_never') : t('log.auto_upto', { n }))));
  const answer = h('select', { id: 'answer-within' },
    [null, 10, 15, 30, 60, 120].map((n) => h('option', { value: n === null ? '' : String(n) },
      n === null ? t('log.answer_never') : t('log.answer_within', { n }))));
  const note = h('p', { class: 'muted', id: 'auto-repair-note', 'aria-live': 'polite' });
  const value = (sel) => (sel.value === '' ? null : Number(sel.value));
  async function save() {
    try {
      await api('PUT', '/api/settings/repairs', {
        json: { auto_apply_max_disturbed: value(choice), answer_within_minutes: value(answer) },
      });
      note.textContent = t('log.auto_saved');
    } catch (e) {
      note.textContent = errorText(e);
    }
  }
  choice.addEventListener('change', save);
  answer.addEventListener('change', save);
  const box = h('section', { id: 'day-log', class: 'card', 'aria-labelledby': 'h-day-log' },
    title,
    h('div', { class: 'field' }, h('label', { for: 'auto-repair' }, t('log.auto_label')), choice),
    h('div', { class: 'field' }, h('label', { for: 'answer-within' }, t('log.answer_label')), answer),
    note, body);

  // A number set through the API that a list does not offer gets its own entry.
  function choose(sel, v, words) {
    const want = v === null || v === undefined ? '' : String(v);
    if (![...sel.options].some((o) => o.value === want)) sel.append(h('option', { value: want }, words(v)));
    sel.value = want;
  }
  api('GET', '/api/settings/repairs')
    .then((s) => {
      choose(choice, s.auto_apply_max_disturbed, (n) => t('log.auto_upto', { n }));
      choose(answer, s.answer_within_minutes, (n) => t('log.answer_within', { n }));
    })
    .catch(() => {});

  function render(events) {
    clear(body);
    if (!events.length) {
      body.append(h('p', { class: 'muted', id: 'day-log-empty' }, t('log.none')));
      return;
    }
    body.append(table({ id: 'day-log-table' }, null,
      [t('log.at'), t('log.what'), t('log.repair'), ''],
      events.map((e) => {
        const state = repairState(e);
        const who = e.elder_name || (e.trip_id ? t('log.trip', { id: e.trip_id }) : '');
        return h('tr', { 'data-testid': `event-${e.id}`, 'data-kind': e.kind, 'data-repair': state },
          h('td', {}, clock(e.at)),
          h('td', {}, [t(`change.${e.kind}`), who].filter(Boolean).join(' · ')),
          h('td', {}, t(`log.state.${state}`, { id: e.plan_id })),
          h('td', {}, state === 'proposed' && e.plan_id
            ? h('button', {
              type: 'button', 'data-testid': `event-show-${e.id}`,
              'aria-label': t('log.show_named', { id: e.plan_id }),
              onclick: () => show(e.plan_id),
            }, t('log.show'))
            : null));
      })));
  }

  async function refresh() {
    const day = dayOf();
    const mine = ++st.seq;
    if (!day) return;
    try {
      const events = await api('GET', `/api/events?day=${encodeURIComponent(day)}`);
      if (!st.alive || mine !== st.seq) return;
      const key = JSON.stringify(events);
      if (key === st.last && body.childNodes.length) return;
      st.last = key;
      render(events);
    } catch (e) {
      if (!st.alive || mine !== st.seq) return;
      if (e.status !== 0) clear(body).append(h('p', { class: 'error' }, errorText(e)));
    }
  }

  const timer = setInterval(refresh, everyMs);
  refresh();
  return { box, refresh, stop: () => { st.alive = false; clearInterval(timer); } };
}
