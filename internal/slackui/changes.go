package slackui

import "github.com/slack-go/slack"

// draftChangesShown is how many QuickBooks changes a draft message lists.
const draftChangesShown = 10

// draftChanges lists what changed in QuickBooks since the partner last saw
// the draft (old → new, per line and total), so that the Approve click that
// follows approves what QBO will email.
func draftChanges(changes []string, ledger string) []slack.Block {
	if len(changes) == 0 {
		return nil
	}
	shown := changes
	if len(shown) > draftChangesShown {
		shown = shown[:draftChangesShown]
	}
	items := []string{"*⚠️ Changed in " + ledgerName(ledger) + " since you last saw it — review and approve this version*"}
	for _, c := range shown {
		items = append(items, "• "+esc(clipPlain(oneLine(c), 280)))
	}
	if rest := len(changes) - len(shown); rest > 0 {
		items = append(items, "_…and "+plural(rest, "more change", "more changes")+"_")
	}
	return packSections("draft_changes", items)
}
