package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"billbot/internal/app"
	"billbot/internal/config"
	"billbot/store"
)

// errHelpShown ends a command that only printed its help: exit 0, no message.
var errHelpShown = errors.New("help shown")

// usageError is a mistake in how a command was called: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func exitCode(err error) int {
	var ue *usageError
	switch {
	case errors.Is(err, errHelpShown):
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// command is one `billbot` subcommand.
type command struct {
	name    string // "config import"
	args    string // "FILE"
	summary string
	help    string                 // more for --help, after the summary
	flags   func(fs *flag.FlagSet) // declares the command's flags
	run     func(ctx context.Context, c *cli, fs *flag.FlagSet) error
}

// cli holds what every command shares: its streams, its environment, and
// the lazily opened store.
type cli struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	clock  func() time.Time // nil: time.Now (see withClock)

	env    config.Env
	logger *slog.Logger
	plain  bool // logs are plain lines for a person, not JSON
	st     *store.Store
	// app builds billbot's store, clients and workflows from env (set up
	// with the logger).
	app *app.Deployment
}

func (c *cli) commands() []command {
	cmds := []command{
		migrateCommand(),
		configImportCommand(),
		configExportCommand(),
		draftCommand(),
		exceptionsCommand(),
		arAgingCommand(),
	}
	cmds = append(cmds, extraCommands()...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func (c *cli) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		c.printUsage(c.stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return errHelpShown
	}
	cmds := c.commands()
	// Longest match first: "config import" before a bare "config".
	var match *command
	var rest []string
	for i := range cmds {
		words := strings.Fields(cmds[i].name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == cmds[i].name {
			if match == nil || len(words) > len(strings.Fields(match.name)) {
				match, rest = &cmds[i], args[len(words):]
			}
		}
	}
	if match == nil {
		var near []string
		for _, cmd := range cmds {
			if strings.HasPrefix(cmd.name, args[0]) {
				near = append(near, "billbot "+cmd.name)
			}
		}
		if len(near) > 0 {
			return usagef("unknown command %q; did you mean: %s", strings.Join(args, " "), strings.Join(near, ", "))
		}
		return usagef("unknown command %q; run 'billbot help' for the list", args[0])
	}
	fs := flag.NewFlagSet("billbot "+match.name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	if match.flags != nil {
		match.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(c.stdout, "usage: billbot %s", match.name)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(c.stdout, " [flags]")
		}
		if match.args != "" {
			fmt.Fprint(c.stdout, " "+match.args)
		}
		fmt.Fprintf(c.stdout, "\n\n%s\n", match.summary)
		if match.help != "" {
			fmt.Fprintf(c.stdout, "\n%s\n", match.help)
		}
		if hasFlags {
			fmt.Fprintln(c.stdout, "\nflags:")
			fs.SetOutput(c.stdout)
			fs.PrintDefaults()
			fs.SetOutput(c.stderr)
		}
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelpShown
		}
		return usagef("%s: %v", match.name, err)
	}
	if err := c.setup(match.name); err != nil {
		return err
	}
	return match.run(ctx, c, fs)
}

func (c *cli) printUsage(w io.Writer) {
	fmt.Fprintln(w, "billbot — billing for accounting firms: Harvest, Toggl Track or QuickBooks Time → QuickBooks or Xero invoices, approved in Slack.")
	fmt.Fprintln(w, "\nusage: billbot <command> [flags] [args]   (every command has --help)\n\ncommands:")
	for _, cmd := range c.commands() {
		fmt.Fprintf(w, "  %-22s %s\n", cmd.name+" "+cmd.args, cmd.summary)
	}
}

// setup loads the environment and builds the logger for command name. It
// does no I/O. serve, and any command when LOG_FORMAT is set, logs as
// LOG_FORMAT says (JSON by default); the other commands talk to a person
// and write plain lines (warnings and errors, or LOG_LEVEL when set).
func (c *cli) setup(name string) error {
	env, err := config.LoadEnv(c.getenv)
	if err != nil {
		return err
	}
	c.env = env
	c.plain = name != "serve" && c.getenv("LOG_FORMAT") == ""
	if !c.plain {
		c.logger = newLogger(c.stderr, env.LogLevel, env.LogFormat)
	} else {
		level := slog.LevelWarn
		if c.getenv("LOG_LEVEL") != "" {
			level = env.LogLevel
		}
		c.logger = slog.New(newPlainHandler(c.stderr, level))
	}
	c.app = &app.Deployment{Env: env, Logger: c.logger, Clock: c.clock, FailPoint: app.FailPointFromEnv(c.getenv)}
	return nil
}

// store opens the database once and checks its schema is current. Commands
// that read or write call it; `migrate` uses openStore instead.
func (c *cli) store(ctx context.Context) (*store.Store, error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

func (c *cli) openStore(ctx context.Context) (*store.Store, error) {
	if c.st != nil {
		return c.st, nil
	}
	st, err := c.app.OpenStore(ctx)
	if err != nil {
		return nil, err
	}
	c.st = st
	return st, nil
}

func (c *cli) close() {
	if c.st != nil {
		_ = c.st.Close()
	}
}

// isTerminal reports whether w is an interactive terminal, for progress
// output that pipes and CI should not see.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
