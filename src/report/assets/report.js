// Builds the report's tables, the λ slider and CSV downloads from the JSON
// embedded in the page. Plain ES5-style JavaScript, no libraries, no
// network (except the label API when the page is served by `topics serve`).
(function () {
  'use strict';
  var root = document.documentElement;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
      });
    }
    (kids || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function fmt(x, digits) {
    if (x === null || x === undefined) { return ''; }
    if (typeof x !== 'number') { return String(x); }
    if (!isFinite(x)) { return String(x); }
    if (Number.isInteger(x)) { return String(x); }
    return x.toFixed(digits === undefined ? 3 : digits);
  }

  function csvField(v) {
    var s = (v === null || v === undefined) ? '' : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(header, rows) {
    return [header].concat(rows).map(function (r) { return r.map(csvField).join(','); }).join('\r\n') + '\r\n';
  }

  // A data: URL with the download attribute saves the CSV without any
  // request; the byte-order mark makes spreadsheet programs read Korean
  // as UTF-8.
  function csvHref(text) {
    return 'data:text/csv;charset=utf-8,' + encodeURIComponent('\ufeff' + text);
  }

  // A table with a "Download CSV" link. `rows` hold raw values (the CSV
  // gets full precision); `digits` formats numbers on the page.
  function dataTable(name, header, rows, digits) {
    var wrap = el('div', { 'class': 'table-wrap' });
    var link = el('a', { 'class': 'csv', download: name + '.csv', 'data-csv': name, text: 'Download CSV' });
    var table = el('table', { 'class': 'data', 'data-name': name });
    var thead = el('thead', null, [el('tr', null, header.map(function (h) { return el('th', { text: h }); }))]);
    var tbody = el('tbody');
    table.appendChild(thead);
    table.appendChild(tbody);
    function fill(newRows) {
      rows = newRows;
      link.setAttribute('href', csvHref(toCsv(header, rows)));
      tbody.textContent = '';
      rows.forEach(function (r) {
        tbody.appendChild(el('tr', null, r.map(function (v) {
          return el('td', { 'class': typeof v === 'number' ? 'num' : '', text: fmt(v, digits) });
        })));
      });
    }
    fill(rows);
    wrap.appendChild(link);
    wrap.appendChild(table);
    wrap.update = fill;
    return wrap;
  }

  var D = JSON.parse(document.getElementById('report-data').textContent);
  var K = D.topics.length;

  function topicName(t) {
    var label = D.topics[t].label;
    return label ? '#' + t + ' ' + label : 'Topic ' + t;
  }

  function renderOverview() {
    var m = D.meta;
    var rows = [
      ['topics version', m.topics_version], ['model fitted by topics', m.model_version],
      ['model file', m.model_path], ['input file', m.input_path], ['input SHA-256', m.input_sha256],
      ['topics (K)', m.k], ['seed', m.seed], ['iterations', m.iterations], ['burn-in', m.burn_in],
      ['optimize interval', m.optimize_interval], ['alpha (initial, per topic)', m.alpha_initial],
      ['alpha (fitted)', m.alpha.map(function (a) { return fmt(a, 4); }).join(' ')],
      ['beta (initial)', m.beta_initial], ['beta (fitted)', m.beta],
      ['log-likelihood per token', m.ll_per_token], ['answers read', m.answers],
      ['answers fitted', m.fitted_answers], ['blank answers', m.blank_answers],
      ['answers without words', m.empty_answers], ['tokens', m.tokens], ['vocabulary', m.vocabulary],
      ['text options', JSON.stringify(m.text_options)]
    ];
    document.getElementById('overview-table').appendChild(dataTable('overview', ['setting', 'value'], rows, 4));
  }

  function relevanceTop(t, lambda) {
    var scored = D.relevance[t].map(function (c, i) {
      var lift = c.log_lift === null ? -Infinity : c.log_lift;
      return { word: c.word, prob: c.prob, score: lambda * c.log_phi + (1 - lambda) * lift, i: i };
    });
    scored.sort(function (a, b) { return (b.score - a.score) || (b.prob - a.prob) || (a.i - b.i); });
    return scored.slice(0, D.top_n);
  }

  var rankingTables = [];

  function rankingRows(t, lambda) {
    var rel = relevanceTop(t, lambda);
    var rows = [];
    for (var r = 0; r < D.top_n; r++) {
      var row = [r + 1, rel[r] ? rel[r].word : ''];
      D.rankings.forEach(function (rk) { var w = rk.words[t][r]; row.push(w ? w.word : ''); });
      rows.push(row);
    }
    return rows;
  }

  function renderTopics() {
    var cards = document.getElementById('topic-cards');
    var header = ['rank', 'relevance'].concat(D.rankings.map(function (r) { return r.by; }));
    for (var t = 0; t < K; t++) {
      var card = el('div', { 'class': 'card', id: 'topic-' + t });
      card.appendChild(el('h3', { 'class': 'topic-name', text: topicName(t) + ' · ' + fmt(100 * D.topics[t].share, 1) + '% of tokens' }));
      if (D.served) { card.appendChild(labelEditor(t)); }
      card.appendChild(el('div', { 'class': 'rel-words', id: 'rel-words-' + t }));
      var table = dataTable('words-topic-' + t, header, rankingRows(t, D.lambda), 3);
      rankingTables.push(table);
      card.appendChild(table);
      cards.appendChild(card);
    }
    var slider = document.getElementById('lambda');
    var shown = document.getElementById('lambda-value');
    function update() {
      var lambda = parseFloat(slider.value);
      shown.textContent = lambda.toFixed(2);
      for (var t = 0; t < K; t++) {
        rankingTables[t].update(rankingRows(t, lambda));
        document.getElementById('rel-words-' + t).textContent =
          relevanceTop(t, lambda).slice(0, 10).map(function (w) { return w.word; }).join(', ');
      }
      root.setAttribute('data-lambda', lambda.toFixed(2));
    }
    slider.addEventListener('input', update);
    update();
    var salient = D.salient.map(function (w, i) { return [i + 1, w.word, w.score, w.prob]; });
    document.getElementById('salient-table').appendChild(dataTable('salient-words', ['rank', 'word', 'saliency', 'corpus_share'], salient, 4));
  }

  function labelEditor(t) {
    var input = el('input', { type: 'text', value: D.topics[t].label || '', placeholder: 'label', 'aria-label': 'label of topic ' + t });
    var save = el('button', { type: 'button', text: 'Save label' });
    var status = el('span', { 'class': 'note' });
    save.addEventListener('click', function () {
      fetch('/api/labels/' + t, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ label: input.value }) })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
        .then(function (res) {
          if (!res.ok) { status.textContent = res.body.error; return; }
          D.topics[t].label = res.body.label;
          document.querySelector('#topic-' + t + ' .topic-name').textContent = topicName(t);
          status.textContent = 'saved';
        })
        .catch(function (e) { status.textContent = String(e); });
    });
    return el('div', { 'class': 'label-edit' }, [input, ' ', save, ' ', status]);
  }

  function renderMap() {
    var header = ['topic'].concat(D.topics.map(function (_, t) { return topicName(t); }));
    var rows = D.map.divergence.map(function (r, t) { return [topicName(t)].concat(r); });
    document.getElementById('map-table').appendChild(dataTable('topic-divergence', header, rows, 3));
    var coords = D.topics.map(function (_, t) { return [t, topicName(t), D.map.x[t], D.map.y[t], D.map.share[t]]; });
    document.getElementById('map-coords').appendChild(dataTable('topic-map-coordinates', ['topic', 'name', 'pc1', 'pc2', 'token_share'], coords, 4));
  }

  function renderQuotes() {
    var box = document.getElementById('quote-tables');
    var all = [];
    for (var t = 0; t < K; t++) {
      var rows = D.quotes[t].map(function (q) { return [q.id, q.theta, q.text]; });
      rows.forEach(function (r) { all.push([t, topicName(t)].concat(r)); });
      box.appendChild(el('h3', { text: topicName(t) }));
      box.appendChild(dataTable('answers-topic-' + t, ['id', 'theta', 'answer'], rows, 3));
    }
    box.insertBefore(dataTable('answers-all-topics', ['topic', 'name', 'id', 'theta', 'answer'], all, 3), box.firstChild);
    box.firstChild.querySelector('table').style.display = 'none';
    box.firstChild.querySelector('a.csv').textContent = 'Download CSV (all topics)';
  }

  function renderDiagnostics() {
    var cols = ['tokens', 'token_share', 'rank1_share', 'umass', 'npmi', 'exclusivity', 'word_exclusivity', 'effective_words', 'corpus_distance', 'uniform_distance'];
    var rows = D.diagnostics.map(function (d) {
      return [d.topic, topicName(d.topic)].concat(cols.map(function (c) { return d[c]; }));
    });
    document.getElementById('diagnostics-table').appendChild(dataTable('diagnostics', ['topic', 'name'].concat(cols), rows, 3));
  }

  function applyHash() {
    var m = /lambda=([0-9.]+)/.exec(location.hash);
    if (m) {
      var slider = document.getElementById('lambda');
      slider.value = m[1];
      slider.dispatchEvent(new Event('input'));
    }
  }

  try {
    renderOverview();
    renderTopics();
    renderMap();
    renderQuotes();
    renderDiagnostics();
    applyHash();
    window.addEventListener('hashchange', applyHash);
    root.setAttribute('data-rendered', 'true');
  } catch (e) {
    root.setAttribute('data-render-error', String(e));
    document.body.insertBefore(el('p', { 'class': 'error', text: 'The report could not be drawn: ' + e }), document.body.firstChild);
  }
}());
