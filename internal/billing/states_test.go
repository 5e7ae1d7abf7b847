package billing

import (
	"slices"
	"testing"
)

// TestTransitions holds the table to every move billbot makes (each by the
// workflow that makes it) and refuses the rest.
func TestTransitions(t *testing.T) {
	t.Parallel()
	legal := []struct {
		from, to InvoiceState
		why      string
	}{
		{StateDraft, StatePending, "created in QBO with a matching total; posted for approval"},
		{StateDraft, StateFlagged, "created in QBO with another total"},
		{StatePending, StateApproved, "approved"},
		{StatePending, StateHeld, "held"},
		{StateFlagged, StateHeld, "held"},
		{StateHeld, StatePending, "released"},
		{StateHeld, StateFlagged, "released while the totals differ"},
		{StatePending, StateFlagged, "edited, or changed in QBO, to another total than QBO's"},
		{StateFlagged, StatePending, "edited, or changed in QBO, until the totals agree"},
		{StateApproved, StateSent, "emailed by QBO"},
		{StateApproved, StatePaid, "paid before the send was recorded"},
		{StateApproved, StatePending, "changed in QuickBooks after approval"},
		{StateSent, StatePaid, "paid in full"},
		{StateDraft, StateVoided, "voided in QBO"},
		{StatePending, StateVoided, "voided in QBO"},
		{StateFlagged, StateVoided, "voided in QBO"},
		{StateHeld, StateVoided, "voided in QBO"},
		{StateApproved, StateVoided, "voided in QBO"},
		{StateSent, StateVoided, "voided in QBO"},
	}
	for _, m := range legal {
		if !CanTransition(m.from, m.to) {
			t.Errorf("%s → %s (%s) is refused", m.from, m.to, m.why)
		}
	}
	illegal := []struct{ from, to InvoiceState }{
		{StateDraft, StateApproved}, {StateDraft, StateSent}, {StateDraft, StateHeld}, {StateDraft, StatePaid},
		{StateFlagged, StateApproved}, {StateHeld, StateApproved}, {StatePending, StateSent},
		{StateSent, StatePending}, {StateSent, StateApproved}, {StateSent, StateHeld},
		{StatePaid, StateVoided}, {StatePaid, StateSent}, {StateVoided, StateDraft}, {StateVoided, StatePending},
		{StatePending, StatePending}, {StateAlien, StatePending}, {StatePending, StateAlien},
	}
	for _, m := range illegal {
		if CanTransition(m.from, m.to) {
			t.Errorf("%s → %s is allowed", m.from, m.to)
		}
	}
	// The table names only known states, and exactly the legal moves above.
	n := 0
	for from, tos := range Transitions {
		if !slices.Contains(InvoiceStates, from) {
			t.Errorf("unknown state %q in the table", from)
		}
		for _, to := range tos {
			n++
			if !slices.Contains(InvoiceStates, to) {
				t.Errorf("%s → unknown state %q", from, to)
			}
		}
	}
	if n != len(legal) {
		t.Errorf("the table has %d moves, the test names %d: name every move", n, len(legal))
	}
	if got, want := Sources(StateVoided), []InvoiceState{StateDraft, StatePending, StateApproved, StateSent, StateHeld, StateFlagged}; !slices.Equal(got, want) {
		t.Errorf("Sources(voided) = %v, want %v", got, want)
	}
}

// StateAlien is a state billbot does not know.
const StateAlien InvoiceState = "alien"

// TestEditable: only an invoice awaiting approval is edited — not a held
// one (release it first), nor a draft nobody was shown, nor one approved.
func TestEditable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    InvoiceState
		want bool
	}{
		{StateDraft, false}, {StatePending, true}, {StateFlagged, true}, {StateHeld, false},
		{StateApproved, false}, {StateSent, false}, {StatePaid, false}, {StateVoided, false},
	} {
		if got := Editable(tc.s); got != tc.want {
			t.Errorf("Editable(%s) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
