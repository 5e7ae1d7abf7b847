package workflow

import (
	"context"
	"slices"
	"sort"
	"strings"

	"billbot/internal/answers"
	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/view"
	"billbot/store"
)

// OpenExceptions lists open exceptions, optionally of one client.
func (w *Workflow) OpenExceptions(ctx context.Context, client string) ([]store.Exception, error) {
	return w.store.Exceptions(ctx, store.ExceptionFilter{Client: client, OpenOnly: true})
}

// ResolveClient finds the client a person meant: the exact name, else the
// one name equal ignoring case and spacing. When none (or several) match it
// returns "" and up to three suggestions: names that contain the query, or
// are a few edits away from it.
func (w *Workflow) ResolveClient(ctx context.Context, query string) (string, []string, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return "", nil, err
	}
	names := make([]string, len(firm.Clients))
	for i, c := range firm.Clients {
		names[i] = c.Name
	}
	name, suggestions := MatchName(query, names)
	return name, suggestions, nil
}

// MatchName resolves query against names (see ResolveClient).
func MatchName(query string, names []string) (string, []string) {
	q := fold(query)
	var folded []string
	for _, n := range names {
		if n == query {
			return n, nil
		}
		if fold(n) == q {
			folded = append(folded, n)
		}
	}
	if len(folded) == 1 {
		return folded[0], nil
	}
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	for _, n := range names {
		f := fold(n)
		switch {
		case q != "" && strings.Contains(f, q):
			cands = append(cands, cand{n, 0})
		default:
			if d := editDistance(f, q); d <= max(2, len(q)/3) {
				cands = append(cands, cand{n, d})
			} else if d, ok := prefixDistance(f, q); ok {
				cands = append(cands, cand{n, d})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for i := 0; i < len(cands) && i < 3; i++ {
		out = append(out, cands[i].name)
	}
	return "", out
}

// fold lower-cases s and collapses its white space.
func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// prefixDistance compares a query of four or more letters with the start
// of a name of the same length, so that a typo in the first word of a long
// name ("brich" for "Birch & Daughters") still finds it; ok when at most one
// edit in four letters.
func prefixDistance(name, query string) (int, bool) {
	rn, rq := []rune(name), []rune(query)
	if len(rq) < 4 || len(rn) < len(rq) {
		return 0, false
	}
	d := editDistance(string(rn[:len(rq)]), query)
	return d, d <= max(1, len(rq)/4)
}

// editDistance is the optimal-string-alignment distance between a and b:
// Levenshtein's insertions, deletions and substitutions, plus swapping two
// adjacent letters as one edit — the commonest typo.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Status counts invoices awaiting approval, held, sent and overdue
// (remembered: see WithAnswers).
func (w *Workflow) Status(ctx context.Context, client string) (view.Status, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return view.Status{}, err
	}
	today := firm.Today(w.now())
	return answers.Get(ctx, w.answers, "status\x00"+client, today, func(ctx context.Context) (view.Status, error) {
		return w.status(ctx, client, today)
	})
}

func (w *Workflow) status(ctx context.Context, client string, today billing.Date) (view.Status, error) {
	// Counted and summed in the database: no invoice is loaded.
	counts, err := w.store.StatusCounts(ctx, client, today)
	if err != nil {
		return view.Status{}, err
	}
	s := view.Status{Client: client, AsOf: today}
	tally := func(c *view.StatusCount, cur money.Currency, n int, a money.Amount) {
		if n > 0 {
			add(c, cur, a)
			c.Count += n - 1
		}
	}
	for _, c := range counts {
		switch c.State {
		case store.StatePending, store.StateFlagged:
			tally(&s.Pending, c.Currency, c.Count, c.Total)
		case store.StateHeld:
			tally(&s.Held, c.Currency, c.Count, c.Total)
		case store.StateApproved, store.StateSent:
			tally(&s.Sent, c.Currency, c.Count, c.Balance)
			tally(&s.Overdue, c.Currency, c.Overdue, c.OverdueBalance)
		}
	}
	return s, nil
}

func add(c *view.StatusCount, cur money.Currency, a money.Amount) {
	c.Count++
	for i := range c.Totals {
		if c.Totals[i].Currency == cur {
			c.Totals[i].Amount += a
			return
		}
	}
	c.Totals = append(c.Totals, view.CurrencyAmount{Currency: cur, Amount: a})
	sort.Slice(c.Totals, func(i, j int) bool { return c.Totals[i].Currency < c.Totals[j].Currency })
}

// Invoice returns one stored invoice.
func (w *Workflow) Invoice(ctx context.Context, id int64) (store.Invoice, error) {
	return w.store.Invoice(ctx, id)
}

// DraftView returns the Slack view of a stored invoice.
func (w *Workflow) DraftView(ctx context.Context, id int64) (view.Draft, *Firm, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return view.Draft{}, nil, err
	}
	inv, err := w.store.Invoice(ctx, id)
	if err != nil {
		return view.Draft{}, nil, err
	}
	return w.draftView(firm, inv), firm, nil
}

// Home gathers a user's App Home: drafts they may approve, the receivables
// headline and open exceptions. The part read from the invoices is
// remembered (see WithAnswers); exceptions and disputes are read each time.
func (w *Workflow) Home(ctx context.Context, user string) (view.Home, error) {
	h := view.Home{UserID: user}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return h, err
	}
	today := firm.Today(w.now())
	led, err := answers.Get(ctx, w.answers, "home", today, func(ctx context.Context) (homeLedger, error) {
		return w.homeLedger(ctx, today)
	})
	if err != nil {
		return h, err
	}
	for _, d := range led.drafts {
		if firm.IsApprover(user, d.partners) {
			h.AwaitingMe = append(h.AwaitingMe, d.summary)
		}
	}
	h.AR = led.ar // shared with other callers: its slices are copied
	h.AR.Outstanding, h.AR.Overdue = slices.Clone(led.ar.Outstanding), slices.Clone(led.ar.Overdue)
	exs, err := w.OpenExceptions(ctx, "")
	if err != nil {
		return h, err
	}
	h.OpenExceptions = w.GroupExceptions(exs)
	if h.Disputed, err = w.homeDisputed(ctx, user); err != nil {
		return h, err
	}
	h.DisputedIn = firm.Location()
	return h, nil
}

// homeLedger is the part of App Home read from the invoices, the same for
// every user: the receivables headline and the drafts awaiting approval
// with who may approve each.
type homeLedger struct {
	ar     view.AgingSummary
	drafts []homeDraft
}

type homeDraft struct {
	summary  view.DraftSummary
	partners []string
}

func (w *Workflow) homeLedger(ctx context.Context, today billing.Date) (homeLedger, error) {
	var led homeLedger
	invs, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending, store.StateFlagged, store.StateSent}})
	if err != nil {
		return led, err
	}
	outstanding := map[money.Currency]money.Amount{}
	overdue := map[money.Currency]money.Amount{}
	for _, inv := range invs {
		if inv.State == store.StateSent {
			outstanding[inv.Currency] += inv.Balance
			if billing.Overdue(inv.Balance, inv.InvoiceDate, inv.DueDate, today) {
				overdue[inv.Currency] += inv.Balance
				led.ar.OverdueCount++
			}
			continue
		}
		d := view.DraftSummary{InvoiceID: inv.ID, Client: inv.Client, DocNumber: inv.DocNumber, Period: inv.Period, Currency: inv.Currency, Total: inv.Total, DueDate: inv.DueDate}
		d.Ledger = w.viewLedger()
		if w.ledger != nil && inv.LedgerID != "" {
			d.QBOURL = w.ledger.InvoiceURL(inv.LedgerID)
		}
		led.drafts = append(led.drafts, homeDraft{summary: d, partners: inv.Partners})
	}
	led.ar.AsOf = today
	led.ar.Outstanding = currencyAmounts(outstanding)
	led.ar.Overdue = currencyAmounts(overdue)
	return led, nil
}
