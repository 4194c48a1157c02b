//! `--format html`: one self-contained page for a reviewer auditing a manuscript.
//!
//! The page needs nothing but itself: styles are inline, there are no scripts, fonts
//! or images, and a Content-Security-Policy forbids loading or running anything, so
//! it can be mailed, archived or opened from a CI artifact as it is. It shows the
//! totals at the top, then for each file the findings in the running text and every
//! reference in list order: where it is cited (line numbers), its identifiers with
//! their status as a coloured badge, what the registry said about them beside the
//! entry, and the entry's own findings.
//!
//! Every piece of text that comes from an article or the network goes through
//! [`escape_markup`](super::escape_markup), so a reference holding `<script>` is shown, never run.

use super::{escape_markup as escape, position, reference_at, FileReport, Report};
use crate::diagnostic::{Finding, Severity};
use crate::model::{Reference, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

const STYLE: &str = r#"
:root { --error: #b42318; --warning: #b54708; --note: #475467; --ok: #067647; --info: #175cd3; --line: #eaecf0; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #101828; margin: 0; background: #f9fafb; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.muted { color: #667085; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.stat b { display: block; font-size: 22px; }
.stat.error b { color: var(--error); } .stat.warning b { color: var(--warning); } .stat.note b { color: var(--note); }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ol.refs { list-style: none; padding: 0; margin: 0; }
.ref { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 6px; padding: 12px 16px; margin: 0 0 10px; }
.ref.error { border-left-color: var(--error); } .ref.warning { border-left-color: var(--warning); } .ref.note { border-left-color: var(--note); }
@media (max-width: 760px) { .ref { grid-template-columns: 1fr; } }
.label { font-weight: 700; margin-right: 6px; }
.text { margin: 4px 0; overflow-wrap: anywhere; }
ul.ids, ul.findings { list-style: none; padding: 0; margin: 6px 0 0; }
ul.ids li { margin: 2px 0; }
.badge { display: inline-block; min-width: 86px; text-align: center; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; color: #fff; background: var(--note); margin-right: 6px; }
.badge.ok { background: var(--ok); } .badge.redirected { background: var(--info); }
.badge.broken, .badge.not-found, .badge.invalid { background: var(--error); }
.badge.unverifiable { background: var(--warning); } .badge.skipped, .badge.unchecked { background: #98a2b3; }
.finding { border-radius: 4px; padding: 4px 8px; margin: 4px 0; background: #f2f4f7; }
.finding.error { background: #fef3f2; } .finding.warning { background: #fffaeb; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 12px; margin-right: 6px; }
.finding.error .sev { color: var(--error); } .finding.warning .sev { color: var(--warning); } .finding.note .sev { color: var(--note); }
.help { display: block; color: #475467; font-size: 14px; }
aside.meta { border-left: 1px dashed var(--line); padding-left: 12px; font-size: 14px; }
aside.meta h4 { margin: 0 0 4px; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #667085; }
aside.meta dl { margin: 0; } aside.meta dt { font-weight: 600; margin-top: 6px; overflow-wrap: anywhere; } aside.meta dd { margin: 0 0 0 8px; overflow-wrap: anywhere; }
footer { padding: 24px; color: #667085; font-size: 13px; }
"#;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn finding_html(html: &mut String, report: &Report, f: &Finding) {
    let (_, line, col) = position(report, f);
    let _ = write!(
        html,
        "<li class=\"finding {0}\"><span class=\"sev\">{0}</span><code>{1}</code> {2} <span class=\"muted\">(line {line}:{col})</span>",
        f.severity.as_str(),
        f.code.as_str(),
        escape(&f.message)
    );
    if let Some(help) = &f.help {
        let _ = write!(html, "<span class=\"help\">help: {}</span>", escape(help));
    }
    html.push_str("</li>\n");
}

/// The lines each label is cited on, in document order.
fn cited_lines(file: &FileReport) -> BTreeMap<String, Vec<usize>> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for c in &file.document.citations {
        let line = file.source.line_col(c.span.start).0;
        for label in c.labels() {
            let lines = map.entry(label).or_default();
            if lines.last() != Some(&line) {
                lines.push(line);
            }
        }
    }
    map
}

/// What resolution learnt about the entry's identifiers, shown beside it.
///
/// This is the place for the registered metadata (title, authors, year, retraction
/// notices) once resolution records it; today it shows the fields a [`Resolution`]
/// carries: the status, the reason, the HTTP status and where a redirect points.
///
/// [`Resolution`]: crate::model::Resolution
fn metadata_html(html: &mut String, report: &Report, reference: &Reference) {
    html.push_str("<aside class=\"meta\"><h4>Registered metadata</h4>");
    let fetched: Vec<_> = reference
        .identifiers
        .iter()
        .filter_map(|id| report.resolution_of(id).map(|r| (id, r)))
        .collect();
    if fetched.is_empty() {
        html.push_str(
            "<p class=\"muted\">Not fetched (offline, excluded, or no identifier).</p></aside>\n",
        );
        return;
    }
    html.push_str("<dl>");
    for (id, res) in fetched {
        let _ = write!(
            html,
            "<dt>{} {}</dt><dd>{}",
            id.kind.as_str(),
            escape(&id.value),
            res.status().as_str()
        );
        if let Some(code) = res.http_status {
            let _ = write!(html, ", HTTP {code}");
        }
        // "HTTP 404" as a reason says nothing the status did not.
        let said = res.http_status.map(|c| format!("HTTP {c}"));
        if let Some(reason) = res
            .reason
            .as_ref()
            .filter(|r| Some(r.as_str()) != said.as_deref())
        {
            let _ = write!(html, ": {}", escape(reason));
        }
        if let Some(to) = &res.redirect {
            let _ = write!(html, "<br>now at <code>{}</code>", escape(to));
        }
        html.push_str("</dd>");
    }
    html.push_str("</dl></aside>\n");
}

fn reference_html(
    html: &mut String,
    report: &Report,
    file_index: usize,
    k: usize,
    findings: &[&Finding],
    cited: &BTreeMap<String, Vec<usize>>,
) {
    let file = &report.files[file_index];
    let r = &file.document.references[k];
    let worst = findings.iter().map(|f| f.severity).max();
    let _ = write!(
        html,
        "<li class=\"ref {}\" id=\"f{file_index}-ref-{k}\"><div class=\"entry\"><span class=\"label\">[{}]</span>",
        worst.map_or("clean", Severity::as_str),
        escape(&r.label)
    );
    match cited.get(&r.label) {
        Some(lines) if !lines.is_empty() => {
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            let word = if lines.len() == 1 { "line" } else { "lines" };
            let _ = write!(
                html,
                "<span class=\"muted\">cited on {word} {}</span>",
                lines.join(", ")
            );
        }
        _ => html.push_str("<span class=\"muted\">never cited</span>"),
    }
    let line = file.source.line_col(r.span.start).0;
    let _ = write!(
        html,
        " <span class=\"muted\">· entry on line {line}</span><p class=\"text\">{}</p>",
        escape(&r.text)
    );
    if !r.identifiers.is_empty() {
        html.push_str("<ul class=\"ids\">");
        for id in &r.identifiers {
            let status: Status = report.status_of(id);
            let _ = write!(
                html,
                "<li><span class=\"badge {0}\">{0}</span>{1} <code>{2}</code>",
                status.as_str(),
                id.kind.as_str(),
                escape(&id.value)
            );
            if let Some(problem) = &id.problem {
                let _ = write!(html, " <span class=\"muted\">{}</span>", escape(problem));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    if !findings.is_empty() {
        html.push_str("<ul class=\"findings\">\n");
        for f in findings {
            finding_html(html, report, f);
        }
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    metadata_html(html, report, r);
    html.push_str("</li>\n");
}

fn file_html(html: &mut String, report: &Report, i: usize) {
    let file = &report.files[i];
    let refs = &file.document.references;
    let mut owned: Vec<Vec<&Finding>> = vec![Vec::new(); refs.len()];
    let mut in_text = Vec::new();
    for f in report.findings.iter().filter(|f| f.file == i) {
        match reference_at(file, f.span.start) {
            Some(k) => owned[k].push(f),
            None => in_text.push(f),
        }
    }
    let _ = writeln!(
        html,
        "<section class=\"file\" id=\"f{i}\"><h2>{} <span class=\"muted\">({})</span></h2>",
        escape(&file.source.display_path()),
        file.document.format.as_str()
    );
    if !in_text.is_empty() {
        let _ = writeln!(
            html,
            "<h3>Findings in the text ({})</h3><ul class=\"findings\">",
            in_text.len()
        );
        for f in in_text {
            finding_html(html, report, f);
        }
        html.push_str("</ul>\n");
    }
    let _ = writeln!(html, "<h3>References ({})</h3>", refs.len());
    if refs.is_empty() {
        html.push_str("<p class=\"muted\">No reference list was found.</p>\n");
    } else {
        html.push_str("<ol class=\"refs\">\n");
        let cited = cited_lines(file);
        for (k, findings) in owned.iter().enumerate() {
            reference_html(html, report, i, k, findings, &cited);
        }
        html.push_str("</ol>\n");
    }
    html.push_str("</section>\n");
}

fn summary_html(html: &mut String, report: &Report) {
    let s = report.summary();
    html.push_str("<div class=\"summary\">");
    for (class, n, one, many) in [
        ("", s.files, "file", "files"),
        ("", s.references, "reference", "references"),
        ("", s.citations, "citation", "citations"),
        ("error", s.errors, "error", "errors"),
        ("warning", s.warnings, "warning", "warnings"),
        ("note", s.notes, "note", "notes"),
    ] {
        let _ = write!(
            html,
            "<div class=\"stat {class}\"><b>{n}</b>{}</div>",
            if n == 1 { one } else { many }
        );
    }
    html.push_str("</div>\n");
    if report.files.len() > 1 {
        html.push_str("<table><tr><th>File</th><th>References</th><th>Citations</th><th>Errors</th><th>Warnings</th><th>Notes</th></tr>\n");
        for (i, file) in report.files.iter().enumerate() {
            let count = |sev: Severity| report.count_in(i, sev);
            let _ = writeln!(
                html,
                "<tr><td><a href=\"#f{i}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&file.source.display_path()),
                file.document.references.len(),
                file.document.citations.len(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Note)
            );
        }
        html.push_str("</table>\n");
    }
}

/// Write the HTML page.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary();
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    html.push_str("<title>refcheck report</title>\n<style>");
    html.push_str(STYLE);
    html.push_str("</style>\n</head>\n<body>\n<header>\n<h1>refcheck report</h1>\n");
    let _ = writeln!(
        html,
        "<p class=\"muted\">{}, {}, {} in {}.</p>",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes"),
        plural(s.files, "file", "files")
    );
    summary_html(&mut html, report);
    html.push_str("</header>\n<main>\n");
    if !report.errors.is_empty() {
        html.push_str(
            "<section class=\"file\"><h2>Could not be read</h2><ul class=\"findings\">\n",
        );
        for e in &report.errors {
            let _ = writeln!(
                html,
                "<li class=\"finding error\"><span class=\"sev\">error</span><code>{}</code> {}</li>",
                escape(&e.path),
                escape(&e.message)
            );
        }
        html.push_str("</ul></section>\n");
    }
    for i in 0..report.files.len() {
        file_html(&mut html, report, i);
    }
    let _ = writeln!(
        html,
        "</main>\n<footer>Made by refcheck {}. Run <code>refcheck --explain CODE</code> to learn what a finding means.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    let mut out = io::BufWriter::new(out);
    out.write_all(html.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_sources, Options, SourceFile};

    #[test]
    fn article_text_is_escaped() {
        assert_eq!(
            escape("<script>a('x') & \"b\"</script>"),
            "&lt;script&gt;a(&#39;x&#39;) &amp; &quot;b&quot;&lt;/script&gt;"
        );
        let text = "See [1].\n\nReferences\n1. Smith (2001). <script>document.title='x'</script> <img src=x onerror=alert(1)>\n";
        let report = check_sources(
            vec![SourceFile::new("<b>.txt", text)],
            Vec::new(),
            &Options::default(),
        );
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>.txt"));
        assert!(page.contains("&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;"));
    }
}
