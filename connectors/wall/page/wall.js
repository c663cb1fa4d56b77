// The live wall's page. Every string from the server (channel names, display names, chat
// text, emote names) is untrusted: it only ever reaches the page through textContent and
// setAttribute on elements built here, never through an HTML parser of any kind.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_POINTS = 30;
  const MAX_FEED = 50;
  const MAX_HYPES = 8;
  const KIND_LABEL = {
    sub: 'sub', resub: 'resub', subgift: 'gift', anonsubgift: 'gift', submysterygift: 'gift bomb',
    anonsubmysterygift: 'gift bomb', giftpaidupgrade: 'upgrade', primepaidupgrade: 'upgrade', raid: 'raid', sub_burst: 'sub burst',
  };

  let channels = new Map();
  let hypes = new Map();
  let ads = new Map();
  let feedIds = new Set();
  // Where an ad window stands (AdUpdate.state) is decided by the server (connectors/wall/feed.ts
  // adState: never "now" while the channel is in hype); the page only shows it.
  const AD_BADGE = { soon: 'soon', now: 'AD NOW', held: 'held: hype', passed: 'passed', cancelled: 'cancelled' };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function time(ms) {
    return new Date(ms).toISOString().slice(11, 19);
  }

  function num(x) {
    return Math.round(x).toLocaleString('en-US');
  }

  function emoteList(emotes) {
    const box = el('span', 'emotes');
    for (const e of emotes) box.append(el('span', 'emote', `${e.name} ×${e.count}`));
    return box;
  }

  function reset() {
    channels = new Map();
    hypes = new Map();
    ads = new Map();
    feedIds = new Set();
    $('channels').replaceChildren(el('p', 'empty', 'waiting for chat…'));
    $('hypes').replaceChildren(el('p', 'empty', 'no hype yet'));
    $('ads').replaceChildren(el('p', 'empty', 'no suggestion yet'));
    $('feed').replaceChildren();
  }

  function channelRow(u) {
    let ch = channels.get(u.roomId);
    if (ch) return ch;
    if (channels.size === 0) $('channels').replaceChildren();
    const row = el('div', 'channel');
    row.dataset.channel = u.channel;
    const name = el('span', 'name', `#${u.channel}`);
    name.title = u.channel;
    const rate = el('span', 'rate', '–');
    const unit = el('span', 'unit', 'msgs/min');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', `0 0 ${MAX_POINTS - 1} 30`);
    svg.setAttribute('preserveAspectRatio', 'none');
    const line = document.createElementNS(SVG, 'polyline');
    const open = document.createElementNS(SVG, 'polyline');
    open.setAttribute('class', 'open');
    svg.append(line, open);
    const emotes = el('span', 'emotes');
    const figure = el('span', 'figure');
    figure.append(rate, unit);
    row.append(name, figure, svg, emotes);
    ch = { row, rate, unit, line, open, emotes, series: new Map() };
    channels.set(u.roomId, ch);
    const rows = [...channels.values()].map((c) => c.row).sort((a, b) => a.dataset.channel.localeCompare(b.dataset.channel));
    $('channels').replaceChildren(...rows);
    return ch;
  }

  function onRate(u) {
    const ch = channelRow(u);
    let points = ch.series.get(u.sizeMs);
    if (!points) ch.series.set(u.sizeMs, (points = new Map()));
    const known = points.get(u.windowStartMs);
    if (u.early && known && !known.early) return;
    points.set(u.windowStartMs, u);
    if (points.size > MAX_POINTS) points.delete(Math.min(...points.keys()));
    const size = Math.min(...ch.series.keys());
    if (u.sizeMs !== size) return;
    const list = [...ch.series.get(size).values()].sort((a, b) => a.windowStartMs - b.windowStartMs);
    const latest = list[list.length - 1];
    ch.rate.textContent = num(latest.ratePerMin);
    ch.unit.textContent = latest.rateLabel || 'msgs/min';
    ch.rate.title = `${latest.messages} messages, ${latest.chatters} chatters in the ${latest.early ? 'open' : 'last'} ${size / 1000} s window`;
    ch.emotes.replaceWith((ch.emotes = emoteList(latest.topEmotes)));
    const max = Math.max(1, ...list.map((p) => p.ratePerMin));
    const xy = list.map((p, i) => `${i + MAX_POINTS - list.length},${(30 - (p.ratePerMin / max) * 28 - 1).toFixed(1)}`);
    const finals = list.filter((p) => !p.early).length;
    ch.line.setAttribute('points', xy.slice(0, finals).join(' '));
    ch.open.setAttribute('points', xy.slice(Math.max(0, finals - 1)).join(' '));
  }

  function onHype(u) {
    hypes.set(u.roomId, u);
    const cards = [...hypes.values()]
      .sort((a, b) => (a.endMs === null) - (b.endMs === null) || a.beginMs - b.beginMs)
      .reverse()
      .slice(0, MAX_HYPES)
      .map((h) => {
        // An alert crossed the alert severity (worth waking someone for); any other hype is a highlight.
        const card = el('div', `card ${h.alert ? 'alert' : 'highlight'}${h.endMs === null ? ' live' : ''}`);
        card.dataset.channel = h.channel;
        const head = el('div');
        head.append(el('span', 'badge severity', h.alert ? 'ALERT' : 'highlight'), el('span', 'badge', h.endMs === null ? 'LIVE' : 'ended'), el('span', 'name', `#${h.channel}`));
        const numbers = el('div', 'muted', h.endMs === null
          ? `${num(h.ratePerMin)} ${h.rateLabel || 'msgs/min'}; peak ${num(h.peakRatePerMin)}/min vs baseline ${num(h.baselineRatePerMin)}/min since ${time(h.beginMs)}`
          : `${num(h.peakRatePerMin)} ${h.rateLabel || 'peak msgs/min'} vs baseline ${num(h.baselineRatePerMin)}/min, ${time(h.beginMs)}–${time(h.endMs)}, ${num(h.messages)} messages`);
        card.append(head, numbers, emoteList(h.topEmotes));
        return card;
      });
    $('hypes').replaceChildren(...cards);
  }

  function renderAds() {
    if (ads.size === 0) return;
    const cards = [...ads.values()].sort((a, b) => b.startMs - a.startMs).map((a) => {
      const state = AD_BADGE[a.state] ? a.state : 'passed';
      const card = el('div', state === 'now' ? 'card ad-now' : `card ad-${state}`);
      card.dataset.channel = a.channel;
      const head = el('div');
      head.append(el('span', 'badge', AD_BADGE[state]), el('span', 'name', `#${a.channel}`), el('span', 'muted', ` ${time(a.startMs)}–${time(a.endMs)}, score ${a.score.toFixed(2)}`));
      card.append(head, el('div', 'muted', a.reason));
      if (state === 'cancelled' && a.cancelledAtMs !== null) card.append(el('div', 'muted', `cancelled: a hype began at ${time(a.cancelledAtMs)}, the rest of the window is off`));
      if (state === 'held') card.append(el('div', 'muted', 'not now: the channel is in hype'));
      return card;
    });
    $('ads').replaceChildren(...cards);
  }

  function onFeed(u) {
    if (feedIds.has(u.id)) return;
    feedIds.add(u.id);
    const li = el('li', u.kind);
    li.dataset.id = u.id;
    const count = u.kind === 'raid' ? `${num(u.count)} viewers` : u.count > 1 ? `×${num(u.count)}` : '';
    li.append(
      el('span', 'muted', `${time(u.atMs)} `), el('span', 'kind', KIND_LABEL[u.kind] || u.kind), el('span', 'name', `#${u.channel} `),
      el('span', 'who', u.who), el('span', 'count', count ? ` ${count} ` : ' '), el('span', 'detail muted', u.detail),
    );
    const list = $('feed');
    list.prepend(li);
    while (list.children.length > MAX_FEED) {
      feedIds.delete(list.lastElementChild.dataset.id);
      list.lastElementChild.remove();
    }
  }

  function onStatus(u) {
    $('mode').textContent = u.mode;
    $('msgs').textContent = u.messagesPerSec.toFixed(1);
    $('windows').textContent = num(u.windowsOut);
    $('clock').textContent = time(u.nowMs);
  }

  const HANDLERS = {
    rate: onRate,
    hype: onHype,
    ad: (u) => { ads.set(u.roomId, u); renderAds(); },
    feed: onFeed,
    status: onStatus,
  };

  function connect() {
    const source = new EventSource('/events');
    const conn = $('conn');
    source.addEventListener('open', () => {
      reset();
      conn.textContent = 'live';
      conn.className = 'conn up';
    });
    source.addEventListener('error', () => {
      conn.textContent = 'reconnecting…';
      conn.className = 'conn down';
    });
    source.addEventListener('message', (event) => {
      let update;
      try {
        update = JSON.parse(event.data);
      } catch {
        return;
      }
      const handler = HANDLERS[update && update.type];
      if (handler) handler(update);
    });
  }

  connect();
})();
