package oraclenet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

// Client asks the app's own handler, as `vigie serve` runs it (every route,
// middleware and hook), in process: what a REST client would get.
type Client struct{ h http.Handler }

// NewClient builds app's handler once; requests then cost what they cost
// a server.
func NewClient(t *testing.T, app core.App) *Client {
	t.Helper()
	h, err := handler.New(app)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{h: h}
}

// TokenOf returns a fresh token of r, or "" (a guest) for nil.
func TokenOf(t *testing.T, r *core.Record) string {
	if r == nil {
		return ""
	}
	return testkit.Token(t, r)
}

// Do sends one request with token (none when empty) and a JSON body (none
// when nil), and decodes the JSON answer when there is one.
func (c *Client) Do(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// List returns the status of the records list of collection for token and
// the ids of every record it gives, all pages read.
func (c *Client) List(t *testing.T, collection, token string) (int, []string) {
	t.Helper()
	var ids []string
	for page := 1; ; page++ {
		status, body := c.Do(t, http.MethodGet, fmt.Sprintf("/api/collections/%s/records?perPage=500&page=%d", collection, page), token, nil)
		if status != http.StatusOK {
			return status, nil
		}
		items, _ := body["items"].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				id, _ := m["id"].(string)
				ids = append(ids, id)
			}
		}
		if total, _ := body["totalPages"].(float64); float64(page) >= total {
			return status, ids
		}
	}
}

// View returns the status of one record's view for token.
func (c *Client) View(t *testing.T, collection, id, token string) int {
	t.Helper()
	status, _ := c.Do(t, http.MethodGet, "/api/collections/"+collection+"/records/"+id, token, nil)
	return status
}
