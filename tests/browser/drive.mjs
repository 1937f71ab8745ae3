// Drives Debian's Chromium through the report file and the served page the
// way an analyst would: hover and click the intertopic map, move the λ
// slider, pick a term, search the answers, edit a label, paste answers into
// the infer box. Every expected value comes from the Rust library, computed
// by tests/browser.rs and passed in the config file; this script only acts
// and compares. It saves a screenshot of each view and exits non-zero when
// any check fails.
//
//   node tests/browser/drive.mjs CONFIG.json
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(config.screenshots, { recursive: true });

let passed = 0;
const failures = [];

function check(name, ok, detail) {
  if (ok) {
    passed += 1;
  } else {
    failures.push(`${name}: ${detail === undefined ? 'failed' : detail}`);
  }
}

function same(name, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(name, a === e, `expected ${e}\n     got ${a}`);
}

async function step(name, body) {
  try {
    await body();
  } catch (err) {
    failures.push(`${name}: ${err && err.stack ? err.stack : err}`);
  }
}

const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});

async function openPage(url, name) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('html[data-rendered="true"], html[data-render-error]', { timeout: 30000 });
  const renderError = await page.getAttribute('html', 'data-render-error');
  check(`${name}: renders without error`, renderError === null, renderError);
  return { page, context, requests, errors };
}

const attr = (page, name) => page.getAttribute('html', name);

async function barTerms(page) {
  return page.$$eval('#term-bars .bar-row', (rows) => rows.map((r) => r.getAttribute('data-term')));
}

async function shot(page, name, selector) {
  const path = join(config.screenshots, `${name}.png`);
  if (selector) {
    const el = await page.$(selector);
    if (el) {
      await el.scrollIntoViewIfNeeded();
      await el.screenshot({ path });
      return;
    }
  }
  await page.screenshot({ path });
}

async function setSlider(page, lambda) {
  await page.$eval(
    'input#lambda',
    (input, value) => {
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    lambda,
  );
}

async function reportChecks(r) {
  const { page, requests } = await openPage(r.url, 'report');
  await shot(page, 'report-first-view');
  await page.screenshot({ path: join(config.screenshots, 'report-full.png'), fullPage: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`report height at 1400 px: ${height} px`);

  await step('overview', async () => {
    const cards = await page.$$eval('#topics-overview .topic-card', (cs) =>
      cs.map((c) => ({
        topic: c.getAttribute('data-topic'),
        label: c.querySelector('.topic-label').textContent.trim(),
        share: c.querySelector('.topic-share').textContent.trim(),
        words: c.querySelector('.topic-words').textContent,
        quotes: c.querySelector('.topic-quotes').textContent,
        quoteTexts: Array.from(c.querySelectorAll('.topic-quotes li')).map((li) => li.getAttribute('title')),
      })),
    );
    same('overview: one card per topic', cards.map((c) => c.topic).sort(), r.topics.map((t) => String(t.id)));
    const bySize = r.topics.slice().sort((a, b) => b.tokens - a.tokens || a.id - b.id).map((t) => String(t.id));
    same('overview: largest topic first', cards.map((c) => c.topic), bySize);
    cards.forEach((c) => {
      const t = Number(c.topic);
      check(`overview: topic ${t} shows its name`, c.label.includes(r.topics[t].name), `"${c.label}" lacks "${r.topics[t].name}"`);
      check(`overview: topic ${t} shows its share`, c.share.includes(r.topics[t].share_percent), `"${c.share}" lacks ${r.topics[t].share_percent}`);
      check(`overview: topic ${t} shows its top word`, c.words.includes(r.topics[t].top_word), `"${c.words}" lacks ${r.topics[t].top_word}`);
      check(`overview: topic ${t} shows its best answer`, c.quotes.includes(r.topics[t].best_quote), `quotes lack "${r.topics[t].best_quote}"`);
      same(`overview: topic ${t} shows ${r.topics[t].quote_count} answers`, c.quoteTexts.length, r.topics[t].quote_count);
      same(`overview: topic ${t} shows each text once`, new Set(c.quoteTexts.map((q) => q.toLowerCase())).size, c.quoteTexts.length);
      r.topics[t].quote_notes.forEach((note) =>
        check(`overview: topic ${t} says who else wrote an answer`, c.quotes.includes(note), `quotes lack "${note}": "${c.quotes}"`));
    });
    const firstSection = await page.$eval('main section', (s) => s.id);
    check('overview: the page opens on the topics', firstSection === 'topics-overview', `first section is #${firstSection}`);
    const lastSection = await page.$eval('main section:last-of-type', (s) => s.id);
    check('provenance is the last section', lastSection === 'provenance', `last section is #${lastSection}`);
  });

  await step('map and bars', async () => {
    const circles = await page.$$eval('#ldavis-map svg circle.topic-circle', (cs) => cs.map((c) => c.getAttribute('data-topic')));
    same('map: one circle per topic', circles.slice().sort(), r.topics.map((t) => String(t.id)));
    const mapText = await page.$eval('#ldavis-map svg', (s) => s.textContent);
    r.topics.forEach((t) => check(`map: circle ${t.id} is labelled`, mapText.includes(t.map_label), `map text "${mapText}" lacks "${t.map_label}"`));
    same('bars: with no topic selected, the most salient terms', await barTerms(page), r.salient);

    const t = r.selected_topic;
    const circle = `#ldavis-map svg circle.topic-circle[data-topic="${t}"]`;
    await page.hover(circle);
    const tooltip = await page.$eval('#map-tooltip', (e) => ({
      text: e.textContent,
      visible: !!(e.offsetWidth || e.offsetHeight) && getComputedStyle(e).visibility !== 'hidden',
    }));
    check('map: hovering a circle shows a tooltip', tooltip.visible, 'tooltip hidden');
    check('map: the tooltip names the topic', tooltip.text.includes(r.topics[t].name), `"${tooltip.text}"`);
    await shot(page, 'report-map-hover', '#ldavis');
    // Every circle's tip stays inside the map, its topic name on one line
    // (a tip against the right edge was once squeezed a word wide).
    for (const each of r.topics) {
      await page.hover(`#ldavis-map svg circle.topic-circle[data-topic="${each.id}"]`);
      const box = await page.$eval('#map-tooltip', (e) => {
        const tip = e.getBoundingClientRect(), wrap = e.parentNode.getBoundingClientRect();
        return {
          inside: tip.left >= wrap.left - 0.5 && tip.right <= wrap.right + 0.5,
          nameLines: e.querySelector('strong').getClientRects().length,
          width: tip.width,
        };
      });
      check(`map: topic ${each.id}'s tooltip stays inside the map`, box.inside, JSON.stringify(box));
      same(`map: topic ${each.id}'s tooltip shows its name on one line`, box.nameLines, 1);
    }
    await page.hover(circle);

    await page.click(circle);
    same('map: clicking a circle selects its topic', await attr(page, 'data-selected-topic'), String(t));
    same(`bars: topic ${t} at the initial λ = ${r.lambda}`, await barTerms(page), r.relevance[String(r.lambda)]);
    const topicBars = await page.$$eval('#term-bars .bar-row .bar-topic', (bs) => bs.length);
    same('bars: each term shows its count in the topic', topicBars, r.relevance[String(r.lambda)].length);
    const barsFirst = await page.$eval('#term-bars .bar-row', (row) => ({
      total: Number(row.querySelector('.bar-total').getAttribute('data-value')),
      topic: Number(row.querySelector('.bar-topic').getAttribute('data-value')),
    }));
    const first = r.relevance[String(r.lambda)][0];
    check('bars: the corpus count of the first term', Math.abs(barsFirst.total - r.term_counts[first].total) < 1e-9, `${barsFirst.total} vs ${r.term_counts[first].total}`);
    check('bars: the topic count of the first term', Math.abs(barsFirst.topic - r.term_counts[first].topic) < 1e-6, `${barsFirst.topic} vs ${r.term_counts[first].topic}`);

    for (const lambda of r.slider_steps) {
      await setSlider(page, lambda);
      same(`bars: slider at λ = ${lambda} ranks as the library`, await barTerms(page), r.relevance[String(lambda)]);
    }
    const shownLambda = await page.$eval('#lambda-value', (e) => e.textContent.trim());
    same('slider: its value is shown', shownLambda, Number(r.slider_steps[r.slider_steps.length - 1]).toFixed(2));
    await shot(page, 'report-map-topic-selected', '#ldavis');

    const term = r.relevance[String(r.slider_steps[r.slider_steps.length - 1])][0];
    await page.click(`#term-bars .bar-row[data-term="${term}"]`);
    same('bars: clicking a term selects it', await attr(page, 'data-selected-term'), term);
    const shares = await page.$$eval('#ldavis-map svg circle.topic-circle', (cs) => {
      const byTopic = [];
      cs.forEach((c) => { byTopic[Number(c.getAttribute('data-topic'))] = Number(c.getAttribute('data-term-share')); });
      return byTopic;
    });
    const sum = shares.reduce((a, b) => a + b, 0);
    check('map: with a term selected, circles show P(topic | term) summing to 1', Math.abs(sum - 1) < 1e-6, `sum ${sum} (${shares})`);
    const argmax = shares.indexOf(Math.max(...shares));
    same(`map: "${term}" is held most by the topic the library says`, argmax, r.term_counts[term].argmax_topic);
    await shot(page, 'report-map-term-selected', '#ldavis');
    await page.click(`#term-bars .bar-row[data-term="${term}"]`);
    same('bars: clicking the term again clears it', await attr(page, 'data-selected-term') || '', '');
  });

  await step('answers browser', async () => {
    const a = r.answers;
    await page.fill('input#answers-search', a.query);
    const countText = await page.$eval('#answers-count', (e) => e.textContent);
    check('answers: search counts the matches', countText.includes(`${a.count} answer`), `"${countText}" vs ${a.count}`);
    const rows = await page.$$eval('#answers-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-id'), text: tr.textContent })));
    same('answers: search shows the matching answers (first 100)', rows.map((x) => x.id), a.ids.slice(0, 100));
    await page.selectOption('select#answers-topic', String(a.topic));
    await page.selectOption('select#answers-sort', 'theta');
    const filtered = await page.$$eval('#answers-table tbody tr', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-id'), theta: Number(tr.querySelector('td.theta').textContent) })),
    );
    same(`answers: search and dominant topic ${a.topic}, by θ`, filtered.map((x) => x.id), a.topic_ids_by_theta.slice(0, 100));
    const sorted = filtered.every((x, i) => i === 0 || filtered[i - 1].theta >= x.theta);
    check('answers: θ column descends', sorted, JSON.stringify(filtered.map((x) => x.theta)));
    await shot(page, 'report-answers', '#answers');
  });

  await step('findings', async () => {
    const text = await page.$eval('body', (b) => b.innerText);
    for (const key of r.forbidden_text) {
      check(`report: no raw key "${key}" on the page`, !text.includes(key), 'present');
    }
    for (const needle of r.required_text) {
      check(`report: shows "${needle}"`, text.includes(needle), 'absent');
    }
    await shot(page, 'report-conjoint', '#conjoint');
    await shot(page, 'report-link', '#link');
  });

  await step('provenance', async () => {
    await page.click('nav a[href="#provenance"]');
    const rows = await page.$$eval('#provenance-table .kv-pair', (ps) =>
      ps.map((p) => [p.querySelector('dt').textContent, p.querySelector('dd').textContent]));
    const roots = rows.find(([name]) => name.startsWith('Korean roots left out'));
    check('provenance: names the Korean roots left out', !!roots, JSON.stringify(rows.map(([name]) => name)));
    if (roots) {
      check('provenance: says how often roots were left out', roots[1].startsWith(r.left_out_roots.times), roots[1]);
      check('provenance: names the most frequent root', roots[1].includes(r.left_out_roots.first), roots[1]);
    }
    const kept = rows.find(([name]) => name === 'text: Korean parts of speech kept');
    check('provenance: spells out the Korean classes kept by default', !!kept && kept[1] === r.ko_keep_default,
      JSON.stringify(kept));
    await shot(page, 'report-provenance', '#provenance');
  });

  await step('hand codes', async () => {
    const v = r.validation;
    await page.click('nav a[href="#validation"]');
    same('codes: the navigation goes to the section', await page.evaluate(() => location.hash), '#validation');
    const lede = await page.$eval('#validation-lede', (e) => e.textContent);
    check('codes: the lede gives the agreement', lede.includes(v.lede), `"${lede}" lacks "${v.lede}"`);
    same('codes: one matched cell per topic', await page.$$eval('#validation-topics td.matched', (tds) => tds.length), v.matched_cells);
    same('codes: the clearest disagreements first', await page.$$eval('#validation-disagreements tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-id'))), v.first_ids);
    const text = await page.$eval('#validation-disagreements tbody tr td.text', (td) => td.textContent);
    same('codes: each disagreement shows its answer', text, v.first_text);
    if (v.rest > 0) {
      // checkVisibility() is false inside a closed <details>, whose
      // content Chromium hides with content-visibility rather than display.
      const shown = () => page.$$eval('#validation-rest tbody tr', (trs) => trs.filter((tr) => tr.checkVisibility()).length);
      same('codes: the other disagreements start folded', await shown(), 0);
      await page.click('#validation-more summary');
      same('codes: opening the fold shows the other disagreements', await shown(), v.rest);
    }
    await shot(page, 'report-validation', '#validation');
  });

  const foreign = requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'));
  same('report: no request leaves the file', foreign, []);
}

async function servedChecks(s) {
  const { page } = await openPage(s.url, 'served page');
  await shot(page, 'served-first-view');

  await step('label editing', async () => {
    const t = s.label_topic;
    const editor = `.label-edit[data-topic="${t}"]`;
    await page.fill(`${editor} input.label-input`, s.new_label);
    await page.click(`${editor} button.label-save`);
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() !== '', `${editor} .label-status`);
    same('served: saving a label says saved', (await page.$eval(`${editor} .label-status`, (e) => e.textContent.trim())), 'saved');
    const file = JSON.parse(readFileSync(s.labels_file, 'utf8'));
    same('served: the label is in the labels file', file.labels[String(t)], s.new_label);
    const card = await page.$eval(`#topics-overview .topic-card[data-topic="${t}"] .topic-label`, (e) => e.textContent);
    check('served: the new label shows on the topic card', card.includes(s.new_label), `"${card}"`);

    const other = s.duplicate_topic;
    const otherEditor = `.label-edit[data-topic="${other}"]`;
    await page.fill(`${otherEditor} input.label-input`, s.new_label);
    await page.click(`${otherEditor} button.label-save`);
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() !== '', `${otherEditor} .label-status`);
    const refusal = await page.$eval(`${otherEditor} .label-status`, (e) => e.textContent);
    check('served: a duplicate label is refused, naming the other topic', refusal.includes(String(t)) && refusal !== 'saved', `"${refusal}"`);
    const after = JSON.parse(readFileSync(s.labels_file, 'utf8'));
    check('served: the refused duplicate is not written', after.labels[String(other)] !== s.new_label, JSON.stringify(after.labels));
    await shot(page, 'served-labels', '#topics-overview');
  });

  await step('served hand codes', async () => {
    const lede = await page.$eval('#validation-lede', (e) => e.textContent);
    check('served: the page shows the validation it was given', lede.includes(s.validation_lede), `"${lede}"`);
  });

  await step('infer box', async () => {
    await page.fill('textarea#infer-text', s.infer.lines.join('\n'));
    await page.click('button#infer-run');
    await page.waitForSelector('#infer-result table tbody tr[data-row="0"]');
    const got = await page.$$eval('#infer-result table tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td[data-topic]')).map((td) => Number(td.getAttribute('data-value')))),
    );
    same('served: infer shows one row per pasted answer', got.length, s.infer.theta.length);
    got.forEach((row, i) => {
      const want = s.infer.theta[i];
      const close = row.length === want.length && row.every((v, j) => Math.abs(v - want[j]) < 1e-12);
      check(`served: infer row ${i} equals topics infer`, close, `got ${row} want ${want}`);
    });
    await shot(page, 'served-infer', '#infer');
  });
}

try {
  if (config.report) {
    await reportChecks(config.report);
  }
  if (config.served) {
    await servedChecks(config.served);
  }
} finally {
  await browser.close();
}

for (const f of failures) {
  console.log(`FAIL ${f}`);
}
console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
