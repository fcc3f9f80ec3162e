#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh Debian
# machine, then runs every test. CI calls exactly this.
#
#   chromium                       the review page's browser test
#   poppler-utils                  pdftoppm for OCR, pdftotext for comparisons
#   tesseract-ocr(-chi-sim)        OCR of scanned PDF pages
#   libreoffice-*-nogui            .doc/.wps/.xls/.et conversion
#   fonts-noto-cjk                 CJK glyphs in screenshots and conversions
#   qpdf                           AES-256 PDFs with an empty password
#   versitygw (Go module proxy)    the S3 server of the object-storage tests
#   nodejs-polars (npm)            runs the analysts' queries of docs/scale-out.md
#                                  on that server (scripts/lib/polars.sh)
#
# Tests that need one of these skip with a message naming the package when it
# is missing (a corpus document that needs tesseract skips alone), so a
# machine without root still runs the rest; with CI set they fail instead
# (internal/testenv's Missing and Tool).
#
# The default `go test ./...` leaves out the slow, thorough tests (SIGKILL at
# random points of an import, LibreOffice conversions repeated per format,
# gse's whole dictionary against the per-sentence one); this script turns
# them on with ZIPIN_SLOW=1 (internal/testenv). The shared corpus is read from
# ZIPIN_CORPUS (default ../shared/corpus); with CI set, a missing corpus
# fails its tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

# The S3 server of the object-storage tests builds while the packages
# install (scripts/lib/s3.sh); it is started just before the tests.
source scripts/lib/s3.sh
source scripts/lib/polars.sh
trap s3_stop EXIT
s3_build_start

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || need+=(chromium)
have pdftoppm || need+=(poppler-utils)
have tesseract || need+=(tesseract-ocr tesseract-ocr-chi-sim)
[ -e /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/chi_sim.traineddata ] || need+=(tesseract-ocr-chi-sim)
have soffice || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
have qpdf || need+=(qpdf)
have node || need+=(nodejs)
have npm || need+=(npm)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "installing test dependencies: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "not installing ${need[*]} (needs root and apt-get); the tests that use them will skip (fail in CI)"
  fi
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
export ZIPIN_SLOW=1
# The S3 tests (dataset.Sink on object storage) run against versitygw on
# loopback, built once and cached (scripts/lib/s3.sh); without it they skip,
# or fail when CI is set.
s3_start || echo "no S3 server: the S3 tests will skip (fail in CI)" >&2
# Polars reads the bucket as an analyst would (DuckDB's httpfs cannot be had
# offline); installed from npm once and cached, like versitygw.
polars_install || echo "no nodejs-polars: the test of the analysts' queries will skip (fail in CI)" >&2
# The duckdb tag builds `zipin query` and its tests (cgo, embedded DuckDB).
# -timeout: the slow tests (ZIPIN_SLOW) of one package can pass Go's default
# 10 minutes on a loaded 2-core machine; a hang still ends the run.
go test -tags duckdb -count=1 -timeout 30m ./...
