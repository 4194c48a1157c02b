//! The format extractors end to end: each fixture under tests/fixtures/<format>/ is run
//! through the binary (`--offline --format json`) and its entries, markers and
//! findings are compared with what the fixture was written to contain; one fixture per
//! format pins the human report with a snapshot.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn run(args: &[&str]) -> String {
    run_allowing(args, &[0, 1])
}

/// Run the binary; its exit status must be one of `codes`.
fn run_allowing(args: &[&str], codes: &[i32]) -> String {
    let out = Command::cargo_bin("refcheck")
        .expect("binary builds")
        .args(args)
        .output()
        .expect("refcheck runs");
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "exit status {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 report")
}

fn json(path: &str) -> Value {
    let out = run(&["--offline", "--format", "json", "--no-progress", path]);
    serde_json::from_str(&out).expect("a JSON report")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn labels(report: &Value) -> Vec<String> {
    report["files"][0]["references"]
        .as_array()
        .map(|refs| {
            refs.iter()
                .filter_map(|r| r["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn cited(report: &Value) -> Vec<Vec<String>> {
    report["files"][0]["citations"]
        .as_array()
        .map(|cs| cs.iter().map(|c| strings(&c["labels"])).collect())
        .unwrap_or_default()
}

/// (code, labels) of every finding except the notes about missing identifiers, which
/// belong to the identifier extractor.
fn findings(report: &Value) -> BTreeSet<(String, Vec<String>)> {
    report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter(|f| f["code"] != "missing-identifier")
                .map(|f| {
                    (
                        f["code"].as_str().unwrap_or("").to_string(),
                        strings(&f["labels"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn set(items: &[(&str, &[&str])]) -> BTreeSet<(String, Vec<String>)> {
    items
        .iter()
        .map(|(c, l)| (c.to_string(), l.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// 1-based line and column (in characters) of the first `needle` in the fixture.
fn position(path: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let at = text.find(needle).expect("needle in fixture");
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

fn finding_at(report: &Value, code: &str) -> (u64, u64) {
    let f = report["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["code"] == code))
        .expect("finding present");
    (
        f["line"].as_u64().unwrap_or(0),
        f["column"].as_u64().unwrap_or(0),
    )
}

#[test]
fn markdown_footnotes() {
    let path = "tests/fixtures/markdown/footnotes.md";
    let r = json(path);
    assert_eq!(r["files"][0]["format"], "markdown");
    assert_eq!(
        labels(&r),
        vec!["stale", "1", "warm", "warm", "unused"],
        "the commented-out definition does not count"
    );
    assert_eq!(
        cited(&r),
        vec![
            vec!["stale"],
            vec!["1"],
            vec!["1"],
            vec!["warm"],
            vec!["ghost"]
        ]
    );
    assert_eq!(
        findings(&r),
        set(&[
            ("missing-reference", &["ghost"]),
            ("duplicate-label", &["warm"]),
            ("uncited-reference", &["unused"]),
        ])
    );
    assert_eq!(
        finding_at(&r, "missing-reference"),
        position(path, "[^ghost]")
    );
    let doi = &r["files"][0]["references"][1]["identifiers"][0];
    assert_eq!(doi["value"], "10.1234/cache.2020.1");
}

#[test]
fn markdown_reference_links_and_superscripts() {
    let path = "tests/fixtures/markdown/links-and-sups.md";
    let r = json(path);
    assert_eq!(labels(&r), vec!["1", "2", "3", "4"]);
    assert_eq!(
        cited(&r),
        vec![vec!["1"], vec!["2"], vec!["3"]],
        "n<sup>2</sup> and [[9]](url) are not markers"
    );
    assert_eq!(findings(&r), set(&[("uncited-reference", &["4"])]));
    assert_eq!(
        finding_at(&r, "uncited-reference"),
        position(path, "4. Jones")
    );
}

#[test]
fn html_wikipedia_markup() {
    let path = "tests/fixtures/html/wikipedia.html";
    let r = json(path);
    assert_eq!(r["files"][0]["format"], "html");
    assert_eq!(labels(&r), vec!["1", "2", "3", "4"]);
    assert_eq!(
        cited(&r),
        vec![vec!["1"], vec!["2"], vec!["2"], vec!["3"]],
        "no [citation needed], script, style or comment"
    );
    assert_eq!(
        findings(&r),
        set(&[("uncited-reference", &["4"])]),
        "[2] with a b back-links is cited, not duplicated"
    );
    let refs = &r["files"][0]["references"];
    assert_eq!(
        refs[1]["text"],
        "Horn, R.; Johnson, C. (2013). Matrix Analysis."
    );
    assert_eq!(refs[0]["identifiers"][0]["value"], "10.1000/geom.2004");
    let c = &r["files"][0]["citations"][0];
    assert_eq!((c["line"].as_u64(), c["column"].as_u64()), {
        let (l, col) = position(path, "<sup id=\"cite_ref-1\">");
        (Some(l), Some(col))
    });
}

#[test]
fn html_chapter_notes_start_at_22() {
    let path = "tests/fixtures/html/chapter-notes.html";
    let r = json(path);
    assert_eq!(labels(&r), vec!["22", "23", "24"]);
    assert_eq!(
        findings(&r),
        set(&[
            ("missing-reference", &["26"]),
            ("uncited-reference", &["24"])
        ]),
        "no numbering gap before 22, and [Hol14] is not a marker"
    );
}

#[test]
fn jats_ranges_inside_and_across_xrefs() {
    let path = "tests/fixtures/jats/ranges.xml";
    let r = json(path);
    assert_eq!(r["files"][0]["format"], "jats");
    assert_eq!(labels(&r).len(), 9);
    assert_eq!(
        cited(&r),
        vec![
            vec!["1", "2", "3"],
            vec!["4", "5", "6"],
            vec!["7", "8"],
            vec!["12"]
        ],
        "ranges across two xrefs (en dash, hyphen) and inside one"
    );
    assert_eq!(
        findings(&r),
        set(&[
            ("missing-reference", &["12"]),
            ("uncited-reference", &["9"])
        ]),
        "the xref in a comment cites nothing"
    );
    let doi = &r["files"][0]["references"][0]["identifiers"][0];
    assert_eq!(doi["value"], "10.1000/rm.2006.1");
    let (line, col) = position(path, "10.1000/RM.2006.1");
    assert_eq!(
        (doi["line"].as_u64(), doi["column"].as_u64()),
        (Some(line), Some(col))
    );
}

#[test]
fn jats_unlabelled_refs_are_numbered_by_position() {
    let r = json("tests/fixtures/jats/unlabelled.nxml");
    assert_eq!(r["files"][0]["format"], "jats");
    assert_eq!(labels(&r), vec!["1", "2", "3"]);
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn jats_entity_bomb_is_never_expanded() {
    let r = json("tests/fixtures/jats/entity-bomb.xml");
    assert_eq!(labels(&r), vec!["1"]);
    let text = r["files"][0]["references"][0]["text"]
        .as_str()
        .unwrap_or("");
    assert!(text.starts_with("&lol9;"), "{text}");
    assert!(findings(&r).is_empty());
}

#[test]
fn jats_author_year_has_no_numeric_findings() {
    let r = json("tests/fixtures/jats/author-year.xml");
    assert_eq!(labels(&r).len(), 3);
    assert!(
        findings(&r).is_empty(),
        "an uncited author-year entry is not reported: {:?}",
        findings(&r)
    );
}

#[test]
fn rst_footnotes_and_citations() {
    let path = "tests/fixtures/rst/footnotes.rst";
    let r = json(path);
    assert_eq!(r["files"][0]["format"], "rst");
    assert_eq!(labels(&r), vec!["1", "ada", "2", "*", "DRAFT2016", "5"]);
    assert_eq!(
        cited(&r),
        vec![
            vec!["1"],
            vec!["ada"],
            vec!["2"],
            vec!["*"],
            vec!["DRAFT2016"],
            vec!["7"]
        ],
        "nothing from the literal block, the code directive or the inline literal"
    );
    assert_eq!(
        findings(&r),
        set(&[("missing-reference", &["7"]), ("uncited-reference", &["5"])])
    );
    assert_eq!(finding_at(&r, "missing-reference"), position(path, "[7]_"));
}

#[test]
fn forced_input_format_wins_over_the_extension() {
    let r = json_forced("tests/fixtures/rst/footnotes.rst", "text");
    assert_eq!(r["files"][0]["format"], "text");
}

fn json_forced(path: &str, format: &str) -> Value {
    let out = run(&[
        "--offline",
        "--format",
        "json",
        "--no-progress",
        "--input-format",
        format,
        path,
    ]);
    serde_json::from_str(&out).expect("a JSON report")
}

#[test]
fn standard_input_is_sniffed() {
    for (path, format) in [
        ("tests/fixtures/rst/footnotes.rst", "rst"),
        ("tests/fixtures/html/chapter-notes.html", "html"),
        ("tests/fixtures/jats/unlabelled.nxml", "jats"),
        ("tests/fixtures/markdown/links-and-sups.md", "markdown"),
    ] {
        let out = Command::cargo_bin("refcheck")
            .expect("binary builds")
            .args(["--offline", "--format", "json", "--no-progress", "-"])
            .write_stdin(std::fs::read(path).expect("fixture"))
            .output()
            .expect("refcheck runs");
        let r: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
        assert_eq!(r["files"][0]["format"], format, "{path}");
    }
}

#[test]
fn a_directory_of_mixed_formats_is_one_report() {
    // tests/fixtures/text holds deliberately unreadable files; these four do not.
    let dir = tempfile::tempdir().expect("temporary directory");
    for format in ["html", "jats", "markdown", "rst"] {
        let from = Path::new("tests/fixtures").join(format);
        let to = dir.path().join(format);
        std::fs::create_dir(&to).expect("mkdir");
        for entry in std::fs::read_dir(&from).expect("fixtures") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
    let r = json(&dir.path().to_string_lossy());
    let formats: BTreeSet<String> = r["files"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f["format"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let want: BTreeSet<String> = ["html", "jats", "markdown", "rst"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(formats, want);
}

/// The human report, without the notes about missing identifiers (they belong to the
/// identifier extractor, which has its own tests).
#[test]
fn a_file_that_fails_to_parse_is_reported_and_the_rest_continue() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::copy(
        "tests/fixtures/rst/footnotes.rst",
        dir.path().join("good.rst"),
    )
    .expect("copy");
    std::fs::write(
        dir.path().join("broken.xml"),
        "<?xml version=\"1.0\"?>\n<article><p a=\"open>\n",
    )
    .expect("write");
    let path = dir.path().to_string_lossy().to_string();
    let out = run_allowing(
        &["--offline", "--format", "json", "--no-progress", &path],
        &[2],
    );
    let r: Value = serde_json::from_str(&out).expect("a JSON report");
    assert_eq!(r["files"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["files"][0]["format"], "rst");
    let message = r["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("malformed XML at line 2"), "{message}");
}

fn human(path: &str) -> String {
    run(&[
        "--offline",
        "--color",
        "never",
        "--no-progress",
        "--allow",
        "missing-identifier",
        path,
    ])
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(
        "markdown_footnotes",
        human("tests/fixtures/markdown/footnotes.md")
    );
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!(
        "html_wikipedia",
        human("tests/fixtures/html/wikipedia.html")
    );
}

#[test]
fn snapshot_jats() {
    insta::assert_snapshot!("jats_ranges", human("tests/fixtures/jats/ranges.xml"));
}

#[test]
fn snapshot_rst() {
    insta::assert_snapshot!("rst_footnotes", human("tests/fixtures/rst/footnotes.rst"));
}

/// The development corpus, where present beside the checkout (../shared/corpus): every
/// article's entries and uncited/missing labels match the truth.
#[test]
fn corpus_articles_match_the_truth() {
    let root = Path::new("../shared/corpus");
    let Ok(truth) = std::fs::read_to_string(root.join("expected.jsonl")) else {
        eprintln!("skipped: ../shared/corpus/expected.jsonl is not present");
        return;
    };
    for line in truth.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("truth row");
        let file = row["file"].as_str().unwrap_or("");
        let path = root.join(file);
        let r = json(&path.to_string_lossy());
        assert_eq!(r["files"][0]["format"], row["format"], "{file}");
        assert_eq!(
            labels(&r).len() as u64,
            row["references"].as_u64().unwrap_or(0),
            "{file}"
        );
        for code in ["uncited", "missing"] {
            let want: BTreeSet<String> = strings(&row[code])
                .into_iter()
                .map(|s| s.to_lowercase())
                .collect();
            let got: BTreeSet<String> = r["findings"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .filter(|f| {
                            f["code"] == format!("{code}-reference")
                                || code == "missing" && f["code"] == "missing-reference-list"
                        })
                        .flat_map(|f| strings(&f["labels"]))
                        .map(|s| s.to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(got, want, "{file}: {code}");
        }
    }
}
