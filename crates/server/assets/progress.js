// The campaign's progress (coordinator: the district; secretary: the community): how many
// elders have which dose status per community, the shots given per day (a chart: shots per day
// by shot, and the running total), shots per day and site against the site's capacity, and the
// CSV exports.
//
// Ids: #progress-totals (data-testid="progress-total-<none|first|full|booster|elders>"),
// #progress-rates,
// #progress-communities (rows data-testid="progress-community-<id>"), #progress-chart (an SVG,
// role="img", its bars data-testid="progress-bar-<day>"), #progress-sites (rows
// data-testid="progress-site-<day>-<siteId>", cells data-testid="progress-shots-<day>-<siteId>"),
// #progress-empty (no shot recorded yet), #progress-csv-communities, #progress-csv-sites.

import { h, s, clear, table } from './dom.js';
import { t, getLang } from './i18n.js';
import { api, errorText } from './api.js';

const SHOTS = ['first', 'second', 'booster'];
const pct = (x) => `${(x * 100).toFixed(1)} %`;

/** The page; it reloads every minute while it is open. */
export function mount(main, ctx) {
  const body = h('div', {});
  const lang = getLang() === 'en' ? 'en' : 'zh';
  main.append(
    h('h1', {}, t('progress.title')),
    h('p', { class: 'muted' }, t(ctx.me.role === 'secretary' ? 'progress.intro_community' : 'progress.intro_district')),
    h('p', { class: 'row' },
      h('a', { id: 'progress-csv-communities', class: 'button', href: `/api/progress.csv?table=communities&lang=${lang}`, download: `vaxride-progress-communities.csv` }, t('progress.csv_communities')),
      h('a', { id: 'progress-csv-sites', class: 'button', href: `/api/progress.csv?table=sites&lang=${lang}`, download: `vaxride-progress-sites.csv` }, t('progress.csv_sites'))),
    body);

  async function load() {
    try {
      const p = await api('GET', '/api/progress');
      render(p);
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
  }

  function render(p) {
    const tot = p.total;
    clear(body).append(
      h('section', { 'aria-labelledby': 'h-progress-totals' },
        h('h2', { id: 'h-progress-totals' }, t('progress.totals')),
        h('dl', { id: 'progress-totals', class: 'figures' },
          figure('elders', tot.elders),
          figure('none', tot.none),
          figure('first', tot.first),
          figure('full', tot.full),
          figure('booster', tot.booster)),
        h('p', { id: 'progress-rates' }, t('progress.rates', {
          first: pct(tot.first_rate), full: pct(tot.full_rate), booster: pct(tot.booster_rate),
        }))),
      h('section', { 'aria-labelledby': 'h-progress-communities' },
        h('h2', { id: 'h-progress-communities' }, t('progress.communities')),
        table({ id: 'progress-communities' }, t('progress.communities_caption', { n: p.communities.length }),
          [t('col.community'), t('progress.elders'), t('dose.none'), t('dose.first'), t('dose.full'), t('dose.booster'), t('progress.first_rate'), t('progress.full_rate')],
          p.communities.map((c) => h('tr', { 'data-testid': `progress-community-${c.community_id}` },
            h('td', {}, c.name),
            ...[c.elders, c.none, c.first, c.full, c.booster].map((n) => h('td', { class: 'num' }, n)),
            h('td', { class: 'num' }, pct(c.first_rate)),
            h('td', { class: 'num' }, pct(c.full_rate)))))),
      h('section', { 'aria-labelledby': 'h-progress-days' },
        h('h2', { id: 'h-progress-days' }, t('progress.days')),
        p.trend.length
          ? [chart(p.trend), sites(p.sites)]
          : h('p', { class: 'muted', id: 'progress-empty' }, t('progress.none'))));
  }

  function figure(key, n) {
    return h('div', { 'data-testid': `progress-total-${key}` },
      h('dt', {}, key === 'elders' ? t('progress.elders') : t(`progress.has.${key}`)),
      h('dd', {}, String(n)));
  }

  // Shots per day, stacked by shot, and the running total as a line on its own scale (right).
  function chart(trend) {
    const W = 640;
    const H = 220;
    const pad = { l: 36, r: 44, t: 12, b: 36 };
    const daily = Math.max(1, ...trend.map((d) => d.first + d.second + d.booster));
    const total = Math.max(1, trend[trend.length - 1].total);
    const step = (W - pad.l - pad.r) / trend.length;
    const bw = Math.max(2, Math.min(28, step * 0.7));
    const y = (n, max) => H - pad.b - (n / max) * (H - pad.t - pad.b);
    const bars = trend.map((d, i) => {
      const x = pad.l + i * step + (step - bw) / 2;
      let at = 0;
      const parts = SHOTS.map((k) => {
        const r = s('rect', { x, y: y(at + d[k], daily), width: bw, height: y(at, daily) - y(at + d[k], daily), class: `shot-${k}` });
        at += d[k];
        return r;
      });
      return s('g', { 'data-testid': `progress-bar-${d.day}` },
        s('title', {}, t('progress.bar', { day: d.day, n: d.first + d.second + d.booster, total: d.total })),
        parts);
    });
    const line = trend.map((d, i) => `${(pad.l + (i + 0.5) * step).toFixed(1)},${y(d.total, total).toFixed(1)}`).join(' ');
    const label = (i) => trend.length <= 8 || i % Math.ceil(trend.length / 8) === 0;
    const last = trend[trend.length - 1];
    return h('figure', { class: 'trend-chart' },
      s('svg', {
        id: 'progress-chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
        'aria-label': t('progress.chart_label', { days: trend.length, total: last.total, best: daily }),
      },
      s('line', { x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b, class: 'axis' }),
      s('text', { x: pad.l - 4, y: y(daily, daily) + 4, 'text-anchor': 'end', class: 'tick' }, String(daily)),
      s('text', { x: W - pad.r + 4, y: y(total, total) + 4, class: 'tick total' }, String(total)),
      bars,
      s('polyline', { points: line, class: 'total' }),
      trend.map((d, i) => (label(i)
        ? s('text', { x: pad.l + (i + 0.5) * step, y: H - pad.b + 16, 'text-anchor': 'middle', class: 'tick' }, d.day.slice(5))
        : null))),
      h('figcaption', {},
        SHOTS.map((k) => h('span', { class: `key shot-${k}` }, t(`site_dose.${k}`))),
        h('span', { class: 'key total' }, t('progress.running_total'))));
  }

  function sites(rows) {
    return table({ id: 'progress-sites' }, t('progress.sites_caption'),
      [t('progress.day'), t('col.site'), t('progress.shots'), t('progress.capacity'), t('progress.use')],
      rows.map((r) => {
        const key = `${r.day}-${r.site_id}`;
        return h('tr', { 'data-testid': `progress-site-${key}` },
          h('td', {}, r.day),
          h('td', {}, r.site || (r.site_id ? `#${r.site_id}` : t('progress.no_site'))),
          h('td', { class: 'num', 'data-testid': `progress-shots-${key}` }, r.shots),
          h('td', { class: 'num' }, r.capacity || '—'),
          h('td', {}, r.capacity
            ? h('meter', { min: 0, max: r.capacity, value: Math.min(r.shots, r.capacity), 'aria-label': pct(r.shots / r.capacity) }, pct(r.shots / r.capacity))
            : ''));
      }));
  }

  load();
  const timer = setInterval(load, 60_000);
  return () => clearInterval(timer);
}
