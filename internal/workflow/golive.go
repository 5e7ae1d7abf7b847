package workflow

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// CutOver is what the firm's cut-over leaves out of the synced time.
type CutOver struct {
	GoLive    billing.Date // the firm's go_live; zero when none
	BillFroms int          // engagements with a bill_from of their own
	billing.History
}

// Set reports whether any cut-over is configured.
func (c CutOver) Set() bool { return !c.GoLive.IsZero() || c.BillFroms > 0 }

// String is doctor's (and setup's) one line about it.
func (c CutOver) String() string {
	var rule string
	switch {
	case !c.GoLive.IsZero() && c.BillFroms > 0:
		rule = fmt.Sprintf("go_live %s and %d engagement bill_from", c.GoLive, c.BillFroms)
	case !c.GoLive.IsZero():
		rule = "go_live " + c.GoLive.String()
	case c.BillFroms > 0:
		rule = fmt.Sprintf("%d engagement bill_from", c.BillFroms)
	default:
		return "no go_live or bill_from: all synced billable time may be billed"
	}
	n := "entries"
	if c.Entries == 1 {
		n = "entry"
	}
	return fmt.Sprintf("%s leave out %d %s (%s h) of billable history: never billed, held or flagged", rule, c.Entries, n, c.Hours)
}

// CutOverHistory counts the synced billable time that go_live and the
// engagements' bill_from leave out (billing.BeforeCutOver over every entry
// not yet on an invoice or held).
func (w *Workflow) CutOverHistory(ctx context.Context) (CutOver, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return CutOver{}, err
	}
	c := CutOver{GoLive: firm.Rules.GoLive}
	for _, e := range firm.Engagements {
		if !e.BillFrom.IsZero() {
			c.BillFroms++
		}
	}
	if !c.Set() {
		return c, nil
	}
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return c, fmt.Errorf("load entries: %w", err)
	}
	c.History = billing.BeforeCutOver(firm.Rules, firm.Engagements, entries)
	return c, nil
}

// EmailResolver finds a Slack user id by email address (users.lookupByEmail);
// *bot.Messenger is one, and so is *notify.Notifier, which the workflows
// ask when they load the firm.
type EmailResolver interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
}

// ResolveEmails turns the email addresses the firm configuration names
// people by into Slack user ids: from the store's cache, else (when
// resolver is not nil) with users.lookupByEmail, caching each id found so
// that later loads need no Slack call. It returns the addresses left
// unresolved; an address Slack does not know is an error naming it.
func ResolveEmails(ctx context.Context, st *store.Store, resolver EmailResolver, f *config.Firm) ([]string, error) {
	emails := f.Emails()
	if len(emails) == 0 {
		return nil, nil
	}
	ids, err := st.SlackUserEmails(ctx)
	if err != nil {
		return nil, err
	}
	left := f.ResolveEmails(ids)
	if len(left) == 0 || resolver == nil {
		return left, nil
	}
	var errs []error
	for _, email := range left {
		id, err := resolver.UserIDByEmail(ctx, email)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: no Slack member has this email address (%w)", email, err))
			continue
		}
		if err := st.SaveSlackUserEmail(ctx, email, id); err != nil {
			return nil, err
		}
		ids[email] = id
	}
	return f.ResolveEmails(ids), errors.Join(errs...)
}
