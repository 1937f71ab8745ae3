//! Assembles the report page: static HTML skeleton, the embedded JSON
//! data, the stylesheets and the script that draws the interactive views.
//!
//! The page opens on the topics (label, share, words, answers), then the
//! LDAvis-style explorer, the answers browser, the check against hand
//! codes and the findings (conjoint, topics × conjoint); diagnostics follow, detail tables sit in collapsed
//! `<details>`, provenance comes last.

use std::fmt::Write;

use super::findings::{conjoint_section, link_section};
use super::svg::escape;
use super::validation::validation_section;
use super::ReportData;

const CSS: &str = include_str!("assets/report.css");
const FINDINGS_CSS: &str = include_str!("assets/findings.css");
const JS: &str = include_str!("assets/report.js");

/// Serializes `data` for a `<script type="application/json">` block: `<`,
/// `>` and `&` only occur inside JSON strings, where their `\u` escapes
/// are equivalent, so no answer text can close the script element.
fn embedded_json(data: &ReportData) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The whole page as one string. Nothing in it refers to another file or
/// host: the Content-Security-Policy forbids any load, so the page behaves
/// the same with the network off.
pub fn render_html(data: &ReportData) -> String {
    let mut s = String::with_capacity(256 * 1024);
    head(&mut s, data);
    s.push_str("<main>\n<noscript><p class=\"note warn\">This report draws its views with JavaScript, which is off in this viewer: open the file in a web browser (it needs no network).</p></noscript>\n");
    overview_section(&mut s, data);
    explore_section(&mut s, data);
    answers_section(&mut s, data);
    if data.served {
        infer_section(&mut s);
    }
    let _ = writeln!(
        s,
        "<section id=\"validation\">\n{}</section>",
        validation_section(data)
    );
    let _ = write!(
        s,
        "<section id=\"conjoint\">\n{}</section>\n<section id=\"link\">\n{}</section>\n",
        conjoint_section(data),
        link_section(data)
    );
    diagnostics_section(&mut s, data);
    details_section(&mut s);
    provenance_section(&mut s);
    s.push_str("</main>\n<script type=\"application/json\" id=\"report-data\">");
    s.push_str(&embedded_json(data));
    s.push_str("</script>\n<script>\n");
    s.push_str(JS);
    s.push_str("</script>\n</body>\n</html>\n");
    s
}

/// Doctype, head (CSP, styles) and the sticky header with the navigation.
fn head(s: &mut String, data: &ReportData) {
    // The served page may call its own API (labels, inference); a file may
    // not call anything.
    let connect = if data.served { "'self'" } else { "'none'" };
    let infer_link = if data.served {
        "<a href=\"#infer\">Try answers</a>"
    } else {
        ""
    };
    let _ = write!(
        s,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src {connect}">
<meta name="generator" content="topics {version}">
<title>Topics report: {k} topics</title>
<style>
{CSS}</style>
<style>
{FINDINGS_CSS}</style>
</head>
<body>
<header>
<div class="title"><h1>{k} topics in {answers} answers</h1><span class="subtitle">{input}</span></div>
<nav><a href="#topics-overview">Topics</a><a href="#explore">Map &amp; words</a><a href="#answers">Answers</a>{infer_link}<a href="#validation">Codes</a><a href="#conjoint">Conjoint</a><a href="#link">Topics × conjoint</a><a href="#diagnostics">Diagnostics</a><a href="#details">Tables</a><a href="#provenance">Provenance</a></nav>
</header>
"##,
        version = escape(&data.meta.topics_version),
        k = data.topics.len(),
        answers = data.meta.fitted_answers,
        input = escape(&data.meta.input_path),
    );
}

fn overview_section(s: &mut String, data: &ReportData) {
    let _ = write!(
        s,
        r##"<section id="topics-overview"><h2>Topics</h2>
<p class="note">Largest first. Share is the topic's part of all words; the words are the topic's most relevant at λ = <span class="lambda-now">{lambda:.2}</span> (set below); the answers are those with the largest share of the topic.</p>
<div id="topic-cards" class="cards"></div></section>
"##,
        lambda = data.lambda
    );
}

fn explore_section(s: &mut String, data: &ReportData) {
    let _ = write!(
        s,
        r##"<section id="explore"><h2>Intertopic map and term bars</h2>
<p class="note">As LDAvis (Sievert &amp; Shirley 2014). Left: topics placed by the Jensen–Shannon divergence of their word distributions (classical scaling); circle area is the topic's share. Click a topic to see its words, click it again or the background to go back. Right: grey bars are a word's count in all answers, red bars its estimated count in the selected topic; words are ranked by relevance λ·log φ + (1−λ)·log lift (λ = 1: most probable; λ = 0: most specific). Click a word to size the circles by how its uses spread over the topics.</p>
<div class="ldavis">
<div class="ldavis-map-wrap"><div id="ldavis-map"></div><div id="map-tooltip" role="tooltip" hidden></div></div>
<div class="ldavis-bars-wrap"><div class="slider"><label for="lambda">Relevance λ</label><input type="range" id="lambda" min="0" max="1" step="0.01" value="{lambda}"><output id="lambda-value">{lambda:.2}</output></div>
<div id="term-bars"></div></div>
</div></section>
"##,
        lambda = data.lambda
    );
}

fn answers_section(s: &mut String, data: &ReportData) {
    let truncated = if data.answers.len() < data.answers_total {
        format!(
            "<p class=\"note warn\" id=\"answers-truncated\">This page holds the first {} of the {} fitted answers; search and counts cover those only (<code>topics serve</code> searches all).</p>\n",
            data.answers.len(),
            data.answers_total
        )
    } else {
        String::new()
    };
    let _ = write!(
        s,
        r##"<section id="answers"><h2>Answers</h2>
<p class="note">Every fitted answer with its topic shares θ. Search by word (any part of the text, case-insensitive), keep one dominant topic, sort by θ (of the chosen topic, else of each answer's dominant topic) or by position.</p>
{truncated}<div class="answers-controls"><input type="search" id="answers-search" placeholder="Search answers" aria-label="Search answers">
<select id="answers-topic" aria-label="Dominant topic"></select>
<select id="answers-sort" aria-label="Sort"><option value="theta">by θ, largest first</option><option value="id">in file order</option></select>
<span id="answers-count"></span></div>
<div class="answers-scroll"><table id="answers-table" class="data answers"><thead><tr><th>id</th><th>dominant topic</th><th>θ</th><th>answer</th></tr></thead><tbody></tbody></table></div>
<button type="button" id="answers-more" hidden>Show more</button></section>
"##
    );
}

fn infer_section(s: &mut String) {
    s.push_str(
        r##"<section id="infer"><h2>Try new answers</h2>
<p class="note">One answer per line; the service estimates each answer's topic shares with the fitted model (words it never saw are counted and left out).</p>
<textarea id="infer-text" rows="4" placeholder="One answer per line"></textarea>
<div><button type="button" id="infer-run">Estimate topics</button> <span id="infer-status" class="note"></span></div>
<div id="infer-result"></div></section>
"##,
    );
}

fn diagnostics_section(s: &mut String, data: &ReportData) {
    let _ = write!(
        s,
        r##"<section id="diagnostics"><h2>Diagnostics</h2>
<p class="note">Coherence over the top {m} words with each answer as the window: UMass (Mimno et al. 2011; closer to 0 is better) and mean NPMI (−1 to 1). Exclusivity as stm's (FREX weight 0.7, summed over the top words); word exclusivity, effective number of words and KL distances from the corpus and from uniform as MALLET's diagnostics; rank-1 share is the share of answers whose largest topic this is.</p>
<div id="diagnostics-table"></div></section>
"##,
        m = data.coherence_words
    );
}

fn details_section(s: &mut String) {
    s.push_str(
        r##"<section id="details"><h2>Detail tables</h2>
<p class="note">Every table downloads as CSV (UTF-8, full precision).</p>
<details id="rankings"><summary>Top words of each topic by every ranking</summary>
<p class="note">Relevance (Sievert &amp; Shirley 2014) follows the λ slider. FREX is stm's (weight 0.5); score is stm's; saliency is the topic's part of Chuang et al.'s (2012) saliency.</p>
<div id="ranking-tables" class="cards wide"></div></details>
<details id="salient"><summary>Most salient words overall</summary>
<p class="note">Saliency = p(w) · Σ_k P(k|w) log(P(k|w)/P(k)): frequent words that tell topics apart (Chuang et al. 2012).</p>
<div id="salient-table"></div></details>
<details id="map-details"><summary>Map coordinates and Jensen–Shannon divergences</summary>
<h3>Coordinates</h3><div id="map-coords"></div>
<h3>Jensen–Shannon divergence (natural log; at most ln 2 ≈ 0.693)</h3><div id="map-table"></div></details>
<details id="quotes"><summary>Representative answers of each topic</summary>
<p class="note">The answers with the highest share θ of each topic (stm's findThoughts), with their ids.</p>
<div id="quote-tables"></div></details></section>
"##,
    );
}

fn provenance_section(s: &mut String) {
    s.push_str(
        r##"<section id="provenance"><h2>Provenance</h2>
<p class="note">Settings and provenance: the same input (by its SHA-256), settings and seed give the same topics.</p>
<div id="provenance-table"></div></section>
"##,
    );
}
