// Every page of the system, as each kind of person opens it, on a phone (375×667, touch), a
// tablet held upright (768×1024) and a PC (1024×768): nothing is wider than the screen, the
// controls are big enough for a fingertip on the phone, and axe-core (WCAG 2.2 A/AA) finds
// nothing at 375 and 1024 px, the forms' error states included (each error tied to its field,
// listed in the summary, the focus on the summary). Prints one line per page and the counts;
// fails listing every finding.
import { launch, context, env, screenshot } from './lib.mjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const base = env('GATEWAY_URL');

const DEVICES = [
  { name: 'phone', options: { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true }, axe: true, taps: true },
  { name: 'tablet', options: { viewport: { width: 768, height: 1024 }, hasTouch: true }, axe: false, taps: true },
  { name: 'pc', options: { viewport: { width: 1024, height: 768 } }, axe: true, taps: false },
];

const board = env('BOARD_ID');
const incident = env('INCIDENT_ID');

// Submits a form as it stands, past the browser's own checks, so the server's answer is shown.
async function submitRaw(page, selector) {
  await Promise.all([page.waitForNavigation(), page.$eval(selector, (f) => f.submit())]);
}

// A value past the field's own limits (maxlength), as a script or an old browser could send it.
async function setRaw(page, selector, value) {
  await page.$eval(selector, (el, v) => { el.value = v; }, value);
}

async function signIn(page, login, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=login_id]', login);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  if (!page.url().endsWith('/home')) throw new Error(`${login} did not reach /home but ${page.url()}`);
}

// Each role: the device it uses, who signs in, and its pages. A page is a path, or a name and
// the steps that bring it up (an error state).
const ROLES = [
  {
    role: 'public',
    p12: null,
    pages: [
      '/', '/map', '/apply', '/enroll', `/announcements/${env('ANNOUNCEMENT_ID')}`,
      { name: '/home without a certificate', go: (p) => p.goto(`${base}/home`) },
      {
        name: '/apply with errors',
        go: async (p) => {
          await p.goto(`${base}/apply`);
          await p.fill('input[name=admin_email]', 'not-an-address');
          await Promise.all([p.waitForNavigation(), p.click('form[action="/apply"] button[type=submit]')]);
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/enroll with an error',
        go: async (p) => {
          await p.goto(`${base}/enroll`);
          await p.fill('input[name=number]', '0000000000');
          await p.fill('input[name=secret]', 'ABCDEFGHJKLMNPQR');
          await p.fill('input[name=device_label]', '事務所PC-9');
          await p.fill('input[name=p12_password]', 'device file password');
          await p.fill('input[name=p12_password_confirm]', 'device file password');
          await Promise.all([p.waitForNavigation(), p.click('form[action="/enroll"] button[type=submit]')]);
          await p.waitForSelector('.error-summary');
        },
      },
      {
        name: '/enroll with mismatched passwords',
        go: async (p) => {
          await p.goto(`${base}/enroll`);
          await p.fill('input[name=number]', '0000000000');
          await p.fill('input[name=secret]', 'ABCDEFGHJKLMNPQR');
          await p.fill('input[name=device_label]', '事務所PC-9');
          await p.fill('input[name=p12_password]', 'device file password');
          await p.fill('input[name=p12_password_confirm]', 'device file passwort');
          await Promise.all([p.waitForNavigation(), p.click('form[action="/enroll"] button[type=submit]')]);
          await p.waitForSelector('.field-error');
        },
      },
    ],
  },
  {
    role: 'operator',
    p12: { path: env('P12_PATH'), password: env('P12_PASSWORD') },
    before: [
      {
        name: '/login with an error',
        go: async (p) => {
          await p.goto(`${base}/login`);
          await p.fill('input[name=login_id]', env('LOGIN_ID'));
          await p.fill('input[name=password]', 'this is not the password');
          await Promise.all([p.waitForNavigation(), p.click('form[action="/login"] button[type=submit]')]);
          await p.waitForSelector('.error-summary');
        },
      },
      {
        name: '/login without a password',
        go: async (p) => {
          await p.goto(`${base}/login`);
          await p.fill('input[name=login_id]', env('LOGIN_ID'));
          await submitRaw(p, 'form[action="/login"]');
          await p.waitForSelector('.field-error');
        },
      },
      '/login',
    ],
    login: [env('LOGIN_ID'), env('PASSWORD')],
    pages: [
      '/home', '/password', '/operator/offices', `/operator/offices/${env('OFFICE_ID')}`,
      '/operator/users', '/operator/users?q=sato', '/operator/applications',
      `/operator/applications/${env('APPLICATION_ID')}`, '/operator/announcements',
      `/operator/announcements/${env('ANNOUNCEMENT_ID')}`, '/operator/certificates', '/operator/consents',
      '/operator/report', '/operator/audit', '/incidents', `/incidents/${incident}`, '/operator/undelivered',
      { name: 'a page that does not exist', go: (p) => p.goto(`${base}/no-such-page`) },
      {
        name: '/operator/offices with an error',
        go: async (p) => {
          await p.goto(`${base}/operator/offices`);
          await p.fill('form[action="/operator/offices"] input[name=name]', '新しい事業所');
          await p.fill('form[action="/operator/offices"] input[name=admin_email]', 'not-an-address');
          await submitRaw(p, 'form[action="/operator/offices"]');
          await p.waitForSelector('.error-summary');
        },
      },
      {
        name: '/operator/offices/{id} with an error',
        go: async (p) => {
          await p.goto(`${base}/operator/offices/${env('OFFICE_ID')}`);
          await p.fill('form[action$="/admins"] input[name=login_id]', 'x');
          await p.fill('form[action$="/admins"] input[name=name]', '高萩 次郎');
          await p.fill('form[action$="/admins"] input[name=kana]', 'タカハギ ジロウ');
          await submitRaw(p, 'form[action$="/admins"]');
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/operator/users with an error',
        go: async (p) => {
          await p.goto(`${base}/operator/users`);
          await submitRaw(p, `tr:has-text("${env('STAFF_LOGIN')}") form[action$="/suspension"]`);
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/operator/announcements/{id} with an error',
        go: async (p) => {
          await p.goto(`${base}/operator/announcements/${env('ANNOUNCEMENT_ID')}`);
          await setRaw(p, 'input[name=title]', '題'.repeat(101));
          await submitRaw(p, `form[action="/operator/announcements/${env('ANNOUNCEMENT_ID')}"]`);
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/operator/applications/{id} with an error',
        go: async (p) => {
          await p.goto(`${base}/operator/applications/${env('APPLICATION_ID')}`);
          await p.fill('form[action$="/reject"] textarea[name=reason]', ' ');
          await submitRaw(p, 'form[action$="/reject"]');
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: 'notice after issuing an enrollment code',
        go: async (p) => {
          await p.goto(`${base}/operator/offices/${env('OFFICE_ID')}`);
          await Promise.all([p.waitForNavigation(), p.click('form[action$="/enrollment-codes"] button[type=submit]')]);
          await p.waitForSelector('.notice');
        },
      },
    ],
  },
  {
    role: 'office admin',
    p12: { path: env('STAFF_P12'), password: env('STAFF_P12_PASSWORD') },
    login: [env('ADMIN_LOGIN'), env('ADMIN_PASSWORD')],
    pages: [
      '/home', '/admin', '/admin/users', `/admin/users/${env('ADMIN_ID')}`, '/admin/certificates',
      '/admin/office', '/admin/bounces',
      {
        name: '/admin/users with an error',
        go: async (p) => {
          await p.goto(`${base}/admin/users`);
          await p.fill('form[action="/admin/users"] input[name=name]', '高萩 次郎');
          await p.fill('form[action="/admin/users"] input[name=kana]', 'タカハギ ジロウ');
          await p.fill('form[action="/admin/users"] input[name=email]', 'jiro@example.jp');
          await p.fill('form[action="/admin/users"] input[name=login_id]', 'x');
          await submitRaw(p, 'form[action="/admin/users"]');
          await p.waitForSelector('.error-summary');
        },
      },
      {
        name: '/admin/certificates with an error',
        go: async (p) => {
          await p.goto(`${base}/admin/certificates`);
          await setRaw(p, 'form[action="/admin/certificates"] input[name=note]', '長'.repeat(201));
          await submitRaw(p, 'form[action="/admin/certificates"]');
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/admin/office with errors',
        go: async (p) => {
          await p.goto(`${base}/admin/office`);
          await p.fill('form[action="/admin/office"] input[name=name]', '');
          await p.fill('form[action="/admin/office"] input[name=phone]', 'abc');
          await submitRaw(p, 'form[action="/admin/office"]');
          await p.waitForSelector('.field-error');
        },
      },
    ],
  },
  {
    role: 'staff',
    p12: { path: env('STAFF_P12'), password: env('STAFF_P12_PASSWORD') },
    login: [env('STAFF_LOGIN'), env('STAFF_PASSWORD')],
    pages: [
      '/home', '/password', '/recipients/new', `/recipients/${board}`, `/recipients/${board}/edit`,
      `/recipients/${board}/history`, `/recipients/${board}/team`, `/recipients/${board}/team?q=サトウ`,
      `/boards/${board}`, '/incidents', `/incidents/${incident}`,
      {
        name: '/password with an error',
        go: async (p) => {
          await p.goto(`${base}/password`);
          await p.fill('input[name=current_password]', 'this is not my password');
          await p.fill('input[name=new_password]', 'asa no houmon wa kuji kara');
          await p.fill('input[name=confirm_password]', 'asa no houmon wa kuji kara');
          await Promise.all([p.waitForNavigation(), p.click('form[action="/password"] button[type=submit]')]);
          await p.waitForSelector('.error-summary');
        },
      },
      {
        name: '/boards/{id} with a refused reply',
        go: async (p) => {
          await p.goto(`${base}/boards/${board}`);
          await setRaw(p, 'form.reply-form textarea[name=body]', 'あ'.repeat(1001));
          await submitRaw(p, 'form.reply-form');
          await p.waitForSelector('.reply-box[open] .field-error');
        },
      },
      {
        name: '/boards/{id} with a refused post',
        go: async (p) => {
          await p.goto(`${base}/boards/${board}`);
          await setRaw(p, '#post-body', 'あ'.repeat(1001));
          await submitRaw(p, '#post-form');
          await p.waitForSelector('#post-form .field-error');
        },
      },
      { name: '/boards/{id}/search with an error', go: (p) => p.goto(`${base}/boards/${board}/search?q=a+b+c+d+e+f`) },
      { name: '/boards/{id}/print with an error', go: (p) => p.goto(`${base}/boards/${board}/print?from=2026-13-01&to=2026-01-01`) },
      {
        name: '/recipients/new with errors',
        go: async (p) => {
          await p.goto(`${base}/recipients/new`);
          await p.fill('input[name=kana]', 'abc');
          await Promise.all([p.waitForNavigation(), p.click('.recipient-form button[type=submit]')]);
          await p.waitForSelector('.field-error');
        },
      },
      {
        name: '/incidents with errors',
        go: async (p) => {
          await p.goto(`${base}/incidents`);
          await Promise.all([p.waitForNavigation(), p.click('.incident-form button[type=submit]')]);
          await p.waitForSelector('.field-error');
        },
      },
    ],
  },
];

// Controls a fingertip must hit: at least 44×44 CSS px (a checkbox counts with its label).
async function smallTargets(page) {
  return page.evaluate(() => {
    const selector = [
      'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary', 'header.site a',
      'a.button', 'ul.menu a', 'td a', '.leaflet-control a',
    ].join(',');
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
      const box = (['checkbox', 'radio'].includes(el.type) && el.closest('label')) || el;
      const r = box.getBoundingClientRect();
      const style = window.getComputedStyle(box);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.width < 44 || r.height < 44) {
        small.push(`${el.tagName.toLowerCase()}${el.name ? `[name=${el.name}]` : ''} 「${(el.textContent || '').trim().slice(0, 12)}」 ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return small;
  });
}

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 4) }));
  }, TAGS);
}

const browser = await launch();
const findings = [];
const counts = { visits: 0, axeRuns: 0, violations: 0, wide: 0, small: 0 };
const byRule = new Map();

async function check(page, role, device, name) {
  await page.waitForLoadState('load');
  // Against the device's own width: a phone's browser widens its layout to fit a page that
  // overflows, so the window's width would follow the page.
  const width = [await page.evaluate(() => document.documentElement.scrollWidth), device.options.viewport.width];
  counts.visits += 1;
  let line = `page ${role} | ${name} | ${device.name} | width ${width[0]}/${width[1]}`;
  if (width[0] > width[1]) {
    counts.wide += 1;
    const over = await page.evaluate((w) => [...document.querySelectorAll('main *, header *')]
      .filter((el) => el.getBoundingClientRect().right > w + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > w + 1))
      .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className} 「${el.textContent.trim().slice(0, 20)}」`), width[1]);
    findings.push(`${role} ${name} on the ${device.name}: ${width[0]} px wide on a ${width[1]} px screen (${over.join(' ; ')})`);
    await screenshot(page, `wide-${device.name}-${name.replace(/[^a-z0-9]+/gi, '-')}`);
  }
  // Each field's error is tied to its field and listed, as a link to it, in the summary.
  const unlinked = await page.evaluate(() => [...document.querySelectorAll('.field-error')].filter((p) => {
    const field = p.id && document.querySelector(`[aria-describedby~="${p.id}"][aria-invalid="true"]`);
    const listed = field && [...document.querySelectorAll('.error-summary a')].some((a) => document.querySelector(a.getAttribute('href')) === field);
    return !listed;
  }).map((p) => p.dataset.field || p.textContent.trim().slice(0, 20)));
  for (const u of unlinked) findings.push(`${role} ${name}: the error of ${u} is not tied to its field and the summary`);
  // A refused form is read from its summary first: the focus is there when the page opens.
  const unfocused = await page.evaluate(() => {
    const summary = document.getElementById('error-summary');
    return Boolean(summary) && !summary.contains(document.activeElement);
  });
  if (unfocused) findings.push(`${role} ${name}: the focus is not on the error summary`);
  if (device.taps) {
    const small = await smallTargets(page);
    counts.small += small.length;
    line += ` | small targets ${small.length}`;
    for (const s of small) findings.push(`${role} ${name} on the ${device.name}: small target ${s}`);
  }
  if (device.axe) {
    const violations = await axe(page);
    counts.axeRuns += 1;
    counts.violations += violations.length;
    line += ` | axe ${violations.length}`;
    for (const v of violations) {
      byRule.set(v.id, (byRule.get(v.id) || 0) + 1);
      findings.push(`${role} ${name} at ${device.name}: axe ${v.id} (${v.impact}) ${v.help}: ${v.nodes.join(' ; ')}`);
    }
  }
  console.log(line);
}

for (const r of ROLES) {
  for (const device of DEVICES) {
    const ctx = await context(browser, r.p12, device.options);
    const page = await ctx.newPage();
    const visit = async (entry) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      try {
        if (typeof entry === 'string') await page.goto(`${base}${entry}`);
        else await entry.go(page);
        await check(page, r.role, device, name);
      } catch (e) {
        findings.push(`${r.role} ${name} on the ${device.name} could not be shown: ${e.message.split('\n')[0]}`);
      }
    };
    for (const entry of r.before || []) await visit(entry);
    if (r.login) await signIn(page, ...r.login);
    for (const entry of r.pages) await visit(entry);
    await ctx.close();
  }
}
await browser.close();

console.log(`pages visited: ${counts.visits}, axe runs: ${counts.axeRuns}, axe violations: ${counts.violations}, wider than the screen: ${counts.wide}, small tap targets: ${counts.small}`);
for (const [rule, n] of byRule) console.log(`axe rule ${rule}: ${n}`);
if (findings.length) {
  console.log(findings.join('\n'));
  process.exit(1);
}
