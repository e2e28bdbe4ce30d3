// Photos and a PDF on a phone (375×667, touch): the nurse attaches two photos and a discharge
// summary from the composer, sees each upload's progress end in a thumbnail, posts, and the post
// shows the thumbnails and the document; a tap opens a photo full screen and a swipe goes to the
// next. The care manager's open page shows the post with its photos live. A file that is no
// photo is refused with a reason in Japanese and the typed text stays. Nothing is wider than the
// phone.
import { launch, env, screenshot, expect, fitsWidth, signIn } from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true };
const base = env('GATEWAY_URL');
const board = env('BOARD_ID');
const browser = await launch();

const cm = await signIn(browser, base, env('CM_P12'), env('CM_P12_PASSWORD'), env('CM_LOGIN'), env('CM_PASSWORD'));
const nurse = await signIn(browser, base, env('NS_P12'), env('NS_P12_PASSWORD'), env('NS_LOGIN'), env('NS_PASSWORD'), PHONE);
await cm.goto(`${base}/boards/${board}`);
await cm.waitForSelector('#live-status:not([hidden])');
await nurse.goto(`${base}/boards/${board}`);

// The camera is in the composer's first row; the file picker appears as the composer opens. Both
// are big enough to tap and on the first screen.
const text = '仙骨部の発赤、前回より縮小。写真とサマリーを添付します。';
const cameraBox = await nurse.locator('#camera-pick').boundingBox();
expect(cameraBox && cameraBox.width >= 44 && cameraBox.height >= 44, 'the camera is a big enough tap target');
expect(cameraBox.y + cameraBox.height <= 667, 'the camera is reachable without scrolling');
const camera = await nurse.locator('#file-camera').getAttribute('capture');
expect(camera === 'environment', 'the camera opens directly');
await nurse.locator('#post-body').fill(text);
const pickBox = await nurse.locator('#file-pick').boundingBox();
expect(pickBox && pickBox.width >= 44 && pickBox.height >= 44, 'the file picker is a big enough tap target');
expect(pickBox.y + pickBox.height <= 667, 'the file picker is reachable without scrolling');

// A file that is no photo: refused, said why, the typed text kept.
await nurse.setInputFiles('#file-choose', env('NOT_A_PHOTO'));
const failed = nurse.locator('.upload.failed');
await failed.waitFor();
const reason = await failed.textContent();
expect(/JPEG/.test(reason) && /写真/.test(reason), `the refusal says why: ${reason}`);
expect((await nurse.locator('#post-body').inputValue()) === text, 'the typed text stays');

await nurse.setInputFiles('#file-choose', [env('PHOTO_1'), env('PHOTO_2'), env('SUMMARY_PDF')]);
await nurse.waitForFunction(() => document.querySelectorAll('.upload.done').length === 3, null, { timeout: 20000 });
expect((await nurse.locator('.upload.done img').count()) === 2, 'each photo shows its thumbnail before posting');
expect(await fitsWidth(nurse), 'the composer with uploads fits the phone');
await screenshot(nurse, 'uploads-in-composer');
await nurse.locator('#post-form button[type=submit]').tap();
const posted = nurse.locator('.timeline article.post', { hasText: text });
await posted.waitFor();
await nurse.waitForFunction(
  (t) => [...document.querySelectorAll('.timeline article.post')].some(
    (a) => a.textContent.includes(t) && [...a.querySelectorAll('.attachments img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2),
  text, { timeout: 10000 });
expect((await posted.locator('.attachments a.document').count()) === 1, 'the PDF is listed');
expect(/サマリー/.test(await posted.locator('.attachments a.document').textContent()), 'by its name');
expect((await nurse.locator('.uploads li').count()) === 0, 'the composer starts empty again');
expect(await fitsWidth(nurse), 'the board with photos fits the phone');
await screenshot(nurse, 'post-with-photos');

// Full screen, then a swipe to the next photo.
await posted.locator('.attachments a.photo').first().tap();
const viewer = nurse.locator('#photo-viewer');
await viewer.waitFor({ state: 'visible' });
await nurse.waitForFunction(() => {
  const i = document.getElementById('viewer-image');
  return i.complete && i.naturalWidth > 0;
});
expect((await nurse.locator('#viewer-count').textContent()) === '1 / 2', 'the first of two');
const img = await nurse.locator('#viewer-image').boundingBox();
const y = img.y + img.height / 2;
await nurse.dispatchEvent('#viewer-image', 'touchstart', { touches: [{ identifier: 1, clientX: 300, clientY: y }], changedTouches: [{ identifier: 1, clientX: 300, clientY: y }] });
await nurse.dispatchEvent('#viewer-image', 'touchend', { touches: [], changedTouches: [{ identifier: 1, clientX: 80, clientY: y }] });
await nurse.waitForFunction(() => document.getElementById('viewer-count').textContent === '2 / 2');
expect(await fitsWidth(nurse), 'the viewer fits the phone');
await screenshot(nurse, 'photo-full-screen');
await nurse.locator('#viewer-close').tap();
await viewer.waitFor({ state: 'hidden' });

// Live on the care manager's page, with the photos.
const arrived = cm.locator('.timeline article.post', { hasText: text });
await arrived.waitFor({ timeout: 10000 });
await cm.waitForFunction(
  (t) => [...document.querySelectorAll('.timeline article.post')].some(
    (a) => a.textContent.includes(t) && [...a.querySelectorAll('.attachments img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2),
  text, { timeout: 10000 });
await screenshot(cm, 'photos-arrived-live');
console.log('board files on a phone: 2 photos and a PDF attached, shown, opened full screen, live to the team');
await browser.close();
