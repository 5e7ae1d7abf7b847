package chat

// UserError is an error whose message is meant for the person who asked,
// shown to them as is. Handlers return it from work done after Slack has
// been answered (a modal's follow-up), where the transport, not the
// handler, delivers what the person reads.
type UserError struct{ Msg string }

// Error returns the message.
func (e *UserError) Error() string { return e.Msg }
