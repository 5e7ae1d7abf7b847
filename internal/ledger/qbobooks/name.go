package qbobooks

import "billbot/internal/workflow"

// Name is the ledger's name in what people read (workflow.Named).
const Name = "QuickBooks"

var (
	_ workflow.Named = (*Lazy)(nil)
	_ workflow.Named = (*Books)(nil)
)

// Name implements workflow.Named.
func (l *Lazy) Name() string { return Name }

// Name implements workflow.Named.
func (b *Books) Name() string { return Name }
