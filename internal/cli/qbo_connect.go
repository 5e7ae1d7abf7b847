package cli

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strings"
	"time"

	"billbot/internal/app"
	"billbot/internal/config"
	"billbot/internal/qbo"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

// homeLinkTTL is how long a connect link shown on App Home lasts: a fresh
// one is made at every open of the tab.
const homeLinkTTL = 5 * time.Minute

func qboConnectCommand() command {
	return connectCommand(ledgerConnect{
		vendor: qbo.QuickBooks,
		name:   "qbo connect",
		summary: "Print a one-time link (15 minutes, single use) that connects the firm's QuickBooks company; only such a link starts the OAuth flow. " +
			"A link may connect a company other than the connected one (or QBO_REALM_ID) only with --switch-company.",
		switchFlag:    "switch-company",
		switchUsage:   "allow the link to replace the connected QuickBooks company with another",
		configured:    func(c *cli) bool { return c.env.QBOClientID != "" },
		notConfigured: "QuickBooks is not configured: set QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URL",
		what:          "connects the firm's QuickBooks company",
		whatSwitch:    "connects a QuickBooks company, replacing the connected one",
	})
}

// cliActor names who ran a command in the audit trail.
func cliActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

// newConnectLink stores a one-time link to QuickBooks' connect flow (its
// SHA-256 only) and returns its URL under BILLBOT_PUBLIC_URL.
func (c *cli) newConnectLink(ctx context.Context, st *store.Store, createdBy, via string, allowSwitch bool, ttl time.Duration) (string, error) {
	return c.newLedgerConnectLink(ctx, st, createdBy, via, allowSwitch, ttl, qbo.QuickBooks)
}

// connectLinks adapts the store to qbo.ConnectLinks for one ledger's
// flow: a link made for Xero (CreatedVia "xero:…") works only on the Xero
// flow, any other only on QuickBooks'.
type connectLinks struct {
	st   *store.Store
	xero bool
}

// mine refuses a link made for the other ledger's flow.
func (l connectLinks) mine(sl store.QBOConnectLink, err error) (qbo.ConnectLink, error) {
	if err == nil && strings.HasPrefix(sl.CreatedVia, xeroVia) != l.xero {
		err = store.ErrConnectLinkInvalid
	}
	return linkOf(sl, err)
}

func (l connectLinks) PeekLink(ctx context.Context, linkHash string, now time.Time) (qbo.ConnectLink, error) {
	return l.mine(l.st.PeekQBOConnectLink(ctx, linkHash, now))
}

func (l connectLinks) OpenLink(ctx context.Context, linkHash, stateHash string, now time.Time) (qbo.ConnectLink, error) {
	// Peeked first so that the other ledger's link is not used up here.
	if _, err := l.PeekLink(ctx, linkHash, now); err != nil {
		return qbo.ConnectLink{}, err
	}
	return l.mine(l.st.OpenQBOConnectLink(ctx, linkHash, stateHash, now))
}

func (l connectLinks) ConsumeState(ctx context.Context, stateHash string, now time.Time) (qbo.ConnectLink, error) {
	return l.mine(l.st.ConsumeQBOConnectState(ctx, stateHash, now))
}

func linkOf(sl store.QBOConnectLink, err error) (qbo.ConnectLink, error) {
	if errors.Is(err, store.ErrConnectLinkInvalid) {
		return qbo.ConnectLink{}, fmt.Errorf("%w: %w", qbo.ErrLinkInvalid, err)
	}
	if err != nil {
		return qbo.ConnectLink{}, err
	}
	return qbo.ConnectLink{ID: sl.ID, CreatedBy: sl.CreatedBy, AllowSwitch: sl.AllowSwitch, ExpiresAt: sl.ExpiresAt}, nil
}

// connectingSecrets is the secret store a connection's token is sealed
// into: its one write stores the token together with the new connection
// generation and the audit event, in one transaction.
type connectingSecrets struct {
	st   *store.Store
	conn qbo.Connection
}

func (s connectingSecrets) Secret(ctx context.Context, name string) ([]byte, error) {
	return s.st.Secret(ctx, name)
}

func (s connectingSecrets) PutSecret(ctx context.Context, name string, ct []byte) error {
	_, err := s.st.ConnectQBO(ctx, name, ct, s.conn.Link.ID, store.QBOConnection{
		RealmID: s.conn.RealmID, CompanyName: s.conn.CompanyName, ConnectedBy: s.conn.Link.CreatedBy,
	})
	return err
}

// qboConnectFlow builds serve's connect flow over the store.
func (c *cli) qboConnectFlow(st *store.Store, ts qbo.TokenStore, wf *workflow.Workflow) (*qbo.ConnectFlow, error) {
	box, err := c.secretBox()
	if err != nil {
		return nil, err
	}
	return &qbo.ConnectFlow{
		OAuth: c.qboOAuth(), Links: connectLinks{st: st}, Tokens: ts, PinnedRealm: c.env.QBORealmID,
		APIURL: c.env.QBOAPIURL, SecureCookie: strings.HasPrefix(c.env.PublicURL, "https://"),
		Commit: func(ctx context.Context, conn qbo.Connection) error {
			return qbo.NewEncryptedTokenStore(connectingSecrets{st: st, conn: conn}, box).Save(ctx, conn.Token, conn.RealmID)
		},
		Announce: func(ctx context.Context, conn qbo.Connection) error {
			return wf.AnnounceQBOConnection(ctx, workflow.QBOConnected{
				RealmID: conn.RealmID, CompanyName: conn.CompanyName, PreviousRealm: conn.PreviousRealm, LinkCreatedBy: conn.Link.CreatedBy,
			})
		},
		Logger: c.logger,
	}, nil
}

// homeConnectLinks gives firm approvers (firm.approvers) a fresh one-time
// connect link on App Home, without --switch-company; anyone else gets none.
func (c *cli) homeConnectLinks(st *store.Store, wf *workflow.Workflow) func(ctx context.Context, user string) (*slackui.QBOConnect, error) {
	return func(ctx context.Context, user string) (*slackui.QBOConnect, error) {
		if c.env.XeroClientID != "" {
			if ledger, err := app.FirmLedger(ctx, st); err == nil && ledger == config.LedgerXero {
				return c.homeXeroLink(ctx, st, wf, user)
			}
		}
		if c.env.QBOClientID == "" {
			return nil, nil
		}
		link, err := c.approverLink(ctx, st, wf, user, "app_home", qbo.QuickBooks)
		if err != nil || link == "" {
			return nil, err
		}
		q := &slackui.QBOConnect{LinkURL: link, Minutes: int(homeLinkTTL / time.Minute)}
		conn, err := st.QBOConnection(ctx)
		switch {
		case err == nil:
			q.RealmID, q.CompanyName = conn.RealmID, conn.CompanyName
		case errors.Is(err, store.ErrNotFound):
			// A token seeded from QBO_REFRESH_TOKEN has no connection row.
			if ts, err := c.qboTokenStore(ctx, st); err == nil {
				if _, realm, err := ts.Load(ctx); err == nil {
					q.RealmID = realm
				}
			}
		default:
			return nil, err
		}
		return q, nil
	}
}
