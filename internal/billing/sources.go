package billing

import "strings"

// SourceLabel is a time entry's Source as people know it: "Harvest" for
// "harvest" and "harvest-csv", "Toggl Track" for "toggl" and "toggl-csv",
// "QuickBooks Time" for "quickbooks_time" and "quickbooks_time-csv";
// another source as it is.
func SourceLabel(source string) string {
	switch strings.TrimSuffix(source, "-csv") {
	case "harvest", "":
		return "Harvest"
	case "toggl":
		return "Toggl Track"
	case "quickbooks_time":
		return "QuickBooks Time"
	}
	return source
}
