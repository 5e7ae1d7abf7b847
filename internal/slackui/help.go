package slackui

import (
	"strings"

	"github.com/slack-go/slack"
)

// Subcommand is one slash subcommand and what it does.
type Subcommand struct {
	Usage string // "/billing status [client]"
	Does  string
}

// Subcommands lists the subcommands of /billing or /ar, as the operator
// contract names them; nil for any other command.
func Subcommands(command string) []Subcommand {
	switch command {
	case "/billing":
		return []Subcommand{
			{"/billing exceptions [client]", "open exceptions by kind, with the fix for each"},
			{"/billing run [YYYY-MM-DD]", "draft invoices for the cycle ending that day (default: the last closed cycle)"},
			{"/billing status [client]", "drafts awaiting approval, held, sent, overdue and disputed invoices"},
			{"/billing shadow", "how the last shadow cycle's drafts compared with the invoices issued in QuickBooks, and earlier cycles"},
			{"/billing kpis [YYYY-MM]", "the month's billing figures: realization, utilization, leakage, collections (default: last month)"},
			{"/billing invoice NUMBER", "an invoice's lines with the time entries behind each, write-downs and dispute"},
			{"/billing history NUMBER", "an invoice's audit trail: who did what, when, before → after, why"},
			{"/billing help", "this list"},
		}
	case "/ar":
		return []Subcommand{
			{"/ar aging [client | @manager]", "receivables by age, totals and DSO"},
			{"/ar client NAME", "one client's open invoices and what they owe"},
			{"/ar help", "this list"},
		}
	}
	return nil
}

// usageItems renders the subcommands of command, or of every command when
// command is unknown.
func usageItems(command string) []string {
	cmds := []string{command}
	if Subcommands(command) == nil {
		cmds = []string{"/billing", "/ar"}
	}
	var items []string
	for _, c := range cmds {
		for _, s := range Subcommands(c) {
			items = append(items, "• `"+s.Usage+"` — "+s.Does)
		}
	}
	return items
}

// HelpReply renders every subcommand of command ("/billing" or "/ar") with
// its usage; any other command lists both.
func HelpReply(command string) (text string, blocks []slack.Block) {
	name := command
	if Subcommands(command) == nil {
		name = "billbot"
	}
	items := append([]string{"*" + esc(name) + " commands*"}, usageItems(command)...)
	text = "Usage of " + esc(name) + ": " + strings.Join(usageFirstLines(command), ", ")
	return clipMrkdwn(text, MaxTextLen), packSections("help", items)
}

func usageFirstLines(command string) []string {
	cmds := []string{command}
	if Subcommands(command) == nil {
		cmds = []string{"/billing", "/ar"}
	}
	var out []string
	for _, c := range cmds {
		for _, s := range Subcommands(c) {
			out = append(out, "`"+s.Usage+"`")
		}
	}
	return out
}

// UsageError renders the ephemeral answer to a command billbot did not
// understand: what was wrong, then the command's usage. Nothing changed.
func UsageError(command, problem string) (text string, blocks []slack.Block) {
	text = "I didn't understand that"
	if problem != "" {
		text += ": " + esc(clipPlain(oneLine(problem), 500))
	}
	text += ". Nothing was changed."
	blocks = append(blocks, section("usage_problem", text))
	blocks = append(blocks, packSections("usage", append([]string{"*Usage*"}, usageItems(command)...))...)
	return clipMrkdwn(text, MaxTextLen), blocks
}

// clientSuggestionsShown caps the names offered.
const clientSuggestionsShown = 10

// ClientSuggestions renders "No client named X. Did you mean …?" for a
// client name that matched nothing; suggestions are the closest names, best
// first.
func ClientSuggestions(query string, suggestions []string) (text string, blocks []slack.Block) {
	text = "No client named “" + esc(clipPlain(oneLine(query), 200)) + "”."
	if len(suggestions) == 0 {
		text += " Check the spelling against the client list in QuickBooks."
		return text, []slack.Block{section("client_suggestions", text)}
	}
	shown := suggestions
	if len(shown) > clientSuggestionsShown {
		shown = shown[:clientSuggestionsShown]
	}
	quoted := make([]string, len(shown))
	for i, s := range shown {
		quoted[i] = "*" + esc(clipPlain(oneLine(s), 200)) + "*"
	}
	text += " Did you mean " + orList(quoted) + "?"
	return clipMrkdwn(text, MaxTextLen), []slack.Block{section("client_suggestions", text)}
}

// orList joins "a", "a or b", "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
