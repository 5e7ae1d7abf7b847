package demo

import (
	"strings"

	"billbot/internal/config"
)

// OnSource returns the firm keeping its time in source: the same firm,
// its configuration saying firm.time_source and naming projects, clients
// and people by the source-neutral keys.
func (f Firm) OnSource(source config.TimeSource) Firm {
	if source.Effective() == config.SourceHarvest {
		return f
	}
	f.Source = source
	yml := string(f.ConfigYAML)
	yml = strings.Replace(yml, "  home_currency: USD\n", "  home_currency: USD\n  time_source: "+string(source)+"\n", 1)
	if source == config.SourceToggl {
		// The demo firm reviews its time before each cycle closes and
		// approves it in Toggl's timesheets.
		yml = strings.Replace(yml, "  time_source: toggl\n", "  time_source: toggl\n  toggl: {approval: timesheets}\n", 1)
	}
	for _, k := range []string{"project", "client", "user"} {
		yml = strings.ReplaceAll(yml, "harvest_"+k+"_id:", "source_"+k+"_id:")
	}
	f.ConfigYAML = []byte(yml)
	return f
}
