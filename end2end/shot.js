const { chromium } = require('playwright-core');
(async () => {
  const [url, out, scheme] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1200, height: 820 }, colorScheme: scheme || 'light' });
  page.on('pageerror', e => console.log('pageerror', e.message));
  await page.goto(url);
  await page.waitForSelector('main[data-hydrated=true]');
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  await browser.close();
})();
