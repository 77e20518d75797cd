// Browser tests of `ampel serve` in Debian's chromium, driven by
// playwright-core (never a downloaded browser), accessibility by axe-core.
// Usage: node browser.mjs AMPEL_BINARY DB SHOT_DIR
// Visits every page (screenshots into SHOT_DIR), checks for console errors,
// keyboard navigation (skip link, main nav), phone width without sideways
// scrolling, the Bedarf form without JavaScript, and axe-core (WCAG 2.1 A/AA)
// with zero serious or critical violations. Exit 0 ok, 1 failures.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [bin, db, shots] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let passed = 0, failed = 0;
const check = (ok, what) => {
  if (ok) passed++; else { failed++; console.log('FEHLER: ' + what); }
};

const PAGES = [
  ['uebersicht', '/'],
  ['gebiete', '/gebiet/'],
  ['gebiet', '/gebiet/GE-M-SCH'],
  ['schule', '/gebiet/S161111'],
  ['kennzahlen', '/kennzahl/'],
  ['kennzahl', '/kennzahl/gs_sozialindex_mittel'],
  ['wechselwirkungen', '/wechselwirkungen'],
  ['bedarf', '/bedarf'],
  ['methoden', '/methoden'],
  ['fehler404', '/gebiet/NIRGENDS'],
  ['fehler400', '/?level=Nirgendwo'],
];

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['--db', db, 'serve', '--port', '0'],
                    { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve({ p, base: m[0].slice(0, -1) });
    });
    p.on('exit', (c) => reject(new Error('Server beendet: ' + c)));
  });
}

async function visit(ctx, base, name, path) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const resp = await page.goto(base + path);
  const want = name.startsWith('fehler') ? Number(name.slice(6)) : 200;
  check(resp.status() === want, `${path}: Status ${resp.status()}`);
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
  const consoleErrors = errors.filter((e) => !/status of 40[04]/.test(e) ||
                                             want === 200);
  check(consoleErrors.length === 0,
        `${path}: Konsolenfehler: ${consoleErrors.join(' | ')}`);
  // Evaluated through the DevTools protocol: the page's strict CSP (no
  // inline script) stays on, so CSP violations still show up as errors.
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact,
      n: v.nodes.length, t: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${path}: axe: ${JSON.stringify(bad)}`);
  const minor = res.filter((v) => !bad.includes(v));
  if (minor.length) console.log(`Hinweis ${path}: axe (leicht): ` +
                                JSON.stringify(minor));
  await page.close();
}

async function keyboard(ctx, base) {
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement.textContent);
  check(/Zum Inhalt/.test(first), 'erster Tab-Halt ist der Sprunglink: ' + first);
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => [location.hash,
                                            document.activeElement.id]);
  check(target[0] === '#inhalt' && target[1] === 'inhalt',
        'Sprunglink springt zum Inhalt: ' + target);
  await page.goto(base + '/');
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => {
      const a = document.activeElement;
      return a.closest('nav') !== null && a.textContent === 'Bedarf';
    });
  }
  check(reached, 'Tab erreicht die Hauptnavigation (Bedarf)');
  const outline = await page.evaluate(() =>
    getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== 'none', 'sichtbarer Fokus: ' + outline);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(page.url().endsWith('/bedarf'), 'Enter folgt dem Link: ' + page.url());
  await page.close();
}

async function phone(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 },
                                         deviceScaleFactor: 2 });
  for (const [name, path] of PAGES.slice(0, 9)) {
    const page = await ctx.newPage();
    await page.goto(base + path);
    const over = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(over <= 1, `${path}: Telefon-Breite ${over}px seitlich zu breit`);
    if (name === 'uebersicht' || name === 'gebiet')
      await page.screenshot({ path: join(shots, 'telefon-' + name + '.png'),
                              fullPage: false });
    await page.close();
  }
  await ctx.close();
}

async function zoom(browser, base) {
  // 200 % zoom of a 1280 px window = a 640 px wide viewport at scale 2.
  const ctx = await browser.newContext({ viewport: { width: 640, height: 800 },
                                         deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  await page.goto(base + '/gebiet/GE-M-SCH');
  const over = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(over <= 1, `200 % Zoom: ${over}px seitlich zu breit`);
  await page.screenshot({ path: join(shots, 'zoom200-gebiet.png') });
  await ctx.close();
}

async function noScript(browser, base) {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base + '/bedarf');
  await page.fill('#f-budget', '250000');
  await Promise.all([page.waitForNavigation(),
                     page.click('form.auswahl button[type=submit]')]);
  check(page.url().includes('budget=250000'), 'Formular ohne JavaScript: ' +
        page.url());
  const txt = await page.textContent('main');
  check(/250\.000 €/.test(txt), 'Ergebnis mit neuem Budget');
  await ctx.close();
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const { p, base } = await startServer();
  const profile = mkdtempSync(join(tmpdir(), 'ampel-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'];
  let ctx;
  try {
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium', args, headless: true,
      viewport: { width: 1280, height: 900 } });
    for (const [name, path] of PAGES) await visit(ctx, base, name, path);
    await keyboard(ctx, base);
    const browser = ctx.browser() || await chromium.launch({
      executablePath: '/usr/bin/chromium', args, headless: true });
    await phone(browser, base);
    await zoom(browser, base);
    await noScript(browser, base);
    if (!ctx.browser()) await browser.close();
  } catch (e) {
    check(false, 'Ausnahme: ' + (e && e.stack || e));
  } finally {
    if (ctx) await ctx.close();
    p.kill('SIGTERM');
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
