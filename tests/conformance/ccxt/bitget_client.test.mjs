// ccxt's own Bitget client (npm `ccxt`, pinned in package-lock.json) against
// `aitrapp venue-sim --venue bitget`. Every call goes through ccxt's request building, signing,
// envelope handling and market parsing, so a difference between the simulator and what ccxt
// expects of the real exchange shows up as a thrown error or a wrong value.
//
// Environment (set by run.sh): SIM_ROOT (http://host:port), SIM_CONTROL (control API root),
// BITGET_API_KEY, BITGET_API_SECRET, BITGET_PASSPHRASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`conformance: ${name} is not set`);
  return v;
};
const ROOT = env('SIM_ROOT');
const CONTROL = env('SIM_CONTROL');
const SYMBOL = 'BTC/USDT:USDT';

// The simulator's exchange clock runs accelerated; a client signs with the exchange's time, read
// from the control API, as our adapter does (a client signing with its own clock is refused).
const clock = await (await fetch(CONTROL + '/clock')).json();
const exchangeNow = () =>
  Math.round(clock.exchange_time_ms + (Date.now() - clock.wall_time_ms) * clock.speed);

let loaded;  // the first client, whose markets the others take
function client({ secret = env('BITGET_API_SECRET'), password = env('BITGET_PASSPHRASE'),
                  nonce = exchangeNow } = {}) {
  const api = {};
  for (const k of ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert',
                   'copy', 'earn', 'uta'])
    api[k] = ROOT;
  const ex = new ccxt.bitget({
    apiKey: env('BITGET_API_KEY'), secret, password,
    urls: { api },
    has: { fetchCurrencies: false },
    options: { defaultType: 'swap', uta: false, fetchMarkets: { types: ['swap'] } },
  });
  ex.nonce = nonce;
  // Every client after the first takes its markets: six contracts calls per client would pass
  // Bitget's 20 a second per IP, which the simulator enforces.
  if (loaded) ex.setMarkets(loaded.markets);
  return ex;
}

const ex = client();
await ex.loadMarkets();
loaded = ex;

test('fetchTime reads the exchange clock', async () => {
  const t = await ex.fetchTime();
  assert.ok(Math.abs(t - exchangeNow()) < 5 * clock.speed * 1000, `server ${t}, clock ${exchangeNow()}`);
});

test('loadMarkets finds the USDT-M perpetual with its tick, step and minimums', () => {
  const m = ex.market(SYMBOL);
  assert.equal(m.id, 'BTCUSDT');
  assert.equal(m.type, 'swap');
  assert.equal(m.linear, true);
  assert.equal(m.settle, 'USDT');
  assert.equal(m.precision.price, 0.1);
  assert.equal(m.precision.amount, 0.001);
  assert.equal(m.limits.amount.min, 0.001);
  assert.equal(m.limits.cost.min, 5);
  assert.equal(m.limits.leverage.max, 125);
  assert.deepEqual(Object.keys(ex.markets), [SYMBOL], 'the other product types list nothing');
});

test('fetchTicker: the replayed quote, bid under ask on the tick grid', async () => {
  const t = await ex.fetchTicker(SYMBOL);
  assert.equal(t.symbol, SYMBOL);
  assert.ok(t.bid > 0 && t.ask > t.bid, `bid ${t.bid} ask ${t.ask}`);
  assert.ok(Math.abs((t.ask - t.bid) / 0.1 - Math.round((t.ask - t.bid) / 0.1)) < 1e-6);
  assert.ok(t.high >= t.last && t.last >= t.low, `${t.low} <= ${t.last} <= ${t.high}`);
});

test('fetchOrderBook: five levels each side, best bid under best ask', async () => {
  const b = await ex.fetchOrderBook(SYMBOL, 5);
  assert.equal(b.bids.length, 5);
  assert.equal(b.asks.length, 5);
  for (let i = 1; i < 5; ++i) {
    assert.ok(b.bids[i][0] < b.bids[i - 1][0], 'bids descend');
    assert.ok(b.asks[i][0] > b.asks[i - 1][0], 'asks ascend');
  }
  assert.ok(b.bids[0][0] < b.asks[0][0]);
  assert.ok(b.bids[0][1] > 0 && b.asks[0][1] > 0);
});

test('fetchTradingFee reads the account rate (trade-rate), as the contract states it', async () => {
  const f = await ex.fetchTradingFee(SYMBOL);
  const m = ex.market(SYMBOL);
  assert.equal(f.maker, m.maker);
  assert.equal(f.taker, m.taker);
  assert.equal(f.taker, 0.0006);
});

test('fetchBalance: the account in USDT', async () => {
  const b = await ex.fetchBalance();
  assert.equal(b.USDT.total, 10000);
  assert.equal(b.USDT.free, 10000);
});

test('a wrong secret, a wrong passphrase and a client clock years off are refused', async () => {
  await assert.rejects(client({ secret: 'not-the-secret' }).fetchBalance(),
                       (e) => e instanceof ccxt.AuthenticationError && /40009/.test(e.message));
  await assert.rejects(client({ password: 'not-the-pass' }).fetchBalance(),
                       (e) => e instanceof ccxt.AuthenticationError && /40012/.test(e.message));
  await assert.rejects(client({ nonce: () => Date.now() }).fetchBalance(),
                       (e) => e instanceof ccxt.InvalidNonce && /40008/.test(e.message));
});

test('a bad public parameter is answered in the envelope, naming it', async () => {
  await new Promise((r) => setTimeout(r, 1100));  // out of the previous calls' window
  const r = await fetch(ROOT + '/api/v2/mix/market/ticker?symbol=ETHUSDT&productType=USDT-FUTURES');
  assert.equal(r.status, 400);
  const body = await r.json();
  assert.equal(body.code, '40808');
  assert.match(body.msg, /ETHUSDT/);
  assert.equal(body.data, null);
  const missing = await (await fetch(ROOT + '/api/v2/mix/market/contracts')).json();
  assert.equal(missing.code, '40019');
  assert.match(missing.msg, /productType/);
});

// ---- trading: ccxt's order calls, what it sends and what it parses back ----

const TICK = 0.1;
const onTick = (p) => Math.round(p / TICK) * TICK;
const byClientId = (clientOrderId) => ex.fetchOrder(undefined, SYMBOL, { clientOrderId });

test('setPositionMode, setMarginMode and setLeverage: one-way, cross, 10x', async () => {
  const mode = await ex.setPositionMode(false, SYMBOL);
  assert.equal(mode.data.posMode, 'one_way_mode');
  const margin = await ex.setMarginMode('cross', SYMBOL);
  assert.equal(margin.data.marginMode, 'crossed');
  const lever = await ex.setLeverage(10, SYMBOL);
  assert.equal(lever.data.crossMarginLeverage, '10');
  await assert.rejects(ex.setLeverage(126, SYMBOL),
                       (e) => e instanceof ccxt.InvalidOrder && /40808/.test(e.message));
});

test('a post-only limit with a clientOrderId rests, is listed, found by its id and edited', async () => {
  const t = await ex.fetchTicker(SYMBOL);
  const price = onTick(t.bid * 0.98);
  const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price,
                                      { clientOrderId: 'cc:1#a', postOnly: true });
  assert.match(placed.id, /^\d{19}$/);
  const o = await byClientId('cc:1#a');
  assert.equal(o.id, placed.id);
  assert.equal(o.clientOrderId, 'cc:1#a');
  assert.equal(o.status, 'open');
  assert.equal(o.postOnly, true);
  assert.equal(o.reduceOnly, false);
  assert.equal(o.side, 'buy');
  assert.equal(o.amount, 0.01);
  assert.ok(Math.abs(o.price - price) < 1e-6, `${o.price} vs ${price}`);
  const open = await ex.fetchOpenOrders(SYMBOL);
  assert.deepEqual(open.map((x) => x.id), [placed.id]);

  // editOrder: Bitget replaces the order under its new clientOid.
  const newPrice = onTick(price - 10 * TICK);
  await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.02, newPrice,
                     { newClientOid: 'cc:1#b' });
  assert.equal((await ex.fetchOrder(placed.id, SYMBOL)).status, 'canceled');
  const next = await byClientId('cc:1#b');
  assert.equal(next.status, 'open');
  assert.equal(next.amount, 0.02);
  assert.ok(Math.abs(next.price - newPrice) < 1e-6);

  await ex.cancelOrder(next.id, SYMBOL);
  assert.equal((await byClientId('cc:1#b')).status, 'canceled');
  await assert.rejects(ex.cancelOrder(next.id, SYMBOL),
                       (e) => e instanceof ccxt.OrderNotFound && /40768/.test(e.message));
  assert.deepEqual(await ex.fetchOpenOrders(SYMBOL), []);
});

test('a post-only limit that would take liquidity is cancelled unfilled', async () => {
  const t = await ex.fetchTicker(SYMBOL);
  await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, onTick(t.ask * 1.01),
                       { clientOrderId: 'cc-po-cross', postOnly: true });
  const o = await byClientId('cc-po-cross');
  assert.equal(o.status, 'canceled');
  assert.equal(o.filled, 0);
});

test('market buy then reduce-only market sell: filled, a taker trade, a long then flat', async () => {
  await ex.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'cc-mkt-1' });
  const o = await byClientId('cc-mkt-1');
  assert.equal(o.status, 'closed');
  assert.equal(o.filled, 0.01);
  assert.ok(o.average > 0);
  assert.equal(o.fee.currency, 'USDT');
  assert.ok(Math.abs(o.fee.cost - o.average * 0.01 * 0.0006) < 1e-3, JSON.stringify(o.fee));

  const trades = await ex.fetchMyTrades(SYMBOL);
  const mine = trades.filter((x) => x.order === o.id);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].side, 'buy');
  assert.equal(mine[0].amount, 0.01);
  assert.equal(mine[0].takerOrMaker, 'taker');
  assert.equal(mine[0].fee.currency, 'USDT');
  assert.ok(mine[0].fee.cost > 0);

  const positions = await ex.fetchPositions([SYMBOL]);
  assert.equal(positions.length, 1);
  const p = positions[0];
  assert.equal(p.symbol, SYMBOL);
  assert.equal(p.side, 'long');
  assert.equal(p.contracts, 0.01);
  assert.equal(p.marginMode, 'cross');
  assert.equal(p.hedged, false);
  assert.equal(p.leverage, 10);
  assert.ok(p.entryPrice > 0);

  await ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined,
                       { clientOrderId: 'cc-mkt-2', reduceOnly: true });
  const close = await byClientId('cc-mkt-2');
  assert.equal(close.status, 'closed');
  assert.equal(close.reduceOnly, true);
  assert.deepEqual(await ex.fetchPositions([SYMBOL]), []);
  const b = await ex.fetchBalance();
  assert.ok(b.USDT.total < 10000 + 50 && b.USDT.total > 10000 - 50, `equity ${b.USDT.total}`);
});

test('cancelAllOrders(symbol) cancels every resting order of the symbol', async () => {
  const t = await ex.fetchTicker(SYMBOL);
  for (const k of [1, 2])
    await ex.createOrder(SYMBOL, 'limit', 'sell', 0.01, onTick(t.ask * (1 + 0.01 * k)),
                         { clientOrderId: `cc-all-${k}` });
  assert.equal((await ex.fetchOpenOrders(SYMBOL)).length, 2);
  await ex.cancelAllOrders(SYMBOL);
  assert.deepEqual(await ex.fetchOpenOrders(SYMBOL), []);
  assert.equal((await byClientId('cc-all-2')).status, 'canceled');
});

test("each refusal arrives as ccxt's exception class with Bitget's code", async () => {
  const t = await ex.fetchTicker(SYMBOL);
  const rest = onTick(t.bid * 0.98);
  const rejects = (promise, cls, code) =>
    assert.rejects(promise, (e) => e instanceof cls && new RegExp(code).test(e.message));
  await rejects(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, rest, { tradeSide: 'open' }),
                ccxt.InvalidOrder, '40774');
  await rejects(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, onTick(t.bid * 0.9)),
                ccxt.InvalidOrder, '40808');
  await rejects(ex.createOrder(SYMBOL, 'limit', 'buy', 100, rest), ccxt.InsufficientFunds, '43012');
  await rejects(byClientId('cc-never-sent'), ccxt.OrderNotFound, '40109');
  // Not in ccxt's code map: a duplicate clientOid and a reduce-only with nothing to reduce are
  // plain ExchangeErrors that still carry Bitget's code.
  await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, rest, { clientOrderId: 'cc-dup' });
  await rejects(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, rest, { clientOrderId: 'cc-dup' }),
                ccxt.ExchangeError, '40786');
  await rejects(ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { reduceOnly: true }),
                ccxt.ExchangeError, '22002');
  await ex.cancelAllOrders(SYMBOL);
});

// ---- funding, candles, tiers and the control API's faults ----

const control = async (path) => {
  const r = await fetch(CONTROL + path, { method: 'POST' });
  const body = await r.json();
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
};

test('fetchFundingRate: the current rate, its 8 h interval and the next settlement', async () => {
  const f = await ex.fetchFundingRate(SYMBOL);
  assert.equal(f.symbol, SYMBOL);
  assert.equal(f.fundingRate, 0.0001);
  assert.equal(f.interval, '8h');
  assert.equal(f.fundingTimestamp % (8 * 3600 * 1000), 0, 'on 00:00, 08:00 or 16:00 UTC');
  assert.ok(f.fundingTimestamp > exchangeNow() - 60000);
});

test('a settlement is in the rate history and, for a position, in the funding payments', async () => {
  await ex.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'cc-fund-1' });
  await control('/faults/funding_rate?symbol=BTCUSDT&ppm=-200');
  const settled = await control('/faults/settle_funding');
  assert.ok(Number(settled.settled[0].amount) > 0, 'a negative rate pays the long');
  const rates = await ex.fetchFundingRateHistory(SYMBOL);
  assert.ok(rates.length >= 1);
  assert.equal(rates.at(-1).fundingRate, -0.0002, JSON.stringify(rates.at(-1)));
  const payments = await ex.fetchFundingHistory(SYMBOL);
  assert.ok(payments.length >= 1, JSON.stringify(payments));
  assert.equal(payments.at(-1).code, 'USDT');
  assert.ok(Math.abs(payments.at(-1).amount - Number(settled.settled[0].amount)) < 1e-9);
  await ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { reduceOnly: true });
  await control('/faults/funding_rate?symbol=BTCUSDT&ppm=100');
});

test('fetchOHLCV: one-minute candles from the replayed ticks', async () => {
  const bars = await ex.fetchOHLCV(SYMBOL, '1m', undefined, 5);
  assert.ok(bars.length >= 1 && bars.length <= 5, `${bars.length} bars`);
  for (const [t, o, h, l, c] of bars) {
    assert.equal(t % 60000, 0);
    assert.ok(h >= Math.max(o, c) && l <= Math.min(o, c), `${o} ${h} ${l} ${c}`);
  }
});

test('fetchMarketLeverageTiers: the position tiers, leverage falling as value grows', async () => {
  const tiers = await ex.fetchMarketLeverageTiers(SYMBOL);
  assert.ok(tiers.length >= 2);
  assert.equal(tiers[0].maxLeverage, 125);
  assert.equal(tiers[0].maintenanceMarginRate, 0.004);
  assert.ok(tiers[1].maxLeverage < tiers[0].maxLeverage);
});

test('a 429 burst is ccxt\'s DDoSProtection, and the next request goes through', async () => {
  await control('/faults/errors?status=429&count=1');
  await assert.rejects(ex.fetchTicker(SYMBOL), (e) => e instanceof ccxt.DDoSProtection);
  assert.ok((await ex.fetchTicker(SYMBOL)).last > 0);
});

test('an order from the exchange UI shows among the open orders, not sent by us', async () => {
  const ui = await control('/faults/ui_order?symbol=BTCUSDT&side=sell&size=0.010');
  const open = await ex.fetchOpenOrders(SYMBOL);
  const found = open.find((o) => o.id === ui.orderId);
  assert.ok(found, JSON.stringify(open.map((o) => o.id)));
  assert.equal(found.info.enterPointSource, 'WEB');
  await ex.cancelAllOrders(SYMBOL);
});

// ---- the WebSocket streams through ccxt.pro ----

// ccxt needs its node http agent loaded before it opens a plain ws:// (loopback) stream.
async function streamClient() {
  const ws = ROOT.replace(/^http/, 'ws');
  const pro = new ccxt.pro.bitget({
    apiKey: env('BITGET_API_KEY'), secret: env('BITGET_API_SECRET'),
    password: env('BITGET_PASSPHRASE'),
    urls: { api: { ...client().urls.api,
                   ws: { public: ws + '/v2/ws/public', private: ws + '/v2/ws/private' } } },
    has: { fetchCurrencies: false },
    options: { defaultType: 'swap', uta: false, fetchMarkets: { types: ['swap'] },
               watchOrderBook: { checksum: true } },
  });
  pro.nonce = exchangeNow;
  pro.seconds = () => Math.floor(exchangeNow() / 1000);  // the WS login signs with seconds
  await pro.loadHttpProxyAgent();
  return pro;
}
const pro = await streamClient();
await pro.loadMarkets();

test('watchOrderBook (books): a snapshot, then updates that pass ccxt\'s checksum', async () => {
  let book;
  for (let i = 0; i < 4; ++i) book = await pro.watchOrderBook(SYMBOL);  // each an update
  assert.equal(book.bids.length, 5);
  assert.equal(book.asks.length, 5);
  assert.ok(book.bids[0][0] < book.asks[0][0]);
  for (let i = 1; i < 5; ++i) assert.ok(book.bids[i][0] < book.bids[i - 1][0]);
});

test('watchTicker and watchTrades follow the replay', async () => {
  const t = await pro.watchTicker(SYMBOL);
  assert.equal(t.symbol, SYMBOL);
  assert.ok(t.bid > 0 && t.ask > t.bid);
  const trades = await pro.watchTrades(SYMBOL);
  assert.ok(trades.length >= 1);
  assert.ok(trades[0].price > 0 && trades[0].amount > 0);
});

test('watchOrders, watchMyTrades and watchPositions see our market order fill', async () => {
  // The positions channel answers its subscription with the set then (flat), then each change.
  assert.deepEqual(await pro.watchPositions([SYMBOL]), []);
  const orders = pro.watchOrders(SYMBOL);
  const mine = pro.watchMyTrades(SYMBOL);
  const positions = pro.watchPositions([SYMBOL]);
  await new Promise((r) => setTimeout(r, 300));  // the subscriptions land first
  await ex.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'cc-ws-1' });
  const seen = await orders;
  assert.ok(seen.some((o) => o.clientOrderId === 'cc-ws-1'),
            JSON.stringify(seen.map((o) => o.clientOrderId)));
  const trades = await mine;
  assert.equal(trades.at(-1).side, 'buy');
  assert.equal(trades.at(-1).amount, 0.01);
  const pos = await positions;
  assert.ok(pos.some((p) => p.symbol === SYMBOL && p.side === 'long' && p.contracts === 0.01),
            JSON.stringify(pos));
  await ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { reduceOnly: true });
});

test('watchBalance: the account channel', async () => {
  const pending = pro.watchBalance();
  await new Promise((r) => setTimeout(r, 300));
  await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, onTick((await ex.fetchTicker(SYMBOL)).bid * 0.98),
                       { clientOrderId: 'cc-ws-bal' });
  const b = await pending;
  assert.ok(b.USDT.total > 9000, JSON.stringify(b.USDT));
  await ex.cancelAllOrders(SYMBOL);
});

test('a login with the wrong secret is refused on the stream', async () => {
  const bad = await streamClient();
  bad.secret = 'not-the-secret';
  await assert.rejects(bad.watchOrders(SYMBOL), (e) => e instanceof ccxt.AuthenticationError);
  await bad.close();
});

test.after(async () => { await pro.close(); });
