package workflow

import (
	"strings"

	"billbot/internal/billing"
)

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

// ledgerTerms are the firm's ledger's terms for exception texts.
func (w *Workflow) ledgerTerms() billing.Ledger { return billing.LedgerNamed(w.LedgerName()) }

// ledgerShort is the ledger's short name in notes and messages: "QBO" for
// QuickBooks (as billbot has always written it), the name otherwise.
func (w *Workflow) ledgerShort() string {
	if n := w.LedgerName(); n != DefaultLedgerName {
		return n
	}
	return "QBO"
}

// connectCommand is the command that connects the firm's ledger.
func (w *Workflow) connectCommand() string {
	if n := w.LedgerName(); n != DefaultLedgerName {
		return "billbot " + strings.ToLower(n) + " connect"
	}
	return "billbot qbo connect"
}

// ViewLedger is the ledger's name for the views (view.Draft.Ledger): ""
// for QuickBooks, which the views assume, so its messages stay as they
// always were.
func (w *Workflow) ViewLedger() string { return w.viewLedger() }

func (w *Workflow) viewLedger() string {
	if n := w.LedgerName(); n != DefaultLedgerName {
		return n
	}
	return ""
}
