// Draws the report from the JSON embedded in the page: topic cards, the
// LDAvis-style intertopic map and term bars, the answers browser, the
// tables and their CSV downloads. Plain ES5-style JavaScript, no
// libraries, no network (except the service's API when the page is served
// by `topics serve`).
(function () {
  'use strict';
  var root = document.documentElement;
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    (kids || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function setAttrs(e, attrs) {
    if (!attrs) { return; }
    Object.keys(attrs).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
  }

  function fmt(x, digits) {
    if (x === null || x === undefined) { return ''; }
    if (typeof x !== 'number') { return String(x); }
    if (!isFinite(x)) { return String(x); }
    if (Number.isInteger(x)) { return String(x); }
    return x.toFixed(digits === undefined ? 3 : digits);
  }

  function pct(x, digits) { return (100 * x).toFixed(digits === undefined ? 1 : digits) + '%'; }

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
  // gets full precision); `digits` formats numbers on the page. The CSV
  // keeps the machine-friendly `header`; the page shows `shown` (readable
  // names) when given.
  function dataTable(name, header, rows, digits, shown) {
    var wrap = el('div', { 'class': 'table-wrap' });
    var link = el('a', { 'class': 'csv', download: name + '.csv', 'data-csv': name, text: 'Download CSV' });
    var table = el('table', { 'class': 'data', 'data-name': name });
    var thead = el('thead', null, [el('tr', null, (shown || header).map(function (h) { return el('th', { text: h }); }))]);
    var tbody = el('tbody');
    table.appendChild(thead);
    table.appendChild(tbody);
    function fill(newRows) {
      rows = newRows;
      link.setAttribute('href', csvHref(toCsv(header, rows)));
      tbody.textContent = '';
      rows.forEach(function (r) {
        tbody.appendChild(el('tr', null, r.map(function (v) {
          // Short texts (names, words) stay on one line; long ones wrap.
          var cls = typeof v === 'number' ? 'num' : (String(v === null || v === undefined ? '' : v).length > 30 ? 'wrap' : '');
          return el('td', { 'class': cls, text: fmt(v, digits) });
        })));
      });
    }
    fill(rows);
    wrap.appendChild(table);
    wrap.appendChild(link);
    wrap.update = fill;
    return wrap;
  }

  function replaceChild(id, node) {
    var box = document.getElementById(id);
    box.textContent = '';
    box.appendChild(node);
  }

  var D = JSON.parse(document.getElementById('report-data').textContent);
  var K = D.topics.length;
  // P(topic | word) for the term bars' words: the estimated counts over
  // their sum, added in topic order (the same doubles as ReportData's
  // TermInfo::topic_share).
  D.terms.forEach(function (term) {
    var total = 0;
    term.topic_counts.forEach(function (c) { total += c; });
    term.topic_share = term.topic_counts.map(function (c) { return total > 0 ? c / total : 0; });
  });
  var state = { topic: null, term: null, lambda: D.lambda };
  // Largest topic first (ties by id): the order of the cards.
  var bySize = D.topics.map(function (_, t) { return t; });
  bySize.sort(function (a, b) { return (D.topics[b].share - D.topics[a].share) || (a - b); });

  function topicName(t) {
    var label = D.topics[t].label;
    return label ? '#' + t + ' ' + label : 'Topic ' + t;
  }

  function shortName(t) { return D.topics[t].label || 'Topic ' + t; }

  // A span that follows the topic's label when it is edited (served page).
  function nameSpan(t, short) {
    return el('span', { 'class': short ? 'tname short' : 'tname', 'data-t': String(t), text: short ? shortName(t) : topicName(t) });
  }

  // The top `n` relevance words of topic t at `lambda`, in the order of
  // TopicWordMatrix::top_words: score descending, then φ descending, then
  // lower word id (the candidates are in word-id order). The candidates
  // hold every word that is in a top list at some slider step, so the
  // list is exact.
  function relevanceTop(t, lambda, n) {
    var scored = D.relevance[t].map(function (c, i) {
      var lift = c.log_lift === null ? -Infinity : c.log_lift;
      return { word: c.word, term: c.term, prob: c.prob, score: lambda * c.log_phi + (1 - lambda) * lift, i: i };
    });
    scored.sort(function (a, b) { return (b.score - a.score) || (b.prob - a.prob) || (a.i - b.i); });
    return scored.slice(0, n);
  }

  function topWords(t, n) {
    return relevanceTop(t, state.lambda, n).map(function (w) { return w.word; });
  }

  // ---- Topic cards -------------------------------------------------------

  function renderCards() {
    var box = document.getElementById('topic-cards');
    box.textContent = '';
    bySize.forEach(function (t) {
      var card = el('article', { 'class': 'topic-card', 'data-topic': String(t), id: 'topic-' + t });
      var head = el('div', { 'class': 'card-head' }, [
        el('span', { 'class': 'topic-id', text: '#' + t }),
        el('h3', { 'class': 'topic-label tname short', 'data-t': String(t), text: shortName(t) }),
        el('span', { 'class': 'topic-share', text: pct(D.topics[t].share) })
      ]);
      card.appendChild(head);
      card.appendChild(el('div', { 'class': 'share-track' }, [el('span', { 'class': 'share-fill', style: 'width:' + (100 * D.topics[t].share / D.topics[bySize[0]].share).toFixed(1) + '%' })]));
      card.appendChild(el('p', { 'class': 'topic-words', id: 'rel-words-' + t }));
      var quotes = el('ul', { 'class': 'topic-quotes' });
      D.quotes[t].slice(0, 3).forEach(function (q) {
        quotes.appendChild(el('li', { title: q.text }, [
          el('span', { 'class': 'quote-text', text: clip(q.text, 120) }),
          el('span', { 'class': 'quote-meta', text: ' id ' + q.id + ' · θ ' + fmt(q.theta, 2) + (q.same_text_note ? ' · ' + q.same_text_note : '') })
        ]));
      });
      card.appendChild(quotes);
      var show = el('button', { type: 'button', 'class': 'link-button', text: 'Show on the map' });
      show.addEventListener('click', function () {
        selectTopic(t);
        document.getElementById('explore').scrollIntoView();
      });
      card.appendChild(show);
      if (D.served) { card.appendChild(labelEditor(t)); }
      box.appendChild(card);
    });
  }

  function clip(text, n) {
    var chars = Array.from(text);
    return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : text;
  }

  function updateCardWords() {
    for (var t = 0; t < K; t++) {
      document.getElementById('rel-words-' + t).textContent = topWords(t, 10).join(', ');
    }
  }

  // ---- Intertopic map ----------------------------------------------------

  var MAP_W = 540, MAP_H = 520, MAP_PAD = 70, R_MAX = 62;

  function mapScale() {
    var xs = D.map.x, ys = D.map.y;
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    // One scale for both axes, so that distances on the page mean something.
    var range = Math.max(x1 - x0, y1 - y0, 1e-12);
    var scale = Math.min(MAP_W - 2 * MAP_PAD, MAP_H - 2 * MAP_PAD) / range;
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    return {
      x: function (v) { return MAP_W / 2 + (v - cx) * scale; },
      y: function (v) { return MAP_H / 2 - (v - cy) * scale; }
    };
  }

  // Circle radius: area proportional to the topic's share (or, with a
  // word chosen, to P(topic | word)), the largest possible at R_MAX.
  function radius(t) {
    if (state.term !== null) {
      return Math.sqrt(D.terms[state.term].topic_share[t]) * R_MAX;
    }
    var maxShare = D.topics[bySize[0]].share;
    return Math.max(Math.sqrt(D.topics[t].share / maxShare) * R_MAX * 0.72, 3);
  }

  function renderMap() {
    var s = mapScale();
    var svg = svgEl('svg', { 'class': 'chart map', viewBox: '0 0 ' + MAP_W + ' ' + MAP_H, width: MAP_W, height: MAP_H, role: 'img', 'aria-label': 'Intertopic distance map' });
    var bg = svgEl('rect', { 'class': 'map-bg', x: 0, y: 0, width: MAP_W, height: MAP_H });
    bg.addEventListener('click', function () { selectTopic(null); });
    svg.appendChild(bg);
    svg.appendChild(svgEl('line', { 'class': 'axis', x1: s.x(0), y1: 14, x2: s.x(0), y2: MAP_H - 14 }));
    svg.appendChild(svgEl('line', { 'class': 'axis', x1: 14, y1: s.y(0), x2: MAP_W - 14, y2: s.y(0) }));
    svg.appendChild(svgEl('text', { 'class': 'axis-label', x: MAP_W - 40, y: s.y(0) - 6 }, 'PC1'));
    svg.appendChild(svgEl('text', { 'class': 'axis-label', x: s.x(0) + 6, y: 24 }, 'PC2'));
    var caption = state.term === null ? 'Circle area: share of all words'
      : 'Circle area: where “' + D.terms[state.term].word + '” is used, P(topic | word)';
    svg.appendChild(svgEl('text', { 'class': 'map-caption', x: 12, y: MAP_H - 10 }, caption));
    // Larger topics first so that small ones stay visible on top; the
    // selected topic last of all.
    var order = bySize.filter(function (t) { return t !== state.topic; });
    if (state.topic !== null) { order.push(state.topic); }
    order.forEach(function (t) {
      var g = svgEl('g', { 'class': 'topic' + (state.topic === t ? ' selected' : ''), 'data-topic': String(t) });
      var r = radius(t);
      var cx = s.x(D.map.x[t]), cy = s.y(D.map.y[t]);
      var c = svgEl('circle', { 'class': 'topic-circle', 'data-topic': String(t), cx: cx.toFixed(1), cy: cy.toFixed(1), r: r.toFixed(1) });
      if (state.term !== null) { c.setAttribute('data-term-share', String(D.terms[state.term].topic_share[t])); }
      c.setAttribute('tabindex', '0');
      c.setAttribute('role', 'button');
      c.setAttribute('aria-label', topicName(t) + ', ' + pct(D.topics[t].share) + ' of words');
      c.addEventListener('click', function (ev) { ev.stopPropagation(); selectTopic(state.topic === t ? null : t); });
      onEnter(c);
      c.addEventListener('mouseenter', function () { showTooltip(t, cx, cy, r); });
      c.addEventListener('mouseleave', hideTooltip);
      c.addEventListener('focus', function () { showTooltip(t, cx, cy, r); });
      c.addEventListener('blur', hideTooltip);
      g.appendChild(c);
      g.appendChild(svgEl('text', { 'class': 'topic-num', x: cx.toFixed(1), y: (cy + 4).toFixed(1), 'text-anchor': 'middle' }, String(t)));
      var below = cy + Math.max(r, 8) + 13;
      if (state.term !== null) {
        g.appendChild(svgEl('text', { 'class': 'term-share-text', x: cx.toFixed(1), y: below.toFixed(1), 'text-anchor': 'middle' }, pct(D.terms[state.term].topic_share[t])));
        below += 14;
      }
      if (D.topics[t].label) {
        g.appendChild(svgEl('text', { 'class': 'topic-text', x: cx.toFixed(1), y: below.toFixed(1), 'text-anchor': 'middle' }, clip(D.topics[t].label, 22)));
      }
      svg.appendChild(g);
    });
    replaceChild('ldavis-map', svg);
  }

  function showTooltip(t, cx, cy, r) {
    var tip = document.getElementById('map-tooltip');
    tip.textContent = '';
    tip.appendChild(el('strong', { text: topicName(t) }));
    tip.appendChild(el('div', { text: pct(D.topics[t].share) + ' of all words' }));
    if (state.term !== null) {
      tip.appendChild(el('div', { text: '“' + D.terms[state.term].word + '”: ' + pct(D.terms[state.term].topic_share[t]) + ' of its uses' }));
    }
    tip.appendChild(el('div', { 'class': 'tip-words', text: topWords(t, 8).join(', ') }));
    placeTooltip(tip, cx, cy, r);
  }

  // Beside the circle, on its right where the tip fits and on its left
  // where it does not: a tip pushed against the map's right edge would be
  // squeezed to a column a word wide. The map may be drawn smaller than
  // MAP_W, so circle coordinates are scaled to the drawn size.
  function placeTooltip(tip, cx, cy, r) {
    var wrap = tip.parentNode;
    var svg = wrap.querySelector('svg');
    var k = svg ? svg.getBoundingClientRect().width / MAP_W : 1;
    tip.style.left = '0px';
    tip.style.top = '0px';
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var right = (cx + r) * k + 8, left = (cx - r) * k - 8 - w;
    var x = right + w <= wrap.clientWidth || left < 0 ? right : left;
    var y = Math.max(0, Math.min(cy * k - 20, wrap.clientHeight - h));
    tip.style.left = Math.max(0, Math.min(x, wrap.clientWidth - w)) + 'px';
    tip.style.top = y + 'px';
  }

  function hideTooltip() { document.getElementById('map-tooltip').hidden = true; }

  // ---- Term bars ---------------------------------------------------------

  var ROW_H = 19, BAR_TOP = 58;

  // The bar chart fills its column (between 420 and 760 px).
  function barWidth() {
    var w = document.getElementById('term-bars').clientWidth;
    return Math.max(420, Math.min(760, w || 600));
  }

  function barTerms() {
    if (state.topic === null) {
      return D.salient.map(function (w) { return w.term; });
    }
    return relevanceTop(state.topic, state.lambda, D.bar_terms).map(function (w) { return w.term; });
  }

  function renderBars() {
    var terms = barTerms();
    var t = state.topic;
    var height = BAR_TOP + terms.length * ROW_H + 12;
    var BAR_W = barWidth();
    var svg = svgEl('svg', { 'class': 'chart bars', viewBox: '0 0 ' + BAR_W + ' ' + height, width: BAR_W, height: height, role: 'img', 'aria-label': 'Term bar chart' });
    replaceChild('term-bars', svg);
    var title = t === null ? 'Top ' + terms.length + ' most salient words overall'
      : 'Top ' + terms.length + ' most relevant words of ' + topicName(t) + ' (' + pct(D.topics[t].share) + ' of words)';
    svg.appendChild(svgEl('text', { 'class': 'title', x: 8, y: 16 }, title));
    // The word column is as wide as the longest word.
    var labels = terms.map(function (w) { return svgEl('text', { 'class': 'bar-word', 'text-anchor': 'end' }, D.terms[w].word); });
    var probe = svgEl('g');
    labels.forEach(function (l) { probe.appendChild(l); });
    svg.appendChild(probe);
    var left = 12 + labels.reduce(function (m, l) { return Math.max(m, l.getComputedTextLength ? l.getComputedTextLength() : 60); }, 30);
    svg.removeChild(probe);
    var maxCount = terms.reduce(function (m, w) { return Math.max(m, D.terms[w].count); }, 1);
    var width = BAR_W - left - 16;
    var x = function (v) { return left + width * v / maxCount; };
    legend(svg, t !== null, left);
    axisTicks(svg, maxCount, x, height);
    terms.forEach(function (w, i) {
      var term = D.terms[w];
      var y = BAR_TOP + i * ROW_H;
      var row = svgEl('g', { 'class': 'bar-row' + (state.term === w ? ' selected' : ''), 'data-term': term.word, 'data-index': String(w) });
      row.appendChild(svgEl('rect', { 'class': 'bar-hit', x: 0, y: y, width: BAR_W, height: ROW_H }));
      labels[i].setAttribute('x', left - 6);
      labels[i].setAttribute('y', y + 13);
      row.appendChild(labels[i]);
      row.appendChild(svgEl('rect', { 'class': 'bar-total', 'data-value': String(term.count), x: left, y: y + 2, width: (x(term.count) - left).toFixed(2), height: ROW_H - 4 }));
      if (t !== null) {
        var est = term.topic_counts[t];
        row.appendChild(svgEl('rect', { 'class': 'bar-topic', 'data-value': String(est), x: left, y: y + 2, width: (x(Math.min(est, term.count)) - left).toFixed(2), height: ROW_H - 4 }));
      }
      var tip = term.word + ': ' + term.count + ' in all answers' + (t !== null ? ', about ' + fmt(term.topic_counts[t], 1) + ' in ' + topicName(t) : '');
      row.appendChild(svgEl('title', null, tip));
      row.setAttribute('tabindex', '0');
      row.setAttribute('role', 'button');
      row.addEventListener('click', function () { selectTerm(state.term === w ? null : w); });
      onEnter(row);
      svg.appendChild(row);
    });
    if (state.term !== null) {
      var clear = el('button', { type: 'button', id: 'term-clear', text: 'Clear the word “' + D.terms[state.term].word + '”' });
      clear.addEventListener('click', function () { selectTerm(null); });
      document.getElementById('term-bars').appendChild(clear);
    }
  }

  // Enter or space on a focused chart element acts as a click.
  function onEnter(e) {
    e.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        e.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      }
    });
  }

  function legend(svg, withTopic, left) {
    svg.appendChild(svgEl('rect', { 'class': 'bar-total', x: left, y: 22, width: 12, height: 10 }));
    svg.appendChild(svgEl('text', { 'class': 'tick', x: left + 16, y: 31 }, 'count in all answers'));
    if (withTopic) {
      svg.appendChild(svgEl('rect', { 'class': 'bar-topic', x: left + 150, y: 22, width: 12, height: 10 }));
      svg.appendChild(svgEl('text', { 'class': 'tick', x: left + 166, y: 31 }, 'estimated count in the selected topic'));
    }
  }

  function axisTicks(svg, maxCount, x, height) {
    niceTicks(maxCount, 5).forEach(function (v) {
      svg.appendChild(svgEl('line', { 'class': 'grid', x1: x(v), y1: BAR_TOP - 4, x2: x(v), y2: height - 10 }));
      svg.appendChild(svgEl('text', { 'class': 'tick', x: x(v), y: BAR_TOP - 7, 'text-anchor': 'middle' }, String(v)));
    });
  }

  function niceTicks(max, target) {
    var raw = max / target;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return s >= raw; })[0];
    step = Math.max(1, step);
    var out = [];
    for (var v = 0; v <= max; v += step) { out.push(Math.round(v)); }
    return out;
  }

  // ---- Selection ---------------------------------------------------------

  function selectTopic(t) {
    state.topic = t;
    Array.prototype.forEach.call(document.querySelectorAll('.topic-card'), function (card) {
      card.classList.toggle('selected', card.getAttribute('data-topic') === String(t));
    });
    root.setAttribute('data-selected-topic', t === null ? '' : String(t));
    hideTooltip();
    renderMap();
    renderBars();
  }

  function selectTerm(w) {
    state.term = w;
    root.setAttribute('data-selected-term', w === null ? '' : D.terms[w].word);
    renderMap();
    renderBars();
  }

  function setLambda(lambda) {
    state.lambda = lambda;
    document.getElementById('lambda-value').textContent = lambda.toFixed(2);
    Array.prototype.forEach.call(document.querySelectorAll('.lambda-now'), function (e) { e.textContent = lambda.toFixed(2); });
    root.setAttribute('data-lambda', lambda.toFixed(2));
    updateCardWords();
    rankingTables.forEach(function (table, t) { table.update(rankingRows(t, lambda)); });
    if (state.topic !== null) { renderBars(); }
  }

  // ---- Answers browser ---------------------------------------------------

  var PAGE = 100;
  var answers = D.answers.map(function (a, i) {
    var best = 0;
    for (var k = 1; k < a.theta.length; k++) { if (a.theta[k] > a.theta[best]) { best = k; } }
    return { i: i, id: a.id, text: a.text, lower: a.text.toLowerCase(), theta: a.theta, dominant: best };
  });
  var answersShown = PAGE;

  function renderAnswerControls() {
    var select = document.getElementById('answers-topic');
    select.textContent = '';
    select.appendChild(el('option', { value: '', text: 'All topics' }));
    for (var t = 0; t < K; t++) {
      select.appendChild(el('option', { value: String(t), 'class': 'tname', 'data-t': String(t), text: topicName(t) }));
    }
    ['answers-search', 'answers-topic', 'answers-sort'].forEach(function (id) {
      document.getElementById(id).addEventListener(id === 'answers-search' ? 'input' : 'change', function () {
        answersShown = PAGE;
        renderAnswers();
      });
    });
    document.getElementById('answers-more').addEventListener('click', function () {
      answersShown += PAGE;
      renderAnswers();
    });
  }

  // Semantics of the service's /api/answers: case-insensitive substring,
  // dominant topic, sort by θ (ties in file order) or file order.
  function filteredAnswers() {
    var q = document.getElementById('answers-search').value.toLowerCase();
    var tv = document.getElementById('answers-topic').value;
    var topic = tv === '' ? null : parseInt(tv, 10);
    var sort = document.getElementById('answers-sort').value;
    var rows = answers.filter(function (a) {
      return (topic === null || a.dominant === topic) && (q === '' || a.lower.indexOf(q) >= 0);
    });
    if (sort === 'theta') {
      rows.sort(function (a, b) {
        var ta = a.theta[topic === null ? a.dominant : topic], tb = b.theta[topic === null ? b.dominant : topic];
        return (tb - ta) || (a.i - b.i);
      });
    }
    return { rows: rows, topic: topic, q: q };
  }

  function renderAnswers() {
    var f = filteredAnswers();
    document.getElementById('answers-count').textContent = f.rows.length + ' answers';
    var tbody = document.querySelector('#answers-table tbody');
    tbody.textContent = '';
    f.rows.slice(0, answersShown).forEach(function (a) {
      var k = f.topic === null ? a.dominant : f.topic;
      tbody.appendChild(el('tr', { 'data-id': a.id }, [
        el('td', { 'class': 'id', text: a.id }),
        el('td', { 'class': 'topic' }, [nameSpan(a.dominant)]),
        el('td', { 'class': 'theta num', 'data-value': String(a.theta[k]), text: fmt(a.theta[k], 3) }),
        el('td', { 'class': 'text' }, highlight(a, f.q))
      ]));
    });
    document.getElementById('answers-more').hidden = f.rows.length <= answersShown;
  }

  // The answer text with the searched part marked (when lower-casing kept
  // the length, so that positions match).
  function highlight(a, q) {
    if (q === '' || a.lower.length !== a.text.length) { return [a.text]; }
    var out = [], from = 0, at;
    while ((at = a.lower.indexOf(q, from)) >= 0) {
      out.push(a.text.slice(from, at));
      out.push(el('mark', { text: a.text.slice(at, at + q.length) }));
      from = at + q.length;
    }
    out.push(a.text.slice(from));
    return out;
  }

  // ---- Served page: labels and inference ---------------------------------

  function apiHeaders() {
    return { 'Content-Type': 'application/json', 'X-Topics-Token': D.token || '' };
  }

  // The response body as JSON, or an error carrying the API's message.
  function apiCall(method, url, body) {
    var init = { method: method, headers: apiHeaders() };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = JSON.parse(text); } catch (e) { json = null; }
        if (!r.ok) {
          throw new Error(json && json.error ? json.error : (text || r.status + ' ' + r.statusText));
        }
        return json;
      });
    });
  }

  function labelEditor(t) {
    var input = el('input', { type: 'text', 'class': 'label-input', value: D.topics[t].label || '', placeholder: 'Name this topic', 'aria-label': 'label of topic ' + t });
    var save = el('button', { type: 'button', 'class': 'label-save', text: 'Save label' });
    var remove = el('button', { type: 'button', 'class': 'label-remove', text: 'Remove' });
    var status = el('span', { 'class': 'label-status note' });
    function done(res) {
      if (res && Array.isArray(res.labels)) {
        res.labels.forEach(function (l, i) { if (D.topics[i]) { D.topics[i].label = l; } });
      } else if (res) {
        D.topics[t].label = res.label;
      }
      input.value = D.topics[t].label || '';
      status.textContent = 'saved';
      status.classList.remove('error');
      refreshNames();
    }
    function fail(e) {
      status.textContent = e && e.message ? e.message : String(e);
      status.classList.add('error');
    }
    save.addEventListener('click', function () {
      apiCall('PUT', '/api/labels/' + t, { label: input.value }).then(done).catch(fail);
    });
    remove.addEventListener('click', function () {
      apiCall('DELETE', '/api/labels/' + t).then(done).catch(fail);
    });
    return el('div', { 'class': 'label-edit', 'data-topic': String(t) }, [input, save, remove, status]);
  }

  // After a label changed: every name on the page follows.
  function refreshNames() {
    Array.prototype.forEach.call(document.querySelectorAll('.tname'), function (e) {
      var t = parseInt(e.getAttribute('data-t'), 10);
      e.textContent = e.classList.contains('short') ? shortName(t) : topicName(t);
    });
    renderMap();
    renderBars();
    renderTables();
  }

  function renderInfer() {
    var button = document.getElementById('infer-run');
    if (!button) { return; }
    button.addEventListener('click', function () {
      var lines = document.getElementById('infer-text').value.split(/\r?\n/);
      while (lines.length && lines[lines.length - 1].trim() === '') { lines.pop(); }
      var status = document.getElementById('infer-status');
      if (!lines.length) { status.textContent = 'Write at least one answer.'; return; }
      status.textContent = 'estimating…';
      apiCall('POST', '/api/infer', { answers: lines }).then(function (res) {
        status.textContent = '';
        replaceChild('infer-result', inferTable(lines, res));
      }).catch(function (e) {
        status.textContent = e && e.message ? e.message : String(e);
      });
    });
  }

  function inferTable(lines, res) {
    var head = el('tr', null, [el('th', { text: '#' }), el('th', { text: 'answer' })]
      .concat(D.topics.map(function (_, t) { return el('th', { 'class': 'num' }, [nameSpan(t)]); }))
      .concat([el('th', { 'class': 'num', text: 'known words' }), el('th', { 'class': 'num', text: 'unknown words' })]));
    var tbody = el('tbody');
    res.forEach(function (r, i) {
      var best = 0;
      r.theta.forEach(function (v, k) { if (v > r.theta[best]) { best = k; } });
      var cells = [el('td', { 'class': 'num', text: String(i + 1) }), el('td', { 'class': 'text', text: lines[i] === undefined ? '' : lines[i] })];
      r.theta.forEach(function (v, k) {
        cells.push(el('td', { 'class': 'num' + (k === best ? ' best' : ''), 'data-topic': String(k), 'data-value': String(v), text: pct(v) }));
      });
      cells.push(el('td', { 'class': 'num', text: String(r.known_tokens) }));
      cells.push(el('td', { 'class': 'num', text: String(r.unknown_tokens) }));
      tbody.appendChild(el('tr', { 'data-row': String(i) }, cells));
    });
    return el('table', { 'class': 'data' }, [el('thead', null, [head]), tbody]);
  }

  // ---- Detail tables -----------------------------------------------------

  var rankingTables = [];

  function rankingRows(t, lambda) {
    var rel = relevanceTop(t, lambda, D.top_n);
    var rows = [];
    for (var r = 0; r < D.top_n; r++) {
      var row = [r + 1, rel[r] ? rel[r].word : ''];
      D.rankings.forEach(function (rk) { var w = rk.words[t][r]; row.push(w ? w.word : ''); });
      rows.push(row);
    }
    return rows;
  }

  function renderRankings() {
    var box = document.getElementById('ranking-tables');
    var header = ['rank', 'relevance'].concat(D.rankings.map(function (r) { return r.by; }));
    var shown = header.map(function (h) { return RANKING_NAMES[h] || h; });
    for (var t = 0; t < K; t++) {
      var table = dataTable('words-topic-' + t, header, rankingRows(t, state.lambda), 3, shown);
      rankingTables.push(table);
      box.appendChild(el('div', { 'class': 'ranking' }, [el('h3', null, [nameSpan(t)]), table]));
    }
    var salient = D.salient.map(function (w, i) { return [i + 1, w.word, w.score, w.prob]; });
    replaceChild('salient-table', dataTable('salient-words', ['rank', 'word', 'saliency', 'corpus_share'], salient, 4, ['rank', 'word', 'saliency', 'share of all words']));
  }

  function renderQuotes() {
    var box = document.getElementById('quote-tables');
    var all = [];
    for (var t = 0; t < K; t++) {
      var rows = D.quotes[t].map(function (q) { return [q.id, q.theta, q.text, (q.same_text || []).join(' ')]; });
      rows.forEach(function (r) { all.push([t].concat(r)); });
      box.appendChild(el('h3', null, [nameSpan(t)]));
      box.appendChild(dataTable('answers-topic-' + t, ['id', 'theta', 'answer', 'same_text'], rows, 3, ['id', 'theta', 'answer', 'same text']));
    }
    var allTable = dataTable('answers-all-topics', ['topic', 'id', 'theta', 'answer', 'same_text'], all, 3, ['topic', 'id', 'theta', 'answer', 'same text']);
    allTable.querySelector('table').hidden = true;
    allTable.querySelector('a.csv').textContent = 'Download CSV (all topics)';
    box.insertBefore(allTable, box.firstChild);
  }

  // Tables whose cells hold topic names: redrawn when a label changes.
  function renderTables() {
    var header = ['topic'].concat(D.topics.map(function (_, t) { return topicName(t); }));
    var rows = D.map.divergence.map(function (r, t) { return [topicName(t)].concat(r); });
    replaceChild('map-table', dataTable('topic-divergence', header, rows, 3));
    var coords = D.topics.map(function (_, t) { return [t, topicName(t), D.map.x[t], D.map.y[t], D.map.share[t]]; });
    replaceChild('map-coords', dataTable('topic-map-coordinates', ['topic', 'name', 'pc1', 'pc2', 'token_share'], coords, 4, ['topic', 'name', 'PC1', 'PC2', 'share of words']));
    var cols = ['tokens', 'token_share', 'rank1_share', 'umass', 'npmi', 'exclusivity', 'word_exclusivity', 'effective_words', 'corpus_distance', 'uniform_distance'];
    var diag = D.diagnostics.map(function (d) {
      return [d.topic, topicName(d.topic)].concat(cols.map(function (c) { return d[c]; }));
    });
    var shown = ['topic', 'name', 'tokens', 'share of words', 'rank-1 share', 'UMass', 'NPMI', 'exclusivity', 'word exclusivity', 'effective words', 'KL from corpus', 'KL from uniform'];
    replaceChild('diagnostics-table', dataTable('diagnostics', ['topic', 'name'].concat(cols), diag, 3, shown));
  }

  var RANKING_NAMES = { prob: 'probability', frex: 'FREX', lift: 'lift', score: 'score', saliency: 'saliency', relevance: 'relevance (λ)' };

  var TEXT_OPTION_NAMES = {
    lang: 'language', pretokenized: 'pre-tokenized input', stem: 'English stemming',
    stopwords: 'stop words removed', extra_stopwords: 'extra stop words',
    ko_analyzer: 'Korean analyzer', ko_keep: 'Korean parts of speech kept',
    ko_user_dict: 'Korean user dictionary', tokenizer_json: 'tokenizer file',
    drop_nonanswers: 'non-answers left out'
  };

  // One provenance row per text option, with a readable name and value
  // (the CSV too: it is for people checking how the text was read).
  function textOptionRows(options) {
    if (!options || typeof options !== 'object') { return []; }
    return Object.keys(options).map(function (k) {
      var v = options[k];
      var shown = v === null ? 'none' : v === true ? 'yes' : v === false ? 'no'
        : Array.isArray(v) ? (v.length ? v.join(', ') : 'none')
        : typeof v === 'object' ? JSON.stringify(v) : v;
      return ['text: ' + (TEXT_OPTION_NAMES[k] || k.replace(/_/g, ' ')), shown];
    });
  }

  function renderProvenance() {
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
      ['non-answers (don\u2019t know, no reason)', m.nonanswers],
      ['answers without words', m.empty_answers], ['tokens', m.tokens], ['vocabulary', m.vocabulary]
    ].concat(m.left_out_roots ? [['Korean roots left out (add XR to --ko-keep to count them)', m.left_out_roots]] : [])
      .concat(textOptionRows(m.text_options));
    replaceChild('provenance-table', keyValues('provenance', rows));
  }

  // Settings as a compact grid of name/value pairs (a long two-column
  // table would be most of the page), with the same CSV download.
  function keyValues(name, rows) {
    var wrap = el('div', { 'class': 'kv-wrap' });
    var dl = el('dl', { 'class': 'kv', 'data-name': name });
    rows.forEach(function (r) {
      dl.appendChild(el('div', { 'class': 'kv-pair' }, [el('dt', { text: r[0] }), el('dd', { text: fmt(r[1], 4) })]));
    });
    wrap.appendChild(dl);
    wrap.appendChild(el('a', { 'class': 'csv', download: name + '.csv', 'data-csv': name, href: csvHref(toCsv(['setting', 'value'], rows)), text: 'Download CSV' }));
    return wrap;
  }

  // #lambda=0.3 and #topic=2 in the address set the view (shareable links).
  function applyHash() {
    var m = /lambda=([0-9.]+)/.exec(location.hash);
    if (m) {
      var slider = document.getElementById('lambda');
      slider.value = m[1];
      slider.dispatchEvent(new Event('input'));
    }
    var t = /topic=([0-9]+)/.exec(location.hash);
    if (t && parseInt(t[1], 10) < K) { selectTopic(parseInt(t[1], 10)); }
  }

  try {
    root.setAttribute('data-selected-topic', '');
    root.setAttribute('data-selected-term', '');
    renderCards();
    renderMap();
    renderBars();
    renderAnswerControls();
    renderAnswers();
    renderInfer();
    renderRankings();
    renderQuotes();
    renderTables();
    renderProvenance();
    var slider = document.getElementById('lambda');
    slider.addEventListener('input', function () { setLambda(parseFloat(slider.value)); });
    setLambda(parseFloat(slider.value));
    applyHash();
    window.addEventListener('hashchange', applyHash);
    root.setAttribute('data-rendered', 'true');
  } catch (e) {
    root.setAttribute('data-render-error', String(e));
    document.body.insertBefore(el('p', { 'class': 'error', text: 'The report could not be drawn: ' + e }), document.body.firstChild);
  }
}());
