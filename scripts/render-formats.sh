#!/bin/sh
# Renders every NN.txt of a corpus folder as a report a portal would publish
# and prints it the ways reports reach us: Chromium print-to-PDF (TrueType
# CID fonts), LibreOffice PDF (CFF fonts) and LibreOffice DOCX, in two page
# styles (ragged 12 pt with paragraph spacing; justified 16 pt 公文 style with
# a fixed 28 pt pitch and no spacing). The results go to OUT/<style>-<producer>/NN.{pdf,docx}
# and are scored against the folder's gold, one line per format:
#   sh scripts/render-formats.sh ../shared/corpus/real /tmp/renders
#   zipin eval --gold ../shared/corpus/real/gold.jsonl /tmp/renders/*-*
# The renderings are for measurement only: they are derived from the corpus
# and are not to be committed.
# Needs: python3, chromium, libreoffice (writer), fonts-wqy-microhei.
set -eu
src=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/fonts.sh"
fonts_conf "$tmp"
for style in ragged justified; do
	mkdir -p "$tmp/$style"
	python3 - "$src" "$tmp/$style" "$style" <<'PY'
import html, os, re, sys
src, dst, style = sys.argv[1:4]
css = {
    "ragged": "body { font-size: 12pt; line-height: 1.5; } p { text-indent: 2em; margin: 0.3em 0; }",
    "justified": "body { font-size: 16pt; } p, h2, h3 { text-indent: 2em; margin: 0; line-height: 28pt; text-align: justify; }",
}[style]
for name in sorted(os.listdir(src)):
    if not name.endswith(".txt"):
        continue
    lines = open(os.path.join(src, name), encoding="utf-8", errors="replace").read().split("\n")
    body, titled = [], False
    for i, l in enumerate(lines):
        s = l.strip()
        if not s:
            continue
        e = html.escape(s)
        # The first short line ending like a report title is the title; 一、
        # and （一） lines are headings, as a portal's page would set them.
        if not titled and i < 8 and len(s) < 60 and re.search(r"(报告|自评表|報告|總結|总结)$", s):
            body.append("<h1>%s</h1>" % e); titled = True
        elif re.match(r"^[一二三四五六七八九十]+、", s) and len(s) < 40:
            body.append("<h2>%s</h2>" % e)
        elif re.match(r"^[（(][一二三四五六七八九十]+[）)]", s) and len(s) < 40:
            body.append("<h3>%s</h3>" % e)
        else:
            body.append("<p>%s</p>" % e)
    page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
            '@page { size: A4; margin: 25mm 22mm; } h1 { font-size: 18pt; text-align: center; } '
            'h2 { font-size: 14pt; } h3 { font-size: 13pt; } ' + css + '</style></head><body>\n'
            + "\n".join(body) + "\n</body></html>\n")
    open(os.path.join(dst, name[:-4] + ".html"), "w", encoding="utf-8").write(page)
PY
	mkdir -p "$out/$style-chromium" "$out/$style-libreoffice" "$out/$style-docx"
	for f in "$tmp/$style"/*.html; do
		FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
			--disable-component-update --no-first-run --user-data-dir="$tmp/profile" --no-pdf-header-footer \
			--print-to-pdf="$out/$style-chromium/$(basename "$f" .html).pdf" "file://$f" 2>/dev/null
	done
	(cd "$tmp/$style" && soffice --headless -env:UserInstallation="file://$tmp/lo" --infilter="HTML (StarWriter)" \
		--convert-to pdf:writer_pdf_Export --outdir "$out/$style-libreoffice" ./*.html >/dev/null 2>&1)
	(cd "$tmp/$style" && soffice --headless -env:UserInstallation="file://$tmp/lo" --infilter="HTML (StarWriter)" \
		--convert-to 'docx:MS Word 2007 XML' --outdir "$out/$style-docx" ./*.html >/dev/null 2>&1)
done
ls "$out"
