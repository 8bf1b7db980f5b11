package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// underGuests measures the pages' calls of one signed-in profile alone and
// then again while n anonymous clients, each from an address of its own as
// an attacker with n machines would, send the guests' calls without pause
// (S13: guests must not slow the other users down). The guests meet the
// per-address rate limits like anyone.
func (b *bench) underGuests(plan []cell, n int, profile string, warm, count int, cellTime time.Duration) {
	var guests, mine []cell
	for _, c := range plan {
		switch {
		case c.guest && c.path != "":
			guests = append(guests, c)
		case c.profile == profile && !c.signIn && !c.skipped && c.path != "" && c.method == http.MethodGet:
			mine = append(mine, c)
		}
	}
	if len(guests) == 0 || len(mine) == 0 {
		fmt.Printf("guest load: nothing to measure for %q\n", profile)
		return
	}
	measureAll := func() []cell {
		out := make([]cell, len(mine))
		for i, c := range mine {
			c.samples, c.tags = nil, nil
			b.measure(&c, warm, count, cellTime)
			out[i] = c
		}
		return out
	}
	alone := measureAll()

	ctx, cancel := context.WithCancel(context.Background())
	var sent, limited, failed atomic.Int64
	var wg sync.WaitGroup
	for g := range n {
		client := b.fixedClient(net.IPv4(127, 200, 0, byte(1+g)))
		wg.Go(func() {
			for i := g; ctx.Err() == nil; i++ {
				c := guests[i%len(guests)]
				req, _ := http.NewRequestWithContext(ctx, c.method, b.srv.base()+c.path, nil)
				req.Header.Set("User-Agent", "vigie-bench-guest-load")
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
					}
					continue
				}
				if res.StatusCode == http.StatusTooManyRequests {
					limited.Add(1)
				}
				io.Copy(io.Discard, res.Body) // so the connection is kept
				res.Body.Close()
				sent.Add(1)
			}
		})
	}
	time.Sleep(time.Second) // the guests at full speed first
	started := time.Now()
	loaded := measureAll()
	elapsed := time.Since(started)
	cancel()
	wg.Wait()

	var worst float64
	for i := range alone {
		a50, a99 := percentiles(alone[i].samples)
		l50, l99 := percentiles(loaded[i].samples)
		ratio := l99 / max(a99, 0.001)
		worst = max(worst, ratio)
		fmt.Printf("%-30s %-15s alone p50 %6.1f p99 %6.1f ms, under %d guests p50 %6.1f p99 %6.1f ms: %.2f×\n",
			alone[i].call, profile, a50, a99, n, l50, l99, ratio)
	}
	fmt.Printf("guest load: %d guests had %d answers (%d of them 429) and %d failures in %.1f s; worst p99 ratio %.2f×\n",
		n, sent.Load(), limited.Load(), failed.Load(), elapsed.Seconds()+1, worst)
}

// fixedClient sends every request from ip, keeping connections open, as
// one machine would.
func (b *bench) fixedClient(ip net.IP) *http.Client {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: b.timeout}
	return &http.Client{Timeout: b.timeout, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1}}
}
