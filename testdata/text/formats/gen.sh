#!/bin/sh
# Renders the headline fixtures written as HTML (testdata/text/headline,
# testdata/text/heldout) to DOCX through LibreOffice and to PDF through
# Chromium, so the facts tests read the same tables through the DOCX and PDF
# readers. Needs chromium, libreoffice (writer), fonts-wqy-microhei.
# Run from the repository root: sh testdata/text/formats/gen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/../../../scripts/lib/fonts.sh"
fonts_conf "$tmp"
for f in "$here/../headline/grid-table.html" "$here/../heldout/grid-units.html"; do
	name=$(basename "$f" .html)
	FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$tmp/profile" \
		--no-pdf-header-footer --print-to-pdf="$here/$name.pdf" "file://$f" 2>/dev/null
	cp "$f" "$tmp/$name.html"
	soffice -env:UserInstallation="file://$tmp/lo" --headless --norestore --infilter="HTML (StarWriter)" \
		--convert-to 'docx:MS Word 2007 XML' --outdir "$tmp/out" "$tmp/$name.html" >/dev/null 2>&1
	mv "$tmp/out/$name.docx" "$here/$name.docx"
done
chmod 644 "$here"/*.pdf "$here"/*.docx
