// The operator dashboard: one WebSocket (/ws) for what the engine publishes, the REST API for
// what the operator does. Every number shown is the engine's; nothing is recomputed here but
// layout. The controls use REST only, so they work while the live channel is down.
"use strict";

const $ = (id) => document.getElementById(id);
const FACTORS = ["momentum", "trend", "liquidity", "regime", "reward_risk"];
const LIVE_PHRASE = "CONFIRM LIVE TRADING";
const KILL_REASONS = ["manual", "latency", "market_quality", "risk_cap", "rollback",
  "prelive_sanity", "drill", "leader_lost", "venue_outage"];
const MAX_EVENTS = 200;

let state = null;   // the newest state frame
let lastSeq = 0;    // the newest event applied
const events = [];  // newest first

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function row(cells, cls) {
  const tr = el("tr", null, cls);
  for (const c of cells) tr.append(c instanceof Node ? c : el("td", c));
  return tr;
}
function signed(v) {
  const td = el("td", v);
  const n = Number(v);
  if (n > 0) td.className = "pos"; else if (n < 0) td.className = "neg";
  return td;
}
function fmt(n, digits = 2) { return Number(n).toFixed(digits); }

// ---- Live channel -------------------------------------------------------------------------

let backoff = 500;
let channelUp = false;
function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  ws.onopen = () => { backoff = 500; setChannel(true); };
  ws.onclose = () => {
    setChannel(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 8000);
  };
  ws.onmessage = (m) => apply(JSON.parse(m.data));
}
function setChannel(up) {
  channelUp = up;
  const b = $("channel");
  b.textContent = up ? "live channel: up"
    : "live channel down: panels via REST, controls work";
  b.className = "badge" + (up ? "" : " down");
}

// While the channel is down the panels are filled from the REST API: the same numbers, fewer of
// them (no P&L line, no events).
async function pollRest() {
  if (channelUp) return;
  try {
    const [h, r, p, s] = await Promise.all([getJson("/health"), getJson("/risk"),
      getJson("/positions"), getJson("/signals?limit=50")]);
    const prev = state || {};
    const leader = h.checks.leader, md = h.checks.market_data;
    state = { ...prev, mode: h.mode, trading_state: h.trading_state, engine_time: h.engine_time,
      trading_day: h.trading_day, leader: leader.ok, instance_id: leader.instance_id,
      leadership: leader.leadership, heat: Number(r.heat ?? 0),
      heat_cap: Number(r.caps ? r.caps.portfolio_heat : 0), day_pnl: Number(r.day_pnl ?? 0),
      realized: Number(r.realized ?? 0), unrealized: Number(r.unrealized ?? 0),
      positions: p.positions, risk: r, signals: s.signals, pnl_line: prev.pnl_line || [],
      heartbeats: { market_data_age_seconds: md.age_seconds,
        market_data_stale_after_seconds: md.stale_after_seconds,
        order_stream_age_seconds: prev.heartbeats ? prev.heartbeats.order_stream_age_seconds : -1 },
      store: { ok: h.checks.store.ok, backend: h.checks.store.backend },
      counters: prev.counters || { signals: "-", decisions: "-", orders: "-", fills: "-" } };
    render();
  } catch (e) {
    // the API is unreachable too: the header says the channel is down; nothing else to show
  }
}
function apply(msg) {
  if (msg.type === "snapshot") {
    events.length = 0;
    const all = [];
    for (const list of Object.values(msg.recent)) all.push(...list);
    all.sort((a, b) => b.seq - a.seq);
    events.push(...all.slice(0, MAX_EVENTS));
    lastSeq = msg.seq;
    if (msg.state && msg.state.mode) state = msg.state;
    render();
  } else if (msg.type === "event") {
    if (msg.seq <= lastSeq) return;  // already in the snapshot
    lastSeq = msg.seq;
    events.unshift(msg);
    if (events.length > MAX_EVENTS) events.pop();
    renderEvents();
  } else if (msg.type === "state") {
    state = msg.state;
    render();
  }
}

// ---- Panels -------------------------------------------------------------------------------

function render() {
  renderEvents();
  if (!state) return;
  $("mode").textContent = state.mode;
  $("mode").className = "badge " + state.mode;
  $("trading-state").textContent = state.trading_state;
  $("trading-state").className = "badge " + state.trading_state;
  $("engine-time").textContent = state.engine_time ? "exchange time " + state.engine_time : "-";
  $("leader").textContent = (state.leader ? "leader " : "follower ") + state.instance_id +
    (state.leader_id && !state.leader ? " (leader " + state.leader_id + ")" : "");
  renderRanks();
  renderPositions();
  renderHeat();
  renderPnl();
  renderRisk();
  renderHeartbeats();
}

function renderRanks() {
  const r = state.ranking || {};
  const w = r.weights || {};
  const min = r.min_score;
  $("min-score").textContent = min === undefined ? "" :
    "min score " + fmt(min) + (r.weights ? "; weights " +
      FACTORS.map((f) => f + " " + fmt(w[f])).join(", ") : "");
  const top = [...(state.signals || [])].sort((a, b) => b.score - a.score).slice(0, 15);
  const body = $("ranks").tBodies[0];
  body.replaceChildren();
  let lineDrawn = false;
  for (const s of top) {
    if (!lineDrawn && min !== undefined && s.score < min) {
      const tr = row([], "min-line");
      const td = el("td");
      td.colSpan = 10;
      tr.append(td);
      body.append(tr);
      lineDrawn = true;
    }
    const parts = FACTORS.map((f) =>
      el("td", fmt(s.attribution[f]) + (w[f] !== undefined ? " ×" + fmt(w[f]) : "")));
    const outcome = s.outcome + (s.detail ? ": " + s.detail : "");
    body.append(row([s.time.slice(11, 19), el("td", s.symbol, "text"), s.side, fmt(s.score, 3),
      ...parts, el("td", outcome, "text")], s.score < min ? "below" : s.outcome));
  }
}

function renderPositions() {
  const body = $("positions").tBodies[0];
  body.replaceChildren();
  for (const p of state.positions || [])
    body.append(row([el("td", p.symbol, "text"), p.qty, p.avg_price, p.last_price,
      p.stop_loss ?? "-", p.take_profit ?? "-", signed(p.unrealized), signed(p.realized)]));
  if (!(state.positions || []).length) body.append(row([el("td", "flat", "text")]));
}

function renderHeat() {
  const pct = state.heat_cap > 0 ? Math.min(100, 100 * state.heat / state.heat_cap) : 0;
  $("heat-bar").style.width = pct + "%";
  $("heat-bar").className = pct >= 80 ? "hot" : "";
  $("heat-text").textContent = "heat " + fmt(state.heat) + " of cap " + fmt(state.heat_cap) +
    " (" + fmt(pct, 1) + "%)";
}

function renderPnl() {
  $("day-pnl").textContent = fmt(state.day_pnl);
  $("day-pnl").className = state.day_pnl > 0 ? "pos" : state.day_pnl < 0 ? "neg" : "";
  $("pnl-parts").textContent = "realized " + fmt(state.realized) + ", unrealized " +
    fmt(state.unrealized) + (state.engine_time ? " (exchange time, UTC" + state.engine_time.slice(-6) + ")" : "");
  const pts = state.pnl_line || [];
  const svg = $("pnl-line");
  svg.replaceChildren();
  if (pts.length < 1) return;
  const vals = pts.map((p) => p[1]);
  const lo = Math.min(0, ...vals), hi = Math.max(0, ...vals);
  const span = hi - lo || 1;
  const y = (v) => 150 - 140 * (v - lo) / span;
  const x = (i) => pts.length === 1 ? 300 : 600 * i / (pts.length - 1);
  const ns = "http://www.w3.org/2000/svg";
  const zero = document.createElementNS(ns, "line");
  zero.setAttribute("x1", 0); zero.setAttribute("x2", 600);
  zero.setAttribute("y1", y(0)); zero.setAttribute("y2", y(0));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", vals.map((v, i) => x(i) + "," + y(v)).join(" "));
  svg.append(zero, line);
}

function dl(target, pairs) {
  target.replaceChildren();
  for (const [k, v] of pairs) target.append(el("dt", k), el("dd", v));
}

function renderRisk() {
  const r = state.risk || {};
  const c = r.caps || {};
  dl($("risk"), [["state", r.state], ["entries", r.entries_allowed ? "allowed" : "blocked"],
    ["daily loss cap", c.daily_loss], ["distance to loss stop", r.loss_stop_distance],
    ["drawdown", r.drawdown], ["per-trade risk cap", c.per_trade_risk],
    ["heat cap", c.portfolio_heat], ["kill switch runs", JSON.stringify(r.kill_switch || {})]]);
}

function renderHeartbeats() {
  const h = state.heartbeats || {};
  const age = (s) => s < 0 ? "never" : fmt(s, 1) + " s ago";
  dl($("heartbeats"), [["market data", age(h.market_data_age_seconds) +
      (h.market_data_age_seconds > h.market_data_stale_after_seconds ? " (stale)" : "")],
    ["order stream", age(h.order_stream_age_seconds)],
    ["store", (state.store.ok ? "ok " : "DOWN ") + state.store.backend],
    ["leadership", state.leadership], ["trading day", state.trading_day],
    ["signals / decisions / orders / fills", [state.counters.signals, state.counters.decisions,
      state.counters.orders, state.counters.fills].join(" / ")]]);
}

function describe(e) {
  const d = e.data || {};
  switch (e.channel) {
    case "risk": return d.type === "kill_switch"
      ? "KILL SWITCH " + d.reason + " (" + d.source + "): " + d.positions + " positions, " +
        d.working_orders + " working orders"
      : d.kind + " " + d.check + " " + (d.symbol || "") + ": " + d.reason;
    case "orders": return d.type === "fill"
      ? "fill " + d.client_order_id + " " + d.side + " " + d.qty + " @ " + d.price
      : "order " + d.client_order_id + " " + d.status + (d.reason ? " (" + d.reason + ")" : "");
    case "decisions": return "decision " + d.symbol + " " + d.side + " " + d.qty + " @ " + d.entry;
    case "signals": return "signal " + d.symbol + " " + d.side + " score " + fmt(d.score, 3);
    default: return (d.event || "") + (d.message ? ": " + d.message : "");
  }
}

function renderEvents() {
  const list = $("events");
  list.replaceChildren();
  for (const e of events.slice(0, 100)) {
    const t = (e.data && e.data.time) ? e.data.time.slice(11, 19) + " " : "";
    list.append(el("li", t + "[" + e.channel + "] " + describe(e)));
  }
}

// ---- Controls (REST, bearer token) -------------------------------------------------------

let action = null;  // {title, what, path, body()}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  return r.json();
}

async function openConfirm(kind) {
  const reason = $("reason");
  $("confirm-result").textContent = "";
  $("token").value = sessionStorage.getItem("aitrapp-token") || "";
  $("phrase").value = "";
  $("phrase-label").hidden = true;
  $("reason-label").hidden = false;
  $("confirm-send").disabled = false;
  $("reason-name").textContent = kind === "mode" ? "Mode" : "Reason";
  if (kind === "flatten") {
    reason.replaceChildren(...KILL_REASONS.map((r) => el("option", r)));
    // Fresh from the API, not from the live channel, which may be down.
    const [pos, ord, risk] = await Promise.all([getJson("/positions"), getJson("/orders"),
      getJson("/risk")]);
    const working = ord.orders.filter((o) => ["PENDING", "SENT", "WORKING"].includes(o.status));
    action = { title: "Kill switch: flatten everything",
      what: "This cancels " + working.length + " working orders, closes " + pos.count +
        " positions (open risk " + risk.heat + ") and leaves the engine in HARD_STOP: " +
        "no new entries until resumed.",
      path: "/flatten", body: () => ({ reason: reason.value }) };
  } else if (kind === "pause") {
    reason.replaceChildren(el("option", "operator"));
    action = { title: "Pause entries", what: "New entries are blocked; exits, stop-losses and " +
      "targets keep working.", path: "/pause", body: () => ({ reason: reason.value }) };
  } else if (kind === "resume") {
    reason.replaceChildren(el("option", "operator"));
    action = { title: "Resume", what: "Re-enables new entries (state ACTIVE). The engine " +
      "refuses while a hard stop's cause still holds.", path: "/resume",
      body: () => ({ reason: reason.value }) };
  } else {
    reason.replaceChildren(el("option", "PAPER"), el("option", "LIVE"));
    $("phrase-label").hidden = false;
    action = { title: "Switch mode", what: "PAPER simulates fills; LIVE sends real orders. " +
      "LIVE needs the phrase " + LIVE_PHRASE + ".", path: "/mode",
      body: () => ({ mode: reason.value, confirm: $("phrase").value }) };
  }
  $("confirm-title").textContent = action.title;
  $("confirm-what").textContent = action.what;
  $("confirm").showModal();
}

async function send() {
  const token = $("token").value.trim();
  if (!token) { $("confirm-result").textContent = "enter the API token first"; return; }
  sessionStorage.setItem("aitrapp-token", token);
  $("confirm-send").disabled = true;
  $("confirm-result").textContent = "sent; waiting for the engine...";
  try {
    const r = await fetch(action.path, { method: "POST", cache: "no-store",
      headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
      body: JSON.stringify(action.body()) });
    const b = await r.json();
    $("confirm-result").textContent = r.ok
      ? (b.duration_ms !== undefined
        ? "flat in " + b.duration_ms + " ms: " + b.positions_closed + " positions closed, " +
          b.orders_cancelled + " orders cancelled; state " + b.state
        : "done; state " + b.state)
      : "refused (" + r.status + "): " + (b.error || JSON.stringify(b));
  } catch (e) {
    $("confirm-result").textContent = "request failed: " + e;
  }
  $("confirm-send").disabled = false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("kill").addEventListener("click", () => openConfirm("flatten"));
  $("pause").addEventListener("click", () => openConfirm("pause"));
  $("resume").addEventListener("click", () => openConfirm("resume"));
  $("mode-switch").addEventListener("click", () => openConfirm("mode"));
  $("confirm-send").addEventListener("click", send);
  $("confirm-cancel").addEventListener("click", () => $("confirm").close());
  connect();
  setInterval(pollRest, 2000);
});
