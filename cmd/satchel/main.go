// Command satchel is the Satchel Open Badges backpack. This minimal entry
// point dispatches the badge subcommands; the server wiring replaces it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: satchel verify|unbake|bake ...")
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "verify":
		os.Exit(runVerify(args, os.Stdin, os.Stdout, os.Stderr))
	case "unbake":
		os.Exit(runUnbake(args, os.Stdin, os.Stdout, os.Stderr))
	case "bake":
		os.Exit(runBake(args, os.Stdin, os.Stdout, os.Stderr))
	}
	fmt.Fprintln(os.Stderr, "usage: satchel verify|unbake|bake ...")
	os.Exit(2)
}
