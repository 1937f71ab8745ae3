//! Assembles the report page: static HTML skeleton, inline SVG charts,
//! the embedded JSON data, the stylesheet and the script.

use std::fmt::Write;

use super::findings::{conjoint_section, link_section};
use super::svg::{escape, intertopic_map};
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
    let names: Vec<String> = (0..data.topics.len()).map(|t| data.topic_name(t)).collect();
    // The served page may call its own API (label edits); a file may not
    // call anything.
    let connect = if data.served { "'self'" } else { "'none'" };
    let mut s = String::with_capacity(64 * 1024);
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
{CSS}{FINDINGS_CSS}</style>
</head>
<body>
<header>
<h1>Topics report: {k} topics from {answers} answers</h1>
<nav><a href="#overview">Overview</a><a href="#topics">Topics</a><a href="#map">Distance map</a><a href="#quotes">Answers</a><a href="#diagnostics">Diagnostics</a><a href="#conjoint">Conjoint</a><a href="#link">Topics × conjoint</a></nav>
</header>
<main>
<section id="overview"><h2>Overview</h2>
<p class="note">Settings and provenance: the same input (by its SHA-256), settings and seed give the same topics.</p>
<div id="overview-table"></div></section>
"##,
        version = escape(&data.meta.topics_version),
        k = data.topics.len(),
        answers = data.meta.fitted_answers,
    );
    let _ = write!(
        s,
        r##"<section id="topics"><h2>Topics</h2>
<p class="note">Each topic's top {n} words by every ranking. Relevance (Sievert &amp; Shirley 2014) is λ·log φ + (1−λ)·log lift: λ = 1 ranks by probability, λ = 0 by lift. FREX is stm's (weight 0.5); score is stm's; saliency is the topic's part of Chuang et al.'s (2012) saliency.</p>
<div class="slider"><label for="lambda">λ</label><input type="range" id="lambda" min="0" max="1" step="0.01" value="{lambda}"><output id="lambda-value">{lambda:.2}</output></div>
<div id="topic-cards" class="cards"></div>
<h3>Most salient words overall</h3>
<p class="note">Saliency = p(w) · Σ_k P(k|w) log(P(k|w)/P(k)): frequent words that tell topics apart (Chuang et al. 2012).</p>
<div id="salient-table"></div></section>
"##,
        n = data.top_n,
        lambda = data.lambda
    );
    let _ = write!(
        s,
        r##"<section id="map"><h2>Intertopic distance map</h2>
<p class="note">Jensen–Shannon divergence between the topics' word distributions, placed by classical scaling (as LDAvis); circle area is the topic's share of tokens.</p>
{map}
<h3>Coordinates</h3><div id="map-coords"></div>
<h3>Jensen–Shannon divergence (natural log; at most ln 2 ≈ 0.693)</h3><div id="map-table"></div></section>
<section id="quotes"><h2>Representative answers</h2>
<p class="note">The answers with the highest share θ of each topic (stm's findThoughts), with their ids.</p>
<div id="quote-tables"></div></section>
<section id="diagnostics"><h2>Diagnostics</h2>
<p class="note">Coherence over the top {m} words with each answer as the window: UMass (Mimno et al. 2011; closer to 0 is better) and mean NPMI (−1 to 1). Exclusivity as stm's (FREX weight 0.7, summed over the top words); word exclusivity, effective number of words and KL distances from the corpus and from uniform as MALLET's diagnostics; rank-1 share is the share of answers whose largest topic this is.</p>
<div id="diagnostics-table"></div></section>
"##,
        map = intertopic_map(&data.map, &names),
        m = data.coherence_words
    );
    s.push_str("<section id=\"conjoint\">");
    s.push_str(&conjoint_section(data));
    s.push_str("</section>\n<section id=\"link\">");
    s.push_str(&link_section(data));
    s.push_str("</section>\n</main>\n<script type=\"application/json\" id=\"report-data\">");
    s.push_str(&embedded_json(data));
    s.push_str("</script>\n<script>\n");
    s.push_str(JS);
    s.push_str("</script>\n</body>\n</html>\n");
    s
}
