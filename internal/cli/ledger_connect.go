package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"billbot/internal/qbo"
	"billbot/internal/workflow"
	"billbot/store"
)

// ledgerConnect is what one ledger's connect command says and checks.
type ledgerConnect struct {
	vendor  qbo.Vendor
	name    string // the command: "qbo connect"
	summary string
	// switchFlag and switchUsage are the flag that allows a link to
	// replace the connected company or organisation.
	switchFlag, switchUsage string
	// configured reports whether the ledger's OAuth client is set;
	// notConfigured is the error when it is not.
	configured    func(c *cli) bool
	notConfigured string
	// via starts the link's CreatedVia ("" for QuickBooks, xeroVia).
	via string
	// what and whatSwitch end the printed instructions: what the link does.
	what, whatSwitch string
}

// connectCommand prints a one-time connect link for the ledger of l.
func connectCommand(l ledgerConnect) command {
	var allowSwitch *bool
	return command{
		name:    l.name,
		summary: l.summary,
		flags: func(fs *flag.FlagSet) {
			allowSwitch = fs.Bool(l.switchFlag, false, l.switchUsage)
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("%s takes no arguments", l.name)
			}
			if !l.configured(c) {
				return errors.New(l.notConfigured)
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			link, err := c.newLedgerConnectLink(ctx, st, cliActor(), l.via+"cli", *allowSwitch, qbo.LinkTTL, l.vendor)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.stdout, link)
			what := l.what
			if *allowSwitch {
				what = l.whatSwitch
			}
			fmt.Fprintf(c.stderr, "Open this link within %d minutes in the browser where you sign in to %s and press Continue; it works once and %s. Link previews do not use it up.\n", int(qbo.LinkTTL/time.Minute), l.vendor.Name, what)
			return nil
		},
	}
}

// newLedgerConnectLink stores a one-time connect link (its SHA-256 only)
// for the flow of v and returns its URL under BILLBOT_PUBLIC_URL.
func (c *cli) newLedgerConnectLink(ctx context.Context, st *store.Store, createdBy, via string, allowSwitch bool, ttl time.Duration, v qbo.Vendor) (string, error) {
	tok, err := qbo.NewSecret()
	if err != nil {
		return "", err
	}
	_, err = st.CreateQBOConnectLink(ctx, qbo.HashSecret(tok), store.QBOConnectLink{
		CreatedBy: createdBy, CreatedVia: via, AllowSwitch: allowSwitch, ExpiresAt: time.Now().Add(ttl),
	})
	if err != nil {
		return "", err
	}
	return strings.TrimRight(c.env.PublicURL, "/") + v.Path + "/connect?" + url.Values{"t": {tok}}.Encode(), nil
}

// approverLink is App Home's fresh one-time connect link (no switch) for
// the flow of v when user is a firm approver (firm.approvers); "" for
// anyone else, or while no firm is configured.
func (c *cli) approverLink(ctx context.Context, st *store.Store, wf *workflow.Workflow, user, via string, v qbo.Vendor) (string, error) {
	firm, err := wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if user == "" || !slices.Contains(firm.Rules.Approvers, user) {
		return "", nil
	}
	return c.newLedgerConnectLink(ctx, st, user, via, false, homeLinkTTL, v)
}
