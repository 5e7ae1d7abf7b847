// Package workflow holds billbot's use cases — sync, assess, draft, approve,
// edit, hold, collect, age — in one place, so that slash commands, buttons,
// scheduled jobs and the CLI all run the same code. It orchestrates the pure
// billing engine, the store, QuickBooks Online and Slack; it decides nothing
// about money itself.
package workflow

import (
	"billbot/internal/invoicedetail"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"billbot/internal/answers"
	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// Workflow runs billbot's use cases against its dependencies.
type Workflow struct {
	store   *store.Store
	ledger  Ledger   // nil: QuickBooks not connected (dry runs, assessments)
	notify  Notifier // nil: Slack not configured
	now     func() time.Time
	loc     *time.Location // overrides the firm's time zone when set
	logger  *slog.Logger
	fail    func(point string)
	locker  Locker
	locks   *invoiceLocks
	firms   firmCache
	detail  *invoicedetail.Signer // nil: no detail links (see WithDetailLinks)
	answers *answers.Ledger       // nil: nothing remembered (see WithAnswers)
}

// Deps are Workflow's collaborators.
type Deps struct {
	Store  *store.Store
	Ledger Ledger
	// Notifier says billbot's messages in Slack (internal/notify); nil
	// when Slack is not configured.
	Notifier Notifier
	Now      func() time.Time
	Logger   *slog.Logger
	// Location overrides the firm configuration's time zone
	// (BILLBOT_TIMEZONE); nil keeps it.
	Location *time.Location
	// FailPoint, when set, is called at each named point between two
	// effects (see FailPoints); the crash-safety tests make it kill the
	// process there.
	FailPoint func(point string)
	// Locker, when set, keeps two processes (replicas, or a CLI run beside
	// serve) from advancing invoices at once, which could post one draft
	// twice; the jobs package's Postgres advisory lock satisfies it.
	Locker Locker
}

// Locker takes a named lock across processes; ok is false when another
// holder has it.
type Locker interface {
	TryLock(ctx context.Context, key string) (unlock func(), ok bool, err error)
}

// FailPoints are the places between two effects where a crash would leave
// work half done; a re-run must finish it without doing anything twice.
var FailPoints = []string{
	"draft:before_save", "draft:after_save",
	"qbo:before_create", "qbo:after_create",
	"slack:before_post", "slack:after_post",
	"approve:after_transition", "send:after_qbo",
}

// failPoint marks a fail point.
func (w *Workflow) failPoint(point string) {
	if w.fail != nil {
		w.fail(point)
	}
}

// New returns a Workflow. It does no I/O.
func New(d Deps) *Workflow {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Workflow{store: d.Store, ledger: d.Ledger, notify: d.Notifier, now: d.Now, loc: d.Location, logger: d.Logger, fail: d.FailPoint, locker: d.Locker, locks: &invoiceLocks{}}
}

// UserError is a failure the person who asked can fix; its message is
// shown to them as is.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

func userErrorf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// ErrNoConfig means no firm configuration has been imported yet.
var ErrNoConfig = errors.New("no firm configuration: run 'billbot config import FILE'")

// Firm is the firm configuration as the workflows use it: the parsed file
// plus what the store learned since (QBO customer ids).
type Firm struct {
	File        *config.Firm
	Rules       billing.Firm
	Clients     []billing.Client
	Engagements []billing.Engagement
}

// Location returns the firm's time zone.
func (f *Firm) Location() *time.Location { return f.Rules.Location }

// Today returns the firm's calendar day at instant t.
func (f *Firm) Today(t time.Time) billing.Date { return billing.DateIn(t, f.Rules.Location) }

// Collections returns the firm's collections schedule.
func (f *Firm) Collections() billing.CollectionSchedule {
	return billing.CollectionSchedule{ReminderDays: f.File.ReminderDays, EscalationDays: f.File.EscalationDays}
}

// Client returns the named client (exact name).
func (f *Firm) Client(name string) (billing.Client, bool) {
	for _, c := range f.Clients {
		if c.Name == name {
			return c, true
		}
	}
	return billing.Client{}, false
}

// InvoiceClient returns the configured client inv bills, or an error that
// says the client is no longer configured.
func (f *Firm) InvoiceClient(inv store.Invoice) (billing.Client, error) {
	c, ok := f.Client(inv.Client)
	if !ok {
		return c, fmt.Errorf("invoice %s: client %q is no longer configured", inv.Key, inv.Client)
	}
	return c, nil
}

// Engagement returns the engagement with key.
func (f *Firm) Engagement(key string) (billing.Engagement, bool) {
	for _, e := range f.Engagements {
		if e.Key == key {
			return e, true
		}
	}
	return billing.Engagement{}, false
}

// IsApprover reports whether user may act on inv: a firm approver or one of
// the invoice's partners.
func (f *Firm) IsApprover(user string, partners []string) bool {
	for _, u := range f.Rules.Approvers {
		if u == user {
			return true
		}
	}
	for _, u := range partners {
		if u == user {
			return true
		}
	}
	return false
}

// LoadFirm reads the imported configuration and the clients' QBO mapping.
// It parses the YAML only when the configuration or the mapping changed
// (the store's configuration version): every click and job reads the firm.
func (w *Workflow) LoadFirm(ctx context.Context) (*Firm, error) {
	version, err := w.store.ConfigVersion(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoConfig
	}
	if err != nil {
		return nil, fmt.Errorf("load firm configuration: %w", err)
	}
	w.firms.mu.Lock()
	defer w.firms.mu.Unlock()
	c := &w.firms
	if c.firm == nil || c.version != version {
		f, err := w.readFirm(ctx)
		if err != nil {
			return nil, err
		}
		c.firm, c.version = f, version
	}
	// Callers may change the clients' QBO ids (matching); the rest is read
	// only, so the copy is shallow but for the clients.
	f := *c.firm
	f.Clients = append([]billing.Client(nil), c.firm.Clients...)
	return &f, nil
}

// readFirm parses the stored configuration and merges the clients' QBO
// mapping.
func (w *Workflow) readFirm(ctx context.Context) (*Firm, error) {
	raw, err := w.store.ConfigYAML(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoConfig
	}
	if err != nil {
		return nil, fmt.Errorf("load firm configuration: %w", err)
	}
	file, err := config.ParseFirm("stored configuration", raw)
	if err != nil {
		return nil, fmt.Errorf("stored firm configuration no longer parses: %w", err)
	}
	// Emails standing for Slack ids: the cache first, then Slack. An
	// address Slack does not know stays as it is (a DM to it fails and is
	// logged) rather than stopping every job.
	resolver, _ := w.notify.(EmailResolver)
	if left, err := ResolveEmails(ctx, w.store, resolver, file); err != nil || len(left) > 0 {
		w.logger.Warn("firm configuration names people by email not resolved to Slack ids", "emails", left, "err", err)
	}
	rules, clients, engs := file.Billing()
	if w.loc != nil {
		rules.Location = w.loc
	}
	stored, err := w.store.Clients(ctx)
	if err != nil {
		return nil, fmt.Errorf("load clients: %w", err)
	}
	ids := make(map[string]string, len(stored))
	for _, c := range stored {
		ids[c.Name] = c.LedgerCustomerID
	}
	for i := range clients {
		if clients[i].LedgerCustomerID == "" {
			clients[i].LedgerCustomerID = ids[clients[i].Name]
		}
	}
	return &Firm{File: file, Rules: rules, Clients: clients, Engagements: engs}, nil
}

// firmCache keeps the last firm read, with the configuration's version.
type firmCache struct {
	mu      sync.Mutex
	firm    *Firm
	version int64
}
