// Package pb_public holds the portal's pages (plain HTML, CSS and JavaScript
// against the REST API) and embeds them in the binary.
package pb_public

import (
	"embed"
	"io/fs"
)

//go:embed *.html css js
var files embed.FS

// FS returns the pages, rooted at the folder.
func FS() fs.FS { return files }
