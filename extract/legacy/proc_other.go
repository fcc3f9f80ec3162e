//go:build !unix

package legacy

import "os/exec"

func setProcessGroup(cmd *exec.Cmd) {}
