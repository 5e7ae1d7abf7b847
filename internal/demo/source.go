package demo

import (
	"billbot/internal/config"
	"billbot/internal/timeworld"
)

// OnSource returns the firm keeping its time in source: the same firm,
// its configuration saying firm.time_source and naming projects, clients
// and people by that source's keys.
func (f Firm) OnSource(source config.TimeSource) Firm {
	f.Source = source
	f.ConfigYAML = timeworld.FirmYAML(f.ConfigYAML, source)
	return f
}
