package reminders

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// OrphanAge is how old a stored file without a record must be before
// housekeeping removes it: PocketBase writes a file before the record that
// names it commits, so a younger one may belong to an upload in flight.
const OrphanAge = time.Hour

// DeleteOrphanFiles removes the stored files, in every collection holding
// files, whose record does not exist and that were written before
// olderThan: what a crash between a file's upload and its record's commit
// leaves behind. It returns how many files it removed.
func DeleteOrphanFiles(app core.App, olderThan time.Time) (int, error) {
	collections, err := app.FindAllCollections()
	if err != nil {
		return 0, err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return 0, err
	}
	defer fsys.Close()
	removed := 0
	for _, c := range collections {
		if c.IsView() || !hasFileField(c) {
			continue
		}
		objects, err := fsys.List(c.Id + "/")
		if err != nil {
			return removed, err
		}
		byRecord := map[string][]string{}
		for _, o := range objects {
			parts := strings.SplitN(o.Key, "/", 3)
			if len(parts) < 3 || !o.ModTime.Before(olderThan) {
				continue
			}
			byRecord[parts[1]] = append(byRecord[parts[1]], o.Key)
		}
		ids := make([]any, 0, len(byRecord))
		for id := range byRecord {
			ids = append(ids, id)
		}
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			var existing []string
			if err := app.DB().Select("id").From(c.Name).Where(dbx.In("id", chunk...)).Column(&existing); err != nil {
				return removed, err
			}
			exists := map[string]bool{}
			for _, id := range existing {
				exists[id] = true
			}
			for _, id := range chunk {
				if exists[id.(string)] {
					continue
				}
				for _, key := range byRecord[id.(string)] {
					if err := fsys.Delete(key); err != nil {
						return removed, err
					}
					removed++
				}
			}
		}
	}
	return removed, nil
}

func hasFileField(c *core.Collection) bool {
	for _, f := range c.Fields {
		if f.Type() == core.FieldTypeFile {
			return true
		}
	}
	return false
}
