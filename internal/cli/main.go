// Package cli is the billbot command: its subcommands, flags and output.
// The command itself (package main at the module root) only calls Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main runs billbot with the process's arguments (without the program
// name), environment and streams, stops on SIGINT or SIGTERM, and returns
// the exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return 0
	}
	if !errors.Is(err, errHelpShown) {
		fmt.Fprintln(os.Stderr, "billbot: "+err.Error())
	}
	return exitCode(err)
}

// run is billbot's whole life as a function of its inputs, so tests can run
// any command without a process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, clock: clockFrom(ctx)}
	defer app.close()
	return app.dispatch(ctx, args)
}
