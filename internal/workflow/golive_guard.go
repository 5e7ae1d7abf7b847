package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// ErrBillsHistory is the config-import refusal: a client goes live while
// closed cycles hold approved time billbot never billed, which the firm may
// have billed by hand while billbot only shadowed it.
var ErrBillsHistory = errors.New("refused: clients would go live with closed cycles' time the firm may have billed by hand")

// GoLiveCheck is what a configuration about to be imported would make
// billbot bill at once from closed cycles.
type GoLiveCheck struct {
	// First is true when nothing was stored yet: nothing is refused, the
	// figures are a notice (the firm decides with go_live).
	First bool
	// Times lists, by client, the closed-cycle time of the clients next
	// makes live that were not live before (on a first import: every live
	// client).
	Times []billing.ClosedTime
}

// CheckGoingLive compares next with the stored configuration and counts,
// for each client next makes live that was not live before, its approved,
// billable time on no invoice between its cut-over and the end of its last
// closed cycle on today (billing.ClosedCycleTime). A stored configuration
// that no longer parses counts as having no live client.
func CheckGoingLive(ctx context.Context, st *store.Store, next *config.Firm, today billing.Date) (GoLiveCheck, error) {
	var check GoLiveCheck
	wasLive := map[string]bool{}
	raw, err := st.ConfigYAML(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		check.First = true
	case err != nil:
		return check, err
	default:
		if prev, perr := config.ParseFirm("stored configuration", raw); perr == nil {
			rules, clients, _ := prev.Billing()
			for _, c := range ClientsIn(billing.ModeLive, rules, clients) {
				wasLive[c.Name] = true
			}
		}
	}
	rules, clients, engs := next.Billing()
	newly := map[string]bool{}
	for _, c := range ClientsIn(billing.ModeLive, rules, clients) {
		if !wasLive[c.Name] {
			newly[c.Name] = true
		}
	}
	if len(newly) == 0 {
		return check, nil
	}
	entries, err := st.ApprovedUnbilled(ctx, today.AddDays(-1))
	if err != nil {
		return check, fmt.Errorf("load closed-cycle time: %w", err)
	}
	check.Times = billing.ClosedCycleTime(rules, engs, entries, today, newly)
	return check, nil
}

// Describe is one line about t: the client, the hours and entries, the
// cycles.
func Describe(t billing.ClosedTime) string {
	n := "entries"
	if t.Entries == 1 {
		n = "entry"
	}
	return fmt.Sprintf("%s: %s h in %d approved, unbilled %s of the closed cycles %s to %s",
		t.Client, t.Hours, t.Entries, n, t.First.Start, t.Last.End)
}

// Refusal is the error a config import with newly live clients' closed-cycle
// time ends with: each client's figures and the two ways forward.
func (g GoLiveCheck) Refusal() error {
	var b strings.Builder
	for _, t := range g.Times {
		fmt.Fprintf(&b, "\n  %s", Describe(t))
		fmt.Fprintf(&b, "\n    if the firm billed those cycles itself: set bill_from: \"%s\" on its engagements (or move firm.go_live)", t.Last.End.AddDays(1))
	}
	b.WriteString("\n  if those hours are truly unbilled and billbot should bill them: re-run with --bill-history")
	b.WriteString("\nnothing imported")
	return fmt.Errorf("%w:%s", ErrBillsHistory, b.String())
}
