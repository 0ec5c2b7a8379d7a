const { chromium } = require('playwright-core');
const fs = require('fs');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
  for (let round = 0; round < 5; round++) {
  const page = await browser.newPage();
  const t0 = Date.now();
  const log = [];
  page.on('console', m => log.push(`${Date.now()-t0} console ${m.text()}`));
  page.on('request', r => { if (!r.url().includes('/pkg/')) log.push(`${Date.now()-t0} req ${r.method()} ${r.url()}`); });
  const id = `new${round}x`;
  const w = (s) => fs.writeFileSync(`/tmp/demo/sessions/${id}/communication.json`, JSON.stringify({feature_name:"N3", agents:[{agent_id:"solo", status:s}]}));
  fs.mkdirSync(`/tmp/demo/sessions/${id}`, {recursive: true}); w("in_progress");
  while ((await fetch(`http://127.0.0.1:3999/api/sessions?id=${id}`)).status !== 200) await new Promise(r => setTimeout(r, 50));
  await page.goto(`http://127.0.0.1:3999/sessions?tab=monitor&session=${id}`);
  await page.waitForSelector('main[data-hydrated=true]');
  log.push(`${Date.now()-t0} hydrated; write`);
  w("complete");
  let ok = false;
  for (let i = 0; i < 25; i++) { await page.waitForTimeout(100); if ((await page.locator('tbody tr').first().innerText()).includes('Complete')) { ok = true; break; } }
  log.push(`${Date.now()-t0} ok=${ok}`);
  if (!ok) console.log(log.join('\n'));
  else console.log('round', round, 'ok', Date.now()-t0);
  await page.close();
  }
  await browser.close();
})();
