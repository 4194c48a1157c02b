#!/usr/bin/env python3
"""A local stand-in for the DOI registry and the Crossref REST API, for development.

It serves the real answers recorded in ../shared/corpus/http/ (read when it starts),
so that refcheck can be run on the sample articles without the internet:

    python3 tests/mock_registry.py 8765 &
    cargo run --release -- --doi-resolver http://127.0.0.1:8765 \
        --crossref-api http://127.0.0.1:8765 --no-cache references/flawed-article.txt

Routes (one server plays both endpoints):

- GET /api/handles/{doi}: the handle API; responseCode 1 for a DOI with a record
  below, 100 (HTTP 404) otherwise;
- GET /works/{doi}: the recorded Crossref work, or 404 "Resource not found." for a
  DOI that only has a CSL-JSON record (so refcheck falls back to content negotiation);
- GET /works?query.bibliographic=...: a Crossref search answer whose items are the
  recorded Crossref works sharing the most words with the query (at most three);
- GET /{doi} with Accept: application/vnd.citationstyles.csl+json: the recorded
  CSL-JSON, or 404.

Python 3 standard library only. The corpus directory can be given as the second
argument; by default it is ../shared/corpus relative to the repository.
"""

import json
import os
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# DOI -> (path under corpus/http, format). The same works as
# tests/fixtures/metadata/entries.toml.
RECORDS = {
    "10.1177/0956797614520714": ("crossref/works_10.1177_0956797614520714_retracted.json", "crossref"),
    "10.1371/journal.pone.0033693": ("decoded/habanero/test_works_mixed_ids_warn.01.200.json", "crossref"),
    "10.1371/journal.pone.0020476": ("decoded/habanero/test_works_mixed_ids_warn.03.200.json", "crossref"),
    "10.3389/fgene.2017.00147": ("decoded/rcrossref/cr_works_empty_funder.01.200.json", "crossref"),
    "10.1038/193293a0": ("csl-json/manubot_crossref-winter-scabs.csl.json", "csl"),
    "10.6084/m9.figshare.4724797": ("csl-json/manubot_datacite-thesis.csl.json", "csl"),
    "10.1126/science.169.3946.635": ("decoded/rcrossref/cr_cn_citeproc_json.02.200.json", "csl"),
}

CSL = "application/vnd.citationstyles.csl+json"


def load(corpus):
    http = os.path.join(corpus, "http")
    if not os.path.isdir(http):
        sys.exit(f"mock_registry: {http} is absent; give the corpus directory as the second argument")
    records = {}
    for doi, (path, fmt) in RECORDS.items():
        with open(os.path.join(http, path), "rb") as f:
            records[doi] = (f.read(), fmt)
    return records


def words(text):
    return set(re.findall(r"[a-z0-9]+", text.lower()))


class Handler(BaseHTTPRequestHandler):
    records = {}

    def send(self, status, body, ctype="application/json"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-rate-limit-limit", "50")
        self.send_header("x-rate-limit-interval", "1s")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path.startswith("/api/handles/"):
            doi = path[len("/api/handles/"):].lower()
            if doi in self.records:
                self.send(200, json.dumps({"responseCode": 1, "handle": doi}))
            else:
                self.send(404, json.dumps({"responseCode": 100, "handle": doi}))
        elif path == "/works":
            query = urllib.parse.parse_qs(url.query).get("query.bibliographic", [""])[0]
            self.send(200, self.search(query))
        elif path.startswith("/works/"):
            doi = path[len("/works/"):].lower()
            body, fmt = self.records.get(doi, (None, None))
            if fmt == "crossref":
                self.send(200, body)
            else:
                self.send(404, "Resource not found.", "text/plain")
        else:
            doi = path.lstrip("/").lower()
            body, fmt = self.records.get(doi, (None, None))
            if fmt == "csl" and CSL in self.headers.get("Accept", ""):
                self.send(200, body, CSL)
            else:
                self.send(404, "DOI not found", "text/plain")

    def search(self, query):
        asked = words(query)
        scored = []
        for body, fmt in self.records.values():
            if fmt != "crossref":
                continue
            work = json.loads(body)["message"]
            title = " ".join(work.get("title", []))
            scored.append((len(asked & words(title)), title, work))
        scored.sort(key=lambda s: (-s[0], s[1]))
        items = [w for score, _, w in scored[:3] if score > 0]
        return json.dumps({"status": "ok", "message-type": "work-list",
                           "message": {"total-results": len(items), "items": items}})

    def log_message(self, fmt, *args):
        sys.stderr.write("mock_registry: " + (fmt % args) + "\n")


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "shared", "corpus")
    Handler.records = load(corpus)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sys.stderr.write(f"mock_registry: serving {len(Handler.records)} records on http://127.0.0.1:{port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
