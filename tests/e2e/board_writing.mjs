// Writing on a board from a phone (375×667, touch): a reply too long comes back in its open box
// with the text kept; the nurse replies under a post, the care
// manager's open page shows the reply without a reload; the nurse corrects her reply, the board
// says 編集済み and its history keeps the earlier text; a search for a two-character word marks
// it and leads to the post; the print view shows the period with the reply. Nothing is wider
// than the phone.
import { launch, env, screenshot, expect, fitsWidth, signIn } from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true };
const base = env('GATEWAY_URL');
const board = env('BOARD_ID');
const post = env('POST_ID');
const browser = await launch();

const cm = await signIn(browser, base, env('CM_P12'), env('CM_P12_PASSWORD'), env('CM_LOGIN'), env('CM_PASSWORD'));
const nurse = await signIn(browser, base, env('NS_P12'), env('NS_P12_PASSWORD'), env('NS_LOGIN'), env('NS_PASSWORD'), PHONE);

await cm.goto(`${base}/boards/${board}`);
await cm.waitForSelector('#live-status:not([hidden])');
await nurse.goto(`${base}/boards/${board}`);
const thread = nurse.locator(`#post-${post}`);
expect(await fitsWidth(nurse), 'the board fits the phone');

// A reply too long comes back: that post's reply box open, the text kept, the error beside it
// and the focus on what to correct.
const tooLong = 'あ'.repeat(1001);
await thread.locator('.reply-box summary').tap();
await thread.locator('.reply-form textarea').fill(tooLong);
await Promise.all([nurse.waitForNavigation(), thread.locator('.reply-form button').tap()]);
const refused = nurse.locator(`#post-${post} .reply-box[open]`);
await refused.locator('.field-error').waitFor();
expect((await refused.locator('textarea').inputValue()) === tooLong, 'the refused reply is kept');
// The page's script moves the focus once it has run, which a loaded machine may take a moment to do.
const focused = await nurse
  .waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary', null, { timeout: 15000 })
  .then(() => true, () => false);
const holder = await nurse.evaluate(() => {
  const e = document.activeElement;
  return e ? `${e.tagName.toLowerCase()}#${e.id}.${e.className}` : 'nothing';
});
expect(focused, `the focus is on the error, not on ${holder}`);
expect(await fitsWidth(nurse), 'the refused reply fits the phone');
await screenshot(nurse, 'reply-refused');
await nurse.goto(`${base}/boards/${board}`);

// 返信する is one tap away, under the post.
const typo = '訪問時に確認。打撲のみで腫れなし（湿布済み）。';
await thread.locator('.reply-box summary').tap();
const box = await thread.locator('.reply-box summary').boundingBox();
expect(box.height >= 44, `返信する is a big enough tap target (${box.height}px)`);
await thread.locator('.reply-form textarea').fill(typo);
await thread.locator('.reply-form button').tap();
await nurse.waitForURL(new RegExp(`/boards/${board}.*#post-`));
const mine = nurse.locator(`#post-${post} .reply`, { hasText: typo });
await mine.waitFor();
expect(await fitsWidth(nurse), 'the board with a reply fits the phone');
await screenshot(nurse, 'reply-under-post');

// Live on the care manager's page, under the post, without a reload.
await cm.locator(`#post-${post} .reply`, { hasText: typo }).waitFor({ timeout: 10000 });
await screenshot(cm, 'reply-arrived-live');

// The nurse corrects her reply; the board says 編集済み, the history keeps the first text.
const fixed = '訪問時に確認。打撲のみで腫れなし（湿布を交換）。';
await mine.locator('a.correct-link').tap();
await nurse.waitForURL(/\/edit$/);
expect(await fitsWidth(nurse), 'the correction page fits the phone');
await nurse.fill('#f-body', fixed);
await nurse.locator('.post-form button[type=submit]').tap();
await nurse.waitForURL(new RegExp(`/boards/${board}`));
const corrected = nurse.locator(`#post-${post} .reply`, { hasText: fixed });
await corrected.waitFor();
await corrected.locator('a.history-link', { hasText: '編集済み' }).tap();
await nurse.waitForURL(/\/history$/);
expect((await nurse.textContent('.revisions')).includes(typo), 'the history keeps the earlier text');
expect(await fitsWidth(nurse), 'the history fits the phone');
await screenshot(nurse, 'history');

// Search: 発熱 is marked and leads to the post on its board.
await nurse.goto(`${base}/boards/${board}/search`);
await nurse.fill('#f-q', '発熱');
await nurse.locator('.board-search button[type=submit]').tap();
await nurse.waitForSelector('.found mark');
expect((await nurse.textContent('.found mark')) === '発熱', 'the word is marked');
expect(await fitsWidth(nurse), 'the results fit the phone');
await screenshot(nurse, 'search');
await nurse.locator('.found-link').first().tap();
await nurse.waitForURL(new RegExp(`#post-${post}$`));
expect(await nurse.isVisible(`#post-${post}`), 'the post is there');

// Print view: the recipient's header, the post and the reply; A4 when printed.
await nurse.goto(`${base}/boards/${board}/print`);
expect((await nurse.textContent('.print-head')).includes(env('RECIPIENT_NAME')), 'the header names the recipient');
expect((await nurse.textContent('.print-sheet')).includes(fixed), 'the reply is printed');
expect(await fitsWidth(nurse), 'the print view fits the phone');
await nurse.emulateMedia({ media: 'print' });
expect(!(await nurse.isVisible('.print-period')), 'the period form is not printed');
await screenshot(nurse, 'print');

await browser.close();
