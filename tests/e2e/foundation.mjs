// The foundation in a browser: the portal opens without a certificate, the login page is refused
// without one, the operator logs in with the device certificate, registers an office, and the
// welcome email arrives.
import { launch, context, env, screenshot, expect, waitForMail } from './lib.mjs';

const base = env('GATEWAY_URL');
const browser = await launch();
try {
  const anonymous = await context(browser, null);
  const page = await anonymous.newPage();
  const portal = await page.goto(`${base}/`);
  expect(portal.status() === 200, `portal answered ${portal.status()}`);
  expect((await page.textContent('h1')).includes('電子@連絡帳'), 'portal heading');
  await screenshot(page, 'portal');

  const refused = await page.goto(`${base}/login`);
  expect(refused.status() === 403, `login without certificate answered ${refused.status()}`);
  expect((await page.textContent('h1')).includes('電子証明書が必要です'), 'certificate page heading');
  await screenshot(page, 'login-refused-without-certificate');
  await anonymous.close();

  const device = await context(browser, { path: env('P12_PATH'), password: env('P12_PASSWORD') });
  const op = await device.newPage();
  await op.goto(`${base}/login`);
  await op.fill('input[name=login_id]', env('LOGIN_ID'));
  await op.fill('input[name=password]', 'wrong password, surely');
  await op.click('button[type=submit]');
  expect((await op.textContent('.error-summary')).includes('パスワードが正しくありません'), 'wrong password message');
  await screenshot(op, 'login-wrong-password');
  await op.fill('input[name=password]', env('PASSWORD'));
  await op.click('button[type=submit]');
  await op.waitForURL(`${base}/home`);
  expect((await op.textContent('.who')).includes('市（運営者）'), 'home shows the role');
  await screenshot(op, 'home');

  await op.click('text=事業所の登録');
  await op.waitForURL(`${base}/operator/offices`);
  const email = env('OFFICE_EMAIL');
  await op.fill('input[name=name]', 'たかはぎ在宅クリニック');
  await op.selectOption('select[name=kind]', '診療所');
  await op.fill('input[name=admin_email]', email);
  await screenshot(op, 'office-form');
  await op.click('button[type=submit]');
  await op.waitForSelector('.notice');
  expect((await op.textContent('.notice')).includes('たかはぎ在宅クリニック'), 'registration notice');
  expect((await op.textContent('table')).includes('たかはぎ在宅クリニック'), 'office listed');
  await screenshot(op, 'office-registered');

  const mail = await waitForMail(email);
  expect(mail.includes('Subject:'), 'mail has a subject');
  console.log('browser foundation: ok');
} finally {
  await browser.close();
}
