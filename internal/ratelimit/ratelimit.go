// Package ratelimit applies PocketBase's rate-limit rules on a route Vigie
// serves in place of one of PocketBase's own (the documents list): the same
// labels, audiences, fixed windows and answers as PocketBase's collection
// handlers, whose limiter is not exported.
//
// Upstream: apis/middlewares_rate_limit.go of PocketBase v0.36.8
// (internal/upstream fails until it is compared again after an upgrade).
package ratelimit

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Limiter counts requests per bucket and client in fixed windows.
type Limiter struct {
	mu        sync.Mutex
	windows   map[string]*window
	lastSweep time.Time
	now       func() time.Time
}

type window struct {
	start     time.Time
	duration  time.Duration
	available int
}

// New returns an empty limiter on the wall clock.
func New() *Limiter { return &Limiter{windows: map[string]*window{}, now: time.Now} }

// Allow takes one request from client's allowance in bucket under rule.
func (l *Limiter) Allow(bucket, client string, rule core.RateLimitRule) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	// The rule is part of the key: an edited rule starts fresh windows, as
	// PocketBase's limiters are reset when the settings change.
	key := bucket + "\x00" + rule.String() + "\x00" + client
	w, ok := l.windows[key]
	if !ok || now.Sub(w.start) >= w.duration {
		w = &window{start: now, duration: time.Duration(rule.Duration) * time.Second, available: rule.MaxRequests}
		l.windows[key] = w
	}
	if w.available <= 0 {
		return false
	}
	w.available--
	return true
}

// sweep drops ended windows once a minute, so idle clients do not pile up.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for k, w := range l.windows {
		if now.Sub(w.start) >= w.duration {
			delete(l.windows, k)
		}
	}
}

// CheckCollection is PocketBase's check for a collection action (list,
// view...): the first rule matching "<collection>:<action>", "*:<action>",
// then the request's method and path, for the caller's audience, counted
// per collection, route and client address. Superusers and a disabled
// limiter pass.
func (l *Limiter) CheckCollection(e *core.RequestEvent, collection *core.Collection, action string) error {
	limits := e.App.Settings().RateLimits
	if !limits.Enabled || e.HasSuperuserAuth() {
		return nil
	}
	labels := []string{collection.Name + ":" + action, "*:" + action,
		e.Request.Method + " " + e.Request.URL.Path, e.Request.URL.Path}
	audience := []string{core.RateLimitRuleAudienceAll, core.RateLimitRuleAudienceGuest}
	if e.Auth != nil {
		audience = []string{core.RateLimitRuleAudienceAll, core.RateLimitRuleAudienceAuth}
	}
	rule, ok := limits.FindRateLimitRule(labels, audience...)
	if !ok {
		return nil
	}
	bucket := collection.Id + e.Request.Pattern + action + rule.Audience
	if e.Auth == nil && strings.HasPrefix(rule.Label, "/") {
		// A guest reads nothing from any list: under a path rule its
		// requests to every collection share one allowance per address,
		// where PocketBase's bucket per collection let one client spread
		// over twelve lists send twelve times the rule (S13).
		bucket = "guest " + rule.Label
	}
	return l.Check(e, bucket, rule)
}

// Check counts the request against rule in bucket, keyed by the client's
// address, and answers 429 once the window's allowance is spent.
func (l *Limiter) Check(e *core.RequestEvent, bucket string, rule core.RateLimitRule) error {
	switch rule.Audience {
	case core.RateLimitRuleAudienceGuest:
		if e.Auth != nil {
			return nil
		}
	case core.RateLimitRuleAudienceAuth:
		if e.Auth == nil {
			return nil
		}
	}
	client := e.RealIP()
	if client == "" || l.Allow(bucket, client, rule) {
		return nil
	}
	return e.TooManyRequestsError("", errors.New("triggered rate limit rule: "+rule.String()))
}
