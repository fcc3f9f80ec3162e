// Package version names the extractor version written into every row and
// file. Bump Extractor whenever a change alters what zipin extracts from the
// same bytes: re-runs then re-extract documents written by older versions.
package version

// Extractor is the version of the extraction rules.
const Extractor = "0.1.0"
