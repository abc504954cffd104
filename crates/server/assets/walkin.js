// A walker's place at a van stop, no ride (issue 16): on the secretary's elders page, beside a
// walker who can walk to a van stop, "Book a place" opens the stops' slots with the places left
// for walkers; booking one is POST /api/bookings with walk_in (the van stop, the slot as the
// window). The server checks the places again when it books.
//
// Ids: data-testid="walkin-<elderId>" (the details), #walkin-slot-<elderId> (the slot),
// data-testid="walkin-book-<elderId>" (the button).

import { h, field } from './dom.js';
import { t } from './i18n.js';
import { api, errorLine } from './api.js';

/** The place picker for elder `e`, who can walk to `stops`; `done` runs after a booking. */
export function placePicker(e, stops, ctx, done) {
  const choices = [];
  for (const st of stops) {
    for (const s of st.slots || []) {
      if (s.left > 0) choices.push({ st, s });
    }
  }
  if (!choices.length) return h('div', { class: 'muted', 'data-testid': `walkin-none-${e.id}` }, t('walkin.none_left'));
  const select = h('select', { id: `walkin-slot-${e.id}` }, ...choices.map((c, k) => h('option', { value: String(k) },
    t('walkin.option', { name: c.st.name, day: c.st.day, from: c.s.from, to: c.s.to, n: c.s.left }))));
  const book = h('button', { type: 'button', 'data-testid': `walkin-book-${e.id}` }, t('walkin.book'));
  book.addEventListener('click', async () => {
    const { st, s } = choices[Number(select.value)];
    book.disabled = true;
    try {
      await api('POST', '/api/bookings', {
        json: { bookings: [{ elder_id: e.id, day: st.day, site_id: st.site_id, walk_in: true, window: [s.from, s.to], return: false }] },
      });
      ctx.notify(t('walkin.booked', { name: e.name, place: st.name, day: st.day, from: s.from, to: s.to }));
      done();
    } catch (err) {
      book.disabled = false;
      ctx.notify(errorLine(err), 'error');
    }
  });
  return h('details', { 'data-testid': `walkin-${e.id}` },
    h('summary', {}, t('walkin.open')),
    field(`walkin-slot-${e.id}`, t('walkin.slot'), select),
    book);
}
