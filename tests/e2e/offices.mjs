// W1 in the browser, from the start: an office applies on the public form (a field error first,
// then fixed, then confirmed), the operator approves it, the code arrives by mail, the admin
// enrolls the PC and logs in, and the office is on the public map.
import { launch, context, env, screenshot, expect, waitForMail } from './lib.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = env('GATEWAY_URL');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rk-e2e-'));
const browser = await launch();
const email = 'ajisai-admin@example.jp';

try {
  const anon = await context(browser, null);
  const page = await anon.newPage();
  await page.goto(`${base}/`);
  await page.click('text=事業所登録申請');
  await page.waitForURL(`${base}/apply`);
  await page.fill('input[name=name]', 'あじさい訪問看護ステーション');
  await page.fill('input[name=kana]', 'アジサイホウモンカンゴステーション');
  await page.selectOption('select[name=kind]', '訪問看護ステーション');
  await page.fill('input[name=code]', '０８６１２３４５６７');
  await page.fill('input[name=postal_code]', '３１８－００３４');
  await page.fill('input[name=address]', '茨城県高萩市本町1-1');
  await page.fill('input[name=phone]', '0293-22-9999');
  await page.fill('input[name=latitude]', '36.72');
  await page.fill('input[name=longitude]', '140.71');
  await page.check('input[name=listed]');
  await page.fill('input[name=admin_name]', '紫陽 花子');
  await page.fill('input[name=admin_kana]', 'アジサイ ハナコ');
  await page.fill('input[name=admin_email]', 'ajisai-admin@');
  await page.fill('input[name=admin_phone]', '090-3333-4444');
  await page.check('input[name=consent]');
  await page.click('button:has-text("確認画面へ")');
  // The mistake is shown next to its field, and what was typed is kept.
  expect((await page.textContent('.field-error[data-field=admin_email]')).includes('メールアドレス'), 'email error beside its field');
  expect((await page.inputValue('input[name=name]')) === 'あじさい訪問看護ステーション', 'form keeps the name');
  await screenshot(page, 'apply-field-error');
  await page.fill('input[name=admin_email]', email);
  await page.click('button:has-text("確認画面へ")');
  await page.waitForSelector('table.confirm');
  expect((await page.textContent('table.confirm')).includes('318-0034'), 'postal code normalised on the confirmation page');
  await screenshot(page, 'apply-confirm');
  await page.click('button:has-text("送信する")');
  await page.waitForSelector('text=事業所登録申請を受け付けました');
  await waitForMail('受け付けました', 20, [email]);
  await anon.close();

  // The operator approves.
  const opCtx = await context(browser, { path: env('P12_PATH'), password: env('P12_PASSWORD') });
  const op = await opCtx.newPage();
  await op.goto(`${base}/login`);
  await op.fill('input[name=login_id]', env('LOGIN_ID'));
  await op.fill('input[name=password]', env('PASSWORD'));
  await op.click('button[type=submit]');
  await op.waitForURL(`${base}/home`);
  await op.click('text=事業所登録申請の審査');
  await op.click('a:has-text("あじさい訪問看護ステーション")');
  await screenshot(op, 'operator-review');
  await op.fill('input[name=admin_login_id]', 'ajisai-admin');
  await op.click('button:has-text("承認し")');
  await op.waitForSelector('text=申請を承認しました');
  await screenshot(op, 'operator-approved');
  // identity opens the admin's account from offices' event; the operator issues its initial
  // password on the office's page, to give by telephone.
  await op.click('a:has-text("登録した事業所の画面へ")');
  const issue = 'button[aria-label="ajisai-admin の初期パスワードを発行"]';
  for (let tries = 0; !(await op.$(issue)); tries++) {
    expect(tries < 60, 'the approved office\'s admin appears on its page');
    await op.waitForTimeout(500);
    await op.reload();
  }
  await op.click(issue);
  await op.waitForSelector('#secret');
  const initial = (await op.textContent('#secret')).trim();
  await screenshot(op, 'operator-initial-password');

  // The code arrives; the admin enrolls the office PC and logs in.
  const mail = await waitForMail('証明書取得用No: ', 20, [email]);
  const number = /証明書取得用No: (\d{10})/.exec(mail)[1];
  const secret = /証明書取得用パスワード: ([A-Z0-9-]+)/.exec(mail)[1];
  const enrollCtx = await context(browser, null);
  const enroll = await enrollCtx.newPage();
  await enroll.goto(`${base}/enroll`);
  await enroll.fill('input[name=number]', number);
  await enroll.fill('input[name=secret]', secret);
  await enroll.fill('input[name=device_label]', '事務所PC');
  await enroll.fill('input[name=p12_password]', 'file password');
  await enroll.fill('input[name=p12_password_confirm]', 'file password');
  await enroll.click('button[type=submit]');
  const [download] = await Promise.all([enroll.waitForEvent('download'), enroll.click('#download')]);
  const p12 = path.join(tmp, 'ajisai.p12');
  await download.saveAs(p12);
  const adminCtx = await context(browser, { path: p12, password: 'file password' });
  const admin = await adminCtx.newPage();
  await admin.goto(`${base}/login`);
  await admin.fill('input[name=login_id]', 'ajisai-admin');
  await admin.fill('input[name=password]', initial);
  await admin.click('button[type=submit]');
  await admin.waitForURL(`${base}/password`);
  await screenshot(admin, 'admin-first-login');
  await admin.fill('input[name=current_password]', initial);
  await admin.fill('input[name=new_password]', 'ajisai wa rokugatsu ni saku');
  await admin.fill('input[name=confirm_password]', 'ajisai wa rokugatsu ni saku');
  await admin.click('button[type=submit]');
  await admin.waitForURL(`${base}/home`);
  // The admin keeps the office's profile and map entry up to date.
  await admin.goto(`${base}/admin/office`);
  await admin.fill('input[name=phone]', '０２９３－２２－８８８８');
  await admin.click('button:has-text("保存する")');
  await admin.waitForSelector('.notice');
  expect((await admin.inputValue('input[name=phone]')) === '0293-22-8888', 'phone normalised and saved');
  await screenshot(admin, 'office-profile');

  // The office is on the public map, and in its list.
  const mapCtx = await context(browser, null);
  const map = await mapCtx.newPage();
  await map.goto(`${base}/map`);
  await map.waitForSelector('.leaflet-interactive');
  expect((await map.textContent('#office-list')).includes('あじさい訪問看護ステーション'), 'office in the list view');
  await map.click('.leaflet-interactive');
  await map.waitForSelector('.leaflet-popup-content');
  expect((await map.textContent('.leaflet-popup-content')).includes('0293-22-8888'), 'popup shows the updated phone');
  await screenshot(map, 'map');
  console.log('browser offices: ok');
} finally {
  await browser.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
