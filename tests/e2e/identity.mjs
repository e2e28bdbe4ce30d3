// Identity in the browser: W1 enrollment from the mailed code to a downloaded .p12 that then
// logs in; W3 the admin creates a staff member who must change the initial password; W2 a second
// device is enrolled and the first revoked (its pages are refused); W7 the operator suspends a
// logged-in staff member and their next request fails.
import { launch, context, env, screenshot, expect, waitForMail } from './lib.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = env('GATEWAY_URL');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rk-e2e-'));
const browser = await launch();

async function login(page, id, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=login_id]', id);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

async function changePassword(page, current, next) {
  await page.waitForURL(`${base}/password`);
  expect((await page.textContent('main')).includes('初期パスワードのままです'), 'forced password change');
  await page.fill('input[name=current_password]', current);
  await page.fill('input[name=new_password]', next);
  await page.fill('input[name=confirm_password]', next);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/home`);
}

// The operator issues a code for the office; returns [number, secret] from the mail.
async function issueCode(op, officeUrl, email) {
  await op.goto(officeUrl);
  await op.click('text=発行してメールで送る');
  await op.waitForSelector('.notice');
  const number = /証明書取得用No (\d{10})/.exec(await op.textContent('.notice'))[1];
  const mail = await waitForMail(number, 20, [email]);
  const secret = /証明書取得用パスワード: ([A-Z0-9-]+)/.exec(mail)[1];
  return [number, secret];
}

// 初回の証明書設定 on a device without a certificate; returns the saved .p12 path.
async function enroll(number, secret, label, file) {
  const ctx = await context(browser, null);
  const page = await ctx.newPage();
  await page.goto(`${base}/enroll`);
  await page.fill('input[name=number]', number);
  await page.fill('input[name=secret]', 'WRONG-WRONG-WRONG-WRONG');
  await page.fill('input[name=device_label]', label);
  await page.fill('input[name=p12_password]', 'file password');
  await page.fill('input[name=p12_password_confirm]', 'file password');
  await page.click('button[type=submit]');
  expect((await page.textContent('.error-summary')).includes('正しくないか'), 'wrong code refused');
  await screenshot(page, `enroll-refused-${file}`);
  await page.fill('input[name=secret]', secret);
  await page.fill('input[name=p12_password]', 'file password');
  await page.fill('input[name=p12_password_confirm]', 'file password');
  await page.click('button[type=submit]');
  await page.waitForSelector('#download');
  await screenshot(page, `enrolled-${file}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const saved = path.join(tmp, `${file}.p12`);
  await download.saveAs(saved);
  await ctx.close();
  return saved;
}

try {
  // The operator registers the office and creates its admin.
  const opCtx = await context(browser, { path: env('P12_PATH'), password: env('P12_PASSWORD') });
  const op = await opCtx.newPage();
  await login(op, env('LOGIN_ID'), env('PASSWORD'));
  await op.waitForURL(`${base}/home`);
  await op.click('text=事業所の登録');
  const email = 'himawari-admin@example.jp';
  await op.fill('input[name=name]', 'ひまわり訪問看護ステーション');
  await op.selectOption('select[name=kind]', '訪問看護ステーション');
  await op.fill('input[name=admin_email]', email);
  await op.click('button[type=submit]');
  await op.click('a:has-text("ひまわり訪問看護ステーション")');
  await op.waitForURL(/\/operator\/offices\/[0-9a-f-]+$/);
  const officeUrl = op.url();
  await op.fill('form[action$="/admins"] input[name=login_id]', 'himawari-admin');
  await op.fill('form[action$="/admins"] input[name=name]', '向日 葵');
  await op.fill('form[action$="/admins"] input[name=kana]', 'ヒュウガ アオイ');
  await op.selectOption('form[action$="/admins"] select[name=profession]', '看護師');
  await op.click('form[action$="/admins"] button[type=submit]');
  const adminInitial = (await op.textContent('#secret')).trim();
  await screenshot(op, 'operator-created-admin');

  // W1: the code arrives by mail; the admin enrolls the office PC and logs in with it.
  const [number, secret] = await issueCode(op, officeUrl, email);
  const pc = await enroll(number, secret, '事務所PC-1', 'office-pc');
  const adminCtx = await context(browser, { path: pc, password: 'file password' });
  const admin = await adminCtx.newPage();
  await login(admin, 'himawari-admin', adminInitial);
  await changePassword(admin, adminInitial, 'himawari no hana ga saita');
  expect((await admin.textContent('main')).includes('事業所管理者メニュー'), 'admin menu offered');
  await screenshot(admin, 'admin-home');

  // W3: the admin creates a staff member, who must change the initial password.
  await admin.goto(`${base}/admin/users`);
  await admin.fill('input[name=name]', '佐藤 看子');
  await admin.fill('input[name=kana]', 'ｻﾄｳ ｶﾝｺ');
  await admin.selectOption('select[name=profession]', '看護師');
  await admin.fill('input[name=email]', 'sato@example.jp');
  await admin.fill('input[name=login_id]', 'sato.kanko');
  await admin.click('form[action="/admin/users"] button[type=submit]');
  const staffInitial = (await admin.textContent('#secret')).trim();
  await screenshot(admin, 'staff-created');
  await admin.goto(`${base}/admin/users`);
  expect((await admin.textContent('table')).includes('サトウ カンコ'), 'kana normalised in the list');
  await screenshot(admin, 'users');

  const staffCtx = await context(browser, { path: pc, password: 'file password' });
  const staff = await staffCtx.newPage();
  await login(staff, 'sato.kanko', staffInitial);
  await changePassword(staff, staffInitial, 'asa no houmon wa kuji kara');
  expect((await staff.textContent('.who')).includes('佐藤 看子'), 'staff home');
  await screenshot(staff, 'staff-home');

  // W2: a second device for the office; the first (lost) is revoked and refused at once.
  const [number2, secret2] = await issueCode(op, officeUrl, email);
  const tablet = await enroll(number2, secret2, '訪問用タブレット', 'tablet');
  const tabletCtx = await context(browser, { path: tablet, password: 'file password' });
  const admin2 = await tabletCtx.newPage();
  await login(admin2, 'himawari-admin', 'himawari no hana ga saita');
  await admin2.goto(`${base}/admin/certificates`);
  expect((await admin2.textContent('table')).includes('訪問用タブレット'), 'both devices listed');
  const row = admin2.locator('tr', { hasText: '事務所PC-1' });
  await row.locator('input[name=reason]').fill('紛失');
  await row.locator('button[type=submit]').click();
  await admin2.waitForSelector('.notice');
  await screenshot(admin2, 'certificate-revoked');
  // Every gateway learns of the revocation by event, within a second.
  let refused = await staff.goto(`${base}/home`);
  for (let i = 0; i < 20 && refused.status() !== 403; i += 1) {
    await staff.waitForTimeout(100);
    refused = await staff.goto(`${base}/home`);
  }
  expect(refused.status() === 403, `revoked device answered ${refused.status()}`);
  expect((await staff.textContent('main')).includes('失効'), 'revocation page');
  await screenshot(staff, 'revoked-device-refused');

  // W7: the staff member works from the tablet; the operator suspends them.
  const staff2Ctx = await context(browser, { path: tablet, password: 'file password' });
  const staff2 = await staff2Ctx.newPage();
  await login(staff2, 'sato.kanko', 'asa no houmon wa kuji kara');
  await staff2.waitForURL(`${base}/home`);
  await op.goto(`${base}/operator/users?q=sato`);
  const target = op.locator('tr', { hasText: 'sato.kanko' });
  await target.locator('input[name=reason]').fill('パスワード漏洩のおそれ');
  await target.locator('button[type=submit]').click();
  await op.waitForSelector('text=一時停止中');
  await screenshot(op, 'operator-suspended');
  await staff2.goto(`${base}/home`);
  expect(staff2.url() === `${base}/login`, `suspended user still at ${staff2.url()}`);
  await login(staff2, 'sato.kanko', 'asa no houmon wa kuji kara');
  expect((await staff2.textContent('.error-summary')).includes('利用が停止されています'), 'suspension message');
  await screenshot(staff2, 'suspended-login-refused');
  console.log('browser identity: ok');
} finally {
  await browser.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
