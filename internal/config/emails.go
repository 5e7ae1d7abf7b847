package config

import (
	"slices"
	"strings"
)

// Emails returns, lower-case, sorted and once each, the email addresses f
// names people by where a Slack user id is taken: billing_manager,
// approvers, each staff member's slack, each engagement's partner and
// manager. users.lookupByEmail turns them into ids (ResolveEmails).
func (f *Firm) Emails() []string {
	var out []string
	f.eachUserRef(func(ref *string) {
		if IsEmail(*ref) {
			out = append(out, strings.ToLower(*ref))
		}
	})
	slices.Sort(out)
	return slices.Compact(out)
}

// ResolveEmails replaces each email address standing for a Slack user id
// with the id ids gives it (keyed by lower-case address) and returns the
// addresses left unresolved, as Emails does.
func (f *Firm) ResolveEmails(ids map[string]string) (unresolved []string) {
	f.eachUserRef(func(ref *string) {
		if !IsEmail(*ref) {
			return
		}
		if id := ids[strings.ToLower(*ref)]; id != "" {
			*ref = id
			return
		}
		unresolved = append(unresolved, strings.ToLower(*ref))
	})
	slices.Sort(unresolved)
	return slices.Compact(unresolved)
}

// eachUserRef calls fn with every field of f that holds a Slack user id (or
// an email address standing for one).
func (f *Firm) eachUserRef(fn func(*string)) {
	visit := func(s *string) {
		if *s != "" {
			fn(s)
		}
	}
	visit(&f.BillingManager)
	for i := range f.Approvers {
		visit(&f.Approvers[i])
	}
	for i := range f.Viewers {
		visit(&f.Viewers[i])
	}
	for i := range f.Staff {
		visit(&f.Staff[i].Slack)
	}
	for i := range f.Engagements {
		visit(&f.Engagements[i].Partner)
		visit(&f.Engagements[i].Manager)
	}
}
