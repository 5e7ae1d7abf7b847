package xerobooks

import "billbot/internal/workflow"

var _ workflow.Named = (*Books)(nil)

// Name implements workflow.Named.
func (b *Books) Name() string { return Name }
