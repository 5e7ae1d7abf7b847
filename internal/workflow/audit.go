package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"billbot/internal/money"
	"billbot/store"
)

// AuditLine is one audit event as people read it.
type AuditLine struct {
	store.AuditEvent
	Change string // "state: pending → sent; Balance: … → …", or "" when nothing compares
}

// AuditQuery selects the audit trail: an invoice number (QBO DocNumber or
// billbot id), events since an instant, by one actor.
type AuditQuery struct {
	Invoice string
	Filter  store.AuditFilter
}

// AuditTrail returns the events matching q with their before → after
// changes. Invoices named by number must exist; a UserError says so.
func (w *Workflow) AuditTrail(ctx context.Context, q AuditQuery) ([]AuditLine, error) {
	f := q.Filter
	if q.Invoice != "" {
		inv, err := w.store.InvoiceByNumber(ctx, q.Invoice)
		if err != nil {
			return nil, userErrorf("No invoice %q.", q.Invoice)
		}
		f.InvoiceID = inv.ID
	}
	evs, err := w.store.AuditTrail(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]AuditLine, len(evs))
	for i, ev := range evs {
		out[i] = AuditLine{AuditEvent: ev, Change: DescribeChange(ev.Before, ev.After)}
	}
	return out, nil
}

// quietFields change with every write and say nothing to a reader.
var quietFields = []string{"UpdatedAt", "Version", "ActedAt", "ActedBy", "Lines", "WriteDowns", "CreatedAt"}

// amountFields hold minor units of the record's Currency.
var amountFields = []string{"Subtotal", "Discount", "Credit", "Total", "LedgerTotal", "Balance", "Amount"}

// DescribeChange lists the top-level fields that differ between two JSON
// records as "Field: before → after", amounts in their currency. A record
// only created ("" before) or only deleted shows its fields once.
func DescribeChange(before, after json.RawMessage) string {
	var b, a map[string]any
	b, a = decodeObject(before), decodeObject(after)
	if len(b) == 0 && len(a) == 0 {
		return ""
	}
	cur := money.Currency("")
	for _, m := range []map[string]any{a, b} {
		if c, ok := m["Currency"].(string); ok && cur == "" {
			cur = money.Currency(c)
		}
	}
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if !slices.Contains(quietFields, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var parts []string
	for _, k := range names {
		bv, bok := b[k]
		av, aok := a[k]
		bs, as := show(k, bv, bok, cur), show(k, av, aok, cur)
		if bs == as {
			continue
		}
		switch {
		case len(b) == 0:
			if as != "" {
				parts = append(parts, k+": "+as)
			}
		default:
			parts = append(parts, k+": "+orDash(bs)+" → "+orDash(as))
		}
	}
	return strings.Join(parts, "; ")
}

func show(k string, v any, ok bool, cur money.Currency) string {
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil && slices.Contains(amountFields, k) && cur != "" {
			return money.Amount(n).Display(cur)
		}
		return x.String()
	case string:
		if strings.HasPrefix(x, "0001-01-01") {
			return ""
		}
		return x
	case bool:
		if !x {
			return ""
		}
		return "yes"
	}
	raw, _ := json.Marshal(v)
	if s := string(raw); s != "[]" && s != "{}" && s != "null" {
		return s
	}
	return ""
}

// decodeObject reads a JSON object with numbers kept exact (money is never
// a float); anything else is an empty map.
func decodeObject(raw json.RawMessage) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if len(raw) == 0 || dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
