package harvest

// The time-entry shapes of the hand-written decoder (see decode.go): each
// function reads one object of GET /v2/time_entries into its wire struct,
// field by field, as json.Unmarshal would.

func (p *TimeEntriesPage) decodeFrom(data []byte) error {
	d := &lexer{b: data}
	if err := d.object(func(key []byte) error {
		switch string(key) {
		case "time_entries":
			return d.timeEntries(&p.TimeEntries)
		case "links":
			return d.object(func(key []byte) error {
				switch string(key) {
				case "first":
					return d.str(&p.Links.First)
				case "next":
					return d.str(&p.Links.Next)
				case "previous":
					return d.str(&p.Links.Previous)
				case "last":
					return d.str(&p.Links.Last)
				}
				return d.skip(0)
			})
		}
		return d.pagination(key, &p.Pagination)
	}); err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.b) {
		return d.fail("data after the top-level value")
	}
	return nil
}

func (d *lexer) pagination(key []byte, p *Pagination) error {
	switch string(key) {
	case "per_page":
		return d.int(&p.PerPage)
	case "total_pages":
		return d.int(&p.TotalPages)
	case "total_entries":
		return d.int(&p.TotalEntries)
	case "next_page":
		return d.intPtr(&p.NextPage)
	case "previous_page":
		return d.intPtr(&p.PreviousPage)
	case "page":
		return d.intPtr(&p.Page)
	}
	return d.skip(0)
}

func (d *lexer) timeEntries(dst *[]TimeEntry) error {
	if d.literal("null") {
		*dst = nil
		return nil
	}
	out := (*dst)[:0]
	if out == nil {
		// About a kilobyte per entry as Harvest writes them: size the
		// slice once instead of growing it a dozen times.
		out = make([]TimeEntry, 0, len(d.b)/1024+1)
	}
	err := d.array(func() error {
		out = append(out, TimeEntry{})
		return d.timeEntry(&out[len(out)-1])
	})
	if out == nil {
		out = []TimeEntry{}
	}
	*dst = out
	return err
}

// refField reads key of a reference object: its id and name, what every
// reference carries; any other key is skipped.
func (d *lexer) refField(key []byte, id *int64, name *string) error {
	switch string(key) {
	case "id":
		return d.int64(id)
	case "name":
		return d.name(name)
	}
	return d.skip(0)
}

func (d *lexer) idName(v *IDName) error {
	return d.object(func(key []byte) error { return d.refField(key, &v.ID, &v.Name) })
}

func (d *lexer) projectRef(v *ProjectRef) error {
	return d.object(func(key []byte) error {
		if string(key) == "code" {
			return d.name(&v.Code)
		}
		return d.refField(key, &v.ID, &v.Name)
	})
}

func (d *lexer) clientRef(v *ClientRef) error {
	return d.object(func(key []byte) error {
		if string(key) == "currency" {
			return d.name(&v.Currency)
		}
		return d.refField(key, &v.ID, &v.Name)
	})
}

func (d *lexer) timeEntry(e *TimeEntry) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "id":
			return d.int64(&e.ID)
		case "spent_date":
			return d.date(&e.SpentDate)
		case "user":
			return d.idName(&e.User)
		case "client":
			return d.clientRef(&e.Client)
		case "project":
			return d.projectRef(&e.Project)
		case "task":
			return d.idName(&e.Task)
		case "user_assignment":
			return nullable(d, &e.UserAssignment, d.userAssignment)
		case "task_assignment":
			return nullable(d, &e.TaskAssignment, d.taskAssignment)
		case "external_reference":
			return nullable(d, &e.ExternalReference, func(x *ExternalReference) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "id":
						return d.str(&x.ID)
					case "group_id":
						return d.str(&x.GroupID)
					case "account_id":
						return d.str(&x.AccountID)
					case "permalink":
						return d.str(&x.Permalink)
					case "service":
						return d.str(&x.Service)
					case "service_icon_url":
						return d.str(&x.ServiceIconURL)
					}
					return d.skip(0)
				})
			})
		case "invoice":
			return nullable(d, &e.Invoice, func(x *InvoiceRef) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "id":
						return d.int64(&x.ID)
					case "number":
						return d.str(&x.Number)
					}
					return d.skip(0)
				})
			})
		case "hours":
			return d.number(&e.Hours)
		case "hours_without_timer":
			return d.number(&e.HoursWithoutTimer)
		case "rounded_hours":
			return d.number(&e.RoundedHours)
		case "notes":
			return d.str(&e.Notes)
		case "is_locked":
			return d.bool(&e.IsLocked)
		case "locked_reason":
			return d.str(&e.LockedReason)
		case "is_closed":
			return d.bool(&e.IsClosed)
		case "approval_status":
			return d.str(&e.ApprovalStatus)
		case "is_billed":
			return d.bool(&e.IsBilled)
		case "timer_started_at":
			return d.timePtr(&e.TimerStartedAt)
		case "started_time":
			return d.str(&e.StartedTime)
		case "ended_time":
			return d.str(&e.EndedTime)
		case "is_running":
			return d.bool(&e.IsRunning)
		case "billable":
			return d.bool(&e.Billable)
		case "budgeted":
			return d.bool(&e.Budgeted)
		case "billable_rate":
			return d.number(&e.BillableRate)
		case "cost_rate":
			return d.number(&e.CostRate)
		case "created_at":
			return d.time(&e.CreatedAt)
		case "updated_at":
			return d.time(&e.UpdatedAt)
		}
		return d.skip(0)
	})
}

// nullable decodes an object into *dst, allocating it, or sets it to nil
// for null, as encoding/json does for pointer fields.
func nullable[T any](d *lexer, dst **T, decode func(*T) error) error {
	if d.literal("null") {
		*dst = nil
		return nil
	}
	if *dst == nil {
		*dst = new(T)
	}
	return decode(*dst)
}

func (d *lexer) userAssignment(u *UserAssignment) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "id":
			return d.int64(&u.ID)
		case "is_project_manager":
			return d.bool(&u.IsProjectManager)
		case "is_active":
			return d.bool(&u.IsActive)
		case "use_default_rates":
			return d.bool(&u.UseDefaultRates)
		case "budget":
			return d.number(&u.Budget)
		case "created_at":
			return d.time(&u.CreatedAt)
		case "updated_at":
			return d.time(&u.UpdatedAt)
		case "hourly_rate":
			return d.number(&u.HourlyRate)
		case "project":
			return nullable(d, &u.Project, d.projectRef)
		case "user":
			return nullable(d, &u.User, d.idName)
		}
		return d.skip(0)
	})
}

func (d *lexer) taskAssignment(t *TaskAssignment) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "id":
			return d.int64(&t.ID)
		case "billable":
			return d.bool(&t.Billable)
		case "is_active":
			return d.bool(&t.IsActive)
		case "created_at":
			return d.time(&t.CreatedAt)
		case "updated_at":
			return d.time(&t.UpdatedAt)
		case "hourly_rate":
			return d.number(&t.HourlyRate)
		case "budget":
			return d.number(&t.Budget)
		case "project":
			return nullable(d, &t.Project, d.projectRef)
		case "task":
			return nullable(d, &t.Task, d.idName)
		}
		return d.skip(0)
	})
}
