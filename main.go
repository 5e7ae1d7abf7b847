// Command billbot closes the billing gap of accounting firms: it pulls
// approved time from Harvest, checks it against engagement letters, drafts
// invoices in QuickBooks Online, asks partners to approve them in Slack, and
// chases payment. See README.md and `billbot help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if !errors.Is(err, errHelpShown) {
		fmt.Fprintln(os.Stderr, "billbot: "+err.Error())
	}
	os.Exit(exitCode(err))
}

// run is billbot's whole life as a function of its inputs, so tests can run
// any command without a process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, clock: clockFrom(ctx)}
	defer app.close()
	return app.dispatch(ctx, args)
}
