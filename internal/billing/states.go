package billing

import "slices"

// InvoiceState is where an invoice is in its life, from draft to paid or
// voided.
type InvoiceState string

// Invoice states. Paid and voided are final: voiding releases the
// invoice's entries.
const (
	StateDraft    InvoiceState = "draft"    // saved, not yet posted for approval
	StatePending  InvoiceState = "pending"  // posted to Slack, awaiting approval
	StateApproved InvoiceState = "approved" // approved, not yet sent from QBO
	StateSent     InvoiceState = "sent"
	StatePaid     InvoiceState = "paid"
	StateHeld     InvoiceState = "held"    // put on hold by an approver
	StateFlagged  InvoiceState = "flagged" // needs attention (e.g. QBO total mismatch)
	StateVoided   InvoiceState = "voided"
)

// InvoiceStates lists every state, in lifecycle order.
var InvoiceStates = []InvoiceState{StateDraft, StatePending, StateApproved, StateSent, StatePaid, StateHeld, StateFlagged, StateVoided}

// Transitions is the table of legal invoice state changes: from each state,
// the states an invoice may move to. A state absent or with no entry is
// final. The store's guarded transitions refuse any other move.
var Transitions = map[InvoiceState][]InvoiceState{
	// Created in QBO (or kept for approval-time writing): posted for
	// approval, or flagged when QBO's total differs.
	StateDraft: {StatePending, StateFlagged, StateVoided},
	// Approved; held by an approver; flagged by an edit or a change in
	// QuickBooks whose total differs.
	StatePending: {StateApproved, StateHeld, StateFlagged, StateVoided},
	// Back to pending once the totals agree (an edit, QuickBooks); held.
	StateFlagged: {StatePending, StateHeld, StateVoided},
	// Released: pending, or flagged while the totals differ.
	StateHeld: {StatePending, StateFlagged, StateVoided},
	// Emailed by QBO; paid before the send was recorded; back to pending
	// when QuickBooks changed it after approval.
	StateApproved: {StateSent, StatePaid, StatePending, StateVoided},
	// Paid in full, or voided in QuickBooks.
	StateSent: {StatePaid, StateVoided},
	StatePaid: nil,
	// Voided is final.
	StateVoided: nil,
}

// CanTransition reports whether an invoice may move from one state to
// another by Transitions. Staying in a state is not a transition.
func CanTransition(from, to InvoiceState) bool {
	return slices.Contains(Transitions[from], to)
}

// Sources returns the states from which an invoice may move to to, in the
// order of InvoiceStates.
func Sources(to InvoiceState) []InvoiceState {
	var out []InvoiceState
	for _, from := range InvoiceStates {
		if CanTransition(from, to) {
			out = append(out, from)
		}
	}
	return out
}

// EditableStates are the states in which an invoice's lines may be edited
// — by a partner's Edit or by adopting a change made in QuickBooks: while it
// awaits approval (pending, or flagged for a total mismatch). A held
// invoice is released first; a draft is not yet shown to anyone.
var EditableStates = []InvoiceState{StatePending, StateFlagged}

// Editable reports whether an invoice in state s may be edited.
func Editable(s InvoiceState) bool { return slices.Contains(EditableStates, s) }
