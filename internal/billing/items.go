package billing

import "fmt"

// resolveItem picks the QBO item for a task of e: the engagement's
// task_items mapping, else an item named like the task, else the firm's
// default item. With KnownItems set, an item QBO does not have is unusable:
// every QBO SalesItemLine names its item in SalesItemLineDetail.ItemRef
// (docs/vendors.md §2.2). It returns the item, or "" and why there is none.
func (x *engine) resolveItem(e *Engagement, task string) (item, why string) {
	known := x.in.KnownItems
	if it, ok := e.TaskItems[task]; ok && it != "" {
		if known != nil && !known[it] {
			return "", fmt.Sprintf("task_items maps it to %q, which QuickBooks does not have", it)
		}
		return it, ""
	}
	if known == nil || known[task] {
		return task, ""
	}
	d := x.in.Firm.DefaultItem
	switch {
	case d == "":
		return "", fmt.Sprintf("no task_items entry, no QuickBooks item named %q, and no default_item", task)
	case !known[d]:
		return "", fmt.Sprintf("no task_items entry, no QuickBooks item named %q, and the default_item %q is not in QuickBooks", task, d)
	}
	return d, ""
}
