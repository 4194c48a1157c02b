//! Real JSON reports validate against `schema/report-v1.json`, and the schema is
//! strict enough to reject a report that breaks the contract.

use assert_cmd::Command;
use refcheck::diagnostic::Code;
use serde_json::{json, Value};
use std::path::Path;

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.json");
    let text = std::fs::read_to_string(path).expect("schema/report-v1.json exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn violations(v: &jsonschema::Validator, report: &Value) -> Vec<String> {
    v.iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn report(args: &[&str]) -> Value {
    let out = Command::cargo_bin("refcheck")
        .expect("binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--offline", "--no-progress", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("a JSON report on standard output")
}

#[test]
fn real_reports_validate() {
    let v = validator();
    let runs: &[&[&str]] = &[
        &["tests/fixtures/reports/sample.txt"],
        &["tests/fixtures/reports"],
        &[
            "tests/fixtures/reports/clean.txt",
            "tests/fixtures/reports/no-such-article.txt",
        ],
        &[
            "--allow",
            "missing-identifier",
            "tests/fixtures/reports/clean.txt",
        ],
    ];
    for args in runs {
        let r = report(args);
        let errors = violations(&v, &r);
        assert!(
            errors.is_empty(),
            "refcheck {args:?}:\n{}",
            errors.join("\n")
        );
    }
    // The runs above cover what the schema describes.
    let full = report(&["tests/fixtures/reports"]);
    assert!(full["files"].as_array().is_some_and(|f| f.len() >= 5));
    assert!(full["findings"].as_array().is_some_and(|f| !f.is_empty()));
    let with_error = report(&["tests/fixtures/reports/no-such-article.txt"]);
    assert_eq!(
        with_error["errors"][0]["path"],
        "tests/fixtures/reports/no-such-article.txt"
    );
}

#[test]
fn every_code_fits_the_schema() {
    let v = validator();
    for code in Code::ALL {
        let mut r = report(&["tests/fixtures/reports/error.txt"]);
        r["findings"][0]["code"] = json!(code.as_str());
        assert!(violations(&v, &r).is_empty(), "{code}");
    }
}

/// A change that makes a report break the contract.
type Breakage = Box<dyn Fn(&mut Value)>;

#[test]
fn the_schema_rejects_broken_reports() {
    let v = validator();
    let good = report(&["tests/fixtures/reports/sample.txt"]);
    let breakages: Vec<(&str, Breakage)> = vec![
        (
            "schema_version",
            Box::new(|r| r["schema_version"] = json!(2)),
        ),
        (
            "summary",
            Box::new(|r| drop(r.as_object_mut().map(|o| o.remove("summary")))),
        ),
        (
            "severity",
            Box::new(|r| r["findings"][0]["severity"] = json!("fatal")),
        ),
        ("line", Box::new(|r| r["findings"][0]["line"] = json!(0))),
        (
            "status",
            Box::new(|r| {
                r["files"][0]["references"][0]["identifiers"] =
                    json!([{"kind": "doi", "value": "10.1/x", "status": "fine"}])
            }),
        ),
        (
            "labels",
            Box::new(|r| r["files"][0]["citations"][0]["labels"] = json!([1])),
        ),
    ];
    for (what, breakage) in breakages {
        let mut r = good.clone();
        breakage(&mut r);
        assert!(
            !violations(&v, &r).is_empty(),
            "a report with a broken {what} was accepted"
        );
    }
    // New fields are allowed within version 1.
    let mut r = good.clone();
    r["files"][0]["references"][0]["metadata"] = json!({"title": "A"});
    r["future"] = json!(true);
    assert!(violations(&v, &r).is_empty());
}
