//! Identifier extraction against other projects' test suites, read at run time from
//! `../shared/corpus` beside the checkout (never copied into this repository).
//!
//! Suites and what is taken from them:
//! - altmetric/identifiers DOI spec: every case of the default mode. Strict-mode cases
//!   keep trailing full stops (`10.1130/2013.2502...`); refcheck trims them because a
//!   reference entry ends with a full stop, so for those the trimmed DOI is expected.
//! - altmetric dois.txt: every DOI, bare, after `doi:` and behind `https://doi.org/`,
//!   each inside a sentence that ends in a full stop.
//! - linkify-it links.txt: the cases whose expected link has an http(s) scheme.
//!   Skipped: links without a scheme (`example.com`, `//example.com`, fuzzy IPs and
//!   e-mail addresses, `ftp:`/`mailto:`), because reference entries cite absolute web
//!   addresses and guessing at bare domains would invent URLs from prose (`node.js`);
//!   and the one link with raw double quotes in its path: refcheck ends URLs at `"`
//!   because entries in HTML and Markdown put URLs inside quoted attributes, and a raw
//!   `"` is not a legal URL character (RFC 3986). not_links.txt: all of it.
//! - twitter-text extract.yml (`urls*` sections): the cases whose expected URLs all
//!   have a scheme, minus those listed in `TWITTER_SKIPS` with the reason for each
//!   (Twitter's own rules: t.co slugs, TLD lists, CJK text glued to a URL).
//! - cmark-gfm autolink extension: the first Autolinks example, paragraph by
//!   paragraph, for its http(s) links (`www.` links and mail addresses are schemeless,
//!   skipped as for linkify-it; the image paragraph is the Markdown extractor's job).
//! - lychee fixtures: the plain-text and Markdown files, for their absolute http(s)
//!   links. Skipped: mail addresses and relative links (not identifiers of a cited
//!   work), links in code blocks and all HTML fixtures: which elements and attributes
//!   count is the job of the Markdown and HTML extractors, not of this module.
//! - the sample article integrative-therapy.txt: its four DOIs.

use refcheck::extract::ident::find_identifiers;
use refcheck::model::{Format, IdKind};
use refcheck::source::SourceFile;
use std::fs;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping peer suites: {} not found (CI checks it out beside the repository)",
            dir.display()
        );
        None
    }
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn dois(text: &str) -> Vec<String> {
    find_identifiers(text, 0)
        .into_iter()
        .filter(|id| id.kind == IdKind::Doi && id.problem.is_none())
        .map(|id| id.value)
        .collect()
}

/// Every identifier that came from an http(s) link, as written in `text`.
fn links(text: &str) -> Vec<&str> {
    find_identifiers(text, 0)
        .into_iter()
        .map(|id| &text[id.span.start..id.span.end])
        .filter(|s| s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("http")))
        .collect()
}

fn report(suite: &str, checked: usize, failures: &[String], at_least: usize) {
    eprintln!(
        "{suite}: {checked} cases checked, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{suite}:\n{}", failures.join("\n"));
    assert!(
        checked >= at_least,
        "{suite}: only {checked} cases applied; did the file change?"
    );
}

// ---------------------------------------------------------------- altmetric

struct SpecCase {
    name: String,
    mode: String,
    text: String,
    expected: Vec<String>,
}

/// The case list of doi_spec_cases.yaml: `- name:`, `mode:`, `text:` (plain or single
/// quoted) and `expected:` (`[]` or `- item` lines).
fn spec_cases(yaml: &str) -> Vec<SpecCase> {
    let scalar = |s: &str| {
        let s = s.trim();
        match s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            Some(inner) => inner.replace("''", "'"),
            None => s.to_string(),
        }
    };
    let mut cases: Vec<SpecCase> = Vec::new();
    for line in yaml.lines() {
        if let Some(name) = line.strip_prefix("- name:") {
            cases.push(SpecCase {
                name: scalar(name),
                mode: String::new(),
                text: String::new(),
                expected: Vec::new(),
            });
        } else if let Some(case) = cases.last_mut() {
            if let Some(v) = line.strip_prefix("  mode:") {
                case.mode = scalar(v);
            } else if let Some(v) = line.strip_prefix("  text:") {
                case.text = scalar(v);
            } else if let Some(v) = line.strip_prefix("  - ") {
                case.expected.push(scalar(v).to_lowercase());
            }
        }
    }
    cases
}

#[test]
fn altmetric_doi_spec_cases() {
    let Some(dir) = corpus() else { return };
    let yaml = read(dir.join("doi-extraction/altmetric-identifiers/doi_spec_cases.yaml"));
    let (mut checked, mut failures) = (0, Vec::new());
    for case in spec_cases(&yaml) {
        let expected: Vec<String> = match case.mode.as_str() {
            "strict" => case
                .expected
                .iter()
                .map(|d| d.trim_end_matches('.').to_string())
                .collect(),
            _ => case.expected.clone(),
        };
        checked += 1;
        let got = dois(&case.text);
        if got != expected {
            failures.push(format!(
                "{} ({}): expected {expected:?}, got {got:?}",
                case.name, case.mode
            ));
        }
    }
    report("altmetric doi spec", checked, &failures, 25);
}

#[test]
fn altmetric_doi_list_in_every_written_form() {
    let Some(dir) = corpus() else { return };
    let base = dir.join("doi-extraction/altmetric-identifiers");
    let list = read(base.join("dois.txt"));
    let strict = read(base.join("strict_mode_dois.txt"));
    let (mut checked, mut failures) = (0, Vec::new());
    for doi in list
        .lines()
        .chain(strict.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let want = doi.trim_end_matches('.').to_lowercase();
        let forms = [
            doi.to_string(),
            format!("Author A. Title. J Example. 2001;1:2. doi:{doi}."),
            format!("Author A. (2001). Title. https://doi.org/{doi}"),
            format!("[4] Author, \"Title\", DOI: {doi}, 2001."),
        ];
        for text in forms {
            checked += 1;
            let got = dois(&text);
            if got != [want.clone()] {
                failures.push(format!("{text:?}: expected [{want}], got {got:?}"));
            }
        }
    }
    report("altmetric dois.txt", checked, &failures, 3000);
}

// ---------------------------------------------------------------- linkify-it

#[test]
fn linkify_links() {
    let Some(dir) = corpus() else { return };
    let text = read(dir.join("url-extraction/linkify-it/links.txt"));
    let lines: Vec<&str> = text
        .lines()
        .map(|l| if l.starts_with('%') { "" } else { l })
        .collect();
    let (mut checked, mut failures) = (0, Vec::new());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let next = lines.get(i + 1).copied().unwrap_or("");
        let expected = if next.trim().is_empty() { line } else { next };
        i += if next.trim().is_empty() { 1 } else { 2 };
        let http = expected
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
            || expected
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
        if !http || expected.contains('"') {
            continue;
        }
        checked += 1;
        let got = links(line);
        if got.first() != Some(&expected) {
            failures.push(format!("{line:?}: expected {expected:?}, got {got:?}"));
        }
    }
    report("linkify-it links", checked, &failures, 60);
}

#[test]
fn linkify_not_links() {
    let Some(dir) = corpus() else { return };
    let text = read(dir.join("url-extraction/linkify-it/not_links.txt"));
    let (mut checked, mut failures) = (0, Vec::new());
    for line in text
        .lines()
        .filter(|l| !l.starts_with('%') && !l.trim().is_empty())
    {
        checked += 1;
        let got = find_identifiers(line, 0);
        if !got.is_empty() {
            failures.push(format!("{line:?}: expected nothing, got {got:?}"));
        }
    }
    report("linkify-it not_links", checked, &failures, 30);
}

// ---------------------------------------------------------------- twitter-text

/// Cases whose rules are Twitter's own, by description, with the reason.
const TWITTER_SKIPS: &[(&str, &str)] = &[
    ("Extract valid URL: http://example.com/", "twitter ends a URL at CJK text after a TLD; refcheck keeps IRI characters"),
    ("DO NOT extract invalid URL: http://no-tld", "TLD rules: an unknown host is for the resolver to report as broken"),
    ("DO NOT extract invalid URL: http://tld-too-short.x", "TLD rules, as above"),
    ("DO NOT Extract a hyphenated TLD (even though it's usually a typo)", "TLD rules, as above"),
    ("DO NOT extract invalid URL", "punycode validation is the resolver's job"),
    ("DO NOT Extract URL with domain preceeded by underscore: http://domain-begin_dash_2314352345_dfasd.foo-cow_4352.com", "underscores in host names are left to the resolver"),
    ("DO NOT extract URLs containing underscores in the domain name", "as above"),
    ("DO NOT extract URLs containing underscores in the tld", "as above"),
    ("Extract non-ASCII host name URLs with protocol, but ignore host names bigger than 63 characters. Also handle exceptions for non-ASCII hostnames longer than 256 characters", "host length limits are the resolver's job"),
    ("Extract a t.co URL with a trailing apostrophe", "t.co slugs never contain an apostrophe; general URLs may"),
    ("Extract a t.co URL with a trailing hyphen", "t.co slug rule; linkify-it and refcheck keep trailing hyphens"),
    ("DO NOT extract URLs with > 40 characters in a t.co slug", "t.co slug rule"),
    ("Extract t.co URLs skipping trailing characters and adjusting indices correctly", "t.co slug rules"),
    ("DO NOT extract URL if preceded by $", "cashtag rule"),
    ("DO NOT extract URLs in hashtag or @mention", "hashtag and mention rules"),
];

/// A double-quoted YAML scalar, unescaped.
fn unquote(s: &str) -> String {
    let s = s.trim();
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |n: usize, chars: &mut std::str::Chars| {
            let h: String = chars.take(n).collect();
            u32::from_str_radix(&h, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}')
        };
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => out.push(hex(4, &mut chars)),
            Some('U') => out.push(hex(8, &mut chars)),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// A flow list of double-quoted strings: `["a", "b"]`.
fn flow_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split("\", \"")
        .filter(|p| !p.trim().is_empty())
        .map(|p| unquote(&format!("\"{}\"", p.trim().trim_matches('"'))))
        .collect()
}

struct TwitterCase {
    description: String,
    text: String,
    urls: Vec<String>,
    /// Start offsets in characters, where the suite gives them.
    starts: Vec<usize>,
}

fn twitter_cases(yaml: &str) -> Vec<TwitterCase> {
    let mut cases: Vec<TwitterCase> = Vec::new();
    let mut in_urls = false;
    for line in yaml.lines() {
        if let Some(section) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        {
            in_urls = section.starts_with("urls") || section.starts_with("tco_urls");
            continue;
        }
        if !in_urls {
            continue;
        }
        let t = line.trim_start();
        if let Some(d) = t.strip_prefix("- description:") {
            cases.push(TwitterCase {
                description: unquote(d),
                text: String::new(),
                urls: Vec::new(),
                starts: Vec::new(),
            });
        } else if let Some(case) = cases.last_mut() {
            if let Some(v) = t.strip_prefix("text:") {
                case.text = unquote(v);
            } else if let Some(v) = t.strip_prefix("expected:").filter(|v| !v.trim().is_empty()) {
                case.urls = flow_list(v);
            } else if let Some(v) = t.strip_prefix("- url:") {
                case.urls.push(unquote(v));
            } else if let Some(v) = t.strip_prefix("indices:") {
                let first = v
                    .trim()
                    .trim_start_matches('[')
                    .split(',')
                    .next()
                    .unwrap_or("");
                case.starts.push(first.trim().parse().unwrap_or(usize::MAX));
            }
        }
    }
    cases
}

#[test]
fn twitter_text_urls() {
    let Some(dir) = corpus() else { return };
    let yaml = read(dir.join("url-extraction/twitter-text/extract.yml"));
    let (mut checked, mut failures) = (0, Vec::new());
    for case in twitter_cases(&yaml) {
        let schemed = case
            .urls
            .iter()
            .all(|u| u.starts_with("http://") || u.starts_with("https://"));
        let skipped = TWITTER_SKIPS.iter().any(|(d, _)| case.description == *d);
        // A "do not extract" case without a scheme concerns bare domains, which refcheck
        // never extracts anyway; it is checked too.
        if !schemed || skipped {
            continue;
        }
        checked += 1;
        let ids = find_identifiers(&case.text, 0);
        let got: Vec<&str> = ids
            .iter()
            .map(|id| &case.text[id.span.start..id.span.end])
            .collect();
        if got != case.urls {
            failures.push(format!(
                "{}: expected {:?}, got {got:?}",
                case.description, case.urls
            ));
            continue;
        }
        if !case.starts.is_empty() {
            let starts: Vec<usize> = ids
                .iter()
                .map(|id| case.text[..id.span.start].chars().count())
                .collect();
            if starts != case.starts {
                failures.push(format!(
                    "{}: expected starts {:?}, got {starts:?}",
                    case.description, case.starts
                ));
            }
        }
    }
    report("twitter-text urls", checked, &failures, 60);
}

// ---------------------------------------------------------------- cmark-gfm

#[test]
fn cmark_gfm_autolinks() {
    let Some(dir) = corpus() else { return };
    let spec = read(dir.join("url-extraction/cmark-gfm/extensions.txt"));
    let fence = "````````````````````````````````";
    let section = spec
        .split("## Autolinks")
        .nth(1)
        .expect("the spec has an Autolinks section");
    let example = section
        .split(fence)
        .nth(1)
        .expect("the section has an example");
    let example = example.trim_start_matches(" example\n");
    let (input, output) = example
        .split_once("\n.\n")
        .expect("an example has input and output");
    let anchor = regex::Regex::new(r#"<a href="[^"]*">(http[^<]*)</a>"#).expect("valid regex");
    let paragraphs: Vec<&str> = input.split("\n\n").collect();
    let rendered: Vec<&str> = output.lines().filter(|l| l.starts_with("<p>")).collect();
    assert_eq!(
        paragraphs.len(),
        rendered.len(),
        "one rendered paragraph per input paragraph"
    );
    let (mut checked, mut failures) = (0, Vec::new());
    for (text, html) in paragraphs.iter().zip(&rendered) {
        if text.starts_with("![") {
            // Image syntax: which parts are links is the Markdown extractor's business.
            continue;
        }
        let want: Vec<&str> = anchor
            .captures_iter(html)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .collect();
        checked += 1;
        let got = links(text);
        if got != want {
            failures.push(format!("{text:?}: expected {want:?}, got {got:?}"));
        }
    }
    report("cmark-gfm autolinks", checked, &failures, 10);
}

// ---------------------------------------------------------------- lychee

#[test]
fn lychee_plain_text_fixtures() {
    let Some(dir) = corpus() else { return };
    let dir = dir.join("url-extraction/lychee");
    let cases: &[(&str, &[&str])] = &[
        (
            "TEST.md",
            &[
                "https://en.wikipedia.org/wiki/Static_program_analysis",
                "https://endler.dev",
                "https://github.com/analysis-tools-dev/static-analysis/issues/350",
                "https://ldra.com",
                "https://licensebuttons.net/p/zero/1.0/88x31.png",
                "https://creativecommons.org/publicdomain/zero/1.0/",
                "http://example.com",
                "https://example.com",
            ],
        ),
        ("TEST_SCHEMES.txt", &["https://example.com"]),
        (
            "TEST_SCHEMES.md",
            &["https://example.com", "http://example.com"],
        ),
        ("TEST_EMAIL.md", &["https://endler.dev"]),
        ("LINK_PERIOD.html", &["https://www.example.com/smth."]),
        (
            "TEST_EXAMPLE_DOMAINS_FALSE_POSITIVES.md",
            &[
                "http://gobyexample.com/",
                "https://examples.com/",
                "https://texample.net/",
                "http://foo.isnotinvalid",
                "http://foo.bar.invalid2",
                "http://integration.text",
                "https://test.possiblylocalhost",
                "https://example.examplenotexample",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (file, want) in cases {
        let text = read(dir.join(file));
        let got = links(&text);
        if got != *want {
            failures.push(format!("{file}: expected {want:?}, got {got:?}"));
        }
    }
    report("lychee fixtures", cases.len(), &failures, cases.len());
}

// ---------------------------------------------------------------- sample article

#[test]
fn sample_article_yields_its_dois() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("articles/text/integrative-therapy.txt");
    let source = SourceFile::new(&path, read(path.clone()));
    let doc = refcheck::extract::extract(&source, Format::Text).expect("a text article extracts");
    let found: Vec<String> = doc
        .references
        .iter()
        .flat_map(|r| r.identifiers.iter())
        .filter(|id| id.kind == IdKind::Doi)
        .map(|id| id.value.clone())
        .collect();
    for want in [
        "10.1037/0003-066x.60.8.840",
        "10.1093/med:psych/9780195165791.003.0004",
        "10.3389/fpsyg.2015.02021",
        "10.1002/ch.339",
    ] {
        assert!(
            found.iter().any(|d| d == want),
            "{want} not among {found:?}"
        );
    }
    let urls = doc
        .references
        .iter()
        .flat_map(|r| r.identifiers.iter())
        .filter(|id| id.kind == IdKind::Url)
        .count();
    assert!(
        urls >= 2,
        "the archived page and the ResearchGate page are URLs"
    );
}
