package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// catalogFlagUsage is --catalog's help wherever it names the shared job
// queue and catalog (ingest, worker, harvest): one meaning, one text.
const catalogFlagUsage = "shared job queue and catalog: postgres://… (workers on many machines) or sqlite:PATH or a path (one machine); documents are enqueued for zipin worker"

// addCatalogFlag adds --catalog URL, read by queue.Open and
// catalog.OpenURL (which parse it; nothing here does).
func addCatalogFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "catalog", "", catalogFlagUsage)
}

// remoteOut says whether --out names object storage (s3://bucket/prefix),
// which only the queue's workers write (dataset.OpenSink).
func remoteOut(out string) bool { return strings.HasPrefix(out, "s3://") }

// checkRemoteOut refuses --out s3://… without --catalog: the one-machine
// import writes a folder.
func checkRemoteOut(cmd, out, catalog string) error {
	if remoteOut(out) && catalog == "" {
		return usageErr(fmt.Errorf("%s: --out %s: a dataset on object storage is written by zipin worker; give --catalog URL", cmd, out))
	}
	return nil
}
