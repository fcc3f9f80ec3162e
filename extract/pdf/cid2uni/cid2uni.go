// Package cid2uni maps CIDs of Adobe's four CJK character collections
// (Adobe-GB1, Adobe-CNS1, Adobe-Japan1, Adobe-Korea1) to Unicode. The
// tables are Adobe's Unicode CMaps (cmap-resources, BSD-3-Clause, notice in
// LICENSE-Adobe) inverted by gen.go; a CID reachable from several code
// points gets the unified ideograph or ordinary character before
// compatibility, radical and vertical forms.
package cid2uni

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"io"
	"sync"
)

//go:embed *.bin.gz
var tables embed.FS

var (
	mu     sync.Mutex
	loaded = map[string][]rune{}
)

// Known reports whether the collection (registry-ordering, such as
// "Adobe-GB1") has a table.
func Known(collection string) bool {
	switch collection {
	case "Adobe-GB1", "Adobe-CNS1", "Adobe-Japan1", "Adobe-Korea1":
		return true
	}
	return false
}

// Table returns the collection's CID → rune table (0 = no Unicode), read
// once; nil for an unknown collection.
func Table(collection string) []rune {
	if !Known(collection) {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	if t, ok := loaded[collection]; ok {
		return t
	}
	var t []rune
	if b, err := tables.ReadFile(collection + ".bin.gz"); err == nil {
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			raw, _ := io.ReadAll(zr)
			t = make([]rune, len(raw)/4)
			for i := range t {
				t[i] = rune(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		}
	}
	loaded[collection] = t
	return t
}
