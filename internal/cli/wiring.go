package cli

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/app"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/invoicedetail"
	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/internal/workflow"
	"billbot/store"
)

// extraCommands are the commands that need the vendors' clients.
func extraCommands() []command {
	return append([]command{
		syncCommand(config.SourceHarvest, "harvest"),
		syncCommand(config.SourceToggl, "toggl"),
		syncCommand(config.SourceQuickBooksTime, "quickbooks-time"),
		importCSVCommand(harvestCSV),
		importCSVCommand(togglCSV),
		importCSVCommand(quickBooksTimeCSV),
		jobsListCommand(),
		jobsRunCommand(),
		demoCommand(),
		serveCommand(),
		doctorCommand(),
		setupCommand(),
		qboConnectCommand(),
		xeroConnectCommand(),
		shadowCommand(),
		secretsRotateKeyCommand(),
		invoiceShowCommand(),
		auditCommand(),
	}, reportCommands()...)
}

func (c *cli) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// workflow builds the workflows over the store and whichever vendors the
// environment configures (app.Deployment).
func (c *cli) workflow(ctx context.Context, st *store.Store) (*workflow.Workflow, error) {
	b, err := c.app.Billbot(ctx, st)
	if err != nil {
		return nil, err
	}
	return b.Workflow, nil
}

// firm opens the store and the workflows and loads the firm configuration,
// for commands that read them.
func (c *cli) firm(ctx context.Context) (*store.Store, *workflow.Workflow, *workflow.Firm, error) {
	st, err := c.store(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	wf, err := c.workflow(ctx, st)
	if err != nil {
		return nil, nil, nil, err
	}
	firm, err := wf.LoadFirm(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, wf, firm, nil
}

// The commands reach the vendors through the Deployment.

func (c *cli) slackAPI() *slack.Client                 { return c.app.SlackAPI() }
func (c *cli) messenger() *bot.Messenger               { return c.app.Messenger() }
func (c *cli) secretBox() (*secrets.Box, error)        { return c.app.SecretBox() }
func (c *cli) qboOAuth() *oauth2.Config                { return c.app.QBOOAuth() }
func (c *cli) harvestClient() (*harvest.Client, error) { return c.app.HarvestClient() }
func (c *cli) detailSigner() *invoicedetail.Signer     { return c.app.DetailSigner() }

func (c *cli) qboTokenStore(ctx context.Context, st *store.Store) (*qbo.EncryptedTokenStore, error) {
	return c.app.QBOTokenStore(ctx, st)
}

func (c *cli) qboClient(ctx context.Context, st *store.Store, timeout time.Duration) (*qbo.Client, *oauth2.Token, error) {
	return c.app.QBOClient(ctx, st, timeout)
}

// errWrongKey and checkKey: see app.ErrWrongKey and app.CheckKey.
var (
	errWrongKey = app.ErrWrongKey
	checkKey    = app.CheckKey
)

// migratedWorkflow opens the store (migrating the embedded database as
// every command does) and builds the workflows over it.
func (c *cli) migratedWorkflow(ctx context.Context) (*store.Store, *workflow.Workflow, error) {
	st, err := c.migrated(ctx)
	if err != nil {
		return nil, nil, err
	}
	wf, err := c.workflow(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	return st, wf, nil
}
