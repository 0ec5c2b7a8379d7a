// A screenshot of a hub page as a person sees it: `node shot.js URL OUT [light|dark] [WIDTHxHEIGHT] [full]`.
const { chromium } = require('playwright-core');
(async () => {
  const [url, out, scheme, size, full] = process.argv.slice(2);
  const [width, height] = (size || '1200x820').split('x').map(Number);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme || 'light', deviceScaleFactor: width < 600 ? 2 : 1 });
  page.on('pageerror', e => console.log('pageerror', e.message));
  await page.goto(url);
  await page.waitForSelector('main[data-hydrated=true]');
  await page.waitForTimeout(500);
  await page.screenshot({ path: out, fullPage: full === 'full' });
  await browser.close();
})();
