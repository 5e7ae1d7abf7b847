package chat

// Action and callback ids of invoice detail and disputes; each button's
// value is the invoice id.
const (
	ActionShowEntries    = "show_entries"        // Entries on a draft: the lines with their time entries
	ActionResolveDispute = "resolve_dispute"     // Resolve on a disputed invoice: asks the outcome
	ActionOpenDetail     = "open_invoice_detail" // a link button to the signed detail page

	CallbackDispute = "dispute_invoice_modal"
	CallbackResolve = "resolve_dispute_modal"
)
