//! Generates the bundled example answers in `examples/data/`.
//!
//! The data imitate the motivating study: 313 former residents of North
//! Korea answered "why would you (or people you know) use foreign media under
//! surveillance, and why did you choose this content?". Every answer is
//! synthetic. Three latent themes are known by construction, so a fitted
//! model can be checked against them:
//!
//! 0. `learning`: learning about the outside world, South Korea, how people
//!    really live;
//! 1. `trust`: trust in the family and friends who provided the content, and
//!    the safety that comes from it;
//! 2. `curiosity`: curiosity and entertainment, dramas, films, music.
//!
//! Each respondent draws a theme mixture from a Dirichlet distribution. The
//! first sentence of the answer comes from the dominant theme (the largest
//! share) and any further sentence from a theme drawn from the mixture, so the
//! text follows the mixture without every theme being a clean cluster. Each
//! sentence is one template written in English and in natural Korean (not a
//! word-for-word translation), with slots (who gave the content, on what
//! device, which genre, which country) filled with the same choice in both
//! languages; Korean particles are chosen by the final consonant of the word
//! they follow (`언니가`, `남동생이`, `USB로`, `알판으로`), as a person would
//! write them, so the tokenizer meets real inflected text.
//!
//! Run `cargo run --example generate_answers` to rewrite the files;
//! `tests/examples_data.rs` checks that the committed files equal a fresh
//! generation with [`SEED`].

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_distr::{Dirichlet, Distribution};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The seed of the committed example data.
pub const SEED: u64 = 20_240_313;

/// Respondents in the motivating study.
pub const RESPONDENTS: usize = 313;

/// Respondents who left the answer blank (the same in both languages).
pub const BLANKS: usize = 3;

/// Respondents who wrote a non-answer such as "don't know" / "모름".
pub const NON_ANSWERS: usize = 5;

/// Theme names in the order of the columns of `respondents.csv`.
pub const THEMES: [&str; 3] = ["learning", "trust", "curiosity"];

/// Dirichlet concentration per theme. Below 1, so most respondents lean to
/// one theme while a fair share mix two; the slight asymmetry gives themes of
/// unequal size, as in real surveys.
pub const ALPHA: [f64; 3] = [0.5, 0.45, 0.5];

/// One sentence written in both languages. `{x}` is a slot, `{x/은}` a slot
/// followed by the Korean particle that fits its final consonant.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub en: &'static str,
    pub ko: &'static str,
}

/// A value for a slot, in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Filler {
    pub en: &'static str,
    pub ko: &'static str,
}

const fn t(en: &'static str, ko: &'static str) -> Template {
    Template { en, ko }
}

const fn f(en: &'static str, ko: &'static str) -> Filler {
    Filler { en, ko }
}

/// Who passed the content on (slot `g`).
pub const GIVERS: &[Filler] = &[
    f("my younger brother", "남동생"),
    f("my younger sister", "여동생"),
    f("my cousin", "사촌"),
    f("my aunt", "이모"),
    f("my uncle", "삼촌"),
    f("my mother", "어머니"),
    f("my father", "아버지"),
    f("a close friend", "친한 친구"),
    f("my best friend", "제일 친한 친구"),
    f("a neighbor I trusted", "믿는 이웃"),
    f("a friend from school", "학교 친구"),
    f("my husband", "남편"),
    f("my sister-in-law", "올케"),
    f("my relatives", "친척들"),
    f("an old friend from the army", "군대 동기"),
];

/// What the content came on (slot `d`).
pub const DEVICES: &[Filler] = &[
    f("a USB stick", "USB"),
    f("a DVD", "DVD"),
    f("an SD card", "SD카드"),
    f("a notetel player", "노트텔"),
    f("a memory card", "메모리 카드"),
    f("a CD", "알판"),
    f("a mobile phone", "손전화"),
    f("a laptop", "노트북"),
];

/// A country or the world outside (slot `p`).
pub const PLACES: &[Filler] = &[
    f("South Korea", "한국"),
    f("Seoul", "서울"),
    f("China", "중국"),
    f("America", "미국"),
    f("Japan", "일본"),
    f("other countries", "다른 나라"),
    f("the South", "남한"),
];

/// A kind of entertainment (slot `r`).
pub const GENRES: &[Filler] = &[
    f("romance dramas", "로맨스 드라마"),
    f("action films", "액션 영화"),
    f("K-pop", "K-pop"),
    f("South Korean variety shows", "한국 예능"),
    f("love stories", "사랑 이야기"),
    f("Chinese martial arts films", "중국 무협 영화"),
    f("Hollywood movies", "할리우드 영화"),
    f("ballads", "발라드"),
    f("comedies", "코미디"),
    f("girl group songs", "걸그룹 노래"),
    f("historical dramas", "사극"),
];

/// Theme 0: learning about the outside world.
pub const LEARNING: &[Template] = &[
    t(
        "I wanted to know how people in {p} really live.",
        "{p} 사람들이 실제로 어떻게 사는지 알고 싶었어요.",
    ),
    t(
        "The dramas showed me that the outside world was nothing like what we were taught.",
        "드라마를 보니까 바깥세상이 우리가 배운 거랑 완전히 달랐어요.",
    ),
    t(
        "We wanted to learn what life is like outside North Korea.",
        "북한 밖의 생활이 어떤지 배우고 싶었습니다.",
    ),
    t(
        "It was the only way to find out what is happening in other countries.",
        "다른 나라에서 무슨 일이 일어나는지 알 수 있는 방법이 그것밖에 없었어요.",
    ),
    t(
        "I saw that ordinary people in {p} have cars and apartments.",
        "{p}에서는 평범한 사람들도 차랑 아파트가 있다는 걸 봤어요.",
    ),
    t(
        "State television only shows propaganda, so we looked for real information.",
        "조선중앙TV는 선전만 나오니까 진짜 정보를 찾았던 거예요.",
    ),
    t(
        "I learned that South Korea is much richer than we were told.",
        "한국이 우리가 들은 것보다 훨씬 잘산다는 걸 알게 됐어요.",
    ),
    t(
        "Watching foreign news helped me understand the world.",
        "외국 뉴스를 보면서 세상을 이해하게 됐습니다.",
    ),
    t(
        "I wanted to compare our lives with life in {p}.",
        "우리 생활이랑 {p} 생활을 비교해 보고 싶었어요.",
    ),
    t(
        "People wanted to know the truth about the outside world.",
        "사람들은 바깥세상에 대한 진실을 알고 싶어 했어요.",
    ),
    t(
        "Through the films I saw how free people in {p} are.",
        "영화를 통해서 {p} 사람들이 얼마나 자유로운지 봤어요.",
    ),
    t(
        "I was surprised by the streets, the food and the clothes in Seoul.",
        "서울의 거리랑 음식, 옷차림을 보고 깜짝 놀랐어요.",
    ),
    t(
        "It made me think about leaving and starting a new life.",
        "보고 나서 탈북해서 새 삶을 살아야겠다는 생각이 들었어요.",
    ),
    t(
        "We got real information about the economy and society in the South.",
        "남한의 경제랑 사회에 대해 진짜 정보를 얻을 수 있었습니다.",
    ),
    t(
        "I wanted to learn how South Koreans talk and behave.",
        "한국 사람들이 어떻게 말하고 행동하는지 배우고 싶었어요.",
    ),
    t(
        "Even small details like phones and subways taught us a lot about their life.",
        "휴대폰이나 지하철 같은 작은 것들을 보면서도 그쪽 생활을 많이 알게 됐어요.",
    ),
    t(
        "It showed a world where people can travel and choose their own jobs.",
        "사람들이 마음대로 여행도 다니고 직업도 고를 수 있는 세상을 보여줬어요.",
    ),
    t(
        "I realized that what the government told us was a lie.",
        "정부가 우리한테 한 말이 거짓말이라는 걸 깨달았어요.",
    ),
    t(
        "Knowing about the outside helped me prepare to escape.",
        "바깥 사정을 알고 있었던 게 탈북을 준비하는 데 도움이 됐습니다.",
    ),
    t(
        "I wanted to see with my own eyes how developed life in {p} is.",
        "{p/이} 얼마나 발전했는지 제 눈으로 직접 확인하고 싶었어요.",
    ),
    t(
        "Foreign media was our window to the outside world.",
        "외국 영상은 바깥세상을 보는 창문 같은 거였어요.",
    ),
    t(
        "It taught me about democracy and human rights.",
        "민주주의랑 인권에 대해서 처음 알게 됐어요.",
    ),
    t(
        "We learned that people in China and South Korea live far better than us.",
        "중국이나 한국 사람들이 우리보다 훨씬 잘산다는 걸 알게 됐죠.",
    ),
    t(
        "I wanted accurate information, not what the Party said.",
        "당에서 하는 말 말고 정확한 정보를 알고 싶었어요.",
    ),
    t(
        "Watching it, I understood how far behind our society was.",
        "그걸 보면서 우리 사회가 얼마나 뒤떨어졌는지 알았어요.",
    ),
    t(
        "Radio broadcasts from the South told us news we never heard at home.",
        "남한 라디오 방송에서 국내에서는 못 듣는 소식을 들었어요.",
    ),
    t(
        "I wanted to understand what capitalism is really like.",
        "자본주의가 실제로 어떤 건지 알고 싶었습니다.",
    ),
    t(
        "Seeing real life in Seoul changed what I thought about the South.",
        "서울의 실제 생활을 보고 남한에 대한 생각이 바뀌었어요.",
    ),
    t(
        "You need news from outside to decide how to live.",
        "바깥 소식을 알아야 앞으로 어떻게 살지 정할 수 있으니까요.",
    ),
    t(
        "I wanted to see what life in {p} looks like today.",
        "요즘 {p} 생활이 어떤 모습인지 보고 싶었어요.",
    ),
    t(
        "The documentaries explained how the world really works.",
        "다큐멘터리를 보면 세상이 실제로 어떻게 돌아가는지 알 수 있었어요.",
    ),
];

/// Theme 1: trust in the family and friends who provided the content.
pub const TRUST: &[Template] = &[
    t(
        "{g} gave it to me, so I could trust it.",
        "{g/이} 준 거라서 믿을 수 있었어요.",
    ),
    t(
        "I only watched things that came from family or close friends.",
        "가족이나 친한 친구가 준 것만 봤어요.",
    ),
    t(
        "It felt safe because it came from people close to me.",
        "가까운 사람한테서 받은 거라서 안전하다고 느꼈어요.",
    ),
    t(
        "You never share with strangers, because they might report you.",
        "모르는 사람은 신고할 수도 있어서 절대 같이 안 봐요.",
    ),
    t(
        "{g} would never report me to the security police.",
        "{g/은} 저를 보위부에 신고할 사람이 아니에요.",
    ),
    t(
        "We watched together at home with the family, with the curtains closed.",
        "커튼을 치고 집에서 가족끼리 같이 봤어요.",
    ),
    t(
        "I trusted {g}, so I was not afraid.",
        "{g/을} 믿으니까 무섭지 않았어요.",
    ),
    t(
        "If the person who hands it to you is family, the risk is lower.",
        "건네주는 사람이 가족이면 위험이 덜하거든요.",
    ),
    t(
        "{g} brought it on {d}, and we passed it around only among relatives.",
        "{g/이} {d/으로} 가져왔고 친척들끼리만 돌려 봤어요.",
    ),
    t(
        "You have to know the person well before you borrow anything.",
        "뭘 빌리기 전에 그 사람을 잘 알아야 돼요.",
    ),
    t(
        "Among friends we kept each other's secrets.",
        "친구들끼리는 서로 비밀을 지켜 줬어요.",
    ),
    t(
        "Because it came from a trusted friend, I knew it was not a trap.",
        "믿을 만한 친구가 준 거니까 함정이 아니라는 걸 알았어요.",
    ),
    t(
        "Informers are everywhere, so only family can be trusted.",
        "어디에나 감시하는 눈이 있어서 믿을 건 가족밖에 없어요.",
    ),
    t(
        "{g} checked it first and told me it was safe.",
        "{g/이} 먼저 보고 괜찮다고 해서 봤어요.",
    ),
    t(
        "We swapped discs and USB sticks only with people we had known for years.",
        "몇 년씩 알고 지낸 사람들하고만 알판이랑 USB를 바꿔 봤어요.",
    ),
    t(
        "When a relative recommends something, you believe it.",
        "친척이 추천해 주면 믿게 되죠.",
    ),
    t(
        "My family protected me, so sharing with them felt safe.",
        "가족이 저를 지켜 주니까 같이 보는 게 안전했습니다.",
    ),
    t(
        "Even if the 109 group raided us, my family would not betray me.",
        "109상무가 들이닥쳐도 가족은 저를 배신하지 않아요.",
    ),
    t(
        "I borrowed it from {g} because we trusted each other completely.",
        "{g/과} 서로 완전히 믿는 사이라서 빌려 봤어요.",
    ),
    t(
        "Content from close friends felt reliable and honest.",
        "친한 친구들이 준 건 믿음이 가고 솔직하다고 느꼈어요.",
    ),
    t(
        "The people who gave it to me were people I could rely on.",
        "저한테 준 사람들은 다 의지할 수 있는 사람들이었어요.",
    ),
    t(
        "We only shared with neighbors we trusted like family.",
        "가족처럼 믿는 이웃하고만 나눠 봤어요.",
    ),
    t(
        "If you get it through family, nobody talks about it outside.",
        "가족을 통해서 받으면 아무도 밖에 나가서 말을 안 해요.",
    ),
    t(
        "Having someone you trust makes the danger feel smaller.",
        "믿는 사람이 옆에 있으면 위험이 작게 느껴져요.",
    ),
    t(
        "{g} hid {d} for me, so I felt protected.",
        "{g/이} {d/을} 숨겨 줘서 보호받는 느낌이었어요.",
    ),
    t(
        "Trust matters most, because getting caught can send you to a camp.",
        "걸리면 수용소에 갈 수도 있어서 믿음이 제일 중요해요.",
    ),
    t(
        "I chose it because my own family passed it to me.",
        "우리 가족이 직접 넘겨준 거라서 골랐어요.",
    ),
    t(
        "A friend I trusted lent me the disc and waited until I finished.",
        "믿는 친구가 알판을 빌려주고 다 볼 때까지 기다려 줬어요.",
    ),
    t(
        "Safety comes from your relationship with the person.",
        "안전은 결국 그 사람과의 관계에서 나오는 거예요.",
    ),
    t(
        "Only with {g} could I watch without worrying.",
        "{g/이랑} 있을 때만 걱정 없이 볼 수 있었어요.",
    ),
    t(
        "Since it was {g} who brought it, I did not doubt it.",
        "가져온 사람이 {g/이라서} 의심하지 않았어요.",
    ),
];

/// Theme 2: curiosity and entertainment.
pub const CURIOSITY: &[Template] = &[
    t(
        "South Korean dramas are simply fun to watch.",
        "한국 드라마는 그냥 보는 재미가 있어요.",
    ),
    t("I was curious about {r}.", "{r/이} 궁금했어요."),
    t(
        "The love stories in the dramas were so romantic.",
        "드라마에 나오는 사랑 이야기가 너무 낭만적이었어요.",
    ),
    t(
        "I liked K-pop and wanted to hear more songs.",
        "K-pop이 좋아서 노래를 더 듣고 싶었어요.",
    ),
    t(
        "Life was boring, and the films were entertaining.",
        "사는 게 지루했는데 영화는 재미있었어요.",
    ),
    t(
        "I wanted to see the actors and actresses everyone talked about.",
        "다들 얘기하는 배우들을 직접 보고 싶었어요.",
    ),
    t(
        "Action movies from Hollywood were exciting.",
        "할리우드 액션 영화는 정말 신났어요.",
    ),
    t(
        "Once I started a drama I could not stop watching.",
        "드라마를 한번 보기 시작하면 멈출 수가 없었어요.",
    ),
    t(
        "The music and the dancing were new and cool.",
        "음악이랑 춤이 새롭고 멋있었어요.",
    ),
    t(
        "It was a way to relax after a hard day.",
        "힘든 하루가 끝나고 쉬는 방법이었어요.",
    ),
    t(
        "I was just curious how the story would end.",
        "그냥 이야기가 어떻게 끝날지 궁금했어요.",
    ),
    t(
        "The stories were interesting and made me laugh.",
        "이야기가 흥미롭고 웃겼어요.",
    ),
    t(
        "I enjoyed {r} more than anything on our TV.",
        "우리 TV에 나오는 것보다 {r/이} 훨씬 재미있었어요.",
    ),
    t(
        "Young people copied the hairstyles and fashion from the dramas.",
        "젊은 애들은 드라마에 나오는 머리 모양이랑 패션을 따라 했어요.",
    ),
    t(
        "I sang the songs quietly to myself.",
        "그 노래들을 혼자 조용히 따라 불렀어요.",
    ),
    t(
        "The drama OST was beautiful.",
        "드라마 OST가 정말 좋았어요.",
    ),
    t(
        "Watching films was my only hobby.",
        "영화 보는 게 제 유일한 취미였어요.",
    ),
    t(
        "I wanted something fun, not the same boring programs.",
        "맨날 똑같은 지루한 프로 말고 재미있는 걸 보고 싶었어요.",
    ),
    t(
        "The handsome actors and pretty clothes caught my eye.",
        "잘생긴 배우들이랑 예쁜 옷이 눈에 들어왔어요.",
    ),
    t(
        "Comedy shows helped me forget my worries.",
        "예능을 보면 걱정을 잊을 수 있었어요.",
    ),
    t(
        "I could not wait for the next episode.",
        "다음 회가 너무 기다려졌어요.",
    ),
    t(
        "Music videos were fun, and I liked the singers.",
        "뮤직비디오가 재밌고 가수들이 좋았어요.",
    ),
    t(
        "It was pure entertainment, there was nothing else to do.",
        "달리 할 게 없어서 그냥 오락으로 봤어요.",
    ),
    t("I became a big fan of {r}.", "{r}에 푹 빠졌어요."),
    t(
        "Chinese kung fu films were thrilling.",
        "중국 무술 영화가 아주 짜릿했어요.",
    ),
    t(
        "The plots were more gripping than our films.",
        "줄거리가 우리 영화보다 훨씬 흥미진진했어요.",
    ),
    t(
        "My curiosity was stronger than my fear.",
        "무서운 것보다 호기심이 더 컸어요.",
    ),
    t(
        "I loved the romance and the happy endings.",
        "로맨스랑 해피엔딩이 너무 좋았어요.",
    ),
    t(
        "I watched dramas on {d} late at night, just for fun.",
        "밤늦게 {d/으로} 재미 삼아 드라마를 봤어요.",
    ),
    t(
        "Everyone was talking about the new drama, so I got curious.",
        "다들 새 드라마 얘기를 해서 궁금해졌어요.",
    ),
    t(
        "Nothing was as much fun as {r}.",
        "{r}만큼 재미있는 게 없었어요.",
    ),
];

/// Theme-free sentences that anyone might add; they share words across the
/// themes, as real answers do.
pub const ASIDES: &[Template] = &[
    t(
        "Everyone watched secretly anyway.",
        "어차피 다들 몰래 봤어요.",
    ),
    t(
        "It was dangerous, but we did it anyway.",
        "위험했지만 그래도 봤어요.",
    ),
    t(
        "The crackdowns got stricter every year.",
        "단속은 해마다 심해졌어요.",
    ),
    t(
        "We kept the volume very low.",
        "소리를 아주 작게 해 놓고 봤습니다.",
    ),
    t("Many people did the same.", "많은 사람들이 똑같이 했어요."),
    t(
        "We watched at night when the electricity came on.",
        "전기가 들어오는 밤에 봤어요.",
    ),
];

/// Openers that some respondents put in front of their first sentence.
pub const OPENERS: &[Filler] = &[
    f("Honestly, ", "솔직히 "),
    f("Well, ", "음, "),
    f("Actually, ", "사실 "),
    f("I guess ", "아무래도 "),
];

/// What respondents write when they do not answer.
pub const NON_ANSWER_TEXTS: &[Filler] = &[
    f("don't know", "모름"),
    f("I don't know.", "잘 모르겠습니다."),
    f("no answer", "무응답"),
    f("Not sure.", "잘 모르겠어요."),
    f("nothing special", "특별한 이유 없음"),
];

/// First words that stay capitalized after an opener.
const PROPER_STARTS: &[&str] = &[
    "I",
    "South",
    "Chinese",
    "Hollywood",
    "K-pop",
    "Seoul",
    "State",
    "Radio",
    "America",
    "China",
    "Japan",
];

/// The phrase bank of each theme, in theme order.
pub fn theme_bank(theme: usize) -> &'static [Template] {
    match theme {
        0 => LEARNING,
        1 => TRUST,
        _ => CURIOSITY,
    }
}

/// What a respondent wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Answer,
    Blank,
    NonAnswer,
}

/// One synthetic respondent with the truth behind the answer.
#[derive(Debug, Clone)]
pub struct Respondent {
    /// 1-based, equal to the line number in the answers files.
    pub id: usize,
    pub mixture: [f64; 3],
    pub dominant: usize,
    pub kind: Kind,
    pub en: String,
    pub ko: String,
    /// The answer's sentences in order: their theme (`None` for the
    /// theme-free aside) and text in both languages (the opener, when there
    /// is one, is part of the first).
    pub sentences: Vec<Sentence>,
}

/// One sentence of an answer and the theme it was drawn from.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub theme: Option<usize>,
    pub en: String,
    pub ko: String,
}

/// The whole example data set.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub respondents: Vec<Respondent>,
}

impl Dataset {
    /// `answers_en.txt`: one answer per line, line i = respondent i.
    pub fn answers_en(&self) -> String {
        self.lines(|r| &r.en)
    }

    /// `answers_ko.txt`: one answer per line, line i = respondent i.
    pub fn answers_ko(&self) -> String {
        self.lines(|r| &r.ko)
    }

    fn lines(&self, text: impl Fn(&Respondent) -> &String) -> String {
        let mut out = String::new();
        for r in &self.respondents {
            out.push_str(text(r));
            out.push('\n');
        }
        out
    }

    /// `respondents.csv`: the true mixtures and the dominant theme (0, 1, 2
    /// in the order of [`THEMES`]).
    pub fn respondents_csv(&self) -> String {
        let mut out =
            String::from("id,theme_learning,theme_trust,theme_curiosity,dominant_theme\n");
        for r in &self.respondents {
            let [a, b, c] = r.mixture;
            out.push_str(&format!("{},{a:.4},{b:.4},{c:.4},{}\n", r.id, r.dominant));
        }
        out
    }

    /// `sentences.csv`: every sentence of every answer with the theme it
    /// was drawn from (empty for the theme-free aside), `position` 1-based
    /// within the answer. Joined with a space, an answer's sentences are its
    /// line in the answers files.
    pub fn sentences_csv(&self) -> String {
        let mut out = String::from("id,position,theme,en,ko\n");
        for r in &self.respondents {
            for (i, s) in r.sentences.iter().enumerate() {
                let theme = s.theme.map_or(String::new(), |t| t.to_string());
                out.push_str(&format!(
                    "{},{},{theme},{},{}\n",
                    r.id,
                    i + 1,
                    csv_field(&s.en),
                    csv_field(&s.ko)
                ));
            }
        }
        out
    }

    /// Respondents per dominant theme.
    pub fn dominant_counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for r in &self.respondents {
            counts[r.dominant] += 1;
        }
        counts
    }
}

/// Generates the data set; the same seed always gives the same bytes.
pub fn generate(seed: u64) -> Dataset {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let kinds = assign_kinds(&mut rng);
    let dirichlet = Dirichlet::new(ALPHA).expect("ALPHA holds positive finite values");
    let respondents = kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let mixture = dirichlet.sample(&mut rng);
            let dominant = argmax(&mixture);
            let sentences = match kind {
                Kind::Blank => Vec::new(),
                Kind::NonAnswer => {
                    let text = NON_ANSWER_TEXTS[rng.random_range(0..NON_ANSWER_TEXTS.len())];
                    vec![Sentence {
                        theme: None,
                        en: text.en.to_string(),
                        ko: text.ko.to_string(),
                    }]
                }
                Kind::Answer => compose_answer(&mut rng, &mixture, dominant),
            };
            let join = |text: fn(&Sentence) -> &str| {
                sentences.iter().map(text).collect::<Vec<_>>().join(" ")
            };
            let (en, ko) = (join(|s| &s.en), join(|s| &s.ko));
            Respondent {
                id: i + 1,
                mixture,
                dominant,
                kind,
                en,
                ko,
                sentences,
            }
        })
        .collect();
    Dataset { respondents }
}

/// Picks which respondents leave the answer blank or write a non-answer.
/// The first and last lines are always answers, so the files neither start
/// nor end with a blank line.
fn assign_kinds(rng: &mut Xoshiro256PlusPlus) -> Vec<Kind> {
    let mut kinds = vec![Kind::Answer; RESPONDENTS];
    for (kind, count) in [(Kind::Blank, BLANKS), (Kind::NonAnswer, NON_ANSWERS)] {
        let mut placed = 0;
        while placed < count {
            let i = rng.random_range(1..RESPONDENTS - 1);
            if kinds[i] == Kind::Answer {
                kinds[i] = kind;
                placed += 1;
            }
        }
    }
    kinds
}

fn argmax(mixture: &[f64; 3]) -> usize {
    let mut best = 0;
    for (i, &share) in mixture.iter().enumerate() {
        if share > mixture[best] {
            best = i;
        }
    }
    best
}

/// One to three sentences: the first from the dominant theme, the others
/// from themes drawn from the mixture, sometimes an opener or a theme-free
/// aside.
fn compose_answer(
    rng: &mut Xoshiro256PlusPlus,
    mixture: &[f64; 3],
    dominant: usize,
) -> Vec<Sentence> {
    let sentences = match rng.random_range(0..20) {
        0..=6 => 1,
        7..=15 => 2,
        _ => 3,
    };
    let mut used: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for s in 0..sentences {
        let theme = if s == 0 {
            dominant
        } else {
            draw_theme(rng, mixture)
        };
        let bank = theme_bank(theme);
        let index = loop {
            let i = rng.random_range(0..bank.len());
            if !used.contains(&(theme, i)) {
                break i;
            }
        };
        used.push((theme, index));
        let (en, ko) = fill(rng, &bank[index]);
        out.push(Sentence {
            theme: Some(theme),
            en,
            ko,
        });
    }
    if rng.random_bool(0.1) {
        let aside = &ASIDES[rng.random_range(0..ASIDES.len())];
        let (en, ko) = fill(rng, aside);
        out.push(Sentence {
            theme: None,
            en,
            ko,
        });
    }
    if rng.random_bool(0.15) {
        let opener = OPENERS[rng.random_range(0..OPENERS.len())];
        let first = &mut out[0];
        first.en = format!("{}{}", opener.en, lower_first(&first.en));
        first.ko = format!("{}{}", opener.ko, first.ko);
    }
    out
}

/// A CSV field, quoted when it holds a comma or a quote (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn draw_theme(rng: &mut Xoshiro256PlusPlus, mixture: &[f64; 3]) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (i, &share) in mixture.iter().enumerate() {
        acc += share;
        if u < acc {
            return i;
        }
    }
    mixture.len() - 1
}

/// Fills the slots of a template with one choice shared by both languages.
fn fill(rng: &mut Xoshiro256PlusPlus, template: &Template) -> (String, String) {
    let giver = GIVERS[rng.random_range(0..GIVERS.len())];
    let device = DEVICES[rng.random_range(0..DEVICES.len())];
    let place = PLACES[rng.random_range(0..PLACES.len())];
    let genre = GENRES[rng.random_range(0..GENRES.len())];
    let pick = |slot: &str| -> Filler {
        match slot {
            "g" => giver,
            "d" => device,
            "p" => place,
            "r" => genre,
            other => panic!("unknown slot {{{other}}} in a template"),
        }
    };
    let en = render(template.en, |slot, _| pick(slot).en.to_string());
    let ko = render(template.ko, |slot, particle| {
        let word = pick(slot).ko;
        match particle {
            Some(p) => format!("{word}{}", particle_after(word, p)),
            None => word.to_string(),
        }
    });
    (upper_first(&en), ko)
}

/// Replaces each `{slot}` or `{slot/particle}` with what `value` gives.
fn render(template: &str, value: impl Fn(&str, Option<&str>) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or_else(|| panic!("unclosed slot in template {template:?}"));
        let inner = &rest[open + 1..close];
        let (slot, particle) = match inner.split_once('/') {
            Some((s, p)) => (s, Some(p)),
            None => (inner, None),
        };
        out.push_str(&value(slot, particle));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// How a word ends when read aloud in Korean, which decides the particle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Vowel,
    /// The final consonant ㄹ, which takes `로` like a vowel.
    Rieul,
    Consonant,
}

/// The ending of `word`: from the final consonant of a Hangul syllable, from
/// the letter's Korean name for an acronym (`USB` 유에스비, `DVD` 디브이디),
/// and from the usual reading for a Latin word (`K-pop` 케이팝).
pub fn ending(word: &str) -> Ending {
    let last = word.chars().last().unwrap_or(' ');
    if ('가'..='힣').contains(&last) {
        return match (last as u32 - '가' as u32) % 28 {
            0 => Ending::Vowel,
            8 => Ending::Rieul,
            _ => Ending::Consonant,
        };
    }
    let last_word = word.rsplit([' ', '-']).next().unwrap_or(word);
    let acronym = last_word.chars().all(|c| c.is_ascii_uppercase());
    let letter = last.to_ascii_lowercase();
    match (acronym, letter) {
        (true, 'l' | 'r') => Ending::Rieul,
        (true, 'm' | 'n') => Ending::Consonant,
        (true, _) => Ending::Vowel,
        (false, 'l') => Ending::Rieul,
        (false, 'b' | 'k' | 'm' | 'n' | 'p' | 't') => Ending::Consonant,
        (false, _) => Ending::Vowel,
    }
}

/// The form of a particle (named by its after-consonant form) after `word`.
pub fn particle_after(word: &str, particle: &str) -> &'static str {
    let (after_consonant, after_vowel) = match particle {
        "이" => ("이", "가"),
        "은" => ("은", "는"),
        "을" => ("을", "를"),
        "과" => ("과", "와"),
        "이랑" => ("이랑", "랑"),
        "이라서" => ("이라서", "라서"),
        "으로" => ("으로", "로"),
        other => panic!("unknown particle {other:?} in a template"),
    };
    match ending(word) {
        Ending::Consonant => after_consonant,
        Ending::Rieul if particle == "으로" => after_vowel,
        Ending::Rieul => after_consonant,
        Ending::Vowel => after_vowel,
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lowercases the first letter after an opener, unless the first word is a
/// name or "I".
fn lower_first(s: &str) -> String {
    let first_word = s.split(' ').next().unwrap_or("");
    if PROPER_STARTS.contains(&first_word) {
        return s.to_string();
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where the example data live in the source tree.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("data")
}

fn main() -> anyhow::Result<()> {
    let data = generate(SEED);
    let dir = data_dir();
    std::fs::create_dir_all(&dir)?;
    let files = [
        ("answers_en.txt", data.answers_en()),
        ("answers_ko.txt", data.answers_ko()),
        ("respondents.csv", data.respondents_csv()),
        ("sentences.csv", data.sentences_csv()),
    ];
    for (name, contents) in &files {
        let path = dir.join(name);
        topics::io::write_atomic(&path, |w| w.write_all(contents.as_bytes()))?;
        println!("wrote {}", path.display());
    }
    let counts = data.dominant_counts();
    for (theme, count) in THEMES.iter().zip(counts) {
        println!("dominant theme {theme}: {count} respondents");
    }
    Ok(())
}
