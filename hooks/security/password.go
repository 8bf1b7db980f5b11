package security

import (
	"github.com/ccojocar/zxcvbn-go"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// bindPasswordScore estimates a password's strength (0-4, zxcvbn) when it is
// set, for the access overview (S4). The password itself is never kept.
func (s *Service) bindPasswordScore(app core.App) {
	score := func(e *core.RecordEvent) error {
		if plain := e.Record.GetString("password"); plain != "" {
			inputs := []string{e.Record.Email(), e.Record.GetString("firstName"), e.Record.GetString("lastName"), "vigie"}
			e.Record.Set("passwordScore", zxcvbn.PasswordStrength(plain, inputs).Score)
		}
		return e.Next()
	}
	app.OnRecordCreate(schema.Users).BindFunc(score)
	app.OnRecordUpdate(schema.Users).BindFunc(score)
}
