#!/usr/bin/env python3
"""Parse benchmark for the Markdown and HTML extractors.

usage: markdown_html.py [--binary PATH] [--entries N] [--dir DIR] [--keep]

Generates a Markdown and an HTML article of about 50 MB each (100,000 reference
entries by default, markers of every kind spread through the body), then for each:

  * times `refcheck --offline --format json -o OUT FILE` and reads its peak memory
    (maximum resident set size of the child, from os.wait4);
  * times `rg -c '\\[[0-9]+\\]' FILE` on the same file, if ripgrep is installed, as a
    yardstick for "reading the file once";
  * repeats the refcheck run on a quarter-size input, so that the growth factor
    (time at full size / time at a quarter, about 4 when linear) shows that the
    extractor stays linear in its input.

Results are printed as a table; nothing is written outside DIR (a temporary folder
unless given). Build first: `cargo build --release`.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

WORDS = ("the cache keeps recent answers close to the service so that repeated reads "
         "avoid the slow path while eviction decides what is dropped when memory runs "
         "short and measurements show how often that happens in practice").split()


def sentence(i, width=40):
    return " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(width))


def markdown(entries):
    out = ["---", "title: \"Generated benchmark article\"", "---", "", "# A long article", ""]
    for i in range(1, entries + 1):
        j = (i * 7919) % entries + 1
        k = (i * 104729) % entries + 1
        style = i % 4
        if style == 0:
            marker = f"[{i}]"
        elif style == 1:
            marker = f"<sup>{i}</sup>"
        elif style == 2:
            marker = f"[{i}], [{j}]"
        else:
            marker = f"[{i}]–[{min(i + 2, entries)}]"
        out.append(f"{sentence(i, 55)} {marker}. Also `code[{k}]` and *emphasis* here [{k}].")
        out.append("")
        if i % 1000 == 0:
            out.append(f"## Section {i // 1000}")
            out.append("")
            out.append("```text")
            out.append(f"not a marker [{j}] in a code block")
            out.append("```")
            out.append("")
    out.append("## References")
    out.append("")
    for i in range(1, entries + 1):
        out.append(f"{i}. Author{i}, A. ({1950 + i % 70}). Title number {i}. Journal {i % 97}: {i % 300}-{i % 300 + 9}. "
                   f"https://doi.org/10.5555/bench.{i}")
    out.append("")
    return "\n".join(out)


def html(entries):
    out = ["<!DOCTYPE html>", "<html><head><title>Generated</title>",
           "<style>sup { color: red }</style><script>var x = \"[1]\";</script></head><body>",
           "<h1>A long article</h1>"]
    for i in range(1, entries + 1):
        j = (i * 7919) % entries + 1
        cite = f"<sup id=\"cite_ref-{i}\"><a href=\"#cite_note-{i}\">[{i}]</a></sup>"
        more = f"<sup><a href=\"#cite_note-{j}\">[{j}]</a></sup>"
        out.append(f"<p>{sentence(i, 26)} &amp; more{cite}. Text <code>a[{j}]</code> "
                   f"and <i>emphasis</i> [{j}]{more}.</p>")
        if i % 1000 == 0:
            out.append(f"<h2>Section {i // 1000}</h2><!-- a comment [{j}] -->")
    out.append("<h2>References</h2>")
    out.append("<div class=\"reflist\"><ol class=\"references\">")
    for i in range(1, entries + 1):
        out.append(f"<li id=\"cite_note-{i}\"><span><b><a href=\"#cite_ref-{i}\">^</a></b></span> "
                   f"<cite>Author{i}, A. ({1950 + i % 70}). <i>Title number {i}</i>. Journal {i % 97}. "
                   f"doi:10.5555/bench.{i}</cite></li>")
    out.append("</ol></div></body></html>")
    return "\n".join(out)


def run_measured(cmd):
    """Wall time in seconds and the child's own peak RSS in MiB (os.wait4 rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed with exit status {code}")
    return elapsed, usage.ru_maxrss / 1024.0


def best_of(n, cmd):
    runs = [run_measured(cmd) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_bin = os.path.normpath(os.path.join(here, "..", "..", "target", "release", "refcheck"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=default_bin)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--dir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")
    workdir = args.dir or tempfile.mkdtemp(prefix="refcheck-bench-")
    os.makedirs(workdir, exist_ok=True)
    rg = shutil.which("rg")
    rows = []
    try:
        for name, gen, ext in (("markdown", markdown, "md"), ("html", html, "html")):
            sizes = {}
            for label, n in (("full", args.entries), ("quarter", max(args.entries // 4, 1))):
                path = os.path.join(workdir, f"bench-{label}.{ext}")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(gen(n))
                out = os.path.join(workdir, f"bench-{label}.{ext}.json")
                t, mem = best_of(args.repeat, [args.binary, "--offline", "--format", "json", "-o", out, path])
                sizes[label] = (os.path.getsize(path), t, mem, path)
            size, t, mem, path = sizes["full"]
            rg_t = best_of(args.repeat, [rg, "-c", r"\[[0-9]+\]", path])[0] if rg else None
            growth = t / sizes["quarter"][1] if sizes["quarter"][1] > 0 else float("nan")
            rows.append((name, size, t, mem, rg_t, growth))
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{'format':<9} {'size MB':>8} {'refcheck s':>10} {'MB/s':>7} {'peak MiB':>9} {'mem/input':>9} "
          f"{'rg s':>6} {'vs rg':>6} {'x4 input':>9}")
    for name, size, t, mem, rg_t, growth in rows:
        mb = size / 1e6
        rg_col = f"{rg_t:6.2f}" if rg_t is not None else "   n/a"
        ratio = f"{t / rg_t:6.1f}" if rg_t else "   n/a"
        print(f"{name:<9} {mb:8.1f} {t:10.2f} {mb / t:7.1f} {mem:9.0f} {mem / (size / 2**20):9.2f} "
              f"{rg_col} {ratio} {growth:9.2f}")
    print("x4 input: time at full size / time at a quarter of it (about 4 when linear)")


if __name__ == "__main__":
    main()
