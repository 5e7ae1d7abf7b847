package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"billbot/bot"
	"billbot/internal/qbo"
	"billbot/internal/workflow"
	"billbot/store"
)

func doctorCommand() command {
	return command{
		name:    "doctor",
		summary: "Check every setting, the database, and the reachability and credentials of Slack, the time sources (Harvest, Toggl Track, QuickBooks Time) and the ledger (QuickBooks or Xero); one line per check.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("doctor takes no arguments")
			}
			failed := 0
			report := func(name string, err error, ok string) {
				if err != nil {
					failed++
					fmt.Fprintf(c.stdout, "FAIL  %-10s %v\n", name, err)
					return
				}
				fmt.Fprintf(c.stdout, "ok    %-10s %s\n", name, ok)
			}
			skip := func(name, why string) { fmt.Fprintf(c.stdout, "-     %-10s %s\n", name, why) }
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()

			// The embedded database is migrated as by every other command;
			// Postgres is migrated by `billbot migrate` only.
			st, err := c.migrated(ctx)
			if err != nil {
				report("database", err, "")
				return fmt.Errorf("%d check(s) failed", failed)
			}
			report("database", st.Ping(ctx), st.Dialect()+", schema current")
			wf, err := c.workflow(ctx, st)
			if err != nil {
				report("workflow", err, "")
			}
			if wf != nil {
				if firm, err := wf.LoadFirm(ctx); errors.Is(err, workflow.ErrNoConfig) {
					report("config", err, "")
				} else {
					report("config", err, fmt.Sprintf("%s: %d clients, %d engagements, time zone %s", firm.File.Name, len(firm.Clients), len(firm.Engagements), firm.Location()))
				}
				if cut, err := wf.CutOverHistory(ctx); err == nil && !cut.Set() {
					skip("history", cut.String())
				} else if !errors.Is(err, workflow.ErrNoConfig) {
					report("history", err, cut.String())
				}
			}
			if c.env.EncryptionKey.IsSet() {
				box, err := c.secretBox()
				if err == nil {
					err = checkKey(ctx, st, box)
				}
				report("secrets", err, "BILLBOT_ENCRYPTION_KEY is a valid 32-byte key and opens the stored secrets")
			} else {
				skip("secrets", "BILLBOT_ENCRYPTION_KEY not set (needed once QuickBooks is connected)")
			}

			if api := c.slackAPI(); api != nil {
				line, user, err := c.doctorSlack(ctx, api)
				report("slack", err, line)
				if err == nil {
					doctorBillingChannel(ctx, api, wf, user, report)
					doctorFileUploads(ctx, api, report)
				}
				if c.env.SocketMode() {
					report("slack", bot.CheckAppToken(ctx, api), "SLACK_APP_TOKEN opens Socket Mode connections (apps.connections.open)")
				}
				if !c.env.SocketMode() && !c.env.SlackSigningSecret.IsSet() {
					report("slack", errors.New("SLACK_SIGNING_SECRET is not set: HTTP requests from Slack cannot be verified (or set SLACK_APP_TOKEN for Socket Mode)"), "")
				}
			} else {
				skip("slack", "SLACK_BOT_TOKEN not set")
			}

			if c.env.HarvestAccountID != "" {
				hc, err := c.harvestClient()
				if err == nil {
					company, cerr := hc.GetCompany(ctx)
					err = cerr
					if err == nil {
						report("harvest", nil, fmt.Sprintf("account %s (%s), timesheet approval %s", c.env.HarvestAccountID, company.Name, onOff(company.ApprovalFeature)))
					}
				}
				if err != nil {
					report("harvest", fmt.Errorf("%w (check HARVEST_ACCOUNT_ID and HARVEST_ACCESS_TOKEN)", err), "")
				}
			} else {
				skip("harvest", "HARVEST_ACCOUNT_ID not set")
			}
			c.doctorTimeSources(ctx, report, skip)

			if c.env.QBOClientID != "" {
				c.doctorQBO(ctx, st, report, func(name, msg string) { fmt.Fprintf(c.stdout, "warn  %-10s %s\n", name, msg) })
			} else {
				skip("quickbooks", "QBO_CLIENT_ID not set")
			}
			c.doctorXeroIfUsed(ctx, st, report, func(name, msg string) { fmt.Fprintf(c.stdout, "warn  %-10s %s\n", name, msg) })
			if failed > 0 {
				return fmt.Errorf("%d check(s) failed", failed)
			}
			return nil
		},
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off (billbot bills only approved time: turn approvals on in Harvest)"
}

// doctorQBO checks the stored QuickBooks connection: the company, and when
// the refresh token expires.
func (c *cli) doctorQBO(ctx context.Context, s *store.Store, report func(string, error, string), warn func(string, string)) {
	client, tok, err := c.qboClient(ctx, s, 30*time.Second)
	if err != nil {
		report("quickbooks", err, "")
		return
	}
	if client == nil {
		report("quickbooks", fmt.Errorf("not connected: run 'billbot qbo connect' and open the link it prints (or set QBO_REFRESH_TOKEN and QBO_REALM_ID)"), "")
		return
	}
	if err := qbo.CheckLoaded(tok, &c.app.QBOHealth, c.now()); err != nil {
		report("quickbooks", qboTokenProblem(err), "")
		return
	}
	info, err := client.GetCompanyInfo(ctx)
	if errors.Is(err, qbo.ErrRefreshRefused) {
		report("quickbooks", qboTokenProblem(err), "")
		return
	}
	if err != nil {
		report("quickbooks", fmt.Errorf("company %s: %w (reconnect with a 'billbot qbo connect' link if the refresh token was revoked or expired)", client.RealmID(), err), "")
		return
	}
	exp := qbo.RefreshTokenExpiry(tok, c.now())
	when := "unknown"
	if !exp.IsZero() {
		when = fmt.Sprintf("%s (%d days)", exp.Format("2006-01-02"), int(time.Until(exp).Hours()/24))
	}
	report("quickbooks", nil, fmt.Sprintf("company %s (realm %s); refresh token expires %s, renewed on use", info.CompanyName, client.RealmID(), when))
	if pin := c.env.QBORealmID; pin != "" && pin != client.RealmID() {
		warn("quickbooks", fmt.Sprintf("QBO_REALM_ID is %s but the connected company is %s (switched with a --switch-company link): update QBO_REALM_ID to %s or remove it (until then QuickBooks webhooks for the connected company are ignored)", pin, client.RealmID(), client.RealmID()))
	}
}

// qboTokenProblem says in one line why the stored QuickBooks token cannot
// be used and what to do.
func qboTokenProblem(err error) error {
	switch {
	case errors.Is(err, qbo.ErrRefreshRefused):
		return errors.New("Intuit refused the stored refresh token (invalid_grant): the connection was revoked, or the token expired or was superseded; reconnect with 'billbot qbo connect'")
	case errors.Is(err, qbo.ErrRefreshExpired):
		return errors.New("the stored refresh token has expired: reconnect with 'billbot qbo connect'")
	}
	return err
}
