//! Text normalisation and title similarity for the metadata comparison.
//!
//! An entry and a registry write the same title differently: curly or straight quotes,
//! en dashes or hyphens, "Pánek" or "Panek", `&amp;` or `&`, `H<sub>2</sub>O` or
//! `H2O`, Title Case or sentence case, with or without its subtitle, sometimes cut
//! short. Both sides go through the same [`normalize`]: HTML entities decoded, tags
//! dropped, Unicode compatibility forms folded (NFKC/NFKD), diacritics stripped,
//! lower-cased, apostrophes removed inside words, every other non-alphanumeric
//! character a word break. Titles are then compared as sets of content words by
//! [`title_similarity`], which forgives a missing subtitle or a truncation (one side's
//! words all found in the other) but not a different title.

pub use crate::extract::markup::{decode_entities, strip_tags};
use std::collections::HashSet;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words too common to tell two titles apart.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the",
    "to", "with",
];

/// `s` as plain lower-case words separated by single spaces.
///
/// ```
/// use refcheck::check::normalize::normalize;
/// assert_eq!(normalize("The Psychotherapist’s <i>Own</i> “Psychotherapy” &amp; Pánek–Modrák"),
///            "the psychotherapists own psychotherapy panek modrak");
/// ```
pub fn normalize(s: &str) -> String {
    let plain = strip_tags(&decode_entities(s));
    let mut out = String::with_capacity(plain.len());
    let mut pending_space = false;
    for c in plain.nfkd().filter(|c| !is_combining_mark(*c)) {
        if is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            push_folded(&mut out, c);
        } else {
            pending_space = true;
        }
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// Lower-case `c`, spelling out letters that have no decomposition.
fn push_folded(out: &mut String, c: char) {
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        'þ' | 'Þ' => out.push_str("th"),
        'ı' => out.push('i'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The content words of a normalised text.
pub fn content_words(s: &str) -> Vec<String> {
    normalize(s)
        .split(' ')
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// How alike two titles are, from 0 (no word shared) to 1 (same words).
///
/// The score is the larger of the Dice coefficient of the two word sets and, when
/// the shorter title has at least three content words, the share of the shorter
/// title's words found in the longer: a title cited without its subtitle, or cut short,
/// or run on into the journal name, still scores high. Words match when equal, or
/// when both are long and one edit apart (British and American spelling, plurals).
///
/// ```
/// use refcheck::check::normalize::title_similarity;
/// let full = "Using and Reporting the Delphi Method for Selecting Healthcare Quality Indicators: A Systematic Review";
/// assert!(title_similarity("Using and reporting the Delphi method", full) > 0.95);
/// assert!(title_similarity("The structure of ordinary water", full) < 0.2);
/// ```
pub fn title_similarity(a: &str, b: &str) -> f64 {
    let a = unique(content_words(a));
    let b = unique(content_words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let shared = short
        .iter()
        .filter(|w| long.iter().any(|v| same_word(w, v)))
        .count() as f64;
    let dice = 2.0 * shared / (a.len() + b.len()) as f64;
    let containment = if short.len() >= 3 {
        shared / short.len() as f64
    } else {
        0.0
    };
    dice.max(containment).min(1.0)
}

fn unique(words: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    words
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// Equal, or words of five letters or more one edit apart ("behaviour"/"behavior",
/// "modelling"/"modeling", "model"/"models").
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // One substitution, insertion or deletion leaves the rest as shared prefix + suffix.
    prefix + suffix >= a.len().max(b.len()) - 1
}

/// A family name reduced for comparison: "Pánek" and "PANEK" give "panek",
/// "O’Brien" gives "obrien".
pub fn family_key(name: &str) -> String {
    normalize(name).replace(' ', "")
}

/// Is the entry's first author (`family`) among the registered family names? A
/// registered compound name ("van der Berg", "García Márquez", "Smith-Jones") matches
/// any of its parts, and the other way round, so that both ways of citing it agree;
/// an organisation matches a run of its words ("Census Bureau" in "U.S. Census
/// Bureau").
pub fn author_present(family: &str, registered: &[String]) -> bool {
    let cited = normalize(family);
    let cited_key = cited.replace(' ', "");
    if cited_key.is_empty() {
        return false;
    }
    registered.iter().any(|r| {
        let norm = normalize(r);
        let key = norm.replace(' ', "");
        let (padded, cited_padded) = (format!(" {norm} "), format!(" {cited} "));
        key == cited_key
            || norm
                .split(' ')
                .any(|part| part.len() >= 3 && part == cited_key)
            || cited.split(' ').any(|part| part.len() >= 3 && part == key)
            || (cited_key.len() >= 6 && padded.contains(&cited_padded))
            || (key.len() >= 6 && cited_padded.contains(&padded))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_tags_quotes_dashes_and_diacritics_fold_away() {
        assert_eq!(normalize("H<sub>2</sub>O &amp; CO<sub>2</sub>"), "h2o co2");
        assert_eq!(
            normalize("“Quoted” – ‘single’ — \"straight\""),
            "quoted single straight"
        );
        assert_eq!(normalize("Ærø Straße ﬁsh Łódź"), "aero strasse fish lodz");
        assert_eq!(
            normalize("a &lt; b &#8211; c &#x2014; d &bogus; e"),
            "a b c d bogus e"
        );
        assert_eq!(normalize("x < y and <i>z</i>"), "x y and z");
        assert_eq!(normalize("AT&T"), "at t");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn subtitles_and_truncations_score_high_other_titles_low() {
        let reg = "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice";
        assert_eq!(title_similarity(reg, &reg.to_uppercase()), 1.0);
        assert!(
            title_similarity("Methylphenidate exposure induces dopamine neuron loss", reg) > 0.95
        );
        assert!(title_similarity(&format!("{reg}. PLoS ONE"), reg) > 0.95);
        assert!(title_similarity("Are psychodynamic therapies effective", reg) < 0.2);
        // Two shared words out of short titles are not enough for containment.
        assert!(title_similarity("Basal ganglia", reg) < 0.5);
        assert!(title_similarity("Modelling behaviour", "Modeling behavior") > 0.99);
        assert_eq!(title_similarity("", reg), 0.0);
    }

    #[test]
    fn family_names_compare_without_case_or_accents() {
        let reg = vec![
            "Pánek".to_string(),
            "van der Berg".to_string(),
            "Smith-Jones".to_string(),
        ];
        assert!(author_present("PANEK", &reg));
        assert!(author_present("Berg", &reg));
        assert!(author_present("van der Berg", &reg));
        assert!(author_present("De Silva", &["Silva".to_string()]));
        assert!(author_present(
            "Census Bureau",
            &["U.S. Census Bureau".to_string()]
        ));
        assert!(!author_present(
            "Census Bureau",
            &["Bureau of Statistics".to_string()]
        ));
        assert!(!author_present("De", &["van der Berg".to_string()]));
        assert!(author_present("Jones", &reg));
        assert!(!author_present("Modrak", &reg));
        assert!(!author_present("", &reg));
        assert_eq!(family_key("O’Brien"), "obrien");
    }
}
