package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// QBOConnected is a QuickBooks company just connected through a one-time
// link.
type QBOConnected struct {
	RealmID       string
	CompanyName   string
	PreviousRealm string // the company connected before; "" on the first connection
	LinkCreatedBy string // a Slack user id, or "cli:<user>"
	// Ledger and Org name the books connected ("Xero", "organisation");
	// empty means QuickBooks and "company".
	Ledger, Org string
}

// AnnounceQBOConnection tells the firm that a QuickBooks company was
// connected or switched: in the billing channel, else by DM to the billing
// manager. Nothing is sent without Slack or a firm configuration.
func (w *Workflow) AnnounceQBOConnection(ctx context.Context, c QBOConnected) error {
	if w.notify == nil {
		return nil
	}
	firm, err := w.LoadFirm(ctx)
	if errors.Is(err, ErrNoConfig) {
		return nil
	}
	if err != nil {
		return err
	}
	text := QBOConnectionText(c)
	if _, err := w.notify.Announce(ctx, firm.File.BillingChannel, firm.File.BillingManager, text); err != nil {
		return fmt.Errorf("announce qbo connection: %w", err)
	}
	return nil
}

// QBOConnectionText is the announcement: which company (name and realm),
// which one it replaced, and who made the link.
func QBOConnectionText(c QBOConnected) string {
	who := c.LinkCreatedBy
	if strings.HasPrefix(who, "U") || strings.HasPrefix(who, "W") {
		who = "<@" + who + ">"
	} else {
		who = "`" + mrkdwnEscape(who) + "`"
	}
	name, org := c.Ledger, c.Org
	if name == "" {
		name, org = DefaultLedgerName, "company"
	}
	company := "*" + mrkdwnEscape(c.CompanyName) + "* (" + org + " id " + mrkdwnEscape(c.RealmID) + ")"
	if c.PreviousRealm != "" && c.PreviousRealm != c.RealmID {
		return fmt.Sprintf(":warning: billbot's %s %s was switched from %s id %s to %s, through a connect link made by %s. Invoices are now written to the new %s.",
			name, org, org, mrkdwnEscape(c.PreviousRealm), company, who, org)
	}
	if c.PreviousRealm == c.RealmID {
		return fmt.Sprintf("%s %s %s was reconnected to billbot, through a connect link made by %s.", name, org, company, who)
	}
	return fmt.Sprintf("%s %s %s is now connected to billbot, through a connect link made by %s.", name, org, company, who)
}

// mrkdwnEscape escapes the three characters Slack's mrkdwn reserves
// (api.slack.com/reference/surfaces/formatting#escaping).
func mrkdwnEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
