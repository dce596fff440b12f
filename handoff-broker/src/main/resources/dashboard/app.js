'use strict';
// The Baton dashboard: reads the control API with the operator token, follows /api/v1/events (SSE)
// and redraws the part each event touches. No build step, no framework.

const STEP_COLORS = {
  lock: '#9aa3b5', prepare: '#5b8def', assess: '#8e6be8', 'pre-copy': '#36a3c9', freeze: '#e0803a',
  transfer: '#d6453d', restore: '#1f9d62', redirect: '#2fbf9b', 'await-pages': '#7fc97f', release: '#b0b8c9'
};
const SITE_COLORS = ['#3157d5', '#1f9d62', '#e0803a', '#8e6be8', '#d6453d', '#2fbf9b', '#c2418c', '#6b7487'];
const state = { token: '', nodes: [], profiles: [], services: [], handoffs: new Map(), source: null, threshold: 50 };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function siteColor(name) {
  const names = state.nodes.map((n) => n.name);
  const i = names.indexOf(name);
  return SITE_COLORS[(i < 0 ? names.length : i) % SITE_COLORS.length];
}

async function api(path, body) {
  const response = await fetch('/api/v1' + path, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: 'Bearer ' + state.token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function toast(text, ok) {
  const t = $('toast');
  t.textContent = text;
  t.className = 'toast ' + (ok ? 'ok' : 'err');
}

// ---- nodes -------------------------------------------------------------------------------------
function renderNodes() {
  const box = $('nodes');
  if (!state.nodes.length) { box.innerHTML = '<p class="empty">No node registered yet.</p>'; return; }
  box.innerHTML = state.nodes.map((n) => {
    const load = n.load || {};
    const cpu = load.cpuPercent ?? 0, ram = load.ramPercent ?? 0, gpu = load.gpuPercent ?? -1;
    const bar = (cls, v, hot) => `<div class="bar ${cls}${hot ? ' hot' : ''}"><span style="width:${Math.min(100, v).toFixed(1)}%"></span>${cls === 'cpu' ? `<i class="limit" style="left:${state.threshold}%"></i>` : ''}</div>`;
    return `<div class="node ${n.status}" data-node="${esc(n.name)}">
      <div class="node-head"><i style="width:10px;height:10px;border-radius:50%;background:${siteColor(n.name)}"></i>
        <span class="node-name">${esc(n.name)}</span><span class="tag">${esc(n.role)}</span><span class="tag">${esc(n.network)}</span>
        ${n.agent ? '' : '<span class="tag">no agent</span>'}<span class="status ${n.status}">${n.status === 'unknown' ? 'no load yet' : n.status}</span></div>
      <div class="bars"><span>CPU</span>${bar('cpu', cpu, n.status === 'red')}<span>${n.load ? cpu.toFixed(0) + '%' : '–'}</span>
        <span>RAM</span>${bar('ram', ram)}<span>${n.load ? ram.toFixed(0) + '%' : '–'}</span>
        <span>GPU</span>${bar('gpu', Math.max(gpu, 0))}<span>${gpu >= 0 ? gpu.toFixed(0) + '%' : 'none'}</span></div></div>`;
  }).join('');
}

function onNodeLoad(load) {
  const node = state.nodes.find((n) => n.name === load.node);
  if (!node) return;
  node.load = load;
  node.status = load.cpuPercent > state.threshold ? 'red' : 'green';
  renderNodes();
}

// ---- services and map --------------------------------------------------------------------------
function bestSignal(s) {
  const rssi = s.telemetry && s.telemetry.rssiDbm;
  if (!rssi) return null;
  const serving = rssi[s.site];
  return serving !== undefined ? serving : Math.max(...Object.values(rssi));
}

function renderServices() {
  const body = $('services');
  if (!state.services.length) { body.innerHTML = '<tr><td colspan="6" class="empty">No service yet.</td></tr>'; }
  else {
    body.innerHTML = state.services.map((s) => {
      const signal = bestSignal(s);
      return `<tr class="${s.inHandoff ? 'moving' : ''}" data-client="${esc(s.clientId)}"><td>${esc(s.clientId)}</td><td>${esc(s.service)}</td>
        <td><span class="site-chip"><i style="background:${siteColor(s.site)}"></i>${esc(s.site)}</span>${s.inHandoff ? ' ⇢' : ''}</td>
        <td>${s.epoch}</td><td>${esc(s.profile || '–')}${s.stateful === false ? ' (stateless)' : ''}</td>
        <td>${signal === null ? '–' : signal.toFixed(0) + ' dBm'}</td></tr>`;
    }).join('');
  }
  document.querySelectorAll('.client-select').forEach((select) => fill(select, state.services.map((s) => s.clientId)));
  renderMap();
}

function renderMap() {
  const svg = $('map');
  const sites = state.nodes.filter((n) => n.role !== 'client');
  const W = 600, top = 46, H = 340;
  const anchors = {};
  sites.forEach((n, i) => { anchors[n.name] = { x: (i + 1) * W / (sites.length + 1), y: 26 }; });
  const placed = state.services.filter((s) => s.telemetry);
  const xs = placed.map((s) => s.telemetry.x), ys = placed.map((s) => s.telemetry.y);
  // Fit the clients' positions with a margin, at least 200 m across, so a lone client sits mid-map.
  const span = (v) => { const lo = Math.min(...v), hi = Math.max(...v); const w = Math.max(hi - lo, 200) * 1.25; const mid = (lo + hi) / 2; return [mid - w / 2, w]; };
  const [minX, spanX] = xs.length ? span(xs) : [0, 1], [minY, spanY] = ys.length ? span(ys) : [0, 1];
  const px = (x) => 40 + (x - minX) / spanX * (W - 80);
  const py = (y) => top + 30 + (y - minY) / spanY * (H - top - 60);
  let out = `<rect x="0" y="0" width="${W}" height="${H}" rx="10" fill="#f7f9fc"/>`;
  for (let gx = 0; gx <= W; gx += 50) out += `<line x1="${gx}" y1="${top}" x2="${gx}" y2="${H}" stroke="#eceff5"/>`;
  for (let gy = top; gy <= H; gy += 50) out += `<line x1="0" y1="${gy}" x2="${W}" y2="${gy}" stroke="#eceff5"/>`;
  sites.forEach((n) => {
    const a = anchors[n.name];
    out += `<g><path d="M${a.x - 9} ${a.y + 8} L${a.x} ${a.y - 10} L${a.x + 9} ${a.y + 8} Z" fill="${siteColor(n.name)}" opacity=".9"/>
      <circle cx="${a.x}" cy="${a.y - 12}" r="3" fill="${n.status === 'red' ? '#d6453d' : '#1f9d62'}"/>
      <text class="site-label" x="${a.x + 13}" y="${a.y + 4}">${esc(n.name)}</text></g>`;
  });
  state.services.forEach((s, i) => {
    const x = s.telemetry ? px(s.telemetry.x) : 40 + (i % 8) * 70, y = s.telemetry ? py(s.telemetry.y) : H - 30;
    const a = anchors[s.site];
    const signal = bestSignal(s);
    if (a) out += `<line x1="${x}" y1="${y}" x2="${a.x}" y2="${a.y + 8}" stroke="${siteColor(s.site)}" stroke-width="1.5" stroke-dasharray="${s.inHandoff ? '3 4' : '6 3'}" opacity=".55"/>`;
    const left = x > W - 140, tx = left ? x - 11 : x + 11, anchor = left ? 'end' : 'start';
    out += `<circle cx="${x}" cy="${y}" r="7" fill="${siteColor(s.site)}" stroke="#fff" stroke-width="2"/>
      <text x="${tx}" y="${y - 2}" text-anchor="${anchor}" font-weight="600">${esc(s.clientId)}</text>
      <text class="signal" x="${tx}" y="${y + 11}" text-anchor="${anchor}">${esc(s.site)}${signal === null ? '' : ' · ' + signal.toFixed(0) + ' dBm'}</text>`;
  });
  if (!sites.length && !state.services.length) out += `<text x="${W / 2 - 90}" y="${H / 2}" class="signal">Register nodes and deploy services to see them here.</text>`;
  svg.innerHTML = out;
}

function onTelemetry(t) {
  const s = state.services.find((x) => x.clientId === t.clientId);
  if (s) { s.telemetry = t; renderServices(); }
}

// ---- handoff timeline --------------------------------------------------------------------------
function renderLegend() {
  $('legend').innerHTML = Object.entries(STEP_COLORS).map(([step, color]) => `<span><i style="background:${color}"></i>${step}</span>`).join('');
}

function renderHandoffs() {
  const box = $('handoffs');
  const list = [...state.handoffs.values()].sort((a, b) => b.request.requestedAtMs - a.request.requestedAtMs).slice(0, 12);
  if (!list.length) { box.innerHTML = '<p class="empty">No handoff yet.</p>'; return; }
  box.innerHTML = list.map((h) => {
    const steps = h.steps.filter((s) => STEP_COLORS[s.step]);
    const total = steps.reduce((sum, s) => sum + Math.max(s.durationMs, 1), 0);
    const end = h.steps.length ? h.steps[h.steps.length - 1].endedAtMs : h.request.requestedAtMs;
    const segments = steps.map((s) => `<div title="${esc(s.step)}: ${s.durationMs} ms (${esc(s.broker)})" data-step="${esc(s.step)}"
      style="flex:${Math.max(s.durationMs, 1)} 0 0;background:${STEP_COLORS[s.step]}"></div>`).join('');
    const downtime = h.outcome && h.outcome.downtimeMillis !== undefined ? ` · down ${h.outcome.downtimeMillis.toFixed(0)} ms` : '';
    return `<div class="handoff" data-handoff="${esc(h.handoffId)}" data-status="${h.status}">
      <div><div class="who">${esc(h.request.clientId)}</div><div class="route">${esc(h.request.sourceSite)} → ${esc(h.request.targetSite)} · ${esc(h.request.technique)}</div></div>
      <div class="segments">${segments || '<div style="flex:1;background:#f1f3f8"></div>'}</div>
      <div class="outcome"><span class="badge ${h.status}">${h.status.toLowerCase()}</span>${h.takeovers ? '<span class="badge takeover">taken over</span>' : ''}
        <span class="total">${end - h.request.requestedAtMs} ms${downtime}</span></div></div>`;
  }).join('');
}

function onJournal(entry) {
  if (entry.removed) state.handoffs.delete(entry.handoffId);
  else state.handoffs.set(entry.handoffId, entry);
  renderHandoffs();
}

// ---- events ------------------------------------------------------------------------------------
function logEvent(name, data) {
  const li = document.createElement('li');
  const summary = name === 'placement' ? `${data.node} overloaded, ${data.policy}: ` +
    Object.entries(data.targets).map(([c, t]) => `${c} → ${t}`).join(', ') : data.clientId ? `${data.clientId} ${data.sourceSite || ''}${data.targetSite ? ' → ' + data.targetSite : ''}` :
    data.node ? `${data.node} cpu ${Number(data.cpuPercent).toFixed(0)}%` : data.kind ? `${data.kind} ${data.record.name || data.record.clientId}` : '';
  const cls = name === 'handoff-aborted' ? 'bad' : name === 'handoff-completed' ? 'good' : '';
  li.innerHTML = `<span class="t">${new Date().toLocaleTimeString()}</span><span class="n ${cls}">${esc(name)}</span>${esc(summary)}`;
  const log = $('events');
  log.prepend(li);
  while (log.children.length > 60) log.lastChild.remove();
}

function connect() {
  if (state.source) state.source.close();
  const source = new EventSource('/api/v1/events?access_token=' + encodeURIComponent(state.token));
  state.source = source;
  source.onopen = () => { $('conn-dot').className = 'dot on'; $('conn-text').textContent = 'live'; };
  source.onerror = () => { $('conn-dot').className = 'dot off'; $('conn-text').textContent = 'reconnecting…'; };
  const on = (name, handler) => source.addEventListener(name, (e) => {
    const data = JSON.parse(e.data);
    if (name !== 'telemetry' && name !== 'journal') logEvent(name, data);
    handler(data);
  });
  on('journal', onJournal);
  on('node-load', onNodeLoad);
  on('telemetry', onTelemetry);
  on('changed', () => refresh());
  on('placement', () => {});
  ['handoff-requested', 'client-redirected', 'handoff-completed', 'handoff-aborted'].forEach((n) => on(n, () => refreshServices()));
  ['target-prepared', 'technique-chosen', 'state-precopied', 'source-frozen', 'state-transferred', 'target-restored', 'source-released']
    .forEach((n) => on(n, () => {}));
}

// ---- data --------------------------------------------------------------------------------------
function fill(select, values) {
  const current = select.value;
  select.innerHTML = values.map((v) => `<option>${esc(v)}</option>`).join('');
  if (values.includes(current)) select.value = current;
}

async function refreshServices() {
  state.services = await api('/services');
  renderServices();
}

async function refresh() {
  const [nodes, profiles, handoffs] = await Promise.all([api('/nodes'), api('/profiles'), api('/handoffs')]);
  state.nodes = nodes;
  state.profiles = profiles;
  handoffs.forEach((h) => state.handoffs.set(h.handoffId, h));
  document.querySelectorAll('.node-select').forEach((s) => fill(s, nodes.filter((n) => n.role !== 'client').map((n) => n.name)));
  document.querySelectorAll('.profile-select').forEach((s) => fill(s, profiles.map((p) => p.name)));
  renderNodes();
  renderHandoffs();
  await refreshServices();
}

async function start(token) {
  state.token = token;
  localStorage.setItem('baton.token', token);
  try {
    await refresh();
    connect();
    toast('Connected.', true);
  } catch (e) {
    $('conn-dot').className = 'dot off';
    $('conn-text').textContent = 'not connected';
    toast(e.message, false);
  }
}

function formJson(form) {
  const data = {};
  new FormData(form).forEach((value, key) => { data[key] = value; });
  form.querySelectorAll('input[type=number]').forEach((i) => { data[i.name] = Number(i.value); });
  form.querySelectorAll('input[type=checkbox]').forEach((i) => { data[i.name] = i.checked; });
  Object.keys(data).forEach((k) => { if (data[k] === '') delete data[k]; });
  return data;
}

function submit(id, path, describe) {
  $(id).addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const result = await api(path, formJson(e.target));
      toast(describe(result), true);
      await refresh();
    } catch (err) {
      toast(err.message, false);
    }
  });
}

renderLegend();
renderMap();
submit('node-form', '/nodes', (n) => `Node ${n.name} registered.`);
submit('profile-form', '/profiles', (p) => `Profile ${p.name} registered.`);
submit('deploy-form', '/services', (d) => `${d.clientId}'s ${d.service} deployed on ${d.node}.`);
submit('migrate-form', '/migrations', (m) => `Moving ${m.clientId} from ${m.from} to ${m.target}…`);
$('token-form').addEventListener('submit', (e) => { e.preventDefault(); start($('token').value.trim()); });

const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
const saved = fromHash || localStorage.getItem('baton.token');
if (fromHash) history.replaceState(null, '', location.pathname);
if (saved) { $('token').value = saved; start(saved); }
