package workflow

import "billbot/internal/answers"

// WithAnswers makes Aging, Status and Home remember their answers in l,
// keyed by the store's ledger version and the firm's day, so that a burst
// of the same question between two invoice changes costs one computation
// (package answers). Without it every call computes.
func (w *Workflow) WithAnswers(l *answers.Ledger) *Workflow {
	w.answers = l
	return w
}
