//! Real-world shapes the visible corpus does not cover, one small article each, written
//! by us under tests/fixtures/<format>/robust-*: each is run through the binary
//! (`--offline --format json`) and its format, entry labels, cited labels and
//! structural findings (uncited, missing, duplicate) are compared with what it was
//! written to contain. A false alarm fails a test as surely as a missed flaw.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

/// What one fixture was written to contain.
struct Expect {
    file: &'static str,
    format: &'static str,
    labels: &'static [&'static str],
    /// Every label some marker cites (ranges expanded).
    cited: &'static [&'static str],
    uncited: &'static [&'static str],
    missing: &'static [&'static str],
    duplicates: &'static [&'static [&'static str]],
}

const NONE: &[&str] = &[];

fn report(path: &str) -> Value {
    let out = Command::cargo_bin("refcheck")
        .expect("binary builds")
        .args(["--offline", "--format", "json", "--no-progress", path])
        .output()
        .expect("refcheck runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{path}: exit status {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON report")
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

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn finding_labels(r: &Value, codes: &[&str]) -> BTreeSet<String> {
    r["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| codes.contains(&f["code"].as_str().unwrap_or("")))
        .flat_map(|f| strings(&f["labels"]))
        .collect()
}

fn check(e: &Expect) {
    let path = format!("tests/fixtures/{}", e.file);
    let r = report(&path);
    let file = &r["files"][0];
    assert_eq!(file["format"], e.format, "{}: format", e.file);
    let labels: Vec<String> = file["references"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["label"].as_str().map(String::from))
        .collect();
    assert_eq!(labels, e.labels, "{}: entry labels", e.file);
    let cited: BTreeSet<String> = file["citations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| strings(&c["labels"]))
        .collect();
    assert_eq!(cited, set(e.cited), "{}: cited labels", e.file);
    assert_eq!(
        finding_labels(&r, &["uncited-reference"]),
        set(e.uncited),
        "{}: uncited",
        e.file
    );
    assert_eq!(
        finding_labels(&r, &["missing-reference", "missing-reference-list"]),
        set(e.missing),
        "{}: missing",
        e.file
    );
    let dups: BTreeSet<BTreeSet<String>> = r["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "duplicate-reference")
        .map(|f| strings(&f["labels"]).into_iter().collect())
        .collect();
    let want: BTreeSet<BTreeSet<String>> = e.duplicates.iter().map(|d| set(d)).collect();
    assert_eq!(dups, want, "{}: duplicates", e.file);
    let labels_twice: Vec<String> = r["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "duplicate-label")
        .flat_map(|f| strings(&f["labels"]))
        .collect();
    assert!(
        labels_twice.is_empty(),
        "{}: duplicate labels {labels_twice:?}",
        e.file
    );
}

fn run_all(cases: &[Expect]) {
    for e in cases {
        check(e);
    }
}

#[test]
fn plain_text_shapes() {
    run_all(&[
        // Notes lettered [a] [b] before numbered references; `^ Jump up to: a b`
        // back-links; "Further reading" and "External links" bullets and a page footer
        // after the list; `[4]:12` pinpoints; `[citation needed]`; `[2021]` a year.
        Expect {
            file: "text/robust-wiki-notes-and-refs.txt",
            format: "text",
            labels: &["1", "2", "3", "4", "5", "6"],
            cited: &["1", "2", "3", "4", "5", "6"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Notes written `1 Author` (a number and a space) under "Notes".
        Expect {
            file: "text/robust-bare-number-notes.txt",
            format: "text",
            labels: &["1", "2", "3", "4"],
            cited: &["1", "2", "3", "4"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `text.[1]`, `yields,[2]`, `[1,3–5]`, `[2], [3]`; "(see table 1)" is not one.
        Expect {
            file: "text/robust-glued-markers.txt",
            format: "text",
            labels: &["1", "2", "3", "4", "5", "6"],
            cited: &["1", "2", "3", "4", "5", "6"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // A numbered list of steps in the body and a numbered reference list.
        Expect {
            file: "text/robust-steps-and-refs.txt",
            format: "text",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Superscripts flattened by copying: `memories.1,2 Short naps`.
        Expect {
            file: "text/robust-flattened-superscripts.txt",
            format: "text",
            labels: &["1", "2", "3", "4"],
            cited: &["1", "2", "3", "4"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        Expect {
            file: "text/robust-crlf.txt",
            format: "text",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Sources listed without numbers, cited `[1]`, `[2]`: numbered by position.
        Expect {
            file: "text/robust-unnumbered-sources.txt",
            format: "text",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // "Related articles" and a "Menu" numbered 1. 2. 3. after the list.
        Expect {
            file: "text/robust-footer-menus.txt",
            format: "text",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Wikipedia "Notes" (lettered), "Citations" (numbered, `^ Jump up to: a b c`)
        // and "Sources" (bullets): the numbered list is the reference list.
        Expect {
            file: "text/robust-citations-and-sources.txt",
            format: "text",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `(1)`, `(2, 3)` markers; a `(1) (2)` enumeration of steps is not one; "1
        // comment" in the page footer is not an entry.
        Expect {
            file: "text/robust-parenthetical-markers.txt",
            format: "text",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
    ]);
}

#[test]
fn markdown_shapes() {
    run_all(&[
        // Front matter; `[^note-1]` with a second indented paragraph; a footnote in a
        // table; `[^1]` and `[1]` in inline code and a code block are not markers.
        Expect {
            file: "markdown/robust-footnote-paragraphs.md",
            format: "markdown",
            labels: &["note-1", "2b", "tbl"],
            cited: &["note-1", "2b", "tbl"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `1.` list under "## References", a numbered plan elsewhere, markers in a
        // table, and link reference definitions `[docs]: url` that are not entries.
        Expect {
            file: "markdown/robust-numbered-refs-and-linkdefs.md",
            format: "markdown",
            labels: &["1", "2", "3", "4"],
            cited: &["1", "2", "3", "4"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `- [1] Author` bullets, one opening with an `<a id>` anchor, cited by
        // `<sup>[3](#ref3)</sup>`.
        Expect {
            file: "markdown/robust-bullet-refs-anchors.md",
            format: "markdown",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // EIP style: `[n] ...` paragraphs under "## References", `[1]` in Python code.
        Expect {
            file: "markdown/robust-eip-paragraph-refs.md",
            format: "markdown",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // TOML front matter, `<sup>2,3</sup>` markers, `m<sup>2</sup>` maths.
        Expect {
            file: "markdown/robust-hugo-sup.md",
            format: "markdown",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `**References:**` as a paragraph, markers escaped `\[1\]` by a converter.
        Expect {
            file: "markdown/robust-bold-heading-escaped.md",
            format: "markdown",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // GFM footnotes beside a numbered list: footnotes keep their caret; one unused.
        Expect {
            file: "markdown/robust-footnotes-and-list.md",
            format: "markdown",
            labels: &["^1", "^unused", "1", "2"],
            cited: &["^1", "1", "2"],
            uncited: &["^unused"],
            missing: NONE,
            duplicates: &[],
        },
        // RFC style: `[text][1]` with `[1]: url`; named link definitions are not entries.
        Expect {
            file: "markdown/robust-rfc-link-references.md",
            format: "markdown",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // A Hugo post whose reference list is HTML: `<h2>References</h2><ol><li>`.
        Expect {
            file: "markdown/robust-html-heading-and-list.md",
            format: "markdown",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `## References` in Markdown, then an HTML `<ol>`; an HTML list of steps before.
        Expect {
            file: "markdown/robust-html-list-under-heading.md",
            format: "markdown",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `[<sup>1</sup>](#ref1)` and `<sup>[2](#ref2)</sup>`, entries opening with an
        // `<span id>` anchor, and a footnote beside the list.
        Expect {
            file: "markdown/robust-linked-sup-markers.md",
            format: "markdown",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Plain bullets under "## References", cited `[1]`, `[2]`: numbered by position;
        // the bullets under "## Steps" are not entries.
        Expect {
            file: "markdown/robust-bullet-sources-by-position.md",
            format: "markdown",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        Expect {
            file: "markdown/robust-crlf.md",
            format: "markdown",
            labels: &["1", "a"],
            cited: &["1", "a"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
    ]);
}

#[test]
fn html_shapes() {
    run_all(&[
        // Wikipedia: a lettered "Notes" group (`cite_note-A-3`) and named references
        // used twice; a note that itself cites reference [4].
        Expect {
            file: "html/robust-wiki-notes-group.html",
            format: "html",
            labels: &["a", "b", "1", "2", "3", "4"],
            cited: &["a", "b", "1", "2", "3", "4"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // pandoc/Quarto: `<a class="footnote-ref" href="#fn1"><sup>1</sup></a>`.
        Expect {
            file: "html/robust-pandoc-footnotes.html",
            format: "html",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Jekyll/kramdown: `<sup id="fnref:1"><a href="#fn:1">`, a named note `fn:cost`.
        Expect {
            file: "html/robust-kramdown-footnotes.html",
            format: "html",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // WordPress: "References" heading, then `<ol>`; a numbered list of steps before.
        Expect {
            file: "html/robust-wordpress-ol.html",
            format: "html",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `<p>[1] Author</p>` paragraphs, then a `<footer>` menu "1. Home 2. About".
        Expect {
            file: "html/robust-paragraph-refs-footer.html",
            format: "html",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `<p><strong>References</strong></p>` then `<ol>`; `<sup>` markers beside
        // `2<sup>nd</sup>` and `m<sup>2</sup>`.
        Expect {
            file: "html/robust-strong-heading.html",
            format: "html",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `<div class="references">` of `<p>1. …</p>`, then a `<nav>` list.
        Expect {
            file: "html/robust-div-references-nav.html",
            format: "html",
            labels: &["1", "2", "3"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Hand-made notes: `<a href="#note1"><sup>[1]</sup></a>` and `<p id="note1">`.
        Expect {
            file: "html/robust-anchored-paragraph-notes.html",
            format: "html",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `<ul>` of unnumbered sources under "References", cited `[1]`, `[2]`: numbered
        // by position; the "Related posts" bullets are not entries.
        Expect {
            file: "html/robust-bullet-sources-by-position.html",
            format: "html",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
    ]);
}

#[test]
fn jats_shapes() {
    run_all(&[
        // `<element-citation>`, labels `1.`, `rid="ref5 ref6"`, `<sup>` around xrefs, an
        // en-dash range of two xrefs, refs cited only from a table, a table footnote and
        // a figure caption, an `<fn-group>` that is not part of the list; 13 uncited.
        Expect {
            file: "jats/robust-element-citation.xml",
            format: "jats",
            labels: &[
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
            ],
            cited: &[
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
            ],
            uncited: &["13"],
            missing: NONE,
            duplicates: &[],
        },
        // eLife: author-year xrefs; an entry nobody cites is no numeric finding.
        Expect {
            file: "jats/robust-author-year.xml",
            format: "jats",
            labels: &["1", "2", "3"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Labels written `[1]`, `[1]&#8211;[3]` as two xrefs, `<sup>` inside an xref.
        Expect {
            file: "jats/robust-bracket-labels.xml",
            format: "jats",
            labels: &["1", "2", "3", "4", "5", "6"],
            cited: &["1", "2", "3", "4", "5", "6"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `Smith et al. (<xref>2015</xref>)`: years shown in xrefs cite by rid.
        Expect {
            file: "jats/robust-year-xrefs.xml",
            format: "jats",
            labels: &["1", "2", "3", "4"],
            cited: &["1", "2", "3"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // `<ref-list>` nested in `<ref-list>`, `<citation-alternatives>`, xrefs in `<sup>`.
        Expect {
            file: "jats/robust-nested-ref-lists.xml",
            format: "jats",
            labels: &["1", "2", "3", "4", "5"],
            cited: &["1", "2", "3", "4", "5"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // xrefs written without `ref-type`: markers when their rid is an entry.
        Expect {
            file: "jats/robust-untyped-xrefs.xml",
            format: "jats",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
    ]);
}

#[test]
fn rst_shapes() {
    run_all(&[
        // PEP: `[1]_` twice, `[#]_` auto-numbered after the hand-numbered ones,
        // `[#why]_`, a citation `[CIT2002]_`, a definition over several lines, `[3]_`
        // in a literal block.
        Expect {
            file: "rst/robust-pep-auto-numbered.rst",
            format: "rst",
            labels: &["1", "2", "3", "why", "CIT2002", "4"],
            cited: &["1", "2", "3", "why", "CIT2002", "4"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // Sphinx: markers in a note directive, `[1]` in a code block and in an inline
        // literal, a footnote nobody cites.
        Expect {
            file: "rst/robust-sphinx-footnotes.rst",
            format: "rst",
            labels: &["1", "2", "3"],
            cited: &["1", "2"],
            uncited: &["3"],
            missing: NONE,
            duplicates: &[],
        },
        // An old PEP kept as .txt: reST by its footnotes and markers.
        Expect {
            file: "rst/robust-old-pep.txt",
            format: "rst",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
        // CRLF line ends; a definition whose text starts on the next line.
        Expect {
            file: "rst/robust-crlf.rst",
            format: "rst",
            labels: &["1", "2"],
            cited: &["1", "2"],
            uncited: NONE,
            missing: NONE,
            duplicates: &[],
        },
    ]);
}
