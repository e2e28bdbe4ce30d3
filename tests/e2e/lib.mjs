// Shared set-up for the browser tests: Debian's Chromium through playwright-core, with the
// device certificate handed to the browser as the .p12 a user would import.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A tablet held upright, as a visiting nurse carries it into a patient's home.
export const TABLET = { viewport: { width: 768, height: 1024 }, hasTouch: true };

// A browser context with no certificate, or with the .p12 of one device; an office PC's screen
// unless `device` says otherwise (TABLET).
export async function context(browser, p12, device = {}) {
  const origin = new URL(env('GATEWAY_URL')).origin;
  const options = { ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1024, height: 768 }, ...device };
  if (p12) {
    options.clientCertificates = [{ origin, pfxPath: p12.path, passphrase: p12.password }];
  }
  return browser.newContext(options);
}

let shot = 0;
export async function screenshot(page, name) {
  const dir = env('SCREENSHOT_DIR');
  fs.mkdirSync(dir, { recursive: true });
  shot += 1;
  // A full-page capture may leave the page scrolled elsewhere; what the user saw is put back, so
  // a screenshot never changes what a test sees next (read marks follow what is on screen).
  const y = await page.evaluate(() => window.scrollY);
  await page.screenshot({ path: path.join(dir, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  await page.evaluate((top) => window.scrollTo(0, top), y);
}

// The page fits the screen's width: nothing to scroll sideways for.
export async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// A message as a person reads it: headers, then the body decoded from base64 or
// quoted-printable.
export function readable(raw) {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split).trim() : '';
  const enc = (/content-transfer-encoding:\s*(\S+)/i.exec(head) || [])[1] || '';
  let text = body;
  if (enc.toLowerCase() === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (enc.toLowerCase() === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    text = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return `${head}\n\n${text}`;
}

// Waits for an .eml in MAIL_DIR whose readable text mentions every one of `needles`.
export async function waitForMail(needle, seconds = 20, also = []) {
  const dir = env('MAIL_DIR');
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
    for (const f of files.reverse()) {
      const text = readable(fs.readFileSync(path.join(dir, f), 'utf8'));
      if (text.includes(needle) && also.every((a) => text.includes(a))) return text;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail mentioning ${needle} within ${seconds} s`);
}

// Signs in at `base` with a device certificate (`p12`, `password`) and an account, on a fresh
// browser context shaped like `device`; returns the page, on the home menu.
export async function signIn(browser, base, p12, password, login, secret, device = {}) {
  const ctx = await context(browser, { path: p12, password }, device);
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=login_id]', login);
  await page.fill('input[name=password]', secret);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/home`);
  return page;
}
