package isolate

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// oomKills is the number of processes the kernel's OOM killer has killed
// in this process's memory cgroup (cgroup v2 memory.events, else v1
// memory.oom_control), or -1 when neither can be read. A child's SIGKILL
// that comes with a rise of this count was the OOM killer's.
func oomKills() int64 {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var file string
		switch {
		case parts[0] == "0" && parts[1] == "":
			file = filepath.Join("/sys/fs/cgroup", parts[2], "memory.events")
		case parts[1] == "memory":
			file = filepath.Join("/sys/fs/cgroup/memory", parts[2], "memory.oom_control")
		default:
			continue
		}
		if n := counter(file, "oom_kill"); n >= 0 {
			return n
		}
	}
	return -1
}

// counter reads "name N" from a cgroup key-value file, or -1.
func counter(file, name string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}
