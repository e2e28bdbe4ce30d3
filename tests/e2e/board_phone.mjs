// The board on a 375×667 phone, by touch, as a visiting nurse uses it: the urgent email's link
// leads through sign-in to the post itself, pinned above the timeline and acknowledged with one
// tap, the focus staying on it; posts become 既読 only once they have been on screen (opening the
// board marks nothing); 「未読へ」 jumps to the oldest unread; the home list and the board count
// the same; the first screen shows the newest post; posting takes three actions from the menu
// and the new post is shown, focused and announced; another member's post is announced live.
import { launch, context, env, screenshot, expect, fitsWidth, waitForMail } from './lib.mjs';

const base = env('GATEWAY_URL');
const board = env('BOARD_ID');
const urgentId = env('URGENT_ID');
const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true };
const browser = await launch();

// Whether the element is on the screen and not under the composer bar: what is at its top is it.
async function onScreen(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const y = Math.min(r.top + 24, (r.top + r.bottom) / 2);
    if (r.top < 0 || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, y);
    return !!hit && el.contains(hit);
  }, selector);
}

// What the server says of a post for this reader, asked as the page's script asks.
async function unreadOnServer(page, id) {
  const card = await page.evaluate(async ([b, p]) => {
    const r = await fetch(`/boards/${b}/posts/${p}`, { headers: { 'X-Requested-With': 'fetch' } });
    return r.text();
  }, [board, id]);
  return /class="post[^"]*\bunread\b/.test(card);
}

async function focusedOn(page, id) {
  await page.waitForFunction((p) => document.activeElement && document.activeElement.id === `post-${p}`, id);
}

// --- The urgent email's link → sign-in → the post itself ---------------------------------------
const mail = await waitForMail(env('NS_EMAIL'), 20, [`/boards/${board}/posts/${urgentId}`]);
const link = /https:\/\/\S+?\/boards\/[0-9a-f-]{36}\/posts\/[0-9a-f-]{36}/.exec(mail)[0];
const ctx = await context(browser, { path: env('NS_P12'), password: env('NS_P12_PASSWORD') }, PHONE);
const nurse = await ctx.newPage();
await nurse.goto(link);
await nurse.waitForURL(/\/login\?next=/);
await nurse.fill('input[name=login_id]', env('NS_LOGIN'));
await nurse.fill('input[name=password]', env('NS_PASSWORD'));
await nurse.tap('button[type=submit]');
await nurse.waitForURL(`${base}/boards/${board}/posts/${urgentId}`);
const urgent = nurse.locator(`#post-${urgentId}`);
await urgent.waitFor();
expect((await nurse.locator(`#pinned #post-${urgentId}`).count()) === 1, 'the urgent post is pinned above the timeline');
await focusedOn(nurse, urgentId);
expect(await onScreen(nurse, `#post-${urgentId}`), 'the linked post is on the screen');
expect(await fitsWidth(nurse), 'the board fits the phone');
await screenshot(nurse, 'email-link-landed');

// --- 既読 only once shown ------------------------------------------------------------------------
const ids = await nurse.$$eval('#timeline article[data-post]', (as) => as.map((a) => a.dataset.post));
const oldest = ids[ids.length - 1];
expect((await nurse.locator(`#post-${oldest} .unread-mark`).textContent()).includes('未読'), 'the unread mark says so');
// The urgent post was on screen: it turns read; the oldest, far below, stays unread.
await nurse.waitForSelector(`#post-${urgentId}:not(.unread)`, { timeout: 10000 });
await nurse.waitForTimeout(500);
expect(!(await unreadOnServer(nurse, urgentId)), 'the post shown is 既読 on the server');
expect(!(await onScreen(nurse, `#post-${oldest}`)), 'the oldest post is off the screen');
expect(await unreadOnServer(nurse, oldest), 'a post never shown stays unread, though the page was opened');
expect(await nurse.locator(`#post-${oldest}`).evaluate((a) => a.classList.contains('unread')), 'and is marked unread');

// --- 確認しました: one tap, at least 44×44, the focus stays on the post ---------------------------
const ack = urgent.locator('button.ack');
const box = await ack.boundingBox();
expect(box.width >= 44 && box.height >= 44, `確認しました is at least 44×44 px (${box.width}×${box.height})`);
await ack.tap();
await urgent.locator('.acked-by-me').waitFor();
await focusedOn(nurse, urgentId);
await nurse.locator('#announcer', { hasText: '確認しました' }).waitFor();
await screenshot(nurse, 'acknowledged');

// --- 「未読へ」: to the oldest unread post, which then turns read --------------------------------
await nurse.tap('#to-unread');
await focusedOn(nurse, oldest);
expect(await onScreen(nurse, `#post-${oldest}`), 'the oldest unread post is on the screen');
await nurse.waitForSelector(`#post-${oldest}:not(.unread)`, { timeout: 10000 });
await nurse.waitForTimeout(500);
expect(!(await unreadOnServer(nurse, oldest)), 'shown, it is 既読 on the server');
await screenshot(nurse, 'oldest-unread');

// --- The home list and the board count the same ------------------------------------------------
await nurse.waitForTimeout(2500);
await nurse.goto(`${base}/home`);
expect(await fitsWidth(nurse), 'the home page fits the phone');
const homeCount = Number((await nurse.locator(`tr[data-recipient="${board}"] .unread`).textContent()).trim());
await nurse.goto(`${base}/boards/${board}`, { waitUntil: 'domcontentloaded' });
const boardCount = await nurse.locator('#unread-total').textContent();
expect(
  homeCount === 0 ? boardCount.includes('未読はありません') : boardCount.includes(`未読 ${homeCount}件`),
  `home says ${homeCount}, the board says ${boardCount}`,
);

// --- The first screen shows the newest post, with the composer at hand -------------------------
await nurse.evaluate(() => window.scrollTo(0, 0));
const newest = await nurse.$eval('#timeline article[data-post]', (a) => a.id);
expect(await onScreen(nurse, `#${newest}`), 'the newest post is on the first screen');
expect(await onScreen(nurse, '#post-body'), 'the composer is on the first screen');
expect(await nurse.isVisible('input[name=urgent]'), '緊急（重要） is one tap away');
await screenshot(nurse, 'first-screen');

// --- Posting from the menu: three actions and the typing ---------------------------------------
await nurse.goto(`${base}/home`);
let actions = 0;
await nurse.tap(`tr[data-recipient="${board}"] a`);
actions += 1;
await nurse.waitForURL(`${base}/boards/${board}`);
await nurse.waitForSelector('#live-status:not([hidden])');
await nurse.evaluate(() => {
  window.said = [];
  new MutationObserver(() => {
    const t = document.getElementById('announcer').textContent;
    if (t) window.said.push(t);
  }).observe(document.getElementById('announcer'), { childList: true, characterData: true, subtree: true });
});
await nurse.tap('#post-body');
actions += 1;
const text = '16時訪問。右手首は腫れなし、湿布を交換しました。';
await nurse.keyboard.type(text);
expect((await nurse.evaluate(() => window.said.length)) === 0, 'the counter says nothing while typing');
await nurse.tap('#post-form button[type=submit]');
actions += 1;
const mine = nurse.locator('article.post', { hasText: text });
await mine.waitFor();
const mineId = await mine.getAttribute('data-post');
await focusedOn(nurse, mineId);
await nurse.locator('#announcer', { hasText: '書き込みました' }).waitFor();
expect(nurse.url() === `${base}/boards/${board}`, 'no reload');
expect(actions <= 3, `posting took ${actions} actions`);
expect((await nurse.inputValue('#post-body')) === '', 'the composer is empty again');
expect(await fitsWidth(nurse), 'the board fits the phone after posting');
await screenshot(nurse, 'posted');

// --- Another member's post is announced live ---------------------------------------------------
const cmCtx = await context(browser, { path: env('CM_P12'), password: env('CM_P12_PASSWORD') });
const cm = await cmCtx.newPage();
await cm.goto(`${base}/boards/${board}`);
await cm.waitForURL(/\/login\?next=/);
await cm.fill('input[name=login_id]', env('CM_LOGIN'));
await cm.fill('input[name=password]', env('CM_PASSWORD'));
await cm.click('button[type=submit]');
await cm.waitForURL(`${base}/boards/${board}`);
const theirs = '明日の訪問は10時に変更になりました。';
await cm.fill('#post-body', theirs);
await cm.click('#post-form button[type=submit]');
await nurse.locator('article.post', { hasText: theirs }).waitFor({ timeout: 10000 });
await nurse.locator('#announcer', { hasText: '新しい書き込みがあります' }).waitFor({ timeout: 10000 });
await screenshot(nurse, 'announced-live');

console.log(`phone board: ${ids.length} posts, posting took ${actions} actions, home unread ${homeCount}`);
await browser.close();
