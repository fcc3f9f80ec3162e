#!/usr/bin/env bash
# Regenerates the encoded variants of the hand-written UTF-8 text fixtures:
# GBK (what most portals export), UTF-8 with a BOM, UTF-16 LE and BE with
# BOMs, and the bad inputs the text reader must quarantine.
set -euo pipefail
cd "$(dirname "$0")"
src=report-utf8.txt
iconv -f UTF-8 -t GB18030 "$src" > report-gbk.txt
{ printf '\xef\xbb\xbf'; cat "$src"; } > report-utf8-bom.txt
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$src"; } > report-utf16le.txt
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$src"; } > report-utf16be.txt
mkdir -p bad
: > bad/empty.txt
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6' > bad/image-named.txt
# GBK cut in the middle of a double-byte character
iconv -f UTF-8 -t GB18030 "$src" | head -c 101 > bad/truncated-gbk.txt
# Bytes that are valid in no supported encoding (lone 0x80/0xFF in GB18030)
printf '\xc4\xe3\xba\xc3\x80\xff\xfe\x81\x20' > bad/not-text.txt
