package workflow

import "slices"

// Reader is what one person may read through Slack. The firm's people are
// those its configuration names: approvers, the billing manager, viewers
// and the partners and managers of its engagements. Everyone else reads
// nothing.
type Reader struct {
	// All is set for approvers, the billing manager, viewers and partners:
	// they read every client.
	All bool
	// Clients are the clients of the engagements the person manages; a
	// manager who is not also one of the above reads only these.
	Clients []string
}

// Allowed reports whether the person may read anything at all.
func (r Reader) Allowed() bool { return r.All || len(r.Clients) > 0 }

// Sees reports whether the person may read the named client.
func (r Reader) Sees(client string) bool { return r.All || slices.Contains(r.Clients, client) }

// Reader returns what user may read. An empty user reads nothing.
func (f *Firm) Reader(user string) Reader {
	if user == "" {
		return Reader{}
	}
	if f.IsApprover(user, nil) {
		return Reader{All: true}
	}
	if f.File != nil && (user == f.File.BillingManager || slices.Contains(f.File.Viewers, user) || slices.Contains(f.File.Approvers, user)) {
		return Reader{All: true}
	}
	var r Reader
	for _, e := range f.Engagements {
		if e.Partner == user {
			return Reader{All: true}
		}
		if e.Manager == user && !slices.Contains(r.Clients, e.Client) {
			r.Clients = append(r.Clients, e.Client)
		}
	}
	slices.Sort(r.Clients)
	return r
}
