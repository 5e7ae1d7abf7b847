package deps

import (
	_ "github.com/glebarez/sqlite"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/robfig/cron/v3"
	_ "github.com/slack-go/slack"
	_ "github.com/slack-go/slack/socketmode"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/time/rate"
	_ "gorm.io/driver/postgres"
	_ "gorm.io/gorm"
)
