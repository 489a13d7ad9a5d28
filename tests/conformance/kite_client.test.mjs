// Zerodha's official Kite Connect client (npm `kiteconnect`, pinned in package-lock.json) against
// `aitrapp venue-sim --venue kite`. Every call goes through the client's own request building,
// response interceptor, CSV parser and binary tick parser, so any difference between the simulator
// and the real protocol shows up here as a thrown error or a wrong value.
//
// Environment (set by run.sh): SIM_ROOT (http://host:port), SIM_CONTROL (control API root),
// SIM_DATA (the replayed day's directory), SIM_START (HH:MM the replay starts at),
// KITE_API_KEY, KITE_API_SECRET.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KiteConnect, KiteTicker } from 'kiteconnect';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`conformance: ${name} is not set`);
  return v;
};
const ROOT = env('SIM_ROOT');
const CONTROL = env('SIM_CONTROL');
const DATA = env('SIM_DATA');
const START = env('SIM_START');
const API_KEY = env('KITE_API_KEY');
const API_SECRET = env('KITE_API_SECRET');

// How configs/app.yaml names the replayed instruments on Kite.
const KITE_KEY_OF = {
  NIFTY_F1: 'NFO:NIFTY_F1',
  BANKNIFTY_F1: 'NFO:BANKNIFTY_F1',
  NIFTY: 'NSE:NIFTY 50',
  BANKNIFTY: 'NSE:NIFTY BANK',
  INDIAVIX: 'NSE:INDIA VIX',
};
const FUT = 'NIFTY_F1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const paise = (x) => Math.round(x * 100);
const onTick = (price, tick) => (Math.round(price / tick) * tick).toFixed(2);

async function control(path) {
  const r = await fetch(CONTROL + path, { method: path.startsWith('/faults') || path === '/login' ? 'POST' : 'GET' });
  assert.equal(r.status, 200, `control ${path}: HTTP ${r.status}`);
  return r.json();
}

// Kite's order limit is 10/s per api_key: space order calls by 110 ms so the suite itself never
// meets a 429 it did not ask for.
let lastOrderCall = 0;
async function paced(fn) {
  const wait = lastOrderCall + 110 - Date.now();
  if (wait > 0) await sleep(wait);
  lastOrderCall = Date.now();
  return fn();
}

// The client rejects with Kite's error envelope; return it for inspection.
async function kiteError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded; a Kite error was expected');
}

// ---------------------------------------------------------------------------------------------
// The replayed data: every tick venue-sim publishes, derived from the one-minute bars the same
// way its tick path does (open, nearer extreme, other extreme, close at 0/15/30/59 s), with the
// running day figures a Kite tick carries.

function loadBars(symbol) {
  const file = readdirSync(DATA).find((f) => f.endsWith(`_${symbol}.csv`));
  assert.ok(file, `no bar file for ${symbol} in ${DATA}`);
  const lines = readFileSync(join(DATA, file), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const col = (name) => {
    const i = head.indexOf(name);
    assert.ok(i >= 0, `${file}: no column ${name}`);
    return i;
  };
  const [d, t, o, h, l, c, v] = ['date', 'time', 'open', 'high', 'low', 'close', 'volume'].map(col);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    const ymd = f[d];
    const [hh, mm] = f[t].split(':').map(Number);
    // Bars are stamped in IST (UTC+05:30).
    const start = Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8), hh, mm) - 330 * 60_000;
    return { start, hhmm: f[t], open: paise(+f[o]), high: paise(+f[h]), low: paise(+f[l]),
             close: paise(+f[c]), volume: Math.trunc(+f[v]) };
  });
}

function expectedTicks(symbol) {
  const out = [];
  let open = null, high = -Infinity, low = Infinity, volume = 0;
  for (const b of loadBars(symbol)) {
    if (b.hhmm < START) continue;
    const highFirst = b.high - b.open <= b.open - b.low;
    const path = [b.open, highFirst ? b.high : b.low, highFirst ? b.low : b.high, b.close];
    const quarter = Math.trunc(b.volume / 4);
    [0, 15, 30, 59].forEach((offset, i) => {
      const last = path[i];
      const qty = i < 3 ? quarter : b.volume - 3 * quarter;
      if (open === null) open = last;
      high = Math.max(high, last);
      low = Math.min(low, last);
      volume += qty;
      out.push({ time: b.start + offset * 1000, last, open, high, low, volume, qty });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

// The CSV ends with a newline, as a text file does; papaparse turns that into one last row with
// an empty instrument_token, which a client skips.
function listed(rows) {
  assert.equal(rows[rows.length - 1].instrument_token, '');
  return rows.slice(0, -1);
}

const kc = new KiteConnect({ api_key: API_KEY, root: ROOT });
let instruments = [];
const tokenOf = (symbol) => {
  const [exchange, tradingsymbol] = KITE_KEY_OF[symbol].split(':');
  const row = instruments.find((r) => r.exchange === exchange && r.tradingsymbol === tradingsymbol);
  assert.ok(row, `${KITE_KEY_OF[symbol]} is not in the instrument master`);
  return row;
};

test('login: request token exchanged for an access token (checksum verified)', async () => {
  const { request_token } = await control('/login');
  const bad = await kiteError(kc.generateSession(request_token, 'not-the-secret'));
  assert.equal(bad.error_type, 'TokenException');
  assert.match(bad.message, /checksum/);

  const session = await kc.generateSession(request_token, API_SECRET);
  assert.equal(session.api_key, API_KEY);
  assert.match(session.access_token, /^[0-9a-f]{32}$/);
  assert.ok(session.user_id);
  // generateSession installs the token on the client.
  assert.equal(kc.access_token, session.access_token);

  const reused = await kiteError(kc.generateSession(request_token, API_SECRET));
  assert.equal(reused.error_type, 'TokenException', 'a request token is good for one exchange');
  kc.setAccessToken(session.access_token);

  const profile = await kc.getProfile();
  assert.equal(profile.user_id, session.user_id);
});

test('a wrong access token is a TokenException', async () => {
  const other = new KiteConnect({ api_key: API_KEY, root: ROOT, access_token: 'wrong' });
  const e = await kiteError(other.getProfile());
  assert.equal(e.error_type, 'TokenException');
  assert.equal(e.status, 'error');
});

test('instruments: the gzipped CSV master parsed by the client', async () => {
  instruments = listed(await kc.getInstruments());
  assert.ok(instruments.length >= Object.keys(KITE_KEY_OF).length);
  const fut = tokenOf(FUT);
  assert.equal(fut.tick_size, 0.05);
  assert.equal(fut.lot_size, 50);
  assert.equal(fut.instrument_type, 'FUT');
  assert.equal(fut.segment, 'NFO-FUT');
  assert.equal(Number(fut.instrument_token), Number(fut.exchange_token) * 256 + 2, 'token = exchange_token*256 + segment');
  // Kite's own tokens for the indices.
  assert.equal(Number(tokenOf('NIFTY').instrument_token), 256265);
  assert.equal(Number(tokenOf('BANKNIFTY').instrument_token), 260105);
  assert.equal(Number(tokenOf('INDIAVIX').instrument_token), 264969);

  const nfo = listed(await kc.getInstruments('NFO'));
  assert.ok(nfo.length > 0 && nfo.every((r) => r.exchange === 'NFO'));
});

test('margins: both segments and one segment', async () => {
  const all = await kc.getMargins();
  assert.equal(all.equity.enabled, true);
  assert.ok(all.equity.available.cash > 0);
  assert.ok('commodity' in all);
  const equity = await kc.getMargins('equity');
  assert.equal(equity.available.cash, all.equity.available.cash);
  const bad = await kiteError(kc.getMargins('gold'));
  assert.equal(bad.error_type, 'InputException');
});

// Started before the orders so that their updates arrive on it; checked at the end.
const ticker = { ticks: [], updates: [], connected: null, instance: null };

test('ticker: connect, subscribe and set ltp / quote / full modes', async () => {
  // reconnect: false, because with auto-reconnect on, the client calls process.exit(1) when a
  // connection it closed itself (disconnect()) reports its close.
  const t = new KiteTicker({ api_key: API_KEY, access_token: kc.access_token,
                             root: ROOT.replace(/^http/, 'ws') + '/', reconnect: false });
  ticker.instance = t;
  const full = [tokenOf(FUT), tokenOf('NIFTY')].map((r) => Number(r.instrument_token));
  const quote = [tokenOf('BANKNIFTY_F1'), tokenOf('BANKNIFTY')].map((r) => Number(r.instrument_token));
  const ltp = [Number(tokenOf('INDIAVIX').instrument_token)];
  ticker.connected = new Promise((resolve, reject) => {
    t.on('connect', () => {
      t.subscribe([...full, ...quote, ...ltp]);
      t.setMode(t.modeFull, full);
      t.setMode(t.modeQuote, quote);
      t.setMode(t.modeLTP, ltp);
      resolve();
    });
    t.on('error', reject);
  });
  t.on('ticks', (ticks) => ticker.ticks.push(...ticks.map((k) => ({ ...k, received: Date.now() }))));
  t.on('order_update', (u) => ticker.updates.push(u));
  t.connect();
  await ticker.connected;
});

test('quotes: full, ohlc and ltp; the quote limit is 1/s', async () => {
  await sleep(1100);
  const key = KITE_KEY_OF[FUT];
  const q = (await kc.getQuote([key, 'NFO:NOSUCH']))[key];
  assert.ok(q, 'the quote for a known instrument');
  assert.equal(q.instrument_token, Number(tokenOf(FUT).instrument_token));
  assert.equal(q.depth.buy.length, 5);
  assert.equal(q.depth.sell.length, 5);
  assert.ok(q.depth.buy[0].price <= q.last_price && q.last_price <= q.depth.sell[0].price);
  assert.ok(q.ohlc.low <= q.last_price && q.last_price <= q.ohlc.high);
  const limited = await kiteError(kc.getLTP([key]));
  assert.equal(limited.error_type, 'NetworkException', 'a second quote within 1 s is refused');
  await sleep(1100);
  const ohlc = (await kc.getOHLC([key]))[key];
  assert.ok(ohlc.ohlc.open > 0 && ohlc.last_price > 0);
  await sleep(1100);
  const ltp = (await kc.getLTP([key]))[key];
  assert.ok(ltp.last_price > 0);
});

const placed = [];
async function place(params) {
  const { order_id } = await paced(() =>
    kc.placeOrder('regular', { exchange: 'NFO', tradingsymbol: FUT, product: 'MIS', validity: 'DAY', ...params }));
  assert.match(order_id, /^\d{15,}$/, 'order ids are decimal strings');
  placed.push(order_id);
  return order_id;
}
async function waitStatus(order_id, wanted) {
  for (let i = 0; i < 100; ++i) {
    const history = await kc.getOrderHistory(order_id);
    const last = history[history.length - 1];
    if (wanted.includes(last.status)) return history;
    await sleep(150);
  }
  assert.fail(`order ${order_id} never reached ${wanted}`);
}
async function lastPrice() {
  await sleep(1100);  // the quote limit
  return (await kc.getLTP([KITE_KEY_OF[FUT]]))[KITE_KEY_OF[FUT]].last_price;
}

test('MARKET buy: history per transition, trades, tag echoed', async () => {
  const id = await place({ transaction_type: 'BUY', order_type: 'MARKET', quantity: 50, tag: 'confbuy1' });
  const history = await waitStatus(id, ['COMPLETE', 'REJECTED']);
  assert.deepEqual(history.slice(0, 3).map((h) => h.status),
                   ['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING']);
  const done = history[history.length - 1];
  assert.equal(done.status, 'COMPLETE');
  assert.equal(done.filled_quantity, 50);
  assert.equal(done.pending_quantity, 0);
  assert.equal(done.tag, 'confbuy1');
  assert.deepEqual(done.tags, ['confbuy1']);
  assert.ok(done.order_timestamp instanceof Date, 'timestamps are "YYYY-MM-DD HH:MM:SS"');
  const trades = await kc.getOrderTrades(id);
  assert.equal(trades.reduce((s, t) => s + t.quantity, 0), 50);
  assert.ok(trades.every((t) => t.order_id === id && t.transaction_type === 'BUY'));
  const all = await kc.getTrades();
  assert.ok(trades.every((t) => all.some((a) => a.trade_id === t.trade_id)));
  const orders = await kc.getOrders();
  assert.equal(orders.find((o) => o.order_id === id).status, 'COMPLETE');
});

test('LIMIT: rests OPEN, modified, cancelled', async () => {
  const ltp = await lastPrice();
  const id = await place({ transaction_type: 'BUY', order_type: 'LIMIT', quantity: 50,
                           price: onTick(ltp * 0.97, 0.05), tag: 'conflimit1' });
  await waitStatus(id, ['OPEN']);
  const price = onTick(ltp * 0.96, 0.05);
  await paced(() => kc.modifyOrder('regular', id, { price, quantity: 100 }));
  let history = await kc.getOrderHistory(id);
  assert.deepEqual(history.slice(-4).map((h) => h.status),
                   ['MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'MODIFIED', 'OPEN']);
  assert.equal(history[history.length - 1].price, Number(price));
  assert.equal(history[history.length - 1].quantity, 100);
  await paced(() => kc.cancelOrder('regular', id));
  history = await waitStatus(id, ['CANCELLED']);
  const last = history[history.length - 1];
  assert.equal(last.cancelled_quantity, 100);
  assert.equal(last.pending_quantity, 0);
  const again = await kiteError(paced(() => kc.cancelOrder('regular', id)));
  assert.equal(again.error_type, 'InputException');
});

test('SL-M and SL: TRIGGER PENDING, trigger modified, cancelled', async () => {
  const ltp = await lastPrice();
  const slm = await place({ transaction_type: 'SELL', order_type: 'SL-M', quantity: 50,
                            trigger_price: onTick(ltp * 0.97, 0.05), tag: 'confslm1' });
  const sl = await place({ transaction_type: 'BUY', order_type: 'SL', quantity: 50,
                           trigger_price: onTick(ltp * 1.03, 0.05), price: onTick(ltp * 1.031, 0.05),
                           tag: 'confsl1' });
  await waitStatus(slm, ['TRIGGER PENDING']);
  await waitStatus(sl, ['TRIGGER PENDING']);
  const trigger = onTick(ltp * 0.965, 0.05);
  await paced(() => kc.modifyOrder('regular', slm, { trigger_price: trigger }));
  const h = await kc.getOrderHistory(slm);
  assert.equal(h[h.length - 1].status, 'TRIGGER PENDING');
  assert.equal(h[h.length - 1].trigger_price, Number(trigger));
  for (const id of [slm, sl]) {
    await paced(() => kc.cancelOrder('regular', id));
    await waitStatus(id, ['CANCELLED']);
  }
});

test('an order is modified at most 25 times', async () => {
  const ltp = await lastPrice();
  const id = await place({ transaction_type: 'BUY', order_type: 'LIMIT', quantity: 50,
                           price: onTick(ltp * 0.95, 0.05) });
  await waitStatus(id, ['OPEN']);
  for (let i = 1; i <= 25; ++i)
    await paced(() => kc.modifyOrder('regular', id, { price: onTick(ltp * 0.95 - i * 0.05, 0.05) }));
  const e = await kiteError(paced(() => kc.modifyOrder('regular', id, { price: onTick(ltp * 0.9, 0.05) })));
  assert.equal(e.error_type, 'InputException');
  assert.match(e.message, /modifications/);
  await paced(() => kc.cancelOrder('regular', id));
  await waitStatus(id, ['CANCELLED']);
});

test('bad orders are InputExceptions naming what is wrong', async () => {
  const base = { exchange: 'NFO', tradingsymbol: FUT, product: 'MIS', transaction_type: 'BUY', order_type: 'MARKET', quantity: 50 };
  const cases = [
    [{ ...base, quantity: undefined }, /quantity/],
    [{ ...base, tradingsymbol: 'NOSUCH' }, /tradingsymbol/],
    [{ ...base, exchange: 'NSE', tradingsymbol: 'NIFTY 50' }, /index/],
    [{ ...base, order_type: 'LIMIT' }, /price/],
    [{ ...base, tag: 'not a valid tag!' }, /tag/],
  ];
  for (const [params, message] of cases) {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const e = await kiteError(paced(() => kc.placeOrder('regular', clean)));
    assert.equal(e.error_type, 'InputException', JSON.stringify(params));
    assert.match(e.message, message);
  }
  const missing = await kiteError(kc.getOrderHistory('1'));
  assert.equal(missing.error_type, 'InputException');
});

test('MARKET sell flattens; positions agree with the trades', async () => {
  const id = await place({ transaction_type: 'SELL', order_type: 'MARKET', quantity: 50, tag: 'confsell1' });
  await waitStatus(id, ['COMPLETE']);
  const { net, day } = await kc.getPositions();
  const p = net.find((x) => x.tradingsymbol === FUT);
  assert.ok(p, 'a position row for the traded instrument');
  assert.equal(p.quantity, 0);
  assert.equal(p.buy_quantity, 50);
  assert.equal(p.sell_quantity, 50);
  const trades = await kc.getTrades();
  const value = (side) => trades.filter((t) => t.transaction_type === side)
    .reduce((s, t) => s + t.quantity * t.average_price, 0);
  assert.ok(Math.abs(p.buy_value - value('BUY')) < 1e-6);
  assert.ok(Math.abs(p.sell_value - value('SELL')) < 1e-6);
  assert.ok(Math.abs(p.pnl - (p.sell_value - p.buy_value)) < 1e-6, 'flat: pnl is realised');
  assert.equal(day.length, net.length);
});

test('ticker: decoded ticks equal the replayed data; order updates for every order', async (t) => {
  await sleep(1500);  // the last order updates ride on the next tick batch
  ticker.instance.disconnect();
  const bySymbol = (symbol) => {
    const token = Number(tokenOf(symbol).instrument_token);
    return ticker.ticks.filter((k) => k.instrument_token === token);
  };
  const sameDay = (k, e, what) => {
    assert.equal(paise(k.last_price), e.last, `${what}: last_price`);
    assert.equal(paise(k.ohlc.open), e.open, `${what}: open`);
    assert.equal(paise(k.ohlc.high), e.high, `${what}: high`);
    assert.equal(paise(k.ohlc.low), e.low, `${what}: low`);
    assert.equal(paise(k.ohlc.close), e.open, `${what}: close (the day's open stands in)`);
  };

  // A subscription starts in quote mode (as on Kite), so a tick batch sent between the client's
  // subscribe and its setMode arrives in quote mode: only such a leading run may be in another
  // mode than the one set.
  const inMode = (symbol, mode) => {
    const all = bySymbol(symbol);
    const first = all.findIndex((k) => k.mode === mode);
    assert.ok(first >= 0, `no ${mode} tick for ${symbol}`);
    for (const k of all.slice(0, first)) assert.equal(k.mode, 'quote', `${symbol} before setMode`);
    return all.slice(first);
  };
  // Full mode, tradable: found by its exchange timestamp, every field checked.
  const fut = inMode(FUT, 'full'), futExpected = expectedTicks(FUT);
  assert.ok(fut.length >= 20, `only ${fut.length} full ticks for ${FUT}`);
  for (const k of fut) {
    assert.equal(k.mode, 'full');
    assert.equal(k.tradable, true);
    const e = futExpected.find((x) => x.time === k.exchange_timestamp.getTime());
    assert.ok(e, `${FUT} tick at ${k.exchange_timestamp.toISOString()} is not in the replayed data`);
    sameDay(k, e, `${FUT} ${k.exchange_timestamp.toISOString()}`);
    assert.equal(k.volume_traded, e.volume);
    assert.equal(k.last_traded_quantity, e.qty);
    assert.equal(k.last_trade_time.getTime(), e.time);
    assert.equal(k.depth.buy.length, 5);
    assert.equal(k.depth.sell.length, 5);
    const bid = paise(k.depth.buy[0].price), ask = paise(k.depth.sell[0].price);
    assert.ok(bid <= e.last && e.last <= ask && bid < ask, `${FUT}: ${bid} / ${e.last} / ${ask}`);
    for (let i = 1; i < 5; ++i) {
      assert.equal(paise(k.depth.buy[i - 1].price) - paise(k.depth.buy[i].price), 5, 'bids a tick apart');
      assert.equal(paise(k.depth.sell[i].price) - paise(k.depth.sell[i - 1].price), 5, 'asks a tick apart');
    }
    assert.equal(k.total_buy_quantity, k.depth.buy.reduce((s, l) => s + l.quantity, 0));
  }

  // Full mode, index (32 bytes): timestamped too.
  const nifty = inMode('NIFTY', 'full'), niftyExpected = expectedTicks('NIFTY');
  assert.ok(nifty.length >= 20, `only ${nifty.length} full ticks for NIFTY 50`);
  for (const k of nifty) {
    assert.equal(k.mode, 'full');
    assert.equal(k.tradable, false);
    const e = niftyExpected.find((x) => x.time === k.exchange_timestamp.getTime());
    assert.ok(e, `NIFTY 50 tick at ${k.exchange_timestamp.toISOString()} is not in the replayed data`);
    sameDay(k, e, 'NIFTY 50');
  }

  // Quote mode, tradable (44 bytes, no timestamp): the cumulative volume places it in the day.
  const bank = bySymbol('BANKNIFTY_F1'), bankExpected = expectedTicks('BANKNIFTY_F1');
  assert.ok(bank.length >= 20);
  for (const k of bank) {
    assert.equal(k.mode, 'quote');
    assert.ok(!('depth' in k));
    const e = bankExpected.find((x) => x.volume === k.volume_traded && x.last === paise(k.last_price));
    assert.ok(e, `BANKNIFTY_F1 quote (${k.last_price}, volume ${k.volume_traded}) is not in the replayed data`);
    sameDay(k, e, 'BANKNIFTY_F1 quote');
    assert.equal(k.last_traded_quantity, e.qty);
  }

  // Quote mode, index (28 bytes) and LTP mode (8 bytes): an in-order run of the replayed ticks.
  const inOrder = (got, expected, what, fields) => {
    let j = 0;
    for (const k of got) {
      while (j < expected.length && !fields(k, expected[j])) ++j;
      assert.ok(j < expected.length, `${what}: tick ${JSON.stringify(k)} out of the replayed sequence`);
      ++j;
    }
  };
  const bankIndex = bySymbol('BANKNIFTY');
  assert.ok(bankIndex.length >= 20 && bankIndex.every((k) => k.mode === 'quote' && !k.tradable));
  inOrder(bankIndex, expectedTicks('BANKNIFTY'), 'NIFTY BANK', (k, e) =>
    paise(k.last_price) === e.last && paise(k.ohlc.high) === e.high && paise(k.ohlc.low) === e.low);
  const vix = inMode('INDIAVIX', 'ltp');
  assert.ok(vix.length >= 20 && vix.every((k) => k.mode === 'ltp' && Object.keys(k).length === 5));
  inOrder(vix, expectedTicks('INDIAVIX'), 'INDIA VIX', (k, e) => paise(k.last_price) === e.last);

  t.diagnostic(`ticks checked: ${fut.length} full ${FUT}, ${nifty.length} full NIFTY 50, ` +
               `${bank.length} quote BANKNIFTY_F1, ${bankIndex.length} quote NIFTY BANK, ` +
               `${vix.length} ltp INDIA VIX; ${ticker.updates.length} order updates`);

  // Order updates: every order placed above, ending in the status its history ends in.
  for (const id of placed) {
    const mine = ticker.updates.filter((u) => u.order_id === id);
    assert.ok(mine.length > 0, `no order_update for ${id}`);
    const history = await kc.getOrderHistory(id);
    assert.deepEqual(mine.map((u) => u.status), history.map((h) => h.status), `updates of ${id}`);
  }
});

test('token expiry: every call is a TokenException until a fresh login', async () => {
  await control('/faults/expire_token');
  const e = await kiteError(kc.getProfile());
  assert.equal(e.error_type, 'TokenException');
  const { request_token } = await control('/login');
  await kc.generateSession(request_token, API_SECRET);
  assert.ok((await kc.getProfile()).user_id);
});

after(() => ticker.instance?.disconnect());
