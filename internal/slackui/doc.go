// Package slackui renders billbot's Slack surfaces: draft invoice messages,
// the edit and hold modals, slash-command replies, the App Home tab and the
// direct messages sent by jobs. Every renderer is a pure function from a
// plain view-model struct to Slack Block Kit values plus a fallback text; it
// does no I/O and reads no clock.
//
// Renderers keep within Slack's Block Kit limits so that Slack never rejects
// a message for its shape: long lists are cut with an "and N more" line,
// long texts are clipped, and user-supplied text is escaped.
package slackui

// Slack Block Kit limits. Sources: docs.slack.dev/reference/block-kit/blocks
// ("up to 50 blocks in each message, and 100 blocks in modals or Home
// tabs"), the section, header, context and actions block pages under
// docs.slack.dev/reference/block-kit/blocks/, the button element and
// confirmation dialog object pages under docs.slack.dev/reference/block-kit/,
// and docs.slack.dev/reference/views/modal-views (title, submit and close at
// most 24 characters, private_metadata at most 3,000).
const (
	// MaxMessageBlocks is the most blocks one message may carry.
	MaxMessageBlocks = 50
	// MaxViewBlocks is the most blocks a modal or Home tab may carry.
	MaxViewBlocks = 100
	// MaxTextLen is the longest text of a section block, in characters.
	MaxTextLen = 3000
	// MaxIDLen is the longest action_id or block_id.
	MaxIDLen = 255

	maxFieldLen       = 2000 // each section field
	maxFields         = 10   // fields per section
	maxHeaderLen      = 150  // header block text
	maxButtonLen      = 75   // button label
	maxButtonValueLen = 2000 // button value
	maxContextElems   = 10   // elements per context block
	maxConfirmTitle   = 100  // confirmation dialog title
	maxConfirmText    = 300  // confirmation dialog text
	maxConfirmButton  = 30   // confirmation dialog confirm/deny labels
	maxViewTitleLen   = 24   // modal title, submit and close labels
	maxOptionLen      = 75   // select option text
	maxLabelLen       = 2000 // input block label
	maxInputLen       = 3000 // plain_text_input initial value and max_length
	maxURLLen         = 3000 // button url
)
