package setup

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/qbo"
)

// Harvest is what setup reads from Harvest (*harvest.Client).
type Harvest interface {
	GetCompany(ctx context.Context) (harvest.Company, error)
	ListClients(ctx context.Context) ([]harvest.Customer, error)
	ListProjects(ctx context.Context) ([]harvest.Project, error)
	ListUsers(ctx context.Context) ([]harvest.User, error)
	ListTaskAssignments(ctx context.Context, projectID int64) ([]harvest.TaskAssignment, error)
	ListUserAssignments(ctx context.Context, projectID int64) ([]harvest.UserAssignment, error)
	ListAllTaskAssignments(ctx context.Context) ([]harvest.TaskAssignment, error)
	ListAllUserAssignments(ctx context.Context) ([]harvest.UserAssignment, error)
	ListTimeEntries(ctx context.Context, opts harvest.TimeEntryListOptions, fn func(page []harvest.TimeEntry) error) error
}

// Books is what setup reads from QuickBooks Online (*qbo.Client).
type Books interface {
	QueryCustomers(ctx context.Context, where string) ([]qbo.Customer, error)
	QueryItems(ctx context.Context, where string) ([]qbo.Item, error)
	QueryTerms(ctx context.Context, where string) ([]qbo.Term, error)
}

// Ledger is what setup reads from a ledger other than QuickBooks (Xero):
// its adapter lists the customers, items and payment terms in setup's
// terms in one Read.
type Ledger interface {
	ReadLedger(ctx context.Context) (LedgerListing, error)
}

// LedgerListing is what a Ledger read.
type LedgerListing struct {
	Customers []Customer
	Items     []Item
	Terms     []Term
	// Requests is how many calls the read made to the ledger.
	Requests int
}

// Catalog is what setup reads from a time source other than Harvest
// (Toggl Track, QuickBooks Time): its adapter lists everything in setup's
// terms in one Read.
type Catalog interface {
	// Read lists the source's firm (workspace, company) name, clients,
	// projects with their task and people assignments and rates, and
	// people; with goLive set it also counts the unbilled, billable,
	// stopped time spent before goLive into Listing.History.
	Read(ctx context.Context, goLive billing.Date) (Listing, error)
}

// Listing is what a Catalog read.
type Listing struct {
	FirmName string
	Clients  []Client
	Projects []Project
	Users    []User
	History  History
	// Requests is how many calls the read made to the source.
	Requests int
}

// Directory finds a Slack user by email (users.lookupByEmail); found is
// false when no member has that address.
type Directory interface {
	LookupEmail(ctx context.Context, email string) (id string, found bool, err error)
}

// Sources are the vendors Gather reads. Books and Directory may be nil
// (QuickBooks not connected, no Slack token): the plan then lists every
// match as a decision.
type Sources struct {
	// Harvest is read unless Catalog is set.
	Harvest Harvest
	// Catalog, when set, is the firm's time source instead of Harvest;
	// Source names it.
	Catalog Catalog
	Source  config.TimeSource
	Books   Books
	// LedgerKind names the ledger Ledger reads (Xero).
	LedgerKind config.Ledger
	// Ledger, when set, is the firm's ledger instead of QuickBooks (Books
	// is then not read).
	Ledger    Ledger
	Directory Directory
	// PerProject reads assignments project by project (two calls each)
	// instead of the account-wide lists (a few pages of 2,000). The lists
	// need the same administrator token /v2/users does.
	PerProject bool
	// Workers is how many project assignment lists are fetched at once
	// in PerProject mode (the Harvest client's rate limiter paces them);
	// default 8.
	Workers int
	// Progress, when set, is told how many projects' assignments are read.
	Progress func(done, total int)
	// GoLive, when set, is the firm's cut-over: Gather counts the unbilled
	// billable time Harvest holds before it.
	GoLive billing.Date
}

// Calls counts the vendor calls Gather made, by kind.
type Calls struct {
	HarvestLists int // clients, projects, users, company; the two assignment lists unless PerProject
	EntryPages   int // time entries before go_live
	Assignments  int // PerProject: task and user assignment lists, one per project each
	SlackLookups int
	// SourceRequests counts a Catalog's calls (a source other than Harvest).
	SourceRequests int
	// LedgerRequests counts a Ledger's calls (a ledger other than QuickBooks).
	LedgerRequests int
}

// Gather reads everything setup needs: Harvest's lists one after the
// other, then the assignments (the account-wide lists, or per active,
// billable project with PerProject), the QBO queries, the Slack lookups
// and the time before go_live in parallel.
func Gather(ctx context.Context, s Sources) (Input, Calls, error) {
	in := Input{BooksRead: s.Books != nil || s.Ledger != nil, SlackRead: s.Directory != nil, Ledger: s.LedgerKind}
	var calls Calls
	g, ctx := errgroup.WithContext(ctx)
	if s.Ledger != nil {
		g.Go(func() error { return gatherLedger(ctx, s.Ledger, &in, &calls) })
	} else if s.Books != nil {
		g.Go(func() error { return gatherBooks(ctx, s.Books, &in, &calls) })
	}
	if s.Catalog != nil {
		if err := gatherCatalog(ctx, s, &in, &calls); err != nil {
			return in, calls, err
		}
		if s.Directory != nil {
			in.Slack = map[string]string{}
			g.Go(func() error { return lookupAll(ctx, s.Directory, in.Users, in.Slack, &calls) })
		}
		if err := g.Wait(); err != nil {
			return in, calls, err
		}
		if in.HomeCurrency == "" {
			in.HomeCurrency = commonCurrency(in.Clients)
		}
		return in, calls, nil
	}
	co, err := s.Harvest.GetCompany(ctx)
	if err != nil {
		return in, calls, fmt.Errorf("setup: %w", err)
	}
	in.FirmName = co.Name
	clients, err := s.Harvest.ListClients(ctx)
	if err != nil {
		return in, calls, fmt.Errorf("setup: %w", err)
	}
	projects, err := s.Harvest.ListProjects(ctx)
	if err != nil {
		return in, calls, fmt.Errorf("setup: %w", err)
	}
	users, err := s.Harvest.ListUsers(ctx)
	if err != nil {
		return in, calls, fmt.Errorf("setup: %w", err)
	}
	calls.HarvestLists = 4
	in.Clients, in.Users = convertClients(clients), convertUsers(users)
	if !s.GoLive.IsZero() {
		in.GoLive = s.GoLive
		g.Go(func() error { return history(ctx, s.Harvest, s.GoLive, &in.History, &calls) })
	}
	if s.Directory != nil {
		in.Slack = map[string]string{}
		g.Go(func() error { return lookupAll(ctx, s.Directory, in.Users, in.Slack, &calls) })
	}
	active := map[int64]bool{}
	for _, c := range in.Clients {
		active[c.ID] = c.Active
	}
	in.Projects = make([]Project, len(projects))
	var todo []int
	for i, p := range projects {
		in.Projects[i] = convertProject(p)
		if p.IsActive && p.IsBillable && active[p.Client.ID] {
			todo = append(todo, i)
		}
	}
	if s.PerProject {
		perProject(ctx, g, s, in.Projects, todo)
		calls.Assignments = 2 * len(todo)
	} else {
		g.Go(func() error { return bulkAssignments(ctx, s.Harvest, in.Projects, todo) })
		calls.HarvestLists += 2
	}
	if err := g.Wait(); err != nil {
		return in, calls, err
	}
	if in.HomeCurrency == "" {
		in.HomeCurrency = commonCurrency(in.Clients)
	}
	return in, calls, nil
}

// perProject reads the assignments of projects[todo] with s.Workers
// goroutines in g.
func perProject(ctx context.Context, g *errgroup.Group, s Sources, projects []Project, todo []int) {
	var done atomic.Int64
	work := make(chan int)
	workers := s.Workers
	if workers <= 0 {
		workers = 8
	}
	for range workers {
		g.Go(func() error {
			for i := range work {
				if err := assignments(ctx, s.Harvest, &projects[i]); err != nil {
					return err
				}
				if n := done.Add(1); s.Progress != nil {
					s.Progress(int(n), len(todo))
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(work)
		for _, i := range todo {
			select {
			case work <- i:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
}

// bulkAssignments reads every project's assignments from the two
// account-wide lists and files them under projects[todo].
func bulkAssignments(ctx context.Context, h Harvest, projects []Project, todo []int) error {
	at := make(map[int64]*Project, len(todo))
	for _, i := range todo {
		at[projects[i].ID] = &projects[i]
	}
	tas, err := h.ListAllTaskAssignments(ctx)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	uas, err := h.ListAllUserAssignments(ctx)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	for _, ta := range tas {
		if ta.Project != nil && at[ta.Project.ID] != nil {
			addTask(at[ta.Project.ID], ta)
		}
	}
	for _, ua := range uas {
		if ua.Project != nil && at[ua.Project.ID] != nil {
			addUser(at[ua.Project.ID], ua)
		}
	}
	return nil
}

func addTask(p *Project, ta harvest.TaskAssignment) {
	if ta.Task != nil {
		p.Tasks = append(p.Tasks, TaskAssignment{Task: ta.Task.Name, Billable: ta.Billable, Active: ta.IsActive, HourlyRate: ta.HourlyRate.String()})
	}
}

func addUser(p *Project, ua harvest.UserAssignment) {
	if ua.User != nil {
		p.People = append(p.People, UserAssignment{UserID: ua.User.ID, Name: ua.User.Name, Manager: ua.IsProjectManager, Active: ua.IsActive, UseDefaultRates: ua.UseDefaultRates, HourlyRate: ua.HourlyRate.String()})
	}
}

func assignments(ctx context.Context, h Harvest, p *Project) error {
	tas, err := h.ListTaskAssignments(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	uas, err := h.ListUserAssignments(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	for _, ta := range tas {
		addTask(p, ta)
	}
	for _, ua := range uas {
		addUser(p, ua)
	}
	return nil
}

// gatherLedger fills in the ledger's lists from l.
func gatherLedger(ctx context.Context, l Ledger, in *Input, calls *Calls) error {
	got, err := l.ReadLedger(ctx)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	in.Customers, in.Items, in.Terms = got.Customers, got.Items, got.Terms
	calls.LedgerRequests = got.Requests
	return nil
}

// gatherCatalog fills in from s.Catalog: everything a Harvest read gives,
// in one call of the source's adapter.
func gatherCatalog(ctx context.Context, s Sources, in *Input, calls *Calls) error {
	l, err := s.Catalog.Read(ctx, s.GoLive)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	in.Source, in.FirmName, in.Clients, in.Users, in.Projects = s.Source, l.FirmName, l.Clients, l.Users, l.Projects
	if !s.GoLive.IsZero() {
		in.GoLive, in.History = s.GoLive, l.History
	}
	calls.SourceRequests = l.Requests
	return nil
}
