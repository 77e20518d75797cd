// The data management of issue 12 in Debian's chromium (playwright-core,
// never a downloaded browser), accessibility by axe-core.
// Usage: node daten.mjs AMPEL_BINARY DB SHOT_DIR
//
// The whole way of docs/daten-im-browser.md: upload a file with an error,
// see the error with FILE:LINE:COLUMN, the source line and the caret, fix
// it, import it, see the new Datenstand in the overview's footer and in
// the list, look at the earlier Datenstand (?datenstand=1), edit an
// indicator on /daten/kennzahlen, roll back. Every page of the flow (the
// list, the check result with an error and without, the indicator list
// and form) has zero axe-core violations of any impact at 1280 and 360 px
// width and no sideways scrolling at 360 px.
//
// Signing in: this branch has no /anmelden yet (it comes with the
// accounts half of issue 12); the browser sends the admin token of
// --admin-token-file as an extra HTTP header (role verwaltung), which is
// what a signed-in session stands for here. Exit 0 ok, 1 failures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync }
  from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const [bin, db, shots] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let passed = 0, failed = 0;
const check = (ok, what) => {
  if (ok) passed++; else { failed++; console.log('FEHLER: ' + what); }
};

const VERA_PW = 'Kennwort-für-Vera-' + randomBytes(6).toString('hex');
const BAD = 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;viele\n';
const GOOD = 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;80\n';
const csv = (text) => ({ name: 'werte_2025.csv', mimeType: 'text/csv',
                         buffer: Buffer.from(text, 'utf8') });

function startServer(tokenFile) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['--db', db, 'serve', '--port', '0',
                          '--admin-token-file', tokenFile],
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

// Zero axe violations of any impact (WCAG 2.1 A/AA and best practice).
async function axe(page, what) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact,
      n: v.nodes.length, t: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  check(res.length === 0, `${what}: axe: ${JSON.stringify(res)}`);
}

async function noSideways(page, what) {
  const over = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(over <= 1, `${what}: ${over}px seitlich zu breit`);
}

// Uploads `file` on /daten and presses "Prüfen"; returns the response.
async function upload(page, base, file) {
  await page.goto(base + '/daten');
  await page.setInputFiles('#dateien', file);
  const [resp] = await Promise.all([page.waitForNavigation(),
    page.click('form[action="/daten/pruefen"] button[type=submit]')]);
  return resp;
}

// The pages of the flow at one width: axe, and at 360 px no sideways
// scrolling. Leaves the data unchanged (checks only).
async function pagesAt(ctx, base, label) {
  const page = await ctx.newPage();
  const narrow = label === '360';
  const seen = async (what) => {
    await axe(page, `${what} (${label} px)`);
    if (narrow) await noSideways(page, `${what} (${label} px)`);
  };
  await page.goto(base + '/daten');
  await seen('/daten');
  let resp = await upload(page, base, csv(BAD));
  check(resp.status() === 422, `Prüfung mit Fehler: Status ${resp.status()}`);
  await seen('Prüfung mit Fehler');
  resp = await upload(page, base, csv(GOOD));
  check(resp.status() === 200, `Prüfung ohne Fehler: Status ${resp.status()}`);
  await seen('Prüfung ohne Fehler');
  await page.goto(base + '/daten/kennzahlen');
  await seen('/daten/kennzahlen');
  await page.goto(base + '/daten/kennzahlen?kennzahl=gs_anteil_si_7_9');
  await seen('/daten/kennzahlen?kennzahl=…');
  await page.goto(base + '/?datenstand=1');
  await seen('/?datenstand=1');
  await page.close();
}

async function flow(ctx, base) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // 1. an error: FILE:LINE:COLUMN, the line, the caret under column 27
  let resp = await upload(page, base, csv(BAD));
  check(resp.status() === 422, 'Fehler: Status ' + resp.status());
  const loc = await page.textContent('ol.meldungen code');
  check(loc === 'werte_2025.csv:2:27', 'Fehlerort: ' + loc);
  const pre = await page.textContent('ol.meldungen pre.quelle');
  const lines = pre.split('\n');
  check(lines[0] === 'GE;schulen_anzahl;2024/25;viele', 'Quellzeile: ' + lines[0]);
  check(lines[1] === ' '.repeat(26) + '^', 'Caret unter Spalte 27: "' +
        lines[1] + '"');
  check(!(await page.$('form[action="/daten/einlesen"]')),
        'ohne Knopf „Jetzt einlesen“ bei Fehlern');
  await page.screenshot({ path: join(shots, 'daten-fehler.png') });
  // 2. fixed: the check passes and shows what would change
  resp = await upload(page, base, csv(GOOD));
  check(resp.status() === 200, 'berichtigt: Status ' + resp.status());
  const main = await page.textContent('main');
  check(/Geänderte Werte: 1/.test(main), 'Änderungsübersicht: Geänderte Werte: 1');
  await page.screenshot({ path: join(shots, 'daten-geprueft.png') });
  // 3. import: the new Datenstand in the list and the overview's footer
  await Promise.all([page.waitForNavigation(),
    page.click('form[action="/daten/einlesen"] button[type=submit]')]);
  check(/\/daten\?eingelesen=2/.test(page.url()), 'nach dem Einlesen: ' +
        page.url());
  check(/Datenstand 2 gilt ab sofort/.test(await page.textContent('main')),
        'Meldung „Datenstand 2 gilt ab sofort“');
  await page.goto(base + '/');
  check(/Datenstand 2 vom/.test(await page.textContent('footer')),
        'Übersicht zeigt Datenstand 2');
  // 4. the earlier Datenstand stays visible, and links keep it
  await page.goto(base + '/?datenstand=1');
  check(/Datenstand 1 vom .*früherer Stand/.test(await page.textContent('footer')),
        'Fußzeile nennt Datenstand 1 als früheren Stand');
  await Promise.all([page.waitForNavigation(),
    page.click('nav[aria-label="Hauptnavigation"] a:text("Bedarf")')]);
  check(page.url().endsWith('/bedarf?datenstand=1'), 'Navigation behält ' +
        'datenstand=1: ' + page.url());
  // 5. an indicator edited: hidden from the Ampel, a new Datenstand
  await page.goto(base + '/daten/kennzahlen?kennzahl=gs_anteil_si_7_9');
  await page.check('#k-anzeigen-nein');
  await Promise.all([page.waitForNavigation(),
    page.click('form[action="/daten/kennzahlen"] button[type=submit]')]);
  check(/gespeichert=3/.test(page.url()), 'Kennzahl gespeichert: ' + page.url());
  await page.goto(base + '/');
  check(!(await page.$('main a[href="/kennzahl/gs_anteil_si_7_9"]')),
        'ausgeblendete Kennzahl nicht mehr in der Übersicht');
  // 6. the list of Datenstände (screenshot for the docs), then roll back
  await page.goto(base + '/daten#datenstaende');
  await page.screenshot({ path: join(shots, 'datenstaende.png') });
  await Promise.all([page.waitForNavigation(),
    page.click('button:text("Auf 1 zurücksetzen")')]);
  check(/zurueckgesetzt=4/.test(page.url()), 'zurückgesetzt: ' + page.url());
  const row = await page.textContent('table.datenstaende tbody tr');
  check(/Zurücksetzen auf 1/.test(row), 'erste Zeile: Zurücksetzen auf 1: ' +
        row.replace(/\s+/g, ' ').slice(0, 80));
  await page.goto(base + '/');
  check(/Datenstand 4 vom/.test(await page.textContent('footer')),
        'Übersicht zeigt Datenstand 4');
  check(errors.length === 0, 'Skriptfehler: ' + errors.join(' | '));
  await page.close();
}

// Signing in through /anmelden as a person would (accounts of issue 12):
// the sign-in page and the administration page have zero axe violations
// at this width and no sideways scrolling at 360 px; a wrong password
// keeps the user out, the right one shows the name and /verwaltung.
async function signInAt(browser, base, width) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  const label = String(width);
  await page.goto(base + '/anmelden');
  await axe(page, `/anmelden (${label} px)`);
  if (width === 360) await noSideways(page, `/anmelden (${label} px)`);
  await page.fill('#benutzer', 'vera');
  await page.fill('#passwort', 'falsch-falsch');
  await page.click('button[type=submit]');
  check(/nicht angemeldet|stimmen nicht|falsch/i.test(await page.content()),
        `falsches Kennwort abgewiesen (${label} px)`);
  await page.fill('#benutzer', 'vera');
  await page.fill('#passwort', VERA_PW);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  check((await page.content()).includes('vera'),
        `angemeldet: Name im Kopf (${label} px)`);
  const r = await page.goto(base + '/verwaltung');
  check(r.status() === 200, `/verwaltung als verwaltung: ${r.status()}`);
  await axe(page, `/verwaltung (${label} px)`);
  if (width === 360) await noSideways(page, `/verwaltung (${label} px)`);
  await page.goto(base + '/daten');
  await axe(page, `/daten angemeldet (${label} px)`);
  await ctx.close();
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'ampel-daten-'));
  const token = randomBytes(32).toString('hex');
  writeFileSync(join(dir, 'token'), token + '\n', { mode: 0o600 });
  const add = spawnSync(bin, ['--db', db, 'user', 'add', 'vera', '--role',
                              'verwaltung'], { input: VERA_PW + '\n' });
  check(add.status === 0, 'ampel user add: ' + add.stderr);
  const { p, base } = await startServer(join(dir, 'token'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'];
  let browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
                                      args, headless: true });
    const headers = { Authorization: 'Bearer ' + token };
    const wide = await browser.newContext({ viewport: { width: 1280, height: 800 },
                                            extraHTTPHeaders: headers });
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 },
                                             deviceScaleFactor: 2,
                                             extraHTTPHeaders: headers });
    await pagesAt(wide, base, '1280');
    await pagesAt(phone, base, '360');
    await flow(wide, base);
    await signInAt(browser, base, 1280);
    await signInAt(browser, base, 360);
  } catch (e) {
    check(false, 'Ausnahme: ' + (e && e.stack || e));
  } finally {
    if (browser) await browser.close();
    p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`daten (Browser): ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
