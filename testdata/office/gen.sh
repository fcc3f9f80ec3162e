#!/bin/sh
# Regenerates the Office fixtures of testdata/office from testdata/src and
# testdata/office/src. Run from the repository root:
#   sh testdata/office/gen.sh
# Needs Go, and LibreOffice for the converted files
# (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk).
set -eu
out=testdata/office
go run ./$out/gen

command -v soffice >/dev/null || { echo "soffice not found: skipping the LibreOffice fixtures" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lo() { # lo FILTER SOURCE TARGET
	cp "$2" "$tmp/in.${2##*.}"
	soffice -env:UserInstallation=file://$tmp/profile --headless --norestore \
		--convert-to "$1" --outdir "$tmp/out" "$tmp/in.${2##*.}" >/dev/null 2>&1
	mv "$tmp/out/in.${1%%:*}" "$3"
	rm -f "$tmp/in.${2##*.}"
}
lo 'docx:MS Word 2007 XML' $out/src/report.html $out/report-lo.docx
lo 'docx:MS Word 2007 XML' testdata/src/selfeval-table.html $out/selfeval-lo.docx
lo 'docx:MS Word 2007 XML' testdata/src/report-wrap.html $out/wrap-lo.docx
lo 'doc:MS Word 97' testdata/src/selfeval-table.html $out/selfeval.doc
lo 'xls:MS Excel 97' $out/selfeval.xlsx $out/selfeval.xls

chmod 644 $out/*.docx $out/*.xlsx $out/*.html $out/*.doc $out/*.xls
