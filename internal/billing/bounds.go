package billing

import "billbot/internal/money"

// amountsInRange checks, with overflow-checked arithmetic, that es's lines
// stay within money.MaxAmount each and that, added to base (what its
// invoice already bills), the invoice does too. Discounts and retainer
// credits only ever lower a line's engagement total, so the billed lines
// bound them. When a check fails every entry of es is held by an
// ExAmountRange problem — a typo of a million hours or a rate in the
// billions must reach a person, not QuickBooks — and ok is false. total is
// base plus es's billed amount.
func (x *engine) amountsInRange(es *engState, base money.Amount) (total money.Amount, ok bool) {
	total, err := base, error(nil)
	add := func(a money.Amount) {
		if err != nil {
			return
		}
		if _, err = money.Bounded(a); err == nil {
			if total, err = money.Add(total, a); err == nil {
				_, err = money.Bounded(total)
			}
		}
	}
	if es.feeDue {
		add(es.eng.FixedFee)
	}
	for _, ts := range es.tasks {
		for _, idx := range [][]int32{ts.onTime, ts.late} {
			if len(idx) == 0 {
				continue
			}
			var qty money.Hours
			for _, i := range idx {
				if qty, err = money.AddHours(qty, x.kept.at(i).hours); err != nil {
					break
				}
			}
			var amt money.Amount
			if err == nil {
				amt, err = money.Mul(qty, ts.rate)
			}
			add(amt)
		}
	}
	if err == nil {
		return total, true
	}
	a := x.probs.get(probKey{code: ExAmountRange, eng: es.eng.Key, client: es.eng.Client}, true)
	idx := append(append(es.collected(), es.fixedOnTime...), es.fixedLate...)
	x.hold(es, idx, a)
	es.feeDue = false
	return base, false
}
