// Package loadtest measures billbot's Slack request path under load: it
// seeds a PostgreSQL database with a large firm's history in bulk, serves
// billbot's HTTP endpoints over it, sends signed slash commands at a steady
// rate, and reports how fast each one is acknowledged. Slack gives an app
// 3 seconds to acknowledge a slash command (docs/vendors.md §1.2,
// docs.slack.dev/interactivity/implementing-slash-commands); billbot aims to
// answer inline, well inside that.
package loadtest
