package qbo

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// maxNote is QBO's limit for PrivateNote (docs/vendors.md §2.2) and, in billbot,
// for line descriptions and the customer memo too.
const maxNote = 4000

// RetainerItemKey is the item-map key used for retainer lines that name no
// item of their own.
const RetainerItemKey = "Retainer"

// ErrNoMatch and ErrAmbiguous are matched (errors.Is) against *MatchError.
var (
	ErrNoMatch   = errors.New("qbo: no match")
	ErrAmbiguous = errors.New("qbo: several matches")
)

// MatchError says a name matched no QBO record, or several. Candidates
// names the records a person should choose from.
type MatchError struct {
	Kind       string // "customer", "item"
	Name       string
	Candidates []string
	Ambiguous  bool
}

// Error implements error.
func (e *MatchError) Error() string {
	what := "no"
	if e.Ambiguous {
		what = "several"
	}
	msg := fmt.Sprintf("qbo: %s QBO %ss match %q", what, e.Kind, e.Name)
	if len(e.Candidates) > 0 {
		msg += "; candidates: " + strings.Join(e.Candidates, ", ")
	}
	return msg
}

// Is matches ErrNoMatch or ErrAmbiguous.
func (e *MatchError) Is(target error) bool {
	return (target == ErrAmbiguous && e.Ambiguous) || (target == ErrNoMatch && !e.Ambiguous)
}

// InvoiceFromDraft maps a billbot draft to a QBO invoice. Every billing line
// becomes a SalesItemLine (ItemRef, Qty, UnitPrice, ServiceDate, Amount =
// money.LineAmount), except discounts, which become a DiscountLineDetail
// with PercentBased false and the exact amount, so QBO's TotalAmt equals
// d.Total to the cent. items maps QBO item names to ids. PrivateNote
// carries the draft key and period for reconciliation.
func InvoiceFromDraft(d billing.Invoice, customerID string, items map[string]string, billEmail, privateNote string) (Invoice, error) {
	if customerID == "" {
		return Invoice{}, fmt.Errorf("qbo: draft %s: no QBO customer id", d.Key)
	}
	if len(d.Lines) == 0 {
		return Invoice{}, fmt.Errorf("qbo: draft %s: no lines (QBO needs at least one)", d.Key)
	}
	cur := d.Currency
	inv := Invoice{
		TxnDate:     d.InvoiceDate.String(),
		DueDate:     d.DueDate.String(),
		CustomerRef: &Ref{Value: customerID},
		CurrencyRef: &Ref{Value: string(cur)},
		PrivateNote: truncate(strings.TrimSpace(fmt.Sprintf("billbot %s period %s %s", d.Key, d.Period, privateNote)), maxNote),
	}
	if billEmail != "" {
		inv.BillEmail = &EmailAddress{Address: billEmail}
	}
	memo := fmt.Sprintf("Professional services %s to %s", d.Period.Start, d.Period.End)
	if d.Supplemental {
		memo = "Supplemental invoice: " + memo
	}
	inv.CustomerMemo = &MemoRef{Value: memo}

	var sum money.Amount
	for i, l := range d.Lines {
		want, err := money.Mul(l.Qty, l.UnitPrice)
		if err != nil {
			return Invoice{}, fmt.Errorf("qbo: draft %s line %d: %w", d.Key, i+1, err)
		}
		if l.Amount != want && l.Kind != billing.LineDiscount {
			return Invoice{}, fmt.Errorf("qbo: draft %s line %d: amount %s is not qty × price %s",
				d.Key, i+1, l.Amount.Format(cur), want.Format(cur))
		}
		if sum, err = money.Add(sum, l.Amount); err != nil {
			return Invoice{}, fmt.Errorf("qbo: draft %s: %w", d.Key, err)
		}
		if l.Kind == billing.LineDiscount {
			inv.Line = append(inv.Line, Line{
				Description:        truncate(l.Description, maxNote),
				Amount:             AmountDecimal(-l.Amount, cur),
				DetailType:         DiscountLine,
				DiscountLineDetail: &DiscountLineDetail{PercentBased: false},
			})
			continue
		}
		name := l.Item
		if (l.Kind == billing.LineRetainerCredit || l.Kind == billing.LineRetainerBlock) && items[name] == "" {
			name = RetainerItemKey
		}
		id, ok := items[name]
		if !ok || id == "" {
			return Invoice{}, &MatchError{Kind: "item", Name: name, Candidates: sortedKeys(items)}
		}
		detail := &SalesItemLineDetail{
			ItemRef:   &Ref{Value: id, Name: name},
			Qty:       HoursDecimal(l.Qty),
			UnitPrice: AmountDecimal(l.UnitPrice, cur),
		}
		if !l.ServiceDate.IsZero() {
			detail.ServiceDate = l.ServiceDate.String()
		}
		inv.Line = append(inv.Line, Line{
			Description:         truncate(l.Description, maxNote),
			Amount:              AmountDecimal(l.Amount, cur),
			DetailType:          SalesItemLine,
			SalesItemLineDetail: detail,
		})
	}
	if sum != d.Total {
		return Invoice{}, fmt.Errorf("qbo: draft %s: lines sum to %s but total is %s",
			d.Key, sum.Format(cur), d.Total.Format(cur))
	}
	return inv, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// normalize folds case and drops white space: "ACME  corp" ~ "Acme Corp".
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// MatchCustomer finds the QBO customer for a billbot client: the configured
// id when set, else the one customer whose DisplayName equals name, else the
// one equal ignoring case and spaces. No match or several give a *MatchError
// and the candidates (the several, or names that look close).
func MatchCustomer(name, configuredID string, customers []Customer) (Customer, []Customer, error) {
	if configuredID != "" {
		for _, c := range customers {
			if c.ID == configuredID {
				return c, nil, nil
			}
		}
		return Customer{}, nil, &MatchError{Kind: "customer", Name: "id " + configuredID}
	}
	pick := func(eq func(Customer) bool) []Customer {
		var out []Customer
		for _, c := range customers {
			if eq(c) {
				out = append(out, c)
			}
		}
		return out
	}
	found := pick(func(c Customer) bool { return c.DisplayName == name })
	if len(found) == 0 {
		n := normalize(name)
		found = pick(func(c Customer) bool { return normalize(c.DisplayName) == n })
	}
	switch len(found) {
	case 1:
		return found[0], nil, nil
	case 0:
		n := normalize(name)
		near := pick(func(c Customer) bool {
			m := normalize(c.DisplayName)
			return n != "" && m != "" && (strings.Contains(m, n) || strings.Contains(n, m))
		})
		return Customer{}, near, &MatchError{Kind: "customer", Name: name, Candidates: customerNames(near)}
	default:
		return Customer{}, found, &MatchError{Kind: "customer", Name: name, Candidates: customerNames(found), Ambiguous: true}
	}
}

func customerNames(cs []Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.DisplayName + " (id " + c.ID + ")"
	}
	return out
}

// CurrencyError says a QBO customer's currency is not the client's.
type CurrencyError struct {
	Customer string
	Want     money.Currency
	Got      money.Currency
}

// Error implements error.
func (e *CurrencyError) Error() string {
	return fmt.Sprintf("qbo: customer %s bills in %s, client is configured for %s", e.Customer, e.Got, e.Want)
}

// CheckCurrency reports a *CurrencyError when c's currency differs from
// want. A customer without CurrencyRef bills in the company's home
// currency (multicurrency off, docs/vendors.md §2.2).
func CheckCurrency(c Customer, want, home money.Currency) error {
	got := home
	if c.CurrencyRef != nil && c.CurrencyRef.Value != "" {
		got = money.Currency(strings.ToUpper(c.CurrencyRef.Value))
	}
	if got != want {
		return &CurrencyError{Customer: c.DisplayName, Want: want, Got: got}
	}
	return nil
}

// MatchItem finds the QBO item for a Harvest task: the engagement's
// task → item mapping, else the firm's default item, matched by exact Name
// and then ignoring case and spaces.
func MatchItem(task string, taskItems map[string]string, defaultItem string, items []Item) (Item, error) {
	name := taskItems[task]
	if name == "" {
		name = defaultItem
	}
	if name == "" {
		return Item{}, &MatchError{Kind: "item", Name: "task " + task}
	}
	for _, it := range items {
		if it.Name == name {
			return it, nil
		}
	}
	n := normalize(name)
	var found []Item
	for _, it := range items {
		if normalize(it.Name) == n {
			found = append(found, it)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, it := range found {
		names[i] = it.Name
	}
	return Item{}, &MatchError{Kind: "item", Name: name, Candidates: names, Ambiguous: len(found) > 1}
}
