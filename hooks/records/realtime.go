package records

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/querypolicy"
)

// bindRealtimeFilters applies the lists' filter policy (S8) to realtime
// subscriptions: PocketBase runs a subscription's filter against every
// event's record, so it is the same oracle as a list's.
func bindRealtimeFilters(app core.App) {
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		for _, topic := range e.Subscriptions {
			collection, filter := subscriptionFilter(topic)
			if filter == "" {
				continue
			}
			c, err := e.App.FindCachedCollectionByNameOrId(collection)
			if err != nil {
				continue // not a records topic: PocketBase sends it nothing
			}
			if err := querypolicy.CheckFilter(c, filter); err != nil {
				return err
			}
		}
		return e.Next()
	})
}

// subscriptionFilter reads a topic ("collection/*" or "collection/id",
// with an optional options={"query":{"filter":…}}) as PocketBase's
// subscriptions client does.
func subscriptionFilter(topic string) (collection, filter string) {
	u, err := url.Parse(topic)
	if err != nil {
		return "", ""
	}
	collection, _, _ = strings.Cut(u.Path, "/")
	var options struct {
		Query map[string]any `json:"query"`
	}
	if raw := u.Query().Get("options"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &options)
	}
	filter, _ = options.Query[search.FilterQueryParam].(string)
	return collection, filter
}
