//go:build tools

// This file pins the modules that zipin's packages are being built on, so
// that `go mod tidy` keeps them while the packages that use them land.
package zipin

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/duckdb/duckdb-go/v2"
	_ "github.com/go-ego/gse"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/longbridgeapp/opencc"
	_ "github.com/nguyenthenguyen/docx"
	_ "github.com/parquet-go/parquet-go"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/net/html"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/text/encoding/simplifiedchinese"
	_ "golang.org/x/time/rate"
	_ "modernc.org/sqlite"
)
