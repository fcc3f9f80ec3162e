# Sourced (not run) by the fixture generators that render hand-written text
# reports through LibreOffice (testdata/blind/gen.sh, testdata/headline/gen.sh).
#
# office_txt TMP ID TARGET OUTDIR renders TMP/ID.txt (UTF-8, LF) with
# LibreOffice to OUTDIR/ID.TARGET (TARGET docx or pdf), using TMP/profile as
# LibreOffice's user profile and TMP/out as its scratch folder. LibreOffice
# stamps the time into its output: it renders only what is missing
# (FORCE=1 renders all), so reruns leave the committed files alone.
office_txt() {
	[ -z "${FORCE:-}" ] && [ -e "$4/$2.$3" ] && return 0
	soffice -env:UserInstallation=file://$1/profile --headless --norestore \
		--infilter="Text (encoded):UTF8,LF,,," --convert-to "$3" \
		--outdir "$1/out" "$1/$2.txt" >/dev/null 2>&1
	mv "$1/out/$2.$3" "$4/$2.$3"
}
