package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"vigie/bench/internal/accounts"
)

// bench sends the requests: one at a time, each from its own loopback
// address, each tagged in its User-Agent so the request log gives its
// server time.
type bench struct {
	srv      *server
	timeout  time.Duration
	logTimes map[string]float64 // server time by User-Agent, from the request log
	client   *http.Client
	sources  atomic.Int64 // loopback source addresses used so far
	seq      atomic.Int64 // requests sent so far
}

const agent = "vigie-bench-pages/"

// newClient dials every connection from the next address of 127.1.1.1 and
// up, and keeps none open: each request is a new client to the server.
func (b *bench) newClient() *http.Client {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		n := int(b.sources.Add(1))
		src := net.IPv4(127, byte(1+n/(254*254)%254), byte(1+n/254%254), byte(1+n%254))
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}, Timeout: b.timeout}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Timeout: b.timeout, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
}

type answer struct {
	ms     float64
	status int
	body   []byte
	tag    string
	err    error
}

func (b *bench) do(method, path, token string, body []byte) answer {
	tag := agent + strconv.FormatInt(b.seq.Add(1), 10)
	req, err := http.NewRequest(method, b.srv.base()+path, bytes.NewReader(body))
	must(err)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", tag)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	start := time.Now()
	res, err := b.client.Do(req)
	if err != nil {
		return answer{ms: ms(time.Since(start)), tag: tag, err: err}
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	return answer{ms: ms(time.Since(start)), status: res.StatusCode, body: data, tag: tag, err: err}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// signIn is signin.js: the token and the user's id, and its one measure
// (once per profile: it writes the user, and PocketBase allows a client two
// a 3 s).
func (b *bench) signIn(p *profile) (token, id string, c cell) {
	body, _ := json.Marshal(map[string]string{"identity": p.email, "password": accounts.Password})
	a := b.do("POST", "/api/collections/users/auth-with-password", "", body)
	c = cell{call: "sign in", profile: p.name, method: "POST", signIn: true, status: a.status, items: -1,
		samples: []float64{a.ms}, tags: []string{a.tag}}
	var out struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	if a.err != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Token == "" {
		fatal(fmt.Errorf("sign-in of %s: %v %d %s", p.email, a.err, a.status, a.body))
	}
	b.logCell(&c)
	return out.Token, out.Record.ID, c
}

// firstID is the id of a list's first item, empty if none.
func firstID(body []byte) string {
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &list) != nil || len(list.Items) == 0 {
		return ""
	}
	return list.Items[0].ID
}

// measure runs one cell: warm-ups, then measured requests until n or the
// cell's time is spent. A timeout ends the cell; so does a warm-up slower
// than the cell's time, measured once.
func (b *bench) measure(c *cell, warm, n int, budget time.Duration) {
	start := time.Now()
	send := func() (answer, bool) {
		a := b.do(c.method, c.path, c.token, nil)
		var netErr net.Error
		if errors.As(a.err, &netErr) && netErr.Timeout() {
			c.timeout = true
			return a, false
		}
		if a.err != nil {
			c.errText = a.err.Error()
			return a, false
		}
		c.status, c.items, c.firstID = a.status, items(a.body), firstID(a.body)
		return a, true
	}
	for i := 0; i < warm && time.Since(start) < budget/2; i++ {
		a, ok := send()
		if !ok {
			b.logCell(c)
			return
		}
		// A call slower than the cell's time fails whatever comes next:
		// this answer is its one measure.
		if a.ms > ms(budget) {
			c.samples, c.tags, c.slow = []float64{a.ms}, []string{a.tag}, true
			b.logCell(c)
			return
		}
	}
	for i := 0; i < n && (i == 0 || time.Since(start) < budget); i++ {
		a, ok := send()
		if !ok {
			break
		}
		c.samples, c.tags = append(c.samples, a.ms), append(c.tags, a.tag)
	}
	b.logCell(c)
}

func (b *bench) logCell(c *cell) {
	p50, p99 := percentiles(c.samples)
	log.Printf("%-30s %-15s %3d  n=%-3d p50 %8.1f ms  p99 %8.1f ms%s", c.call, c.profile, c.status, len(c.samples), p50, p99,
		map[bool]string{true: "  TIMEOUT", false: ""}[c.timeout])
}

// items counts a list answer's items; -1 for any other answer.
func items(body []byte) int {
	var list struct {
		Items *[]json.RawMessage `json:"items"`
	}
	if json.Unmarshal(body, &list) != nil || list.Items == nil {
		return -1
	}
	return len(*list.Items)
}

// readLog gives cells their server times: each measured request's
// execTime in the request log (work/auxiliary.db), waiting for the log's
// writer, which writes every 3 s.
func (b *bench) readLog(cells []cell) {
	want := 0
	for _, c := range cells {
		want += len(c.tags)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.srv.work, "auxiliary.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	must(err)
	defer db.Close()
	found := func() int {
		n := 0
		for _, c := range cells {
			for _, tag := range c.tags {
				if _, ok := b.logTimes[tag]; ok {
					n++
				}
			}
		}
		return n
	}
	for start := time.Now(); found() < want && time.Since(start) < 10*time.Second; time.Sleep(time.Second) {
		rows, err := db.Query(`SELECT json_extract(data, '$.userAgent'), json_extract(data, '$.execTime') FROM _logs
			WHERE json_extract(data, '$.userAgent') LIKE ?`, agent+"%")
		if err != nil {
			log.Printf("request log: %v", err)
			continue
		}
		for rows.Next() {
			var tag string
			var exec float64
			if rows.Scan(&tag, &exec) == nil {
				b.logTimes[tag] = exec
			}
		}
		rows.Close()
	}
	log.Printf("request log: server time of %d of %d measured requests", found(), want)
	for i := range cells {
		cells[i].server = cells[i].server[:0]
		for _, tag := range cells[i].tags {
			if t, ok := b.logTimes[tag]; ok {
				cells[i].server = append(cells[i].server, t)
			}
		}
	}
}
