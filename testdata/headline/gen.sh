#!/bin/sh
# Renders the headline fixtures (testdata/headline/*/NN.txt, written by hand)
# as DOCX and PDF through LibreOffice, into */formats/, so the same gold
# (*/gold.jsonl) is measured through the Office and PDF readers:
#   zipin eval --gold testdata/headline/heldout/gold.jsonl testdata/headline/heldout/formats
# Needs libreoffice-writer-nogui and fonts-noto-cjk. Run from the repository
# root: sh testdata/headline/gen.sh
set -eu
command -v soffice >/dev/null || { echo "soffice not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/lib/office.sh
for set in tuning heldout; do
	dir=testdata/headline/$set
	mkdir -p "$dir/formats"
	for f in "$dir"/*.txt; do
		id=$(basename "$f" .txt)
		cp "$f" "$tmp/$id.txt"
		for target in docx pdf; do
			office_txt "$tmp" "$id" "$target" "$dir/formats"
		done
	done
done
