package harvest

import (
	"context"
	"encoding/json"
	"time"
)

// User is a person of the account as GET /v2/users returns it
// (help.getharvest.com/api-v2/users-api/users/users/).
type User struct {
	ID                int64       `json:"id"`
	FirstName         string      `json:"first_name"`
	LastName          string      `json:"last_name"`
	Email             string      `json:"email"`
	Timezone          string      `json:"timezone"`
	IsContractor      bool        `json:"is_contractor"`
	IsActive          bool        `json:"is_active"`
	WeeklyCapacity    int64       `json:"weekly_capacity"`
	DefaultHourlyRate json.Number `json:"default_hourly_rate"`
	CostRate          json.Number `json:"cost_rate"`
	Roles             []string    `json:"roles"`
	AccessRoles       []string    `json:"access_roles"`
	CreatedAt         time.Time   `json:"created_at"`
	UpdatedAt         time.Time   `json:"updated_at"`
}

// Name is the user's full name as time entries show it.
func (u User) Name() string { return u.FirstName + " " + u.LastName }

type usersPage struct {
	Users []User `json:"users"`
	Pagination
}

// ListUsers returns every user of the account, active and archived. It
// needs an administrator's token (or a manager's, for their teammates).
//
// Harvest docs: help.getharvest.com/api-v2/users-api/users/users/#list-all-users
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	return listAll(ctx, c, "users", "users", func(p *usersPage) []User { return p.Users })
}
