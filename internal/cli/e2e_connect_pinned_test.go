package cli

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestE2EQBOSwitchCompanyWithRealmPinned: with QBO_REALM_ID set, a plain
// link still cannot connect another company, but a --switch-company link
// can (as the issue says); the switch is audited, and doctor then warns,
// in one line, that QBO_REALM_ID names another company than the connected
// one.
func TestE2EQBOSwitchCompanyWithRealmPinned(t *testing.T) {
	const otherRealm = "7770000000000777"
	w := newE2EWorld(t) // QBO_REALM_ID is the firm's company
	w.startServe()
	w.connectQBO()
	w.qbo.AuthorizeAs(otherRealm, "Other Books")
	if code, body := w.followLink(w.connectLink()); code != http.StatusForbidden || !strings.Contains(body, "--switch-company") {
		t.Fatalf("other company without --switch-company: HTTP %d %q; want 403", code, body)
	}
	if code, body := w.followLink(w.connectLink("--switch-company")); code != http.StatusOK || !strings.Contains(body, "Other Books") {
		t.Fatalf("switch with QBO_REALM_ID set: HTTP %d %q; want connected", code, body)
	}
	if evs, err := w.store.AuditEvents(t.Context(), "qbo_company", otherRealm); err != nil || len(evs) != 1 || evs[0].Action != "qbo.switched" {
		t.Errorf("switch audit = %+v, %v", evs, err)
	}
	var out, errOut bytes.Buffer
	_ = run(t.Context(), []string{"doctor"}, w.getenv, strings.NewReader(""), &out, &errOut)
	var warns []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "warn") {
			warns = append(warns, l)
		}
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "QBO_REALM_ID is "+e2eQBORealm) || !strings.Contains(warns[0], otherRealm) {
		t.Errorf("doctor warnings = %q, want one saying QBO_REALM_ID names another company\n%s", warns, out.String())
	}
}
