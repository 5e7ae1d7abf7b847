package workflow

// Named is implemented by a Ledger that says its name in what people read
// (Slack messages, CLI output, audit texts): "QuickBooks", "Xero".
type Named interface {
	Name() string
}

// DefaultLedgerName is the name of a Ledger that does not say its own.
const DefaultLedgerName = "QuickBooks"

// LedgerName is l's name for people; DefaultLedgerName when l says none.
func LedgerName(l Ledger) string {
	if n, ok := l.(Named); ok {
		if s := n.Name(); s != "" {
			return s
		}
	}
	return DefaultLedgerName
}

// LedgerName is the name of the firm's ledger, for what people read.
func (w *Workflow) LedgerName() string { return LedgerName(w.ledger) }
