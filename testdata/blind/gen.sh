#!/bin/sh
# Renders a third of the blind set (testdata/blind/NN.txt, written by hand) as
# DOCX and PDF through LibreOffice into testdata/blind/formats/, so the format
# path is measured against the same gold:
#   zipin eval --gold testdata/blind/gold.jsonl testdata/blind/formats
# The eight chosen cover prose in 万元 and 元, a pipe-row form, a space-separated
# form, a cell-per-line form, Chinese numerals and 亿元. Needs
# libreoffice-writer-nogui and fonts-noto-cjk. Run from the repository root:
#   sh testdata/blind/gen.sh        (FORCE=1 re-renders what exists)
set -eu
command -v soffice >/dev/null || { echo "soffice not found" >&2; exit 1; }
dir=testdata/blind
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/lib/office.sh
mkdir -p "$dir/formats"
for id in 01 03 05 08 11 14 15 22; do
	cp "$dir/$id.txt" "$tmp/$id.txt"
	for target in docx pdf; do
		office_txt "$tmp" "$id" "$target" "$dir/formats"
	done
done
