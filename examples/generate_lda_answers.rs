//! Generates a second set of short answers with known themes, of another
//! mix than `generate_answers`: words drawn from an LDA model with known φ
//! and θ instead of sentence templates.
//!
//! 313 answers, 3 themes (learning, trust, curiosity as in the bundled
//! data). Each theme's φ puts 80 % of its mass on its own 24 concepts
//! (weights from a seeded Dirichlet(1)) and 20 % on 16 concepts every theme
//! shares; each concept is written in English and in Korean (a plain noun
//! or a verb form the tokenizers keep). Each respondent draws θ from
//! Dirichlet(0.35, 0.3, 0.25) (peaked, themes of unequal size), then one
//! sentence (60 %) or two, of 4 to 7 words each; every word draws its theme
//! from θ and its concept from that theme's φ. The dominant theme is the
//! largest share of θ, as in `respondents.csv` of the bundled data, so
//! `theme_agreement --data DIR` reads this folder the same way.
//!
//! ```text
//! cargo run --example generate_lda_answers [-- DIR]   # default examples/data/lda
//! ```
//!
//! The same seed ([`SEED`]) and crate versions (Cargo.lock) always give the
//! same files.

use std::fmt::Write as _;
use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_distr::{Dirichlet, Distribution};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The seed of the committed files.
const SEED: u64 = 20_250_601;
/// Respondents, as in the bundled data.
const RESPONDENTS: usize = 313;
/// Dirichlet concentration of θ per theme.
const ALPHA: [f64; 3] = [0.35, 0.3, 0.25];
/// Share of each theme's φ on its own concepts (the rest on shared ones).
const OWN_MASS: f64 = 0.8;

/// Concepts of each theme's own.
const OWN: usize = 24;
/// Concepts every theme shares.
const SHARED: usize = 16;

/// Concepts (English, Korean) of each theme.
const THEME_WORDS: [[(&str, &str); OWN]; 3] = [
    [
        ("world", "세상"),
        ("information", "정보"),
        ("news", "뉴스"),
        ("economy", "경제"),
        ("society", "사회"),
        ("freedom", "자유"),
        ("Seoul", "서울"),
        ("China", "중국"),
        ("America", "미국"),
        ("truth", "진실"),
        ("wealth", "부자"),
        ("streets", "거리"),
        ("apartments", "아파트"),
        ("cars", "자동차"),
        ("food", "음식"),
        ("education", "교육"),
        ("politics", "정치"),
        ("history", "역사"),
        ("outside", "바깥"),
        ("development", "발전"),
        ("reality", "현실"),
        ("defection", "탈북"),
        ("future", "미래"),
        ("knowledge", "지식"),
    ],
    [
        ("family", "가족"),
        ("relatives", "친척"),
        ("brother", "오빠"),
        ("sister", "언니"),
        ("mother", "어머니"),
        ("father", "아버지"),
        ("cousin", "사촌"),
        ("neighbor", "이웃"),
        ("trust", "믿음"),
        ("safety", "안전"),
        ("secret", "비밀"),
        ("risk", "위험"),
        ("police", "보위부"),
        ("inspection", "검열"),
        ("caution", "조심"),
        ("promise", "약속"),
        ("husband", "남편"),
        ("schoolmate", "동창"),
        ("loyalty", "의리"),
        ("protection", "보호"),
        ("fear", "두려움"),
        ("arrest", "체포"),
        ("punishment", "처벌"),
        ("circle", "모임"),
    ],
    [
        ("dramas", "드라마"),
        ("films", "영화"),
        ("music", "음악"),
        ("songs", "노래"),
        ("singers", "가수"),
        ("actors", "배우"),
        ("romance", "로맨스"),
        ("comedy", "코미디"),
        ("action", "액션"),
        ("fashion", "패션"),
        ("dance", "춤"),
        ("fun", "재미"),
        ("stories", "이야기"),
        ("episodes", "회차"),
        ("boredom", "심심함"),
        ("laughter", "웃음"),
        ("tears", "눈물"),
        ("love", "사랑"),
        ("celebrity", "연예인"),
        ("concert", "공연"),
        ("hairstyle", "머리모양"),
        ("excitement", "설렘"),
        ("hobby", "취미"),
        ("entertainment", "오락"),
    ],
];

/// Concepts every theme uses.
const SHARED_WORDS: [(&str, &str); SHARED] = [
    ("USB", "USB"),
    ("DVD", "DVD"),
    ("phone", "휴대폰"),
    ("night", "밤"),
    ("room", "방"),
    ("home", "집"),
    ("friend", "친구"),
    ("market", "장마당"),
    ("money", "돈"),
    ("time", "시간"),
    ("people", "사람"),
    ("country", "나라"),
    ("South", "남한"),
    ("Korea", "한국"),
    ("curiosity", "호기심"),
    ("life", "생활"),
];

/// One generated respondent.
struct Respondent {
    theta: Vec<f64>,
    en: String,
    ko: String,
}

/// φ of each theme over the concept list (the themes' own concepts in
/// order, then the shared ones).
fn topic_word(rng: &mut Xoshiro256PlusPlus) -> anyhow::Result<Vec<Vec<f64>>> {
    let own_len = OWN;
    let shared = Dirichlet::new([1.0; SHARED])?;
    let own = Dirichlet::new([1.0; OWN])?;
    let total = 3 * OWN + SHARED;
    let mut phi = Vec::new();
    for theme in 0..3 {
        let mut row = vec![0.0; total];
        for (i, p) in own.sample(rng).into_iter().enumerate() {
            row[theme * own_len + i] = OWN_MASS * p;
        }
        for (i, p) in shared.sample(rng).into_iter().enumerate() {
            row[3 * own_len + i] = (1.0 - OWN_MASS) * p;
        }
        phi.push(row);
    }
    Ok(phi)
}

/// The concept at index `i` of the list `topic_word` indexes.
fn concept(i: usize) -> (&'static str, &'static str) {
    match i / OWN {
        t @ 0..=2 => THEME_WORDS[t][i % OWN],
        _ => SHARED_WORDS[i - 3 * OWN],
    }
}

/// An index drawn with probabilities `p`.
fn draw(p: &[f64], rng: &mut Xoshiro256PlusPlus) -> usize {
    let mut u: f64 = rng.random();
    for (i, &x) in p.iter().enumerate() {
        if u < x {
            return i;
        }
        u -= x;
    }
    p.len() - 1
}

/// One answer: one or two sentences of 4 to 7 drawn words.
fn answer(theta: &[f64], phi: &[Vec<f64>], rng: &mut Xoshiro256PlusPlus) -> (String, String) {
    let sentences = if rng.random_bool(0.6) { 1 } else { 2 };
    let (mut en, mut ko) = (Vec::new(), Vec::new());
    for _ in 0..sentences {
        let words: Vec<(&str, &str)> = (0..rng.random_range(4..=7))
            .map(|_| concept(draw(&phi[draw(theta, rng)], rng)))
            .collect();
        let mut sentence: String = words.iter().map(|w| w.0).collect::<Vec<_>>().join(" ");
        if let Some(first) = sentence.get(..1) {
            sentence = first.to_uppercase() + &sentence[1..];
        }
        en.push(sentence + ".");
        ko.push(words.iter().map(|w| w.1).collect::<Vec<_>>().join(" ") + ".");
    }
    (en.join(" "), ko.join(" "))
}

fn generate() -> anyhow::Result<Vec<Respondent>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let phi = topic_word(&mut rng)?;
    let mixture = Dirichlet::new(ALPHA)?;
    (0..RESPONDENTS)
        .map(|_| {
            let theta = mixture.sample(&mut rng);
            let (en, ko) = answer(&theta, &phi, &mut rng);
            Ok(Respondent {
                theta: theta.to_vec(),
                en,
                ko,
            })
        })
        .collect()
}

/// `respondents.csv` in the bundled data's layout.
fn respondents_csv(people: &[Respondent]) -> String {
    let mut s = String::from("id,theme_learning,theme_trust,theme_curiosity,dominant_theme\n");
    for (i, r) in people.iter().enumerate() {
        let dominant = (0..3).fold(0, |b, t| if r.theta[t] > r.theta[b] { t } else { b });
        let _ = writeln!(
            s,
            "{},{:.4},{:.4},{:.4},{dominant}",
            i + 1,
            r.theta[0],
            r.theta[1],
            r.theta[2]
        );
    }
    s
}

/// The three files and their contents, as `main` writes them.
pub fn files() -> anyhow::Result<[(&'static str, String); 3]> {
    let people = generate()?;
    let lines = |f: fn(&Respondent) -> &str| -> String {
        people.iter().map(|r| format!("{}\n", f(r))).collect()
    };
    Ok([
        ("answers_en.txt", lines(|r| &r.en)),
        ("answers_ko.txt", lines(|r| &r.ko)),
        ("respondents.csv", respondents_csv(&people)),
    ])
}

/// Where the committed files are.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/lda")
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(data_dir);
    std::fs::create_dir_all(&dir)?;
    for (name, contents) in &files()? {
        let path = dir.join(name);
        topics::io::write_atomic(&path, |w| w.write_all(contents.as_bytes()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
