package share

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// newToken returns a random 256-bit token, URL-safe, and its hash.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// findLink looks a link up by its token's hash and compares the hashes in
// constant time; nil when no link has that token.
func findLink(app core.App, token string) *core.Record {
	if len(token) < 20 || len(token) > 100 {
		return nil
	}
	hash := hashToken(token)
	link, err := app.FindFirstRecordByFilter(schema.ShareLinks, "tokenHash = {:h}", dbx.Params{"h": hash})
	if err != nil || subtle.ConstantTimeCompare([]byte(link.GetString("tokenHash")), []byte(hash)) != 1 {
		return nil
	}
	return link
}

// sameEmail compares addresses trimmed and case-insensitively, in constant
// time for equal lengths.
func sameEmail(typed, sent string) bool {
	a := strings.ToLower(strings.TrimSpace(typed))
	b := strings.ToLower(strings.TrimSpace(sent))
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// fileSignature signs one file of one link until expires (unix seconds).
func (s *Service) fileSignature(linkID, fileName, expires string) string {
	mac := hmac.New(sha256.New, s.fileKey)
	mac.Write([]byte(linkID + "\x00" + fileName + "\x00" + expires))
	return hex.EncodeToString(mac.Sum(nil))
}
