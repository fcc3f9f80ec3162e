package isolate

import "testing"

// The counter is read where the machine has a memory cgroup; elsewhere it
// says it cannot (-1) rather than a wrong zero.
func TestOOMKillsReadable(t *testing.T) {
	n := oomKills()
	t.Logf("oom_kill count of this memory cgroup: %d", n)
	if n < -1 {
		t.Errorf("oomKills() = %d", n)
	}
	if counter("/nonexistent", "oom_kill") != -1 {
		t.Error("a missing file must read -1")
	}
}
