package slackui

import (
	"strings"
	"testing"
)

func TestKPIReply(t *testing.T) {
	t.Parallel()
	text, blocks := KPIReply("Billing figures · October 2026", []KPISection{
		{Title: "Realization", Lines: []string{"Partner <@U0PARTNER1>: 93.52% (USD 45,125.50 of USD 48,250.00)", "Acme & Co: 91.28%"}},
		{Title: "Utilization"},
		{Title: "Collections", Lines: []string{"Paid within terms 77.78%", strings.Repeat("long ", 200)}},
	})
	checkMessage(t, text, blocks)
	assertGolden(t, message{text, blocks})
}
