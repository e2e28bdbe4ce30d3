// The operator's desk in the browser: the operation report with a chosen period and its CSV;
// a staff member files an incident and the city moves it to 完了 (the reporter sees it); the
// audit viewer finds the staff member's read of a board.
import { launch, context, env, screenshot, expect } from './lib.mjs';
import fs from 'node:fs';

const base = env('GATEWAY_URL');
const browser = await launch();

async function signIn(p12, password, login, secret) {
  const ctx = await context(browser, { path: p12, password });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=login_id]', login);
  await page.fill('input[name=password]', secret);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/home`);
  return page;
}

const op = await signIn(env('P12_PATH'), env('P12_PASSWORD'), env('LOGIN_ID'), env('PASSWORD'));
const staff = await signIn(env('STAFF_P12'), env('STAFF_P12_PASSWORD'), env('STAFF_LOGIN'), env('STAFF_PASSWORD'));

// 運営状況の報告: the default period, then a chosen one, then the CSV.
await op.click('text=運営状況の報告');
await op.waitForSelector('svg.chart');
expect((await op.locator('svg.chart').count()) >= 5, 'the charts are drawn');
await screenshot(op, 'report');
// The six months ending with this one, as the city counts months (Asia/Tokyo).
const month = (back) => {
  const [y, m] = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }).split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
const [from, to] = [month(5), month(0)];
await op.fill('input[name=from]', from);
await op.fill('input[name=to]', to);
await op.click('.period button[type=submit]');
await op.waitForURL(new RegExp(`from=${from}`));
const heads = await op.locator('table.report thead th').allTextContents();
expect(heads.length === 7 && heads[1] === from && heads[6] === to, `six months shown: ${heads}`);
const posts = await op.locator('table.report tbody tr', { hasText: '連絡帳の書き込み' }).locator('td').last().textContent();
expect(Number(posts) >= 1, `this month's posts are counted (${posts})`);
const shared = await op.locator('table.month-end tbody tr', { hasText: '支援対象者（共有中）' }).locator('td').last().textContent();
expect(Number(shared) >= 1, `this month's end counts the shared board (${shared})`);
expect((await op.locator('svg.chart[aria-label="事業所（種別、月末）"] rect').count()) > 0, 'offices by kind over time are drawn');
await screenshot(op, 'report-period');
const [download] = await Promise.all([op.waitForEvent('download'), op.click('#report-csv')]);
const csv = fs.readFileSync(await download.path());
expect(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'the CSV starts with a BOM');
const text = csv.toString('utf8');
expect(text.includes(from) && text.includes('連絡帳の書き込み'), 'the CSV holds the period');
expect(!text.includes(env('RECIPIENT_NAME')), 'no personal data in the CSV');

// 事故・インシデントの報告 by the staff member.
await staff.click('text=事故・インシデントの報告');
await staff.waitForURL(`${base}/incidents`);
await staff.fill('input[name=occurred_at]', '2026-11-20T09:30');
await staff.fill('input[name=device]', '訪問用タブレット1');
await staff.fill('textarea[name=what_happened]', '訪問先でタブレットを置き忘れた');
await staff.fill('textarea[name=action_taken]', '回収済み。画面ロックを確認');
await staff.click('.incident-form button[type=submit]');
await staff.waitForSelector('#incident-status');
expect((await staff.textContent('#incident-status')) === '受付', 'filed as 受付');
const incident = staff.url().split('/incidents/')[1].split('?')[0];
await screenshot(staff, 'incident-filed');

// The city moves it to 完了.
await op.goto(`${base}/incidents`);
await op.click(`tr[data-incident="${incident}"] a`);
await op.selectOption('select[name=status]', '完了');
await op.fill('textarea[name=note]', '回収と画面ロックを確認しました。');
await op.click('form button[type=submit]');
await op.waitForSelector('#incident-status:has-text("完了")');
await screenshot(op, 'incident-done');
await staff.goto(`${base}/incidents`);
expect((await staff.textContent(`tr[data-incident="${incident}"] .status`)).trim() === '完了', 'the reporter sees 完了');

// 監査ログ: the staff member's read of the board.
await op.goto(`${base}/operator/audit`);
await op.fill('input[name=user]', env('STAFF_LOGIN'));
await op.selectOption('select[name=action]', 'board.read');
await op.click('.audit-filter button[type=submit]');
await op.waitForSelector('table.audit');
const rows = op.locator(`table.audit tbody tr[data-action="board.read"][data-target="${env('BOARD_ID')}"]`, { hasText: '支援対象者' });
expect((await rows.count()) >= 1, 'the board read is found');
await screenshot(op, 'audit');
await op.click('text=改ざんがないか検査する');
await op.waitForSelector('.verdict');
expect((await op.textContent('.verdict')).includes('改ざんは見つかりませんでした'), 'the chain holds');

await browser.close();
