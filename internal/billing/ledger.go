package billing

// Ledger is how the texts people read name the firm's books: the
// exceptions' messages and fixes, and the titles they are grouped under.
type Ledger struct {
	// Name is the ledger as people know it: "QuickBooks", "Xero".
	Name string
	// Short is the name in notes billbot has always abbreviated ("QBO").
	Short string
	// Customer is what the ledger calls a client: "customer", "contact".
	Customer string
	// CustomerKey is the firm file's key of a client's id there.
	CustomerKey string
	// CurrencyFix is what to do when a client's customer there is in
	// another currency than the client bills in.
	CurrencyFix string
}

// LedgerNamed returns the terms of the ledger people know as name:
// QuickBooks Online's for "" and "QuickBooks", Xero's for "Xero".
func LedgerNamed(name string) Ledger {
	if name == "Xero" {
		return Ledger{Name: "Xero", Short: "Xero", Customer: "contact", CustomerKey: "ledger_customer_id",
			CurrencyFix: "Change the Xero contact's default currency to the client's, or make a contact in the client's currency and set ledger_customer_id."}
	}
	return Ledger{Name: "QuickBooks", Short: "QBO", Customer: "customer", CustomerKey: "qbo_customer_id",
		CurrencyFix: "QuickBooks fixes a customer's currency after its first transaction: make a customer in the client's currency and set qbo_customer_id."}
}

// Ledger is the terms of the firm's ledger (Firm.Ledger).
func (f Firm) ledger() Ledger { return LedgerNamed(f.Ledger) }
