#!/bin/sh
# Regenerates the PDF reader's fixtures from testdata/src/*.html and the
# sources here. Needs: chromium, libreoffice (writer), poppler-utils, ghostscript,
# qpdf, fonts-noto-cjk, python3-fonttools (Debian package names).
# Run from the repository root: sh testdata/pdf/gen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../src" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Chromium embeds TrueType (glyf) fonts as Identity-H CIDFonts, the set-up
# closest to Word/WPS output; the CFF Noto CJK fonts would come out as
# Type 3. A private fontconfig offers it only WenQuanYi Micro Hei
# (fonts-wqy-microhei), whatever family the page asks for.
. "$here/../../scripts/lib/fonts.sh"
fonts_conf "$tmp"
chrome() { # chrome in.html out.pdf
	FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$tmp/profile" \
		--no-pdf-header-footer --print-to-pdf="$2" "file://$1" 2>/dev/null
}
chrome_print() { # chrome_print in.html out.pdf: with the browser's own header and footer (date, title, address, 1/1)
	FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$tmp/profile" \
		--print-to-pdf="$2" "file://$1" 2>/dev/null
}
office() { # office in.html out.pdf
	# LibreOffice's HTML import ignores CSS cell borders; the border
	# attribute gives the same ruled table. Text and structure are unchanged.
	sed 's/<table>/<table border="1" cellspacing="0" cellpadding="2">/' "$1" >"$tmp/lo-in.html"
	soffice --headless -env:UserInstallation="file://$tmp/lo" --infilter="HTML (StarWriter)" \
		--convert-to pdf:writer_pdf_Export --outdir "$tmp" "$tmp/lo-in.html" >/dev/null 2>&1
	mv "$tmp/lo-in.pdf" "$2"
}

# The canonical 自评表 from five producers.
chrome "$src/selfeval-table.html" "$here/table-chromium.pdf"
office "$src/selfeval-table.html" "$here/table-libreoffice.pdf"
pdftocairo -pdf "$here/table-chromium.pdf" "$here/table-cairo.pdf"
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -o "$here/table-gs.pdf" "$here/table-libreoffice.pdf"
# Form XObject wrapper: qpdf puts the underlay page's content in a Form XObject.
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sPAPERSIZE=a4 -o "$tmp/blank.pdf" -c showpage
qpdf "$tmp/blank.pdf" --underlay "$here/table-chromium.pdf" -- "$here/table-xobject.pdf"

# The report: Chromium (running header and "- n -" page numbers from @page
# margin boxes), LibreOffice.
chrome "$src/report-pdf.html" "$here/report-chromium.pdf"
office "$src/report-pdf.html" "$here/report-libreoffice.pdf"
# Line joins and paragraphs: every paragraph of the source is one line of
# text, however each producer wraps it.
chrome "$src/report-wrap.html" "$here/wrap-chromium.pdf"
office "$src/report-wrap.html" "$here/wrap-libreoffice.pdf"
chrome_print "$src/report-wrap.html" "$here/wrap-chromium-print.pdf"
chrome "$src/report-pagebreak.html" "$here/pagebreak-chromium.pdf"
office "$src/report-pagebreak.html" "$here/pagebreak-libreoffice.pdf"
chrome "$here/src-twocol.html" "$here/twocol-chromium.pdf"
chrome "$here/src-longtable.html" "$here/longtable-chromium.pdf"

# Object streams (PDF 1.5, as Word writes them), for the xref repair test.
qpdf --object-streams=generate "$here/table-libreoffice.pdf" "$here/table-objstm.pdf"

# Encryption: empty user password (opens), and a real one (quarantined).
qpdf --encrypt "" owner 128 --use-aes=y -- "$here/table-libreoffice.pdf" "$here/enc-empty-user.pdf"
qpdf --encrypt secret owner 128 --use-aes=y -- "$here/table-libreoffice.pdf" "$here/enc-user.pdf"
qpdf --encrypt "" owner 256 -- "$here/table-libreoffice.pdf" "$here/enc256-empty-user.pdf"
# The schemes the library got wrong: RC4 with a 40-bit and a 128-bit key,
# AES-128 with /EncryptMetadata false (all with an empty user password),
# and RC4 40-bit with a real password (quarantined).
qpdf --allow-weak-crypto --encrypt "" owner 40 -- "$here/table-libreoffice.pdf" "$here/enc-rc4-40.pdf"
qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=n -- "$here/table-libreoffice.pdf" "$here/enc-rc4-128.pdf"
qpdf --encrypt "" owner 128 --use-aes=y --cleartext-metadata -- "$here/table-libreoffice.pdf" "$here/enc-aes128-clearmeta.pdf"
qpdf --allow-weak-crypto --encrypt secret owner 40 -- "$here/table-libreoffice.pdf" "$here/enc-rc4-40-user.pdf"
qpdf --encrypt secret owner 256 -- "$here/table-libreoffice.pdf" "$here/enc256-user.pdf"

# A scanned page: the top of the two-column page rendered to a JPEG and
# wrapped as an image-only PDF (cropped so that OCR in the tests stays quick).
pdftoppm -r 150 -gray -jpeg -singlefile -f 1 -l 1 -x 0 -y 0 -W 1240 -H 420 "$here/twocol-chromium.pdf" "$tmp/scan"
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -o "$here/scan.pdf" \
	--permit-file-read="$tmp/" viewjpeg.ps -c "($tmp/scan.jpg) viewJPEG showpage"

# A TrueType subset with a cmap for the byte-built Identity-H test (font_test.go).
/usr/bin/python3 - "$here/subset.ttf" <<'PY'
import sys
from fontTools import subset
from fontTools.ttLib import TTFont
src = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
text = "项目支出绩效自评表得分预算执行率"
opts = subset.Options(); opts.font_number = 0; opts.name_IDs = []; opts.notdef_outline = True
f = TTFont(src, fontNumber=0)
s = subset.Subsetter(opts); s.populate(text=text); s.subset(f)
f.save(sys.argv[1])
# The glyph ids, written independently of zipin's cmap parser, for the test.
f = TTFont(sys.argv[1])
cmap, order = f.getBestCmap(), f.getGlyphOrder()
with open(sys.argv[1].replace(".ttf", "-gids.txt"), "w") as out:
    for ch in dict.fromkeys(text):
        out.write("%s %d\n" % (ch, order.index(cmap[ord(ch)])))
# The same glyphs with no cmap table, only uniXXXX names in 'post' (format
# 2): what some producers' subsets keep. Glyph ids do not change.
f = TTFont(sys.argv[1])
names = {g: "uni%04X" % cp for cp, g in f.getBestCmap().items()}
f.setGlyphOrder([names.get(g, g) for g in f.getGlyphOrder()])
f["post"].formatType = 2.0
f["post"].extraNames = []
f["post"].mapping = {}
del f["cmap"]
f.save(sys.argv[1].replace(".ttf", "-nocmap.ttf"))
PY
ls -la "$here"
