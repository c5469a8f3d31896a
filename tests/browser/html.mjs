// Loads a bpfcheck -f html report in Debian's chromium (playwright-core),
// headless and offline, and checks it against the JSON report of the same
// run: per program, the SVG blocks' count, bytes, constructs and offsets
// (reporters/stack_svg.h says how blocks are laid out); hovering a block
// shows its construct, source line and origin chain; then saves a
// screenshot. tests/unit/test_html.c runs it.
//
//   node html.mjs REPORT.html REPORT.json SCREENSHOT.png
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [html, jsonPath, shot] = process.argv.slice(2);
const report = JSON.parse(readFileSync(jsonPath, "utf8"));
const errors = [];
const check = (ok, what) => { if (!ok) errors.push(what); };

// The blocks the JSON figures call for, in the order the picture draws them.
function expected(p) {
  const st = p.stack, out = [];
  const column = (live) => {
    const v = st.slots.filter((s) => s.placement === "stack" && s.bytes > 0 &&
                                     s.live_at_peak === live);
    v.sort((a, b) => b.bytes - a.bytes);	// stable: equal sizes keep JSON order
    let depth = 0;
    for (const s of v) {
      depth += s.bytes;
      out.push({ offset: -depth, bytes: s.bytes, construct: s.construct, live });
    }
  };
  if (st.unattributed_bytes !== null) column(true);
  const un = st.unattributed_bytes === null ? st.bytes : st.unattributed_bytes;
  if (un) out.push({ offset: -st.bytes, bytes: un, construct: "unattributed", live: true });
  if (st.chain.length > 1 && st.chain_bytes) {
    let d = Math.max(st.chain_frames[0], st.bytes);
    for (let i = 1; i < st.chain.length; i++) {
      d += st.chain_frames[i];
      if (st.chain_frames[i])
        out.push({ offset: -d, bytes: st.chain_frames[i], construct: "call-frame", live: true });
    }
  }
  if (st.unattributed_bytes !== null) column(false);
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  // self-contained: anything but the file itself is a failure
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    errors.push(`the report fetched ${url}`);
    return route.abort();
  });
  page.on("pageerror", (e) => errors.push(`script error: ${e.message}`));
  await page.goto("file://" + html);

  let total = 0;
  for (const f of report.files) {
    for (const p of f.programs) {
      const want = expected(p);
      const svg = page.locator(`svg.frame[data-program="${p.name}"]`);
      const got = await svg.locator("rect.block").evaluateAll((rs) => rs.map((r) => ({
        offset: Number(r.dataset.offset), bytes: Number(r.dataset.bytes),
        construct: r.dataset.construct, live: r.dataset.live === "true",
        height: r.getBoundingClientRect().height,
      })));
      check(got.length === want.length,
            `${p.name}: ${got.length} blocks, the JSON report makes ${want.length}`);
      want.forEach((w, i) => {
        const g = got[i] || {};
        check(g.offset === w.offset && g.bytes === w.bytes && g.construct === w.construct &&
              g.live === w.live,
              `${p.name}: block ${i} is ${JSON.stringify(g)}, expected ${JSON.stringify(w)}`);
        check(Math.abs((g.height || 0) - w.bytes) < 1.5,
              `${p.name}: block ${i} is drawn ${g.height}px tall for ${w.bytes} bytes`);
      });
      total += got.length;
      // the limit line where the JSON report puts the limit
      const limit = await svg.locator("line.limit").getAttribute("data-limit");
      check(Number(limit) === p.stack.limit, `${p.name}: limit line at ${limit}`);
    }
  }

  // hover the first script slot with an origin: the tooltip tells it all
  const block = page.locator("rect.block[data-origin]:not([data-origin=''])").first();
  await block.hover();
  const tip = page.locator("#tip");
  await tip.waitFor({ state: "visible", timeout: 5000 });
  const text = await tip.textContent();
  const d = await block.evaluate((r) => ({ ...r.dataset }));
  check(text.includes(`${d.bytes} bytes at ${d.offset}: ${d.construct}`), `tooltip: ${text}`);
  check(text.includes(d.source) && d.source.length > 0, `tooltip without the source: ${text}`);
  check(d.code.length > 0 && text.includes(d.code), `tooltip without the source line: ${text}`);
  check(text.includes("origin: "), `tooltip without the origin chain: ${text}`);

  // a finding links to its source line, which is highlighted
  const link = page.locator("ol.findings a").first();
  const target = (await link.getAttribute("href")).slice(1);
  await link.click();
  const cls = await page.locator(`[id="${target}"]`).getAttribute("class");
  check(/\bhit\b/.test(cls), `the finding's line ${target} is not highlighted (${cls})`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await block.hover();
  await page.screenshot({ path: shot, fullPage: false });
  console.log(`blocks: ${total}; tooltip: ${text.split("\n")[0]}`);
} finally {
  await browser.close();
}
if (errors.length) {
  for (const e of errors) console.log("error: " + e);
  process.exit(1);
}
console.log("ok");
