package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/store"
)

// xeroVendor is the Xero connect flow's vocabulary; the one-time link, its
// page and the OAuth state are QuickBooks' (qbo.ConnectFlow).
var xeroVendor = qbo.Vendor{Name: "Xero", Org: "organisation", Orgs: "organisations", SignIn: "Xero",
	Path: "/oauth/xero", Command: "billbot xero connect", SwitchFlag: "--switch-organisation", Log: "xero"}

// xeroVia marks a connect link made for Xero (store.QBOConnectLink's
// CreatedVia "xero:cli"): a link works only on its own ledger's flow.
const xeroVia = "xero:"

func xeroConnectCommand() command {
	return connectCommand(ledgerConnect{
		vendor: xeroVendor,
		name:   "xero connect",
		summary: "Print a one-time link (15 minutes, single use) that connects the firm's Xero organisation; only such a link starts the OAuth flow. " +
			"A link may connect an organisation other than the connected one (or XERO_TENANT_ID) only with --switch-organisation.",
		switchFlag:    "switch-organisation",
		switchUsage:   "allow the link to replace the connected Xero organisation with another",
		configured:    func(c *cli) bool { return c.env.XeroClientID != "" },
		notConfigured: "Xero is not configured: set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URL",
		via:           xeroVia,
		what:          "connects the firm's Xero organisation",
		whatSwitch:    "connects a Xero organisation, replacing the connected one",
	})
}

// xeroConnectFlow builds serve's Xero connect flow over the store: the
// one-time link and state of QuickBooks' flow, then the code exchanged
// with xero.Connect, the organisation chosen from /connections and pinned
// as QuickBooks' company is.
func (c *cli) xeroConnectFlow(st *store.Store, ts *xero.EncryptedTokenStore, wf *workflow.Workflow) *qbo.ConnectFlow {
	oauth := c.app.XeroOAuth()
	f := &qbo.ConnectFlow{
		OAuth: oauth, Links: connectLinks{st: st, xero: true}, Tokens: nil,
		SecureCookie: strings.HasPrefix(c.env.PublicURL, "https://"), Vendor: xeroVendor, Logger: c.logger,
		Announce: func(ctx context.Context, conn qbo.Connection) error {
			return wf.AnnounceQBOConnection(ctx, workflow.QBOConnected{
				RealmID: conn.RealmID, CompanyName: conn.CompanyName, PreviousRealm: conn.PreviousRealm, LinkCreatedBy: conn.Link.CreatedBy,
				Ledger: xeroVendor.Name, Org: xeroVendor.Org,
			})
		},
	}
	f.Finish = func(ctx context.Context, link qbo.ConnectLink, q url.Values) (qbo.Connection, int, string, error) {
		return c.finishXero(ctx, st, ts, oauth, f.StartAgain(), link, q)
	}
	return f
}

// finishXero exchanges the code and stores the token with its tenant —
// the connected one (before the first connection XERO_TENANT_ID's) unless
// the link allows a switch. A non-empty msg is the failure to answer;
// nothing is stored then.
func (c *cli) finishXero(ctx context.Context, st *store.Store, ts *xero.EncryptedTokenStore, oauth *oauth2.Config, again string, link qbo.ConnectLink, q url.Values) (conn qbo.Connection, status int, msg string, err error) {
	code := q.Get("code")
	if code == "" {
		return conn, http.StatusBadRequest, "Xero sent no authorization code." + again, nil
	}
	_, stored, err := ts.Load(ctx)
	if err != nil && !errors.Is(err, xero.ErrNoToken) {
		return conn, http.StatusInternalServerError, "Could not read the current Xero connection; nothing was changed.", err
	}
	current := stored
	if current == "" {
		current = c.env.XeroTenantID
	}
	want := current
	if link.AllowSwitch {
		want = "" // the organisation the person chose, when the token may call only one
	}
	pin := pinnedTenant{ts: ts, current: current, allowSwitch: link.AllowSwitch}
	xc, err := xero.Connect(ctx, oauth, code, c.env.XeroAPIURL, want, &pin)
	switch {
	case errors.Is(err, xero.ErrTenantNotAuthorized), errors.Is(err, errOtherTenant):
		if stored == "" {
			return conn, http.StatusForbidden, fmt.Sprintf("XERO_TENANT_ID pins billbot to Xero organisation %s; this link may not connect another organisation, so nothing was changed. To connect another organisation, make a link with `billbot xero connect --switch-organisation` (and update XERO_TENANT_ID).", current), err
		}
		return conn, http.StatusForbidden, fmt.Sprintf("billbot is connected to Xero organisation %s; this link may not switch it to another organisation, so nothing was changed. To switch organisations, make a link with `billbot xero connect --switch-organisation`.", current), err
	case err != nil:
		return conn, http.StatusBadGateway, "Could not connect the Xero organisation with this authorization; nothing was changed." + again, err
	}
	conn = qbo.Connection{Token: pin.saved, RealmID: xc.TenantID, CompanyName: xc.TenantName, PreviousRealm: stored, Link: link}
	action := "xero.connected"
	if stored != "" && stored != xc.TenantID {
		action = "xero.switched"
	}
	after, _ := json.Marshal(map[string]any{"tenant_id": xc.TenantID, "tenant_name": xc.TenantName, "previous_tenant_id": stored})
	if err := st.Audit(ctx, store.AuditEvent{Actor: link.CreatedBy, Action: action, SubjectType: "xero_organisation", SubjectID: xc.TenantID,
		Note: fmt.Sprintf("link %d", link.ID), After: after}); err != nil {
		c.logger.Warn("xero connection not audited", "tenant_id", xc.TenantID, "error", err)
	}
	return conn, http.StatusOK, "", nil
}

// errOtherTenant refuses to store a token for another organisation than
// the pinned one.
var errOtherTenant = errors.New("xero: another organisation than the pinned one")

// pinnedTenant is the TokenStore xero.Connect saves the new token into: it
// refuses a tenant other than current unless a switch is allowed.
type pinnedTenant struct {
	ts          *xero.EncryptedTokenStore
	current     string
	allowSwitch bool
	saved       *oauth2.Token
}

func (p *pinnedTenant) Load(ctx context.Context) (*oauth2.Token, string, error) {
	return p.ts.Load(ctx)
}

func (p *pinnedTenant) Save(ctx context.Context, tok *oauth2.Token, tenantID string) error {
	if p.current != "" && tenantID != p.current && !p.allowSwitch {
		return errOtherTenant
	}
	if err := p.ts.Save(ctx, tok, tenantID); err != nil {
		return err
	}
	p.saved = tok
	return nil
}

// homeXeroLink is App Home's connect section for a Xero firm: firm
// approvers get a fresh one-time link (no switch), anyone else none.
func (c *cli) homeXeroLink(ctx context.Context, st *store.Store, wf *workflow.Workflow, user string) (*slackui.QBOConnect, error) {
	link, err := c.approverLink(ctx, st, wf, user, xeroVia+"app_home", xeroVendor)
	if err != nil || link == "" {
		return nil, err
	}
	q := &slackui.QBOConnect{LinkURL: link, Minutes: int(homeLinkTTL / time.Minute), Ledger: xeroVendor.Name}
	if ts, err := c.app.XeroTokenStore(ctx, st); err == nil {
		if _, tenant, err := ts.Load(ctx); err == nil {
			q.RealmID = tenant
		}
	}
	return q, nil
}
