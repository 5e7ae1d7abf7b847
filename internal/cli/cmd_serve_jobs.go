package cli

import "time"

// configPoll is how often serve reads the stored configuration's version to
// pick up a `config import` (schedules and time zone included) without a
// restart; one small query. The scheduler is app.Billbot.Scheduler.
const configPoll = 15 * time.Second
