package config

import "go.yaml.in/yaml/v3"

// LedgerWrite says when a drafted invoice is written to QuickBooks:
// firm.ledger_write. QuickBooks has no draft state, so an invoice written
// there is in the firm's receivables at once (see docs/going-live.md).
type LedgerWrite string

// firm.ledger_write values.
const (
	// LedgerAtDraft creates the QBO invoice when billbot drafts it, before
	// any partner has looked; a held draft stays in receivables.
	LedgerAtDraft LedgerWrite = "at_draft"
	// LedgerAtApproval keeps the draft in billbot alone and creates the QBO
	// invoice only when a partner approves it.
	LedgerAtApproval LedgerWrite = "at_approval"
	// DefaultLedgerWrite is at_draft, billbot's behaviour before the setting.
	DefaultLedgerWrite = LedgerAtDraft
)

// Effective returns l, or the default (at_draft) when unset.
func (l LedgerWrite) Effective() LedgerWrite {
	if l == "" {
		return DefaultLedgerWrite
	}
	return l
}

// ledgerWrite reads firm.ledger_write.
func (d *decoder) ledgerWrite(f *Firm, m *fields) {
	f.LedgerWrite = DefaultLedgerWrite
	if s := m.str("ledger_write", false); s != "" {
		switch l := LedgerWrite(s); l {
		case LedgerAtDraft, LedgerAtApproval:
			f.LedgerWrite = l
		default:
			m.errorf("ledger_write", "%q is not one of at_draft, at_approval", s)
		}
	}
}

// exportLedgerWrite writes firm.ledger_write when it is not the default.
func exportLedgerWrite(m *yaml.Node, f *Firm) {
	if l := f.LedgerWrite.Effective(); l != DefaultLedgerWrite {
		put(m, "ledger_write", str(string(l)))
	}
}
