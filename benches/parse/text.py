#!/usr/bin/env python3
"""Parse benchmark for plain-text articles (see README.md in this folder).

Generates a ~50 MB article with 100,000 numbered entries and markers throughout the
body, then times the whole process as a user runs it,

    refcheck --offline --format json -o OUT big.txt

beside a plain marker scan by ripgrep on the same file,

    rg -o '\\[[0-9][^]]*\\]' big.txt > OUT2

and prints both times, their ratio, refcheck's peak memory as a multiple of the file
size, and whether every entry was found. Best of --runs runs each.
"""
import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

WORDS = ("the of and to in a is that for it as was with be by on not he this are or "
         "his from at which but have an they you were her she there been one all "
         "would their we him has when who more no if out so said what up its about "
         "into than them can only other new some could time these two may then do "
         "first any my now such like our over man me even most made after also did "
         "many before must through back years where much your way well down should "
         "because each just those people how too little state good very make world").split()


def generate(path, entries, seed=7):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write("A very long article\n\n")
        n = 1
        while n <= entries:
            words = " ".join(rnd.choice(WORDS) for _ in range(130))
            cites = []
            for _ in range(3):
                if n > entries:
                    break
                if rnd.random() < 0.2 and n + 2 <= entries:
                    cites.append("[%d–%d]" % (n, n + 2))
                    n += 3
                else:
                    cites.append("[%d]" % n)
                    n += 1
            f.write("%s %s. More %s %s.\n\n" % (words.capitalize(), cites[0] if cites else "",
                                                 " ".join(rnd.choice(WORDS) for _ in range(70)),
                                                 " ".join(cites[1:])))
        f.write("References\n\n")
        for i in range(1, entries + 1):
            a, b = rnd.choice(WORDS).capitalize(), rnd.choice(WORDS).capitalize()
            title = " ".join(rnd.choice(WORDS) for _ in range(22))
            f.write("%d. %s A, %s B. %s. Journal of %s. %d;%d(%d):%d-%d. doi:10.%d/j.%d.%d\n"
                    % (i, a, b, title.capitalize(), rnd.choice(WORDS).capitalize(),
                       rnd.randint(1950, 2025), rnd.randint(1, 90), rnd.randint(1, 12),
                       rnd.randint(1, 500), rnd.randint(501, 999), rnd.randint(1000, 9999), i,
                       rnd.randint(1, 10 ** 6)))


def timed(cmd, stdout=None):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
    return time.perf_counter() - t0, proc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refcheck", default="target/release/refcheck")
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rg = shutil.which("rg")
    if not os.path.exists(args.refcheck):
        sys.exit("build first: cargo build --release (looked for %s)" % args.refcheck)
    tmp = tempfile.mkdtemp(prefix="refcheck-bench-")
    big = os.path.join(tmp, "big.txt")
    generate(big, args.entries)
    size = os.path.getsize(big)
    out = os.path.join(tmp, "out.json")
    best_rc = min(timed([args.refcheck, "--offline", "--format", "json", "-o", out, big])[0]
                  for _ in range(args.runs))
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, encoding="utf-8") as f:
        report = json.load(f)
    found = len(report["files"][0]["references"])
    uncited = sum(1 for x in report["findings"] if x["code"] == "uncited-reference")
    print("input: %.1f MB, %d entries" % (size / 1e6, args.entries))
    print("refcheck --offline --format json: %.3f s (best of %d)" % (best_rc, args.runs))
    print("refcheck peak memory: %.1f MB = %.2f x the file size" % (peak_kib / 1024, peak_kib * 1024 / size))
    print("entries found: %d of %d (%s); uncited: %d" % (found, args.entries,
                                                       "all" if found == args.entries else "MISSING", uncited))
    if rg:
        with open(os.path.join(tmp, "out2.txt"), "w") as sink:
            best_rg = min(timed([rg, "-o", r"\[[0-9][^]]*\]", big], stdout=sink)[0] for _ in range(args.runs))
        print("rg -o marker scan: %.3f s (best of %d)" % (best_rg, args.runs))
        print("ratio refcheck / rg: %.2f (target <= 3)" % (best_rc / best_rg))
    else:
        print("rg not installed (apt-get install ripgrep): no ratio")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
