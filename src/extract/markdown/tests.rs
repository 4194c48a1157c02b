//! Unit tests of the Markdown extractor, one tricky case each.

use super::*;

fn doc(text: &str) -> Document {
    extract(&SourceFile::new("t.md", text))
}

fn labels(d: &Document) -> Vec<&str> {
    d.references.iter().map(|r| r.label.as_str()).collect()
}

fn cited(d: &Document) -> Vec<String> {
    d.citations.iter().flat_map(|c| c.labels()).collect()
}

#[test]
fn footnotes_defined_undefined_and_twice() {
    let d = doc("Text[^a] and [^b] and [^gone].\n\n[^a]: First.\n[^b]: Second.\n[^b]: Again.\n");
    assert_eq!(labels(&d), vec!["a", "b", "b"]);
    assert_eq!(cited(&d), vec!["a", "b", "gone"]);
    let gone = &d.citations[2];
    assert_eq!(&d.citations[2].text, "[^gone]");
    assert_eq!(gone.span.start, "Text[^a] and [^b] and ".len());
}

#[test]
fn code_comments_and_own_target_links_are_not_markers() {
    let d = doc("Real [1] and `x[2]` and [[3]](https://e.org).\n\n```\ny [4]\n```\n\n<!--\n[^1]: hidden\n-->\n\n## References\n\n1. Smith 2001\n");
    assert_eq!(cited(&d), vec!["1"]);
    assert_eq!(labels(&d), vec!["1"]);
}

#[test]
fn sup_markers_and_note_lines() {
    let d = doc("Shown before.<sup>1,2</sup> But n<sup>2</sup> is maths.\n\n<sup>1</sup>example.org/a  \n<sup>2</sup>example.org/b\n");
    assert_eq!(labels(&d), vec!["1", "2"]);
    assert_eq!(cited(&d), vec!["1", "2"]);
}

#[test]
fn in_page_links_and_linked_superscripts() {
    let d = doc("One[\\[1\\]](#ref-1), two[2](#fn2), three<sup>[3](#fn3)</sup>, not [4](#section-4).\n\n## Notes\n\n1. A 2001\n2. B 2002\n3. C 2003\n4. D 2004\n");
    assert_eq!(cited(&d), vec!["1", "2", "3"]);
}

#[test]
fn decorated_paragraph_entries() {
    let d = doc("See [1] and [2].\n\n## References\n\n**[1]** A 2001\n\n2\\. B 2002\n");
    assert_eq!(labels(&d), vec!["1", "2"]);
}

#[test]
fn footnotes_beside_a_numbered_list_keep_their_caret() {
    let d = doc("A[^1] and [1].\n\n[^1]: A remark.\n\n## References\n\n1. Smith 2001\n");
    assert_eq!(labels(&d), vec!["^1", "1"]);
    assert_eq!(cited(&d), vec!["^1", "1"]);
}

#[test]
fn a_wrapped_line_that_opens_with_a_superscript_is_prose() {
    let d =
        doc("The effect was shown\n<sup>1</sup> in two studies.\n\n## Notes\n\n1. Smith 2001\n");
    assert_eq!(labels(&d), vec!["1"]);
    assert_eq!(cited(&d), vec!["1"]);
}

#[test]
fn collapsed_reference_links() {
    let d = doc(
        "As shown[1][][2][].\n\n[1]: https://a.example/x\n[2]: https://b.example/y\n[top]: #top\n",
    );
    assert_eq!(labels(&d), vec!["1", "2"]);
    assert_eq!(cited(&d), vec!["1", "2"]);
}

#[test]
fn bracketed_paragraph_entries_under_a_heading() {
    let d =
        doc("Uses [1] and [2].\n\n## References\n\n[1] A: [T](https://a.example)\n\n[2] B 2001\n");
    assert_eq!(labels(&d), vec!["1", "2"]);
    assert_eq!(cited(&d), vec!["1", "2"]);
    assert_eq!(d.references[1].text, "B 2001");
}
