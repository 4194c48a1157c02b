//! Unit tests of the HTML extractor, one tricky case each.

use super::*;

fn doc(text: &str) -> Document {
    extract(&SourceFile::new("t.html", text))
}

fn labels(d: &Document) -> Vec<&str> {
    d.references.iter().map(|r| r.label.as_str()).collect()
}

fn cited(d: &Document) -> Vec<String> {
    d.citations.iter().flat_map(|c| c.labels()).collect()
}

#[test]
fn wikipedia_markup() {
    let d = doc("<p>A<sup><a href=\"#cite_note-1\">[1]</a></sup> n<sup>2</sup> B<sup><a href=\"#cite_note-1\">[1]</a></sup><sup>[<a href=\"/wiki/CN\">citation needed</a>]</sup></p>\
        <h2>References<span>[edit]</span></h2><ol><li id=\"cite_note-1\"><span>^ <a href=\"#r-a\"><sup>a</sup></a> <a href=\"#r-b\"><sup>b</sup></a></span> Smith (2001) doi:10.1000/xyz</li></ol>");
    assert_eq!(labels(&d), vec!["1"]);
    assert_eq!(cited(&d), vec!["1", "1"]);
    assert_eq!(d.references[0].text, "Smith (2001) doi:10.1000/xyz");
}

#[test]
fn chapter_notes_starting_at_22() {
    let d = doc("<p>Text<sup><a data-type=\"noteref\" href=\"#n22\">22</a></sup> and more.</p>\
        <p data-type=\"footnote\" id=\"n22\"><sup><a href=\"#n22-marker\">22</a></sup>A note &amp; more.</p>");
    assert_eq!(labels(&d), vec!["22"]);
    assert_eq!(cited(&d), vec!["22"]);
    assert_eq!(d.references[0].text, "A note & more.");
}

#[test]
fn pandoc_and_latexml_notes() {
    let d = doc("<p>Claim<a href=\"#fn1\" class=\"footnote-ref\" role=\"doc-noteref\"><sup>1</sup></a> and [<a href=\"#bib.bib2\" class=\"ltx_ref\">2</a>] and <a href=\"#ref3\">[3]</a>.</p>\
        <section class=\"ltx_bibliography\"><ul><li id=\"bib.bib1\">[1] A 2001</li><li id=\"bib.bib2\">[2] B 2002</li><li id=\"bib.bib3\">[3] C 2003</li></ul></section>");
    assert_eq!(labels(&d), vec!["1", "2", "3"]);
    assert_eq!(cited(&d), vec!["1", "2", "3"]);
    assert_eq!(d.references[1].text, "B 2002");
}

#[test]
fn lettered_notes_without_classes_are_recognised_by_their_markers() {
    let d = doc("<p>Fact<sup><a href=\"#cite_note-7\">[a]</a></sup> and claim<sup><a href=\"#cite_note-1\">[1]</a></sup>.</p>\
        <h2>Notes</h2><ol><li id=\"cite_note-7\">A note.</li></ol>\
        <h2>References</h2><ol><li id=\"cite_note-1\">Smith 2001</li></ol>");
    assert_eq!(labels(&d), vec!["a", "1"]);
    assert_eq!(cited(&d), vec!["a", "1"]);
}

#[test]
fn lettered_notes_beside_numbered_references() {
    let d = doc("<p>Fact<sup><a href=\"#cite_note-x\">[a]</a></sup> and claim<sup><a href=\"#cite_note-1\">[1]</a></sup>.</p>\
        <h2>Notes</h2><div class=\"reflist reflist-lower-alpha\"><ol><li id=\"cite_note-x\">A note.</li></ol></div>\
        <h2>References</h2><div class=\"reflist\"><ol><li id=\"cite_note-1\">Smith 2001</li></ol></div>");
    assert_eq!(labels(&d), vec!["a", "1"]);
    assert_eq!(cited(&d), vec!["a", "1"]);
}

#[test]
fn a_bullet_list_of_remarks_under_notes_is_not_a_reference_list() {
    let d = doc("<p>Text.</p><h2>Notes</h2><ul><li>Remember this.</li><li>And that.</li></ul>");
    assert!(d.references.is_empty());
}

#[test]
fn scripts_comments_and_brackets_in_text() {
    let d = doc("<script>var a = \"[9]\";</script><!-- [8] --><p>See [1]&ndash;[2] and <code>x[3]</code>.</p>\
        <div class=\"references\"><ol><li>One 2001</li><li>Two 2002</li></ol></div>");
    assert_eq!(labels(&d), vec!["1", "2"]);
    assert_eq!(cited(&d), vec!["1", "2"]);
}
