// W4–W6 in the browser, across two offices: the care manager records the consent and registers a
// recipient, adds a visiting nurse of another office to the team and posts; the nurse's open page
// shows the post without a reload, the nurse marks it read and the care manager's page shows
// 既読 1/1 without a reload; the nurse posts urgent, the care manager acknowledges it and the
// nurse sees who did. The nurse works on a tablet held upright, by touch.
// The Rust side checks the urgent email.
import { launch, env, screenshot, expect, fitsWidth, TABLET, signIn } from './lib.mjs';

const base = env('GATEWAY_URL');
const browser = await launch();

const cm = await signIn(browser, base, env('CM_P12'), env('CM_P12_PASSWORD'), env('CM_LOGIN'), env('CM_PASSWORD'));
const nurse = await signIn(browser, base, env('NS_P12'), env('NS_P12_PASSWORD'), env('NS_LOGIN'), env('NS_PASSWORD'), TABLET);
const recipient = env('RECIPIENT_NAME');

// 支援対象者の登録: unconfirmed consent copies and a kanji kana are refused with hints, nothing lost.
// (The date field itself stops a future consent date before it is sent.)
await cm.click('text=支援対象者の登録');
await cm.waitForURL(`${base}/recipients/new`);
expect((await cm.getAttribute('input[name=obtained_on]', 'max')) !== null, 'no future consent date can be picked');
await cm.fill('input[name=obtained_by]', 'ケアマネジャー 鈴木');
await cm.fill('input[name=name]', recipient);
await cm.fill('input[name=kana]', '花子');
await cm.fill('input[name=birth_date]', '1938-04-01');
await cm.selectOption('select[name=sex]', '女性');
await cm.fill('input[name=address]', '茨城県高萩市本町1-100');
await cm.selectOption('select[name=care_level]', '要介護2');
await cm.fill('textarea[name=key_notes]', 'ペニシリンアレルギー。自宅で過ごしたい');
await cm.click('button[type=submit]');
await cm.waitForSelector('.field-error[data-field=kana]');
expect(await cm.isVisible('.field-error[data-field=office_keeps_copy]'), 'the copy must be confirmed');
expect((await cm.inputValue('input[name=name]')) === recipient, 'the name typed is still there');
await screenshot(cm, 'register-refused');
await cm.fill('input[name=kana]', 'ﾀｶﾊｷﾞ ﾊﾅｺ');
await cm.check('input[name=office_keeps_copy]');
await cm.check('input[name=recipient_keeps_original]');
await cm.click('button[type=submit]');
await cm.waitForSelector('text=あなたが代表者です');
const id = /\/recipients\/([0-9a-f-]{36})\/team/.exec(cm.url())[1];

// 支援チーム: find the nurse of the other office by office and profession, add her.
await cm.selectOption('select[name=office]', { label: env('NS_OFFICE') });
await cm.selectOption('select[name=profession]', '看護師');
await cm.click('.staff-search button[type=submit]');
await cm.waitForSelector(`tr[data-staff="${env('NS_ID')}"]`);
await screenshot(cm, 'team-search');
await cm.click(`tr[data-staff="${env('NS_ID')}"] button`);
await cm.waitForSelector(`tr[data-member="${env('NS_ID')}"]`);
expect((await cm.textContent(`tr[data-member="${env('NS_ID')}"]`)).includes(env('NS_OFFICE')), 'the member shows her office');

// Both open the board; the nurse's page is live.
await cm.goto(`${base}/boards/${id}`);
await nurse.goto(`${base}/home`);
expect((await nurse.textContent('table.recipients')).includes(recipient), 'the board is on the nurse home');
expect(await fitsWidth(nurse), 'the home page fits the tablet');
await nurse.tap(`text=${recipient}`);
await nurse.waitForURL(`${base}/boards/${id}`);
await nurse.waitForSelector('#live-status:not([hidden])');

// The counter turns amber past 100 characters.
await cm.fill('#post-body', 'あ'.repeat(101));
expect(await cm.isVisible('#post-counter.long'), 'amber past 100 characters');
await screenshot(cm, 'counter-amber');
const first = '本日訪問。食事は半分程度、水分は十分に摂れています。';
await cm.fill('#post-body', first);
expect(!(await cm.isVisible('#post-counter.long')), 'not amber under 100');
await cm.selectOption('select[name=category]', '生活・食事');
await cm.click('#post-form button[type=submit]');
await cm.waitForSelector(`text=${first}`);

// Live on the nurse's page, without a reload.
const arrived = nurse.locator('article.post', { hasText: first });
await arrived.waitFor({ timeout: 10000 });
expect(await fitsWidth(nurse), 'the board fits the tablet');
await screenshot(nurse, 'post-arrived-live');
// On the nurse's screen, the post becomes 既読 by itself (the page reports what it has shown).
await arrived.locator('.read-count', { hasText: '1/1' }).waitFor();

// The care manager's page shows 既読 1/1 without a reload.
const mine = cm.locator('article.post', { hasText: first });
await mine.locator('.read-count', { hasText: '1/1' }).waitFor({ timeout: 10000 });
await mine.locator('.receipts > summary').click();
expect((await mine.textContent('.receipts')).includes(env('NS_NAME')), 'who read it');
await screenshot(cm, 'read-live');

// The nurse posts urgent; it arrives highlighted; the care manager acknowledges.
await nurse.fill('#post-body', env('URGENT_TEXT'));
await nurse.tap('input[name=urgent]');
await nurse.tap('#post-form button[type=submit]');
await nurse.waitForSelector('article.post.urgent');
const urgent = cm.locator('article.post.urgent', { hasText: env('URGENT_TEXT') });
await urgent.waitFor({ timeout: 10000 });
await screenshot(cm, 'urgent-arrived');
await urgent.locator('button', { hasText: '確認しました' }).click();
await urgent.locator('.ack-names', { hasText: env('CM_NAME') }).waitFor();

// The author sees who acknowledged it, live.
const theirs = nurse.locator('article.post.urgent', { hasText: env('URGENT_TEXT') });
await theirs.locator('.ack-names', { hasText: env('CM_NAME') }).waitFor({ timeout: 10000 });
await screenshot(nurse, 'acknowledged-live');

// Home: nothing unread or unacknowledged left for the care manager.
await cm.goto(`${base}/home`);
const row = cm.locator(`tr[data-recipient="${id}"]`);
expect((await row.locator('.unread').textContent()).trim() === '0', 'nothing unread');
expect((await row.locator('.urgent-count').textContent()).trim() === '0', 'nothing to acknowledge');
await screenshot(cm, 'home');

console.log(`RECIPIENT_ID=${id}`);
await browser.close();
