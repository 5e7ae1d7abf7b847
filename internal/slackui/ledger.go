package slackui

// ledgerName is the name of the ledger a view names ("" is QuickBooks).
func ledgerName(ledger string) string {
	if ledger == "" {
		return "QuickBooks"
	}
	return ledger
}
