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
  return ex;
}

const ex = client();
await ex.loadMarkets();

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
