// Drives the real React frontend (github Nellia-dev/Prosp, built and served separately) through a new user's
// first harvest: register, onboarding (business context), geographic focus, "Iniciar Nova Coleta", progress,
// then reads the leads back through the API and checks they came from the CNPJ registry.
//
// Needs playwright-core (npm i playwright-core, no browser download) and a Chromium: see README "Running the
// real frontend". Settings (environment):
//   FRONTEND_URL   the served frontend (default http://localhost:4173)
//   API_URL        the backend's /api/v1 as the frontend was built with (default http://127.0.0.1:8000/api/v1)
//   CHROMIUM       the browser executable (default /usr/bin/chromium)
//   SHOTS          directory for the screenshots (default ./harvest_shots)
//   INDUSTRY       industry focus, comma-separated (default "Transportadoras, Logística")
//   PLACES         geographic focus, comma-separated (default "Goiás, São Paulo")
//   EXPECT_LEADS   1: fail unless registry leads are created; 0: expect none (a focus the registry lacks)
//   QUERY          if set: start from the Prospect tab with this search query (its own start button) instead of
//                  the dashboard's "Iniciar Nova Coleta"
//   TIMEOUT_S      how long to wait for the job to finish (default 300)
// Exit code 0 when the check passes; the summary is printed as JSON.
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const FRONTEND = process.env.FRONTEND_URL || 'http://localhost:4173';
const API = process.env.API_URL || 'http://127.0.0.1:8000/api/v1';
const SHOTS = process.env.SHOTS || 'harvest_shots';
const INDUSTRY = process.env.INDUSTRY || 'Transportadoras, Logística';
const PLACES = (process.env.PLACES ?? 'Goiás, São Paulo').split(',').map((p) => p.trim()).filter(Boolean);
const EXPECT_LEADS = (process.env.EXPECT_LEADS ?? '1') === '1';
const QUERY = process.env.QUERY || '';
const TIMEOUT_MS = Number(process.env.TIMEOUT_S || 300) * 1000;
const email = `harvest-${Date.now()}@example.com`;
const password = 'Harvest-check-2026!';

const context = {
  business_description: 'Vendemos telemetria e rastreamento de frotas para empresas de transporte rodoviário.',
  product_service_description: 'Rastreadores, telemetria de motor e painel de gestão de frota com alertas.',
  target_market: 'Transportadoras de carga com 10-500 funcionários',
  value_proposition: 'Reduz consumo de combustível e roubo de carga com monitoramento em tempo real.',
  ideal_customer: 'Gestor de frota de transportadora rodoviária de cargas',
  pain_points: 'custo de combustível, roubo de carga, manutenção não planejada',
  industry_focus: INDUSTRY,
};

async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.error(`screenshot ${file}`);
}

async function api(token, pathAndQuery) {
  const response = await fetch(`${API}${pathAndQuery}`, { headers: { Authorization: `Bearer ${token}` } });
  return response.json();
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const problems = [];
  page.on('response', (r) => {
    const newUsersContext = r.url().endsWith('/business-context') && r.status() === 404; // before onboarding
    if (r.url().startsWith(API) && r.status() >= 400 && !newUsersContext) {
      problems.push(`${r.request().method()} ${r.url()} → ${r.status()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    // Register
    await page.goto(FRONTEND);
    await page.getByRole('button', { name: 'Create Account' }).click();
    await page.fill('#firstName', 'Harvest');
    await page.fill('#lastName', 'Check');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.locator('button[type=submit]').click();

    // Onboarding: the business context form
    await page.getByRole('button', { name: 'Configurar Contexto de Negócios' }).click();
    for (const [name, value] of Object.entries(context)) await page.fill(`[name="${name}"]`, value);
    const saved = page.waitForResponse((r) => r.url().includes('/business-context') && r.request().method() === 'POST');
    await page.locator('form button[type=submit]').click();
    await saved;
    await page.reload(); // quirk: the welcome card stays until a reload

    // Geographic focus: only the Contexto tab edits it
    await page.getByRole('tab', { name: 'Contexto' }).click();
    const placeInput = page.getByPlaceholder(/Add location/);
    for (const place of PLACES) {
      await placeInput.fill(place);
      await placeInput.press('Enter');
    }
    if (PLACES.length) {
      const updated = page.waitForResponse((r) => r.url().includes('/business-context') && r.request().method() !== 'GET');
      await page.getByRole('button', { name: 'Save Context' }).click();
      await updated;
    }
    await shot(page, '1-context');

    // Start new harvest (the dashboard's button, or the Prospect tab's with a query), then watch the Prospect tab
    const started = page.waitForResponse((r) => r.url().includes('/prospect/start'));
    if (QUERY) {
      await page.getByRole('tab', { name: 'Prospectar' }).click();
      await page.locator('input[type=search]').fill(QUERY);
      await page.getByRole('button', { name: 'prospectDashboard.startProspectingButton' }).click(); // untranslated
    } else {
      await page.getByRole('tab', { name: 'Painel' }).click();
      await page.getByRole('button', { name: 'Iniciar Nova Coleta' }).click();
      await page.getByRole('tab', { name: 'Prospectar' }).click();
    }
    const start = await started;
    const startBody = await start.json().catch(() => ({}));
    await page.waitForTimeout(3000);
    await shot(page, '2-prospect-running');

    const token = await page.evaluate(() => localStorage.getItem('nellia_access_token'));
    const deadline = Date.now() + TIMEOUT_MS;
    let job;
    for (;;) {
      job = ((await api(token, '/prospect/jobs')).data || [])[0]; // newest first
      if (!job || !['waiting', 'active'].includes(job.status) || Date.now() > deadline) break;
      await page.waitForTimeout(3000);
    }
    await page.waitForTimeout(2000);
    await shot(page, '3-prospect-finished');
    await page.getByRole('tab', { name: 'Leads' }).click();
    await page.waitForTimeout(2000);
    await shot(page, '4-leads');

    const rows = (await api(token, '/leads?limit=1000')).data.data; // {success, data: {data: [...]}}
    const summary = {
      email,
      start: { status: start.status(), body: startBody },
      job,
      leads: rows.length,
      bySource: rows.reduce((acc, l) => ({ ...acc, [l.source]: (acc[l.source] || 0) + 1 }), {}),
      byStage: rows.reduce((acc, l) => ({ ...acc, [l.pipeline_stage]: (acc[l.pipeline_stage] || 0) + 1 }), {}),
      sample: rows.slice(0, 3).map((l) => ({
        company_name: l.company_name, source: l.source, cnpj: l.enrichment_data?.cnpj, sector: l.company_sector,
        region: l.market_region, pipeline_stage: l.pipeline_stage, tier: l.qualification_tier,
      })),
      problems,
    };
    console.log(JSON.stringify(summary, null, 2));
    const fromRegistry = rows.length > 0 && rows.every((l) => l.source === 'registry');
    const ok = job && job.status === 'completed' && (EXPECT_LEADS ? fromRegistry : rows.length === 0);
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    await shot(page, 'error').catch(() => {});
    console.error(error, problems);
    process.exitCode = 2;
  } finally {
    await browser.close();
  }
}

main();
