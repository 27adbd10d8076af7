package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the child get SIGTERM if this process dies without
// stopping it (killed, crashed), so no server is left running on its own.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
