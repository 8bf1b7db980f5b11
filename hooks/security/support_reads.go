package security

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/internal/schema"
)

// bindSupportFileAndStreamReads audits what support staff read outside the
// records lists and views (S6, S14): a file they download, and each record
// a realtime stream delivers to them, per establishment it belongs to. A
// file request carries a file token rather than the session: the reader is
// the token's.
func (s *Service) bindSupportFileAndStreamReads(app core.App) {
	app.OnFileDownloadRequest().BindFunc(func(e *core.FileDownloadRequestEvent) error {
		reader := e.Auth
		if token := e.Request.URL.Query().Get("token"); token != "" {
			if r, err := e.App.FindAuthRecordByToken(token, core.TokenTypeFile); err == nil {
				reader = r
			}
		}
		if err := e.Next(); err != nil || !isSupport(reader) {
			return err
		}
		return s.auditSupportReach(e.App, reader, e.RealIP(), e.Collection.Name, []*core.Record{e.Record},
			map[string]any{"via": "file", "file": e.ServedName})
	})
	app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		reader, _ := e.Client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if !isSupport(reader) {
			return nil
		}
		collection, _, _ := strings.Cut(e.Message.Name, "/")
		record := streamedRecord(e.App, collection, e.Message.Data)
		if record == nil {
			return nil
		}
		return s.auditSupportReach(e.App, reader, e.RealIP(), collection, []*core.Record{record}, map[string]any{"via": "realtime"})
	})
}

func isSupport(r *core.Record) bool {
	return r != nil && r.Collection().Name == schema.Users && r.GetBool("support")
}

// streamedRecord is the record a realtime message carries, as stored (the
// message may hold only the fields the subscriber asked for), or as sent
// when it is gone (a deletion).
func streamedRecord(app core.App, collection string, data []byte) *core.Record {
	var msg struct {
		Record map[string]any `json:"record"`
	}
	if json.Unmarshal(data, &msg) != nil || msg.Record == nil {
		return nil
	}
	id, _ := msg.Record["id"].(string)
	if r, err := app.FindRecordById(collection, id); err == nil {
		return r
	}
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil
	}
	r := core.NewRecord(c)
	r.Load(msg.Record)
	return r
}

// auditSupportReach writes one support.read row per establishment the
// records belong to, as the lists' audit does.
func (s *Service) auditSupportReach(app core.App, reader *core.Record, ip, collection string, records []*core.Record, extra map[string]any) error {
	find, ok := supportAudited(collection)
	if !ok {
		return nil
	}
	byEst := map[string][]string{}
	for _, r := range records {
		for _, est := range find(r) {
			byEst[est] = append(byEst[est], r.Id)
		}
	}
	for est, ids := range byEst {
		data := map[string]any{"records": ids, "at": time.Now().UTC().Format(time.RFC3339)}
		for k, v := range extra {
			data[k] = v
		}
		entry := audit.Entry{Action: audit.SupportRead, Establishment: est, Collection: collection,
			Actor: reader.Id, ActorEmail: reader.Email(), IP: ip, Data: data}
		if err := audit.Write(app, entry); err != nil {
			return err
		}
	}
	return nil
}
