package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
)

func migrateCommand() command {
	return command{
		name:    "migrate",
		summary: "Apply the database schema migrations and exit.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("migrate takes no arguments")
			}
			st, err := c.openStore(ctx)
			if err != nil {
				return err
			}
			n, err := st.Migrate(ctx)
			if err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			fmt.Fprintf(c.stdout, "database %s: %d migration(s) applied, schema current\n", st.Dialect(), n)
			return nil
		},
	}
}

// migrated opens the store and applies pending migrations: commands that
// a newcomer runs first (config import, draft on a fresh data dir) should
// not make them run migrate by hand on the embedded database.
func (c *cli) migrated(ctx context.Context) (*store.Store, error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if st.Dialect() == "sqlite" {
		before, err := st.CurrentVersion(ctx)
		if err != nil {
			return nil, err
		}
		n, err := st.Migrate(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		if n > 0 && c.plain {
			after, err := st.CurrentVersion(ctx)
			if err != nil {
				return nil, err
			}
			if before == 0 {
				fmt.Fprintf(c.stderr, "billbot: database schema created (version %d)\n", after)
			} else {
				fmt.Fprintf(c.stderr, "billbot: database schema updated to version %d\n", after)
			}
		}
	}
	return c.store(ctx)
}

func configImportCommand() command {
	var billHistory bool
	return command{
		name:    "config import",
		args:    "FILE",
		summary: "Check the firm configuration in FILE (YAML) and store it. Invalid input names file, line and field, and changes nothing.",
		help: `A client that was not live (shadow or off) and becomes live while its closed
cycles hold approved, billable time on no invoice after its cut-over is
refused: the firm may have billed that time by hand. Set bill_from on its
engagements (or move firm.go_live) past the last closed cycle, or re-run
with --bill-history when billbot should bill those hours.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&billHistory, "bill-history", false, "let clients going live bill the approved, unbilled time of their closed cycles (recorded in the audit trail)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("config import takes one FILE")
			}
			name := fs.Arg(0)
			raw, f, err := readFirmFile(name)
			if err != nil {
				return err
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			note, err := c.resolveEmails(ctx, st, f)
			if err != nil {
				return fmt.Errorf("%s: %w; nothing imported", name, err)
			}
			clients, engs, err := c.saveFirm(ctx, st, raw, f, "cli", billHistory)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "imported %s: %d clients, %d engagements\n", name, clients, engs)
			if note != "" {
				fmt.Fprintln(c.stdout, note)
			}
			return nil
		},
	}
}

func configExportCommand() command {
	return command{
		name:    "config export",
		summary: "Print the stored firm configuration as YAML.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("config export takes no arguments")
			}
			st, err := c.store(ctx)
			if err != nil {
				return err
			}
			raw, err := st.ConfigYAML(ctx)
			if errors.Is(err, store.ErrNotFound) {
				return workflow.ErrNoConfig
			}
			if err != nil {
				return err
			}
			f, err := config.ParseFirm("stored configuration", raw)
			if err != nil {
				return err
			}
			out, err := config.Export(f)
			if err != nil {
				return err
			}
			_, err = c.stdout.Write(out)
			return err
		},
	}
}

// readFirmFile reads and checks a firm configuration file; it stores
// nothing, so a bad file changes nothing.
func readFirmFile(name string) ([]byte, *config.Firm, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, fmt.Errorf("read firm configuration: %w", err)
	}
	f, err := config.ParseFirm(name, raw)
	if err != nil {
		return nil, nil, err
	}
	return raw, f, nil
}

// saveFirm stores a checked configuration and reports its size. A client
// going live with closed cycles' unbilled time (workflow.CheckGoingLive) is
// refused and nothing is stored, unless billHistory (then audited); on a
// first import such time is a notice line per client.
func (c *cli) saveFirm(ctx context.Context, st *store.Store, raw []byte, f *config.Firm, actor string, billHistory bool) (clients, engagements int, err error) {
	today := billing.DateIn(c.now(), config.EffectiveLocation(c.env, f))
	check, err := workflow.CheckGoingLive(ctx, st, f, today)
	if err != nil {
		return 0, 0, fmt.Errorf("check clients going live: %w", err)
	}
	if len(check.Times) > 0 && !check.First && !billHistory {
		return 0, 0, check.Refusal()
	}
	_, cs, es := f.Billing()
	if err := st.SaveConfig(ctx, raw, cs, es, actor); err != nil {
		return 0, 0, fmt.Errorf("store firm configuration: %w", err)
	}
	for _, t := range check.Times {
		if check.First {
			fmt.Fprintf(c.stdout, "notice: live client %s: billbot bills this unless firm.go_live or bill_from leaves it out\n", workflow.Describe(t))
		}
	}
	if len(check.Times) > 0 && !check.First {
		after, err := json.Marshal(check.Times)
		if err != nil {
			return 0, 0, fmt.Errorf("audit --bill-history: %w", err)
		}
		if err := st.Audit(ctx, store.AuditEvent{Actor: actor, Action: "config.bill_history", SubjectType: "config", SubjectID: "firm",
			Note: "imported with --bill-history: clients going live bill their closed cycles' unbilled time", After: after}); err != nil {
			return 0, 0, fmt.Errorf("audit --bill-history: %w", err)
		}
		for _, t := range check.Times {
			fmt.Fprintf(c.stdout, "--bill-history: %s will be billed\n", workflow.Describe(t))
		}
	}
	return len(cs), len(es), nil
}

// resolveEmails turns the email addresses f names people by into Slack user
// ids (cached in the store; users.lookupByEmail when Slack is configured)
// and says what it did, or what is left for later.
func (c *cli) resolveEmails(ctx context.Context, st *store.Store, f *config.Firm) (string, error) {
	emails := f.Emails()
	if len(emails) == 0 {
		return "", nil
	}
	var resolver workflow.EmailResolver
	if m := c.messenger(); m != nil {
		resolver = m
	}
	left, err := workflow.ResolveEmails(ctx, st, resolver, f)
	if err != nil {
		return "", err
	}
	if len(left) > 0 {
		return fmt.Sprintf("%d of %d email addresses stand for Slack user ids (%s): they will be resolved with users.lookupByEmail once SLACK_BOT_TOKEN is set",
			len(left), len(emails), strings.Join(left, ", ")), nil
	}
	return fmt.Sprintf("resolved %d email addresses to Slack user ids", len(emails)), nil
}
