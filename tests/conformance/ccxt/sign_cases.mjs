// Prints, as JSON, requests signed by ccxt's own Bitget client (npm ccxt, pinned by
// package-lock.json): the URL, method, body and headers it would send. run_signing.sh hands them
// to the C++ check the simulator uses; every one must be accepted, and tampered copies refused.
import ccxt from 'ccxt';

const base = 'http://127.0.0.1:1';
const api = {};
for (const k of ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert',
                 'copy', 'earn', 'uta'])
  api[k] = base;
const ex = new ccxt.bitget({
  apiKey: 'conformance_key', secret: 'conformance_secret', password: 'conformance_pass',
  urls: { api }, options: { defaultType: 'swap', uta: false },
});
const now = 1700000000000;
ex.nonce = () => now;
ex.milliseconds = () => now;

const cases = [
  ['GET', 'v2/mix/account/accounts', { productType: 'USDT-FUTURES' }],
  ['GET', 'v2/mix/order/orders-pending', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES' }],
  ['GET', 'v2/mix/order/detail',
   { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'AT:1#x y+z' }],
  ['GET', 'v2/common/trade-rate', { symbol: 'BTCUSDT', businessType: 'mix' }],
  ['GET', 'v2/spot/account/info', {}],
  ['POST', 'v2/mix/order/place-order',
   { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginMode: 'crossed', marginCoin: 'USDT',
     size: '0.001', price: '46000.1', side: 'buy', orderType: 'limit', force: 'post_only',
     clientOid: 'ATK3F0Q9Z1WAE00' }],
  ['POST', 'v2/mix/order/batch-place-order',
   { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', marginMode: 'crossed',
     orderList: [{ size: '0.001', price: '46000.1', side: 'buy', orderType: 'limit' },
                 { size: '0.001', price: '46100.1', side: 'sell', orderType: 'limit' }] }],
  ['POST', 'v2/mix/order/cancel-all-orders', { productType: 'USDT-FUTURES' }],
];

const out = [];
for (const [method, path, params] of cases) {
  const api_kind = path.startsWith('v2/spot') ? 'spot' : path.startsWith('v2/common') ? 'common' : 'mix';
  const r = ex.sign(path, ['private', api_kind], method, params);
  out.push({ method: r.method, url: r.url, body: r.body ?? '', headers: r.headers });
}
console.log(JSON.stringify(out, null, 1));
