package main

import (
	"fmt"
	"strings"
)

// remoteOut says whether --out names object storage (s3://bucket/prefix),
// which only the queue's workers write (dataset.OpenSink).
func remoteOut(out string) bool { return strings.HasPrefix(out, "s3://") }

// checkRemoteOut refuses --out s3://… without --catalog (ingest, harvest):
// the one-machine import writes a folder, and would make one named "s3:".
func checkRemoteOut(cmd, out, catalog string) error {
	if remoteOut(out) && catalog == "" {
		return usageErr(fmt.Errorf("%s: --out %s: a dataset on object storage is written by zipin worker; give --catalog URL", cmd, out))
	}
	return nil
}
