const { chromium } = require('playwright-core');
const fs = require('fs');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
  const page = await browser.newPage();
  page.on('console', m => console.log('console', m.type(), m.text()));
  page.on('pageerror', e => console.log('pageerror', e.message));
  page.on('request', r => { if (!r.url().includes('/pkg/')) console.log('req', r.method(), r.url()); });
  await page.goto('http://127.0.0.1:3999/sessions?tab=monitor');
  await page.waitForSelector('main[data-hydrated=true]');
  await page.waitForTimeout(1000);
  console.log('indicator:', await page.locator('.connection').innerText());
  fs.mkdirSync('/tmp/demo/sessions/new2', {recursive: true});
  fs.writeFileSync('/tmp/demo/sessions/new2/communication.json', '{"feature_name":"NEW TWO","agents":[]}');
  await page.waitForTimeout(2000);
  console.log('links:', await page.locator('.session-row__link').allInnerTexts());
  await browser.close();
})();
