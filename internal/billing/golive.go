package billing

// Mode is how billbot treats a client's (or, as the default, the firm's)
// billing: live drafts invoices into the ledger, shadow drafts them only to
// compare with what the firm issued itself, off leaves the client alone.
type Mode string

// Modes, as named in the firm configuration. The firm's mode is live or
// shadow; a client's may also be off.
const (
	ModeLive   Mode = "live"
	ModeShadow Mode = "shadow"
	ModeOff    Mode = "off"
)

// Effective returns m, or ModeLive when m is empty (a hand-built client or
// firm without a mode bills as before modes existed).
func (m Mode) Effective() Mode {
	if m == "" {
		return ModeLive
	}
	return m
}

// Staff is one person who records time in Harvest: their staff level names
// the engagement's level rate, their Slack id (or email, until resolved)
// reaches them.
type Staff struct {
	HarvestUserID int64
	Name          string // as Harvest shows it
	Level         string // free text, matched to Engagement.LevelRates keys
	Slack         string // Slack user id or email address; empty when none
}
