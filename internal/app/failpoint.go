package app

import (
	"os"
	"syscall"
)

// envFailPoint names the workflow fail point at which billbot kills itself
// (see workflow.FailPoints). The crash-safety tests set it to prove that a
// process killed between two effects is finished by the next run without
// doing anything twice; it is never set in production.
const envFailPoint = "BILLBOT_FAILPOINT"

// FailPointFromEnv returns a workflow fail point that sends the process
// SIGKILL — no deferred calls, no cleanup, as a crash or an OOM kill —
// when it reaches the point named by BILLBOT_FAILPOINT; nil when unset.
func FailPointFromEnv(getenv func(string) string) func(string) {
	point := getenv(envFailPoint)
	if point == "" {
		return nil
	}
	return func(p string) {
		if p == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way; do nothing more meanwhile
		}
	}
}
