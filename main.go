// Command billbot closes the billing gap of accounting firms: it pulls
// approved time from Harvest, checks it against engagement letters, drafts
// invoices in QuickBooks Online, asks partners to approve them in Slack, and
// chases payment. See README.md and `billbot help`.
package main

import (
	"os"

	"billbot/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
