#!/usr/bin/env bash
# Render the sample article's HTML report in headless Chromium and keep a screenshot
# to look at: target/tmp/browser/report.png. The same check runs in `cargo test`
# (tests/browser/main.rs); this script is for a human who wants to see the page.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --test browser -- --nocapture
echo "screenshot: target/tmp/browser/report.png"
