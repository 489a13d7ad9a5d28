// The operator dashboard in Debian's headless Chromium against a real `aitrapp run` (PAPER, no
// Redis): the panels fill from the live channel, a position appears, the kill switch asks first,
// sends with the operator's token only after the confirmation, shows the result, and the
// positions go to 0; resume, pause and the mode switch say what they do, and work with the live
// channel down. No request leaves the origin and the console stays free of errors.
// Environment: AITRAPP_URL (the run's API), AITRAPP_TOKEN, CHROMIUM, OUT (screenshots).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const URL_ROOT = process.env.AITRAPP_URL;
const TOKEN = process.env.AITRAPP_TOKEN;
const OUT = process.env.OUT;
const origin = new URL(URL_ROOT).host;

// Waits for the dialog's result line to match `re`; on a timeout, says what it showed instead.
async function result(page, re) {
  try {
    await page.waitForFunction((src) =>
      new RegExp(src).test(document.getElementById("confirm-result").textContent), re.source,
    { timeout: 30_000 });
  } catch (e) {
    throw new Error("the dialog shows '" + await page.textContent("#confirm-result") +
      "', expected " + re);
  }
}

test("the dashboard shows the day live and its kill switch flattens after confirmation", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const requests = [], problems = [];
    page.on("request", (r) => requests.push({ url: r.url(), method: r.method() }));
    page.on("websocket", (ws) => requests.push({ url: ws.url(), method: "WS" }));
    page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
    page.on("pageerror", (e) => problems.push("page error: " + e.message));

    await page.goto(URL_ROOT + "/");
    // The live channel fills the panels: the header, ranks with their attribution and outcome,
    // the events feed, the P&L line.
    await page.waitForFunction(() => document.getElementById("channel").textContent.includes("up"));
    await page.waitForFunction(() => document.querySelectorAll("#ranks tbody tr").length > 0,
      null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll("#events li").length > 0);
    const metrics = await (await fetch(URL_ROOT + "/metrics")).text();
    assert.match(metrics, /^trader_live_clients [1-9]/m);
    assert.match(await page.textContent("#mode"), /PAPER/);
    assert.match(await page.textContent("#engine-time"), /\+05:30/);  // exchange time, zone shown
    assert.match(await page.textContent("#min-score"), /min score 0\.\d\d; weights momentum/);
    const rank = await page.$$eval("#ranks tbody tr:not(.min-line)", (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.ok(rank.length > 0);
    assert.equal(rank[0].length, 10);
    assert.match(rank[0][4], /^\d\.\d\d ×\d\.\d\d$/);  // momentum with its weight
    assert.match(rank[0][9], /^(decided|blocked|below_min_score|not_chosen|symbol_busy|duplicate_plan|no_quote|outside_session)/);

    // A position appears, with its stop and target.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#positions tbody tr")];
      return rows.some((r) => r.cells.length === 8 && Number(r.cells[1].textContent) !== 0);
    }, null, { timeout: 120_000 });
    const pos = await page.$$eval("#positions tbody tr", (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.notEqual(pos[0][4], "-");  // SL
    assert.match(await page.textContent("#heat-text"), /^heat \d+\.\d\d of cap \d+\.\d\d/);
    assert.ok(await page.$$eval("#pnl-line polyline", (l) => l.length) === 1);
    await page.screenshot({ path: OUT + "/dashboard-live.png", fullPage: true });

    // The kill switch asks first: the dialog says what will happen, and nothing is sent yet.
    await page.click("#kill");
    await page.waitForSelector("#confirm[open]");
    const what = await page.textContent("#confirm-what");
    assert.match(what, /cancels \d+ working orders, closes \d+ positions \(open risk [\d.]+\)/);
    assert.match(what, /HARD_STOP/);
    assert.ok(!(await page.isVisible("#phrase")), "the LIVE phrase is asked for the mode switch only");
    assert.equal(requests.filter((r) => r.method === "POST").length, 0);
    // Without a token nothing is sent either.
    await page.fill("#token", "");
    await page.click("#confirm-send");
    assert.match(await page.textContent("#confirm-result"), /token/);
    assert.equal(requests.filter((r) => r.method === "POST").length, 0);
    await page.fill("#token", TOKEN);
    await page.screenshot({ path: OUT + "/dashboard-kill-confirm.png" });
    const flatten = page.waitForResponse((r) => r.url().endsWith("/flatten"));
    await page.click("#confirm-send");
    const res = await flatten;
    assert.equal(res.status(), 200);
    assert.equal(res.request().headers()["authorization"], "Bearer " + TOKEN);
    assert.equal(JSON.parse(res.request().postData()).reason, "manual");
    await result(page, /flat in \d+ ms: \d+ positions closed, \d+ orders cancelled; state HARD_STOP/);
    await page.click("#confirm-cancel");
    // The positions go to 0, on the panel and in the API.
    await page.waitForFunction(() => document.querySelector("#positions tbody tr td").textContent === "flat");
    await page.waitForFunction(() => document.getElementById("trading-state").textContent === "HARD_STOP");
    const api = await (await fetch(URL_ROOT + "/positions")).json();
    assert.equal(api.count, 0);
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#events li")].some((li) => li.textContent.includes("KILL SWITCH manual")));
    await page.screenshot({ path: OUT + "/dashboard-flat.png", fullPage: true });

    // Resume says what it re-enables, then does it.
    await page.click("#resume");
    await page.waitForSelector("#confirm[open]");
    assert.match(await page.textContent("#confirm-what"), /Re-enables new entries/);
    await page.click("#confirm-send");  // the token is kept for the tab
    await result(page, /done; state ACTIVE/);
    await page.click("#confirm-cancel");

    // The report link is one click away.
    await page.click("a[href='/reports']");
    await page.waitForSelector("text=Reports in");
    await page.click("a[href='/reports/drills-example.json']");
    assert.equal(await page.textContent("body"), "{}\n");

    // With the live channel down the controls still work: every /ws connection is refused here.
    const cut = await browser.newPage();
    cut.on("pageerror", (e) => problems.push("page error: " + e.message));
    cut.on("request", (r) => requests.push({ url: r.url(), method: r.method() }));
    await cut.routeWebSocket(/\/ws$/, (ws) => ws.close());
    await cut.goto(URL_ROOT + "/");
    await cut.waitForFunction(() => document.getElementById("channel").textContent.includes("down"));
    // The panels come from the REST API meanwhile.
    await cut.waitForFunction(() => document.getElementById("mode").textContent === "PAPER");
    await cut.waitForFunction(() => document.getElementById("trading-state").textContent === "ACTIVE");
    assert.match(await cut.textContent("#heat-text"), /^heat \d+\.\d\d of cap \d+\.\d\d/);
    await cut.click("#pause");
    await cut.waitForSelector("#confirm[open]");
    await cut.fill("#token", TOKEN);
    await cut.click("#confirm-send");
    await result(cut, /done; state PAUSED/);
    await cut.click("#confirm-cancel");
    await cut.waitForFunction(() => document.getElementById("trading-state").textContent === "PAUSED");
    // LIVE without the phrase is refused by the engine, and the page says so.
    await cut.click("#mode-switch");
    await cut.waitForSelector("#confirm[open]");
    assert.ok(await cut.isVisible("#phrase"));
    await cut.selectOption("#reason", "LIVE");
    await cut.click("#confirm-send");
    await result(cut, /refused \(403\): LIVE refused/);
    const health = await (await fetch(URL_ROOT + "/health")).json();
    assert.equal(health.mode, "PAPER");
    assert.equal(health.trading_state, "PAUSED");
    await cut.screenshot({ path: OUT + "/dashboard-channel-down.png" });
    for (const r of requests) {
      const u = new URL(r.url);
      assert.equal(u.host, origin, "a request left the origin: " + r.url);
      assert.ok(["http:", "ws:"].includes(u.protocol), r.url);
    }
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
