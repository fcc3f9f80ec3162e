//go:build unix

package legacy

import (
	"os/exec"
	"syscall"
)

// setProcessGroup makes a cancelled conversion kill LibreOffice and the
// soffice.bin child it forks, not just the wrapper script.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
